import type { ResourceKind } from '../formats/incident.js';

/**
 * Which points of interest are emergency resources, and of what kind (the dispatch record's
 * unit kinds, workers/formats/incident.ts): kept as data, so a deployment adds its own
 * (a utility's repair depots as 'utility').
 */
export const RESOURCE_POI_KINDS: Readonly<Record<string, ResourceKind>> = {
  fire_station: 'fire',
  hospital: 'medical',
  police: 'police',
};

/** Resources as columns (same order): where units start from. */
export interface ResourcePoints {
  /** The POI ids (seed `POI0047`), used as a dispatch's unitId. */
  ids: string[];
  kinds: ResourceKind[];
  names: string[];
  lon: Float64Array;
  lat: Float64Array;
}

/**
 * The resources among the points of a GeoJSON FeatureCollection (the seeds'
 * nankai-poi.geojson: `id`, `kind`, `name` properties): points whose `kind` is in `kinds`.
 * A resource without an id or with a position that is not a lon/lat is an error naming it.
 */
export function resourcePointsFromPoiGeoJson(collection: unknown, kinds: Readonly<Record<string, ResourceKind>> = RESOURCE_POI_KINDS): ResourcePoints {
  const features = (collection as { features?: unknown } | null)?.features;
  if (!Array.isArray(features)) throw new TypeError('points of interest: not a GeoJSON FeatureCollection (no features array)');
  const ids: string[] = [];
  const resourceKinds: ResourceKind[] = [];
  const names: string[] = [];
  const lon: number[] = [];
  const lat: number[] = [];
  features.forEach((raw: unknown, index) => {
    const feature = raw as { id?: unknown; properties?: Record<string, unknown> | null; geometry?: { type?: unknown; coordinates?: unknown } | null } | null;
    const properties = feature?.properties ?? {};
    const kind = kinds[String(properties['kind'])];
    if (kind === undefined || feature?.geometry?.type !== 'Point') return;
    const id = properties['id'] ?? feature.id;
    const [x, y] = Array.isArray(feature.geometry.coordinates) ? (feature.geometry.coordinates as unknown[]) : [];
    if (typeof id !== 'string' && typeof id !== 'number') throw new TypeError(`points of interest: feature ${index} (a ${kind} resource) has no id`);
    if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y) || Math.abs(x) > 180 || Math.abs(y) > 90)
      throw new RangeError(`points of interest: ${id} has a position that is not a longitude/latitude`);
    ids.push(String(id));
    resourceKinds.push(kind);
    names.push(typeof properties['name'] === 'string' ? properties['name'] : '');
    lon.push(x);
    lat.push(y);
  });
  return { ids, kinds: resourceKinds, names, lon: Float64Array.from(lon), lat: Float64Array.from(lat) };
}
