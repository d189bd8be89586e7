import type { Attributes, AttributeValue, SourceFeature } from './SourceFeature.js';

/**
 * Turns one parsed GeoJSON Feature into a footprint to extrude (polygons), a point or line
 * geometry (pipe networks), or an issue saying why not.
 * Nested property values (objects, arrays) are kept as JSON text so nothing is lost.
 */
export function geoJsonFeatureToSource(value: unknown, file: string, index: number, idField: string | undefined): SourceFeature {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return issue(file, `#${index}`, 'FEATURE_INVALID', 'not a JSON object');
  }
  const feature = value as { type?: unknown; id?: unknown; properties?: unknown; geometry?: unknown };
  const attributes = toAttributes(feature.properties);
  const rawId = (idField !== undefined ? attributes[idField] : undefined) ?? feature.id ?? attributes['id'];
  const id = rawId === undefined || rawId === null || rawId === '' ? undefined : String(rawId);
  const name = id ?? `#${index}`;
  if (feature.type !== 'Feature') return issue(file, name, 'FEATURE_INVALID', `"type" is ${JSON.stringify(feature.type)}, expected "Feature"`);
  const geometry = feature.geometry as { type?: unknown; coordinates?: unknown } | null | undefined;
  if (!geometry) return issue(file, name, 'GEOMETRY_MISSING', 'the feature has no geometry');
  if (!Array.isArray(geometry.coordinates)) return issue(file, name, 'GEOMETRY_MISSING', 'the geometry has no coordinates array');
  let polygons: unknown[][][];
  const origin = id === undefined ? { file, index } : { file, index, id };
  if (geometry.type === 'Polygon') polygons = [geometry.coordinates as unknown[][]];
  else if (geometry.type === 'MultiPolygon') polygons = geometry.coordinates as unknown[][][];
  // Points and lines (pipe networks) go on as they are; the building path turns them down.
  else return { kind: 'geometry', origin, attributes, geometryType: String(geometry.type), coordinates: geometry.coordinates };
  return { kind: 'footprint', origin, attributes, polygons };
}

export function toAttributes(properties: unknown): Attributes {
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) return {};
  const source = properties as Record<string, unknown>;
  // The common case, every value already a plain one: keep the parsed object as it is.
  let plain = true;
  for (const key in source) {
    if (!isPlainValue(source[key])) {
      plain = false;
      break;
    }
  }
  if (plain) return source as Attributes;
  // fromEntries defines properties (a "__proto__" field stays a field, not a prototype).
  return Object.fromEntries(Object.keys(source).map((key) => [key, toAttributeValue(source[key])]));
}

function isPlainValue(value: unknown): boolean {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

function toAttributeValue(value: unknown): AttributeValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  // JSON.parse reads 1e309 as Infinity: kept as the text "Infinity", so a height of 1e309 is
  // reported as invalid rather than taken for a missing value (and defaulted).
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  return JSON.stringify(value);
}

function issue(file: string, feature: string, code: 'FEATURE_INVALID' | 'GEOMETRY_MISSING', message: string): SourceFeature {
  return { kind: 'issue', issue: { file, feature, code, message } };
}
