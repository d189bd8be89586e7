import datums from 'proj4/lib/constants/Datum.js';
import ellipsoids from 'proj4/lib/constants/Ellipsoid.js';
import primeMeridians from 'proj4/lib/constants/PrimeMeridian.js';
import units from 'proj4/lib/constants/units.js';
import { CrsError } from './CrsError.js';

type Range = readonly [number, number];
const LATITUDE: Range = [-90, 90];
const LONGITUDE: Range = [-360, 360];
const ANY: Range = [-Infinity, Infinity];
const POSITIVE: Range = [Number.MIN_VALUE, Infinity];
/** Scale factors: ESRI's south-orientated Gauss conformal systems write k=-1. */
const NOT_ZERO: Range = [-Infinity, Infinity];

/** The numeric parameters proj4js reads (with parseFloat, so "abc" becomes NaN and "1x" 1), and their valid ranges. */
const NUMERIC: Readonly<Record<string, Range>> = {
  lat_0: LATITUDE,
  lat_1: LATITUDE,
  lat_2: LATITUDE,
  lat_ts: LATITUDE,
  lon_0: LONGITUDE,
  lon_1: LONGITUDE,
  lon_2: LONGITUDE,
  lonc: LONGITUDE,
  lon_wrap: LONGITUDE,
  from_greenwich: LONGITUDE,
  alpha: [-360, 360],
  gamma: [-360, 360],
  x_0: ANY,
  y_0: ANY,
  k: NOT_ZERO,
  k_0: NOT_ZERO,
  a: POSITIVE,
  b: POSITIVE,
  r: POSITIVE,
  rf: POSITIVE,
  to_meter: POSITIVE,
  h: POSITIVE,
};

/** Names proj4js looks up without complaint, falling back to a default when it finds nothing. */
const NAMED: Readonly<Record<string, readonly string[]>> = {
  ellps: Object.keys(ellipsoids),
  datum: [...Object.keys(datums), 'none'],
  units: [...Object.keys(units), 'm', 'meter', 'metre', 'degrees'],
};

/** proj4js's own key matching: case, spaces, _ - / ( ) ignored. */
const normalized = (name: string): string => name.toLowerCase().replace(/[\s_\-/()]/g, '');

/**
 * Checks the parameters of a proj4 string before proj4js sees it. proj4js accepts what it
 * cannot read: `+k=abc` becomes NaN (every position then converts to NaN), an unknown
 * `+ellps`, `+datum` or `+units` silently becomes WGS84 or metres (positions off by metres to
 * kilometres). Each is a CrsError naming the parameter. Keys it does not know are left to
 * proj4js (PROJ has many; `+no_defs`, `+type=crs` are harmless).
 */
export function checkProj4Parameters(definition: string): void {
  // Split as proj4js splits: at "+" (a value may hold spaces, e.g. a quoted grid file name).
  const [before, ...tokens] = definition.split('+');
  if (before!.trim() !== '') throw new CrsError(`proj4 string: "${before!.trim()}" is not a +parameter`);
  for (const token of tokens.map((t) => t.trim()).filter((t) => t !== '')) {
    if (/\s/.test(token) && !/^\w+="[^"]*"$/.test(token)) throw new CrsError(`proj4 string: "${token}" is not a +parameter (a space inside it?)`);
    const [rawKey, ...rest] = token.split('=');
    const key = rawKey!.toLowerCase();
    const value = rest.join('=');
    const range = NUMERIC[key];
    if (range) {
      const number = Number(value);
      if (value === '' || !Number.isFinite(number)) throw new CrsError(`proj4 string: +${rawKey}=${value} is not a number`);
      if (number < range[0] || number > range[1] || (range === NOT_ZERO && number === 0))
        throw new CrsError(`proj4 string: +${rawKey}=${value} is out of range (${range[0]} to ${range[1]})`);
      continue;
    }
    if (key === 'zone') {
      const zone = Number(value);
      if (!Number.isInteger(zone) || zone < 1 || zone > 60) throw new CrsError(`proj4 string: +zone=${value} is not a UTM zone (1 to 60)`);
    } else if (key === 'towgs84') {
      const values = value.split(',').map(Number);
      if (!(values.length === 3 || values.length === 7) || !values.every(Number.isFinite)) {
        throw new CrsError(`proj4 string: +towgs84=${value} is not 3 or 7 comma-separated numbers`);
      }
    } else if (key === 'pm') {
      const known = Object.keys(primeMeridians).some((name) => normalized(name) === normalized(value));
      if (!known && !Number.isFinite(Number(value))) throw new CrsError(`proj4 string: +pm=${value} is neither a prime meridian name nor a longitude`);
    } else if (key === 'axis') {
      if (!/^[ewnsud]{3}$/.test(value)) throw new CrsError(`proj4 string: +axis=${value} is not three of e, w, n, s, u, d (e.g. enu)`);
    } else if (NAMED[key]) {
      if (!NAMED[key].some((name) => normalized(name) === normalized(value)))
        throw new CrsError(`proj4 string: +${rawKey}=${value} is not a known ${key} name`);
    }
  }
}
