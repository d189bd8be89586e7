import type { GasPressureCode } from '../standards/gb50028GasPressure.js';

/**
 * What the planner's pipe tools answer (issue 16): cross-section, longitudinal profile,
 * excavation pipe list, network trace, and the GB 50289 clearance findings they share with the
 * pipeline's build report. Plain data, `[lon, lat]` degrees and metres: what the kernels in
 * workers/planning return, the planning worker posts, the page API (`cimTwin.tools.*`) gives
 * back and the tools draw and export. Depths are metres below the ground, positive down.
 */

/** A position in plan: `[lon, lat]`, degrees (WGS84). */
export type LonLat = readonly [number, number];

/**
 * A GB 50289 clearance finding between two pipes: the clear distance (wall to wall) measured
 * against the standard's minimum. The pipeline's build report lists these (`clearance.conflicts`);
 * the tools add the rule they applied.
 */
export interface ClearanceConflict {
  /** `horizontal`: side by side (Table 4.1.9); `vertical`: one above the other where they cross (Table 4.1.14). */
  type: 'horizontal' | 'vertical';
  /** The two pipes' ids (a < b) and CJJ 61 categories. */
  a: string;
  b: string;
  categories: [string, string];
  /** Required and measured clear distance, metres. */
  required: number;
  actual: number;
  /** Where (the worst spot of the pair). */
  lon: number;
  lat: number;
  /** The rule, e.g. "GB 50289 Table 4.1.9 JS–PS (d ≤ 200 mm: 1.0; d > 200 mm: 1.5)". */
  rule?: string;
}

/** One pipe a cross-section line cuts. */
export interface CrossSectionPipe {
  id: string;
  /** CJJ 61 category code (JS, PS, RQ, RL, DL, TX, GY, ZH, QT). */
  category: string;
  /** Metres along the section line from its first point to where the pipe's centre line crosses it. */
  offset: number;
  /** Depth of the crown (管顶) and invert (管底) there, interpolated along the pipe from its surveyed end depths. */
  depthTop: number;
  depthBottom: number;
  /** The section: width and height in metres (a round pipe's diameter for both). */
  width: number;
  height: number;
  /** Diameter (m) of a round pipe, null for a box section. */
  diameter: number | null;
  /** Ground height there (m, the tiles' frame: 0 on a flat ground). */
  ground: number;
  /** Angle between the section line and the pipe in plan, degrees 0–90 (90: square across). */
  angle: number;
  material: string | null;
  owner: string | null;
  /** A gas pipe's pressure class (GB 50028: low, mediumB, mediumA, subHighB, subHighA, highB, highA), else null. */
  gasPressure: GasPressureCode | null;
}

/** `cimTwin.tools.crossSection(line)`. */
export interface CrossSection {
  line: [LonLat, LonLat];
  /** Plan length of the line, metres. */
  length: number;
  /** Ground height at the line's ends (m), interpolated from the pipes it crosses (0 when it crosses none). */
  ground: [number, number];
  /** Every pipe the line cuts, by offset. */
  pipes: CrossSectionPipe[];
  /** Neighbours in the section closer than GB 50289 allows (horizontal and vertical). */
  conflicts: ClearanceConflict[];
  /** Source and status of the clearance table. */
  source: string;
}

/** One pipe of a longitudinal profile (纵断面), in the order of flow. */
export interface ProfilePipe {
  id: string;
  /** Chainage of its upstream and downstream ends along the run, metres. */
  from: number;
  to: number;
  /** Invert (管底) elevations (m, the tiles' frame) and ground at both ends. */
  invertFrom: number;
  invertTo: number;
  groundFrom: number;
  groundTo: number;
  /** Fall per metre of plan length, positive downhill in the direction of flow (0.003 = 3 ‰). */
  slope: number;
  /** Diameter, or box height, metres. */
  height: number;
}

/** `longitudinalProfile(pipes, startPipeId)`: one run of a (gravity) pipe from its head to its outfall, through the start pipe. */
export interface LongitudinalProfile {
  startPipeId: string;
  category: string;
  /** Plan length of the run, metres. */
  length: number;
  pipes: ProfilePipe[];
  /** Where each pipe of the run falls the wrong way (backfall) or is flat: ids. */
  backfalls: string[];
}

/** One pipe crossing an excavation pit above its floor. */
export interface ExcavationPipe {
  id: string;
  category: string;
  /** Shallowest crown and deepest invert inside the pit, metres below the ground. */
  depthTop: number;
  depthBottom: number;
  /** Diameter (m) of a round pipe, else null and `width` × `height` (m) of the box section. */
  diameter: number | null;
  width: number | null;
  height: number | null;
  material: string | null;
  owner: string | null;
  /** A gas pipe's pressure class (GB 50028), else null. */
  gasPressure: GasPressureCode | null;
  /** Plan length of the pipe inside the pit, metres. */
  lengthInside: number;
}

/**
 * A listed pipe's parts inside the pit as a triangle mesh (workers/planning/pitPipeSolids.ts):
 * metres east, north and up of the pit polygon's first corner at height 0, unit normals, and
 * triangles. What the excavation tool draws in the pit.
 */
export interface PitPipeSolid {
  id: string;
  positions: Float32Array;
  normals: Float32Array;
  indices: Uint32Array;
}

/** `cimTwin.tools.excavate(polygon, depth)`'s pipe list (`excavationPipes`). */
export interface ExcavationPipes {
  depth: number;
  /** Plan area of the pit, m². */
  area: number;
  pipes: ExcavationPipe[];
  /** The listed pipes' parts inside the pit, in the same order (not in the page API's answer: geometry for drawing). */
  solids: PitPipeSolid[];
  /** GB 50289 checks among the pipes in the pit: pairs closer than allowed there. */
  conflicts: ClearanceConflict[];
  source: string;
}

export type TraceDirection = 'connected' | 'upstream' | 'downstream';
export const TRACE_DIRECTIONS: readonly TraceDirection[] = ['connected', 'upstream', 'downstream'];

/** `cimTwin.tools.trace(pipeId, {direction})`. */
export interface TraceResult {
  pipeId: string;
  category: string;
  direction: TraceDirection;
  /** The pipes reached (the picked one first), by id. */
  pipes: string[];
  /** Their plan length, metres. */
  length: number;
  /**
   * Valves to close to shut the picked pipe off (node ids of valve points, ids of valve links),
   * for a network with valves; empty otherwise.
   */
  valves: string[];
  /** True when no valve bounds the picked pipe (closing valves cannot isolate it). */
  unbounded: boolean;
  /** Nodes where the trace ends: outfalls downstream, heads upstream, dead ends connected. */
  ends: string[];
}

/** What `planning.loadPipes` answers: the pipes now held by the planning worker. */
export interface PipesLoaded {
  pipes: number;
  nodes: number;
  categories: string[];
}
