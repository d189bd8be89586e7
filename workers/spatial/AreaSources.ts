/**
 * What an area-impact query looks through, as columns (each layer's arrays in the same order),
 * ids as in the tiles and catalogues. Positions are degrees (WGS84).
 */
export interface AreaSources {
  /** Buildings (the buildings' search index): centre points, and footprint bounds where known. */
  buildings: {
    ids: string[];
    lon: Float64Array;
    lat: Float64Array;
    /** Footprint bounding boxes; when given, a building counts if its box meets the area. */
    bounds?: { minLon: Float64Array; minLat: Float64Array; maxLon: Float64Array; maxLat: Float64Array };
  };
  /** Points of interest (the seed POIs): schools, hospitals, stations, car parks, on-street berths. */
  pois: {
    ids: string[];
    kinds: string[];
    names: string[];
    /** Parking spaces (NaN when the POI has none). */
    capacity: Float64Array;
    lon: Float64Array;
    lat: Float64Array;
  };
  /** Sensors (the live state): datastream ids and their type ids. */
  sensors: { ids: number[]; types: string[]; lon: Float64Array; lat: Float64Array };
  /** Pipes (network.json edges) as straight segments between their nodes. */
  pipes: { ids: string[]; categories: string[]; fromLon: Float64Array; fromLat: Float64Array; toLon: Float64Array; toLat: Float64Array };
}

/** POI kinds that are parking sites, reported apart with their capacity (data). */
export const PARKING_POI_KINDS: readonly string[] = ['parking_lot', 'onstreet_berths'];

/** Empty layers, for a query before (or without) a layer's catalogue. */
export function emptyAreaSources(): AreaSources {
  const none = (): Float64Array => new Float64Array(0);
  return {
    buildings: { ids: [], lon: none(), lat: none() },
    pois: { ids: [], kinds: [], names: [], capacity: none(), lon: none(), lat: none() },
    sensors: { ids: [], types: [], lon: none(), lat: none() },
    pipes: { ids: [], categories: [], fromLon: none(), fromLat: none(), toLon: none(), toLat: none() },
  };
}
