/**
 * network.json: the pipe network as a graph, columnar (one array per field, same order), ids
 * shared with the tiles' `id` property. Written by the pipeline beside the pipe tileset, read
 * by the analysis kernels (workers/network) and the viewer's network layer.
 */
export const NETWORK_FORMAT = 'cim-twin-network';
export const NETWORK_VERSION = 1;

export interface NetworkDocument {
  format: typeof NETWORK_FORMAT;
  version: typeof NETWORK_VERSION;
  crs: 'EPSG:4326';
  /** CJJ 61 categories present in the standard's table: names and map colour. */
  categories: Record<string, { name: string; nameEn: string; rgb: readonly [number, number, number] }>;
  nodes: {
    id: string[];
    /** Degrees, 8 decimals. */
    lon: number[];
    lat: number[];
    category: string[];
    /** The point's `id` in the tiles, or null for an end without a surveyed point. */
    feature: (string | null)[];
    /** Appurtenance or feature of the point (阀门井, 消防栓 …), or null. */
    kind: (string | null)[];
  };
  edges: {
    id: string[];
    /** Node indices. */
    from: number[];
    to: number[];
    /** Metres, in plan. */
    length: number[];
    /** Metres, null for box sections. */
    diameter: (number | null)[];
    category: string[];
    /** pipe | valve | pump (EPANET links); survey tables give pipes. */
    type: string[];
    /**
     * Height of the centre line at the from and to ends (metres, in the tiles' frame: below
     * zero under a flat ground): what a viewer draws the network's lines at. Absent in
     * documents written before it was added.
     */
    heightFrom?: number[];
    heightTo?: number[];
  };
  /** Valves as network elements: on a node (survey points 阀门) or an edge (EPANET valves). */
  valves: { id: string; node?: number; edge?: number }[];
}
