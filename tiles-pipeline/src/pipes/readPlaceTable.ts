import { readFileSync } from 'node:fs';
import { metresPerDegree } from '../../../workers/geometry/geodesy.js';
import type { Crs } from '../crs/Crs.js';
import { resolveCrs } from '../crs/resolveCrs.js';
import { decodeText } from '../readers/decodeText.js';
import { InputFileError } from '../readers/InputFileError.js';
import { openSource } from '../readers/openSource.js';
import type { Attributes } from '../readers/SourceFeature.js';
import { parseCsv } from './parseCsv.js';

/** One row of a table of places: its attributes and, when it has one, where it is. */
export interface PlaceRow {
  /** "line 12" (CSV), or the feature's id, else "#11" (GeoJSON, Shapefile). */
  where: string;
  /** The feature's own id (GeoJSON `id`), when it has one. */
  id: string | undefined;
  attributes: Attributes;
  /** A point's position, a line's first vertex, a polygon's centroid (WGS84). */
  lon: number | undefined;
  lat: number | undefined;
  /** A line's plan length, metres. */
  length: number | undefined;
  /** Why the reader could not read this row (it has no attributes then). */
  problem?: string;
}

export interface PlaceTableOptions {
  /** CRS of coordinates whose file declares none: CSV x/y columns, a Shapefile without .prj (GeoJSON is WGS84, CSV lon/lat columns too). */
  crs: string | undefined;
  encoding: string | undefined;
  maxNesting?: number | undefined;
  maxFeatureBytes?: number | undefined;
}

const LON_COLUMNS = ['经度', 'lon', 'lng', 'longitude'];
const LAT_COLUMNS = ['纬度', 'lat', 'latitude'];
const X_COLUMNS = ['x', '横坐标', 'x坐标'];
const Y_COLUMNS = ['y', '纵坐标', 'y坐标'];

/**
 * Reads a table of places — service connections, points of interest — from CSV (a header row;
 * positions from lon/lat columns in degrees or x/y columns in --crs), GeoJSON or a Shapefile
 * (points, lines drawn from the place outwards, polygons). Unreadable files are InputFileErrors.
 */
export async function readPlaceTable(file: string, options: PlaceTableOptions): Promise<{ format: string; rows: PlaceRow[] }> {
  if (file.toLowerCase().endsWith('.csv')) return readCsvTable(file, options);
  const source = await openSource(file, {
    idField: undefined,
    lod: undefined,
    maxNesting: options.maxNesting,
    maxFeatureBytes: options.maxFeatureBytes,
    encoding: options.encoding,
  });
  // What the file declares wins: --crs is for the pipe inputs (an EPANET model in EPSG:4548 beside a WGS84 GeoJSON table).
  const crsSpec = source.declaredCrs ?? (source.format.startsWith('GeoJSON') ? 'CRS84' : options.crs);
  if (!crsSpec) throw new InputFileError(file, `${source.format} without a CRS; pass --crs, e.g. --crs EPSG:4548`);
  const crs = crsOf(file, crsSpec);
  const rows: PlaceRow[] = [];
  for await (const feature of source.features) {
    if (feature.kind === 'issue') {
      const { feature: where, message } = feature.issue;
      rows.push({ where, id: undefined, attributes: {}, lon: undefined, lat: undefined, length: undefined, problem: message });
      continue;
    }
    const where = feature.origin.id ?? `#${feature.origin.index}`;
    const row: PlaceRow = { where, id: feature.origin.id, attributes: feature.attributes, lon: undefined, lat: undefined, length: undefined };
    if (feature.kind === 'footprint') Object.assign(row, ringCentroid(feature.polygons[0]?.[0] ?? [], crs));
    else if (feature.kind === 'geometry') Object.assign(row, placeOfGeometry(feature.geometryType, feature.coordinates, crs));
    rows.push(row);
  }
  return { format: source.format, rows };
}

function readCsvTable(file: string, options: PlaceTableOptions): { format: string; rows: PlaceRow[] } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new InputFileError(file, `cannot read: ${(error as Error).message}`);
  }
  const { text, encoding } = decodeText(bytes, file, options.encoding);
  let records;
  try {
    records = parseCsv(text);
  } catch (error) {
    throw new InputFileError(file, (error as Error).message);
  }
  const [header, ...body] = records;
  if (!header) throw new InputFileError(file, 'the file is empty');
  const names = header.fields.map((name) => name.trim());
  const column = (candidates: readonly string[]): number => names.findIndex((name) => candidates.includes(name.toLowerCase()) || candidates.includes(name));
  const lon = column(LON_COLUMNS);
  const lat = column(LAT_COLUMNS);
  const x = column(X_COLUMNS);
  const y = column(Y_COLUMNS);
  const crs = x >= 0 && y >= 0 && (lon < 0 || lat < 0) ? crsOf(file, options.crs ?? 'EPSG:4326') : undefined;
  const out = new Float64Array(2);
  const rows = body.map(({ line, fields }): PlaceRow => {
    const attributes: Attributes = {};
    names.forEach((name, i) => (attributes[name] = fields[i]?.trim() || null));
    const row: PlaceRow = { where: `line ${line}`, id: undefined, attributes, lon: undefined, lat: undefined, length: undefined };
    const number = (i: number): number | undefined => (i >= 0 && fields[i]?.trim() ? Number(fields[i]) : undefined);
    if (lon >= 0 && lat >= 0) {
      const [a, b] = [number(lon), number(lat)];
      if (a !== undefined && b !== undefined && Math.abs(a) <= 180 && Math.abs(b) <= 90) [row.lon, row.lat] = [a, b];
    } else if (crs) {
      const [a, b] = [number(x), number(y)];
      if (a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b)) {
        crs.toWgs84(a, b, out);
        [row.lon, row.lat] = [out[0]!, out[1]!];
      }
    }
    return row;
  });
  return { format: `CSV (${encoding})`, rows };
}

/** Where a point, line or polygon geometry is: a line's first vertex (and its length), a polygon's centroid. */
function placeOfGeometry(type: string, coordinates: unknown, crs: Crs): Pick<PlaceRow, 'lon' | 'lat' | 'length'> {
  const none = { lon: undefined, lat: undefined, length: undefined };
  const positions = (value: unknown): [number, number][] =>
    Array.isArray(value) ? value.filter((p): p is [number, number] => Array.isArray(p) && Number.isFinite(p[0]) && Number.isFinite(p[1])) : [];
  let line: [number, number][];
  if (type === 'Point') line = positions([coordinates]);
  else if (type === 'MultiPoint' || type === 'LineString') line = positions(coordinates);
  else if (type === 'MultiLineString') line = positions(Array.isArray(coordinates) ? coordinates[0] : undefined);
  else return none;
  if (line.length === 0) return none;
  const out = new Float64Array(2);
  const lonLat = line.map(([x, y]) => {
    crs.toWgs84(x, y, out);
    return [out[0]!, out[1]!] as const;
  });
  const scale = metresPerDegree(lonLat[0]![1]);
  let length = 0;
  for (let i = 1; i < lonLat.length; i++)
    length += Math.hypot((lonLat[i]![0] - lonLat[i - 1]![0]) * scale.lon, (lonLat[i]![1] - lonLat[i - 1]![1]) * scale.lat);
  return { lon: lonLat[0]![0], lat: lonLat[0]![1], length: type === 'Point' ? undefined : Math.round(length * 100) / 100 };
}

function ringCentroid(ring: unknown[], crs: Crs): Pick<PlaceRow, 'lon' | 'lat'> {
  const out = new Float64Array(2);
  const points = ring
    .filter((p): p is [number, number] => Array.isArray(p) && Number.isFinite(p[0]) && Number.isFinite(p[1]))
    .map(([x, y]) => {
      crs.toWgs84(x, y, out);
      return [out[0]!, out[1]!] as const;
    });
  if (points.length === 0) return { lon: undefined, lat: undefined };
  // The vertices' mean: a building's point for finding its main, not a survey value.
  const lon = points.reduce((s, p) => s + p[0], 0) / points.length;
  const lat = points.reduce((s, p) => s + p[1], 0) / points.length;
  return { lon, lat };
}

function crsOf(file: string, spec: string): Crs {
  try {
    return resolveCrs(spec);
  } catch (error) {
    throw new InputFileError(file, (error as Error).message);
  }
}

/** The value of the first candidate column a row has (names compared as written, then lower case), as text. */
export function placeValue(attributes: Attributes, candidates: readonly string[]): string | undefined {
  for (const name of candidates) {
    const value = attributes[name] ?? attributes[name.toLowerCase()];
    if (value !== undefined && value !== null && String(value).trim() !== '') return String(value).trim();
  }
  return undefined;
}
