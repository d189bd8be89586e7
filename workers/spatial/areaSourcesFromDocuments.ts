import type { LiveStateDocument } from '../formats/liveState.js';
import type { NetworkDocument } from '../formats/networkDocument.js';
import type { SearchIndexDocument } from '../formats/searchIndex.js';
import type { AreaSources } from './AreaSources.js';

/** Building centres from the buildings' search index (its anchor is the footprint's box centre). */
export function buildingsFromSearchIndex(doc: SearchIndexDocument): AreaSources['buildings'] {
  if (doc.ids.length !== doc.count || doc.lon.length !== doc.count || doc.lat.length !== doc.count)
    throw new RangeError('search index: ids, lon and lat differ in length from its count');
  return { ids: [...doc.ids], lon: Float64Array.from(doc.lon), lat: Float64Array.from(doc.lat) };
}

/** Every pipe of network.json as a segment between its end nodes, all categories. */
export function pipesFromNetwork(doc: NetworkDocument): AreaSources['pipes'] {
  const { nodes, edges } = doc;
  const n = edges.id.length;
  const at = (index: number | undefined, values: number[], what: string): number => {
    const value = index === undefined ? undefined : values[index];
    if (value === undefined) throw new RangeError(`network.json: ${what} refers to a node that does not exist`);
    return value;
  };
  return {
    ids: [...edges.id],
    categories: [...edges.category],
    fromLon: Float64Array.from({ length: n }, (_, e) => at(edges.from[e], nodes.lon, `edge ${edges.id[e]}`)),
    fromLat: Float64Array.from({ length: n }, (_, e) => at(edges.from[e], nodes.lat, `edge ${edges.id[e]}`)),
    toLon: Float64Array.from({ length: n }, (_, e) => at(edges.to[e], nodes.lon, `edge ${edges.id[e]}`)),
    toLat: Float64Array.from({ length: n }, (_, e) => at(edges.to[e], nodes.lat, `edge ${edges.id[e]}`)),
  };
}

/** Sensors from the live state document: datastream ids and type ids. */
export function sensorsFromLiveState(doc: LiveStateDocument): AreaSources['sensors'] {
  return {
    ids: [...doc.ids],
    types: doc.type.map((t) => doc.types[t]?.id ?? ''),
    lon: Float64Array.from(doc.lon),
    lat: Float64Array.from(doc.lat),
  };
}

/** Points of interest from a GeoJSON FeatureCollection of Points (`id`, `kind`, `name`, `capacity`); other geometries are skipped. */
export function poisFromGeoJson(collection: unknown): AreaSources['pois'] {
  const features = (collection as { features?: unknown } | null)?.features;
  if (!Array.isArray(features)) throw new TypeError('points of interest: not a GeoJSON FeatureCollection (no features array)');
  const ids: string[] = [];
  const kinds: string[] = [];
  const names: string[] = [];
  const capacity: number[] = [];
  const lon: number[] = [];
  const lat: number[] = [];
  features.forEach((raw: unknown, index) => {
    const feature = raw as { id?: unknown; properties?: Record<string, unknown> | null; geometry?: { type?: unknown; coordinates?: unknown } | null } | null;
    if (feature?.geometry?.type !== 'Point') return;
    const properties = feature.properties ?? {};
    const [x, y] = Array.isArray(feature.geometry.coordinates) ? (feature.geometry.coordinates as unknown[]) : [];
    if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y))
      throw new RangeError(`points of interest: feature ${index} has a position that is not a longitude/latitude`);
    ids.push(String(properties['id'] ?? feature.id ?? `#${index}`));
    kinds.push(String(properties['kind'] ?? ''));
    names.push(typeof properties['name'] === 'string' ? properties['name'] : '');
    capacity.push(typeof properties['capacity'] === 'number' ? properties['capacity'] : NaN);
    lon.push(x);
    lat.push(y);
  });
  return { ids, kinds, names, capacity: Float64Array.from(capacity), lon: Float64Array.from(lon), lat: Float64Array.from(lat) };
}
