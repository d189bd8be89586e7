import { createRequire } from 'node:module';
import proj4 from 'proj4';
import gcoord from 'gcoord';
import type { Crs } from './Crs.js';
import { checkProj4Parameters } from './checkProj4Parameters.js';
import { CrsError } from './CrsError.js';

const require = createRequire(import.meta.url);

interface EpsgEntry {
  code: string;
  kind: string;
  name: string;
  wkt: string | null;
  proj4: string | null;
}

const HINT =
  'use --crs with an EPSG code (EPSG:4326, EPSG:4490, EPSG:4548 for CGCS2000 3-degree GK zone 39 / CM 117E), ' +
  'GCJ02, or a proj4 string ("+proj=tmerc +lon_0=117 +x_0=500000 +ellps=GRS80 +units=m")';

/**
 * Registry definitions we correct. epsg-index writes some 7-parameter datum shifts in the
 * coordinate-frame convention while proj4js reads position-vector: RD New lands ~150 m off.
 */
const PROJ4_OVERRIDES: Readonly<Record<string, string>> = {
  '28992':
    '+proj=sterea +lat_0=52.15616055555555 +lon_0=5.38763888888889 +k=0.9999079 +x_0=155000 +y_0=463000 ' +
    '+ellps=bessel +towgs84=565.2369,50.0087,465.658,-0.406857,0.350733,-1.87035,4.0812 +units=m +no_defs',
};

const cache = new Map<string, Crs>();

/**
 * Resolves a CRS from what users and files say: "EPSG:4548", "4548", OGC URNs and URLs,
 * "CRS84"/"WGS84", "GCJ02", a proj4 string or a WKT text (a .prj file).
 * Throws CrsError with a hint when it cannot be resolved; never guesses.
 */
export function resolveCrs(spec: string): Crs {
  const key = spec.trim();
  const cached = cache.get(key);
  if (cached) return cached;
  const crs = resolveUncached(key);
  cache.set(key, crs);
  return crs;
}

function resolveUncached(spec: string): Crs {
  if (spec === '') throw new CrsError(`empty CRS; ${HINT}`);
  const upper = spec.toUpperCase();
  if (/^(GCJ-?02|GCJ02LL|MARS)$/.test(upper)) return gcj02;
  if (/^(WGS ?84|CRS:?84|OGC:CRS84|URN:OGC:DEF:CRS:OGC:1\.3:CRS84|HTTPS?:\/\/WWW\.OPENGIS\.NET\/DEF\/CRS\/OGC\/1\.3\/CRS84)$/.test(upper)) {
    return lonLat('EPSG:4326');
  }
  if (/^(CGCS ?2000)$/.test(upper)) return lonLat('EPSG:4490');
  const code =
    /^(?:EPSG:+)?(\d{4,6})$/.exec(upper)?.[1] ??
    /^URN:OGC:DEF:CRS:EPSG:[\d.]*:(\d+)$/.exec(upper)?.[1] ??
    /OPENGIS\.NET\/DEF\/CRS\/EPSG\/\d+\/(\d+)$/.exec(upper)?.[1];
  if (code) return fromEpsgCode(code);
  if (spec.startsWith('+')) {
    checkProj4Parameters(spec);
    const crs = fromProj4(`proj4:${spec}`, spec);
    // Whatever slipped through the parameter check: the false origin must convert to a place on Earth.
    const origin = new Float64Array(2);
    crs.toWgs84(Number(/\+x_0=(\S+)/.exec(spec)?.[1] ?? 0), Number(/\+y_0=(\S+)/.exec(spec)?.[1] ?? 0), origin);
    if (!(Math.abs(origin[0]!) <= 360 && Math.abs(origin[1]!) <= 90)) {
      throw new CrsError(`the CRS definition "${truncate(spec)}" converts its own origin to (${origin[0]}, ${origin[1]}), not a place on Earth; ${HINT}`);
    }
    return crs;
  }
  if (/^(PROJCS|GEOGCS|COMPD_CS|PROJCRS|GEOGCRS|COMPOUNDCRS)\s*\[/i.test(spec)) return fromWkt(spec);
  throw new CrsError(`unknown CRS "${truncate(spec)}"; ${HINT}`);
}

/**
 * WGS84 and CGCS2000 lon/lat: positions pass through unchanged (the two datums differ by
 * centimetres, below what CIM building data resolves), without a proj4 call per vertex.
 */
function lonLat(id: string): Crs {
  return {
    id,
    isGeographic: true,
    toWgs84(x, y, out) {
      out[0] = x;
      out[1] = y;
    },
  };
}

// WGS 84 (2D, 3D) and CGCS2000 (2D, 3D).
const LON_LAT_CODES = new Set(['4326', '4979', '4490', '4480']);

function fromEpsgCode(code: string): Crs {
  if (LON_LAT_CODES.has(code)) return lonLat(`EPSG:${code}`);
  const override = PROJ4_OVERRIDES[code];
  if (override) return fromProj4(`EPSG:${code}`, override);
  let entry: EpsgEntry;
  try {
    entry = require(`epsg-index/s/${code}.json`) as EpsgEntry;
  } catch {
    throw new CrsError(`EPSG:${code} is not a known EPSG coordinate reference system; ${HINT}`);
  }
  if (entry.kind === 'CRS-COMPOUNDCRS' && entry.wkt) {
    // A compound CRS (e.g. EPSG:7415 RD New + NAP): positions use its horizontal part,
    // whose own EPSG entry carries the datum shift the compound entry lacks.
    const horizontal = /^COMPD_CS\[[^[]*(?:PROJCS|GEOGCS)\[.*?AUTHORITY\["EPSG","(\d+)"\]\]/.exec(entry.wkt);
    const lastAuthority = [...entry.wkt.matchAll(/AUTHORITY\["EPSG","(\d+)"\]\],(?:VERT_CS|VERTCS)/g)].at(0)?.[1];
    const horizontalCode = lastAuthority ?? horizontal?.[1];
    if (horizontalCode && horizontalCode !== code) {
      const crs = fromEpsgCode(horizontalCode);
      return { ...crs, id: `EPSG:${code}` };
    }
  }
  if (!entry.proj4 || !entry.kind.startsWith('CRS-')) {
    throw new CrsError(`EPSG:${code} (${entry.name}) has no usable definition for positions; ${HINT}`);
  }
  return fromProj4(`EPSG:${code}`, entry.proj4);
}

function fromWkt(wkt: string): Crs {
  // Prefer the EPSG code a WKT names for itself: the registry definition is authoritative.
  const topAuthority = /AUTHORITY\["EPSG",\s*"?(\d+)"?\]\]\s*$/.exec(wkt.trim());
  if (topAuthority?.[1]) return fromEpsgCode(topAuthority[1]);
  try {
    return fromProj4(`wkt:${truncate(wkt, 60)}`, wkt);
  } catch (error) {
    throw new CrsError(`cannot use the WKT CRS "${truncate(wkt)}": ${(error as Error).message}; ${HINT}`);
  }
}

function fromProj4(id: string, definition: string): Crs {
  let converter: proj4.Converter;
  try {
    converter = proj4(definition, 'EPSG:4326');
  } catch (error) {
    throw new CrsError(`cannot use the CRS definition "${truncate(definition)}": ${String((error as Error).message ?? error)}; ${HINT}`);
  }
  const isGeographic = /\+proj=longlat|^GEOGCS|^GEOGCRS/.test(definition);
  const point = { x: 0, y: 0 };
  return {
    id,
    isGeographic,
    toWgs84(x, y, out) {
      point.x = x;
      point.y = y;
      const r = converter.forward(point);
      out[0] = r.x;
      out[1] = r.y;
    },
  };
}

/** GCJ-02 ("Mars coordinates") of Chinese web maps, converted back to WGS84 by gcoord. */
const gcj02: Crs = {
  id: 'GCJ02',
  isGeographic: true,
  toWgs84(x, y, out) {
    const [lon, lat] = gcoord.transform([x, y], gcoord.GCJ02, gcoord.WGS84);
    out[0] = lon;
    out[1] = lat;
  },
};

function truncate(text: string, length = 80): string {
  return text.length > length ? `${text.slice(0, length)}…` : text;
}
