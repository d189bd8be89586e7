import type { CriticalFacilityKind } from './networkDocument.js';

/**
 * What a burst on one water pipe does, with ids as in the tiles: what `cim-twin analyze burst
 * --json` prints and what the viewer's impact card shows. Built from the kernel's indices by
 * workers/network/burstImpactReport.ts.
 */
export interface BurstImpactReport {
  /** The burst pipe's id. */
  pipe: string;
  /** Valve ids in closing order: valves on nodes by their point id, valve links by their own id. */
  valvesToClose: string[];
  /** The same valves with why they come in that order. */
  valves: {
    id: string;
    /** 1 = close first. */
    order: number;
    kind: 'node' | 'link';
    /** Metres from the burst along the isolated pipes. */
    distanceMetres: number;
    /** Water still reaches the valve's far side from a source: it feeds the burst. */
    feeds: boolean;
  }[];
  /** Pipes shut in by the valves, the burst pipe among them. */
  isolatedEdges: string[];
  /** Points inside the isolated part (the valves bounding it are not). */
  isolatedNodes: string[];
  /** Points and pipes outside the isolated part left without a path from any source. */
  cutOffNodes: string[];
  cutOffEdges: string[];
  /** Buildings that lose water (building ids as in the buildings tileset). */
  buildings: string[];
  /** How many of them are fed from the isolated part, and how many from the cut-off part. */
  buildingsIsolated: number;
  buildingsCutOff: number;
  criticalFacilities: { id: string; name: string; kind: CriticalFacilityKind; building: string | null; node: string | null }[];
  /** Sensors inside the isolated or cut-off part. */
  sensors: { id: string; cause: 'isolated' | 'cut-off' }[];
  /** No valve bounds the burst: the isolated part is all the pipe reaches. */
  unbounded: boolean;
  /** Sources (reservoirs, tanks, water works) in the network: with none, nothing is "cut off". */
  sources: number;
}

/** `cim-twin analyze criticality --json`: every water pipe ranked by what its burst cuts off. */
export interface CriticalityReport {
  network: string;
  category: string;
  pipes: number;
  segments: number;
  sources: number;
  services: number;
  facilities: number;
  /** Kernel time, milliseconds. */
  milliseconds: number;
  ranking: {
    rank: number;
    pipe: string;
    /** Valve-bounded segment (pipes of one segment share their answer) and its size. */
    segment: number;
    segmentPipes: number;
    buildings: number;
    criticalFacilities: number;
  }[];
}
