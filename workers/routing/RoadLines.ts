/**
 * Road centre lines as columnar arrays: what the road-graph builder takes. Line i has the
 * vertices vertexStart[i] .. vertexStart[i + 1] of lon/lat (degrees, WGS84).
 */
export interface RoadLines {
  vertexStart: Uint32Array;
  lon: Float64Array;
  lat: Float64Array;
  /** Index into `classes`. */
  roadClass: Uint8Array;
  classes: string[];
  /** 0 both ways, 1 only in the digitised direction, -1 only against it. */
  oneway: Int8Array;
  /** Index into `names`. */
  name: Uint32Array;
  names: string[];
}

/** Features that were not read as road lines, by reason (reported, not fatal). */
export interface RoadLinesSkipped {
  notALine: number;
  tooShort: number;
}

interface LineFeature {
  type?: unknown;
  properties?: Record<string, unknown> | null;
  geometry?: { type?: unknown; coordinates?: unknown } | null;
}

/**
 * Reads a GeoJSON FeatureCollection of LineStrings / MultiLineStrings (WGS84) into RoadLines.
 * The class comes from `class` (the seeds) or `highway` (OpenStreetMap), the name from `name`,
 * the direction from `oneway` (OpenStreetMap's yes / true / 1 / -1). A feature that is not a
 * line is skipped and counted; a coordinate that is not a finite lon/lat is an error naming
 * the feature.
 */
export function roadLinesFromGeoJson(collection: unknown): { lines: RoadLines; skipped: RoadLinesSkipped } {
  const features = (collection as { features?: unknown } | null)?.features;
  if (!Array.isArray(features)) throw new TypeError('roads: not a GeoJSON FeatureCollection (no features array)');
  const vertexStart: number[] = [0];
  const lon: number[] = [];
  const lat: number[] = [];
  const roadClass: number[] = [];
  const oneway: number[] = [];
  const name: number[] = [];
  const classes = new Map<string, number>();
  const names = new Map<string, number>();
  const skipped: RoadLinesSkipped = { notALine: 0, tooShort: 0 };
  const indexOf = (table: Map<string, number>, key: string): number => {
    let index = table.get(key);
    if (index === undefined) table.set(key, (index = table.size));
    return index;
  };
  features.forEach((raw: unknown, featureIndex) => {
    const feature = raw as LineFeature | null;
    const geometry = feature?.geometry;
    const parts =
      geometry?.type === 'LineString'
        ? [geometry.coordinates]
        : geometry?.type === 'MultiLineString' && Array.isArray(geometry.coordinates)
          ? geometry.coordinates
          : null;
    if (!parts) {
      skipped.notALine++;
      return;
    }
    const properties = feature?.properties ?? {};
    const className = String(properties['class'] ?? properties['highway'] ?? '');
    const direction = onewayOf(properties['oneway']);
    const nameIndex = indexOf(names, typeof properties['name'] === 'string' ? properties['name'] : '');
    for (const part of parts) {
      if (!Array.isArray(part) || part.length < 2) {
        skipped.tooShort++;
        continue;
      }
      for (const position of part) {
        const [x, y] = Array.isArray(position) ? (position as unknown[]) : [];
        if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y) || Math.abs(x) > 180 || Math.abs(y) > 90)
          throw new RangeError(`roads: feature ${featureIndex} has a coordinate that is not a longitude/latitude: ${JSON.stringify(position)}`);
        lon.push(x);
        lat.push(y);
      }
      vertexStart.push(lon.length);
      roadClass.push(indexOf(classes, className));
      oneway.push(direction);
      name.push(nameIndex);
    }
  });
  if (classes.size > 255) throw new RangeError(`roads: ${classes.size} road classes (at most 255)`);
  return {
    lines: {
      vertexStart: Uint32Array.from(vertexStart),
      lon: Float64Array.from(lon),
      lat: Float64Array.from(lat),
      roadClass: Uint8Array.from(roadClass),
      classes: [...classes.keys()],
      oneway: Int8Array.from(oneway),
      name: Uint32Array.from(name),
      names: [...names.keys()],
    },
    skipped,
  };
}

function onewayOf(value: unknown): number {
  if (value === true || value === 1 || value === 'yes' || value === 'true' || value === '1') return 1;
  if (value === -1 || value === '-1' || value === 'reverse') return -1;
  return 0;
}
