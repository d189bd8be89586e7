/** Fetches a GeoJSON FeatureCollection of the seed ground vectors. */
export interface GroundFeature {
  properties: Record<string, unknown>;
  geometry: { type: string; coordinates: unknown };
}

export async function fetchGeoJson(url: string): Promise<GroundFeature[]> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const json = (await response.json()) as { features?: GroundFeature[] };
  return json.features ?? [];
}

/** The polygons of a Polygon or MultiPolygon as rings of [lon, lat]. */
export function polygonsOf(geometry: GroundFeature['geometry']): number[][][][] {
  if (geometry.type === 'Polygon') return [geometry.coordinates as number[][][]];
  if (geometry.type === 'MultiPolygon') return geometry.coordinates as number[][][][];
  return [];
}

/** The lines of a LineString or MultiLineString as [lon, lat] lists. */
export function linesOf(geometry: GroundFeature['geometry']): number[][][] {
  if (geometry.type === 'LineString') return [geometry.coordinates as number[][]];
  if (geometry.type === 'MultiLineString') return geometry.coordinates as number[][][];
  return [];
}
