/**
 * network.json: the pipe network as a graph, columnar (one array per field, same order), ids
 * shared with the tiles' `id` property. Written by the pipeline beside the pipe tileset, read
 * by the analysis kernels (workers/network) and the viewer's network layer. Version 1 grows by
 * optional fields only (`services`, `facilities`, the edges' depths, sections, owners, gas pressures and bends): a reader of the first version ignores them.
 */
import type { GasPressureCode } from '../standards/gb50028GasPressure.js';

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
    /**
     * Depth below the ground (metres, positive down) of the crown (管顶) and of the invert (管底)
     * at the from and to ends: the surveyed 起点埋深/终点埋深 kept at the category's reference
     * (crown for pressure pipes and cables, invert for gravity drainage — cjj61Categories'
     * depthReference) and the other face a section's height (or diameter) away. What the
     * planner tools report and check clearances with. Absent in documents written before them.
     */
    depthTopFrom?: number[];
    depthTopTo?: number[];
    depthBottomFrom?: number[];
    depthBottomTo?: number[];
    /**
     * Ground height (m, in the tiles' frame: 0 on a flat ground, the points' 地面高程 with
     * `--ground points`) at the from and to ends: an invert's elevation is ground − depthBottom.
     */
    groundFrom?: number[];
    groundTo?: number[];
    /** Box sections (断面 宽×高): width and height in metres; null for round pipes (their `diameter`). */
    width?: (number | null)[];
    height?: (number | null)[];
    /** 材质 and 权属单位 (owner) as the survey gives them, or null. */
    material?: (string | null)[];
    owner?: (string | null)[];
    /**
     * Gas pipes' pressure class (GB 50028 Table 6.1.6: low, mediumB … highA;
     * workers/standards/gb50028GasPressure.ts) from the survey's 压力 column (a class name or a
     * pressure), null where it says nothing or for other categories. Absent when no pipe has one.
     */
    gasPressure?: (GasPressureCode | null)[];
    /**
     * The line's interior vertices (lon, lat pairs, degrees) between its from and to nodes, or
     * null for a straight pipe: the pipe in plan is from node, bends…, to node.
     */
    bends?: (number[] | null)[];
  };
  /** Valves as network elements: on a node (survey points 阀门) or an edge (EPANET valves). */
  valves: { id: string; node?: number; edge?: number }[];
  /** Service connections of the water network (`cim-twin pipes --services`): absent when none were built. */
  services?: NetworkServices;
  /** Critical facilities (hospitals, schools, care homes) matched to served buildings or nodes (`--facilities`). */
  facilities?: NetworkFacilities;
}

/**
 * How a service connection was obtained: from the service-connection table, or inferred for a
 * building the table does not connect — the nearest main of the building's own street, else the
 * nearest main within the distance limit.
 */
export type ServiceOrigin = 'table' | 'inferred-street' | 'inferred-nearest';
export const SERVICE_ORIGINS: readonly ServiceOrigin[] = ['table', 'inferred-street', 'inferred-nearest'];

/** One row per served building: the building → the node of the main it is fed from. */
export interface NetworkServices {
  /** Building ids, as in the buildings tileset's `id` property. */
  building: string[];
  /** Node index of the connection point on the main. */
  node: number[];
  /**
   * Edge index of the main the connection taps between its ends, or null when it is at the node
   * (a table naming the node). A tap between two valves loses water with that main.
   */
  edge: (number | null)[];
  how: ServiceOrigin[];
  /** The building's position (degrees, 7 decimals), or null when neither the table nor the buildings gave one. */
  lon: (number | null)[];
  lat: (number | null)[];
  /** Plan length of the service pipe, building to connection point (m), or null when unknown. */
  length: (number | null)[];
}

export type CriticalFacilityKind = 'hospital' | 'school' | 'care_home';
export const CRITICAL_FACILITY_KINDS: readonly CriticalFacilityKind[] = ['hospital', 'school', 'care_home'];

/** Critical facilities: each in a served building, or else at a node of the network. */
export interface NetworkFacilities {
  /** The facility's id in its own table (the seeds' POI ids). */
  id: string[];
  name: string[];
  kind: CriticalFacilityKind[];
  /** Building id (a row of `services`), or null when matched to a node only. */
  building: (string | null)[];
  /** Node index when matched to a node only, else null. */
  node: (number | null)[];
  /** How it was matched: the building its table names, the nearest served building, the nearest node. */
  how: ('named' | 'nearest-building' | 'nearest-node')[];
}
