import type { LonLat, PitPipeSolid } from '../formats/pipeAnalyses.js';
import { metresPerDegree } from '../geometry/geodesy.js';
import { MeshAccumulator, WALL } from '../geometry/MeshAccumulator.js';
import { circleProfile, rectangleProfile, sweepProfile, tubeSegmentsForDiameter } from '../geometry/sweepTube.js';
import type { PlanningPipes } from './planningPipes.js';

/** A stretch of a pipe's centre line inside the pit: piece `v` (its vertex) from t0 to t1 (0–1), heights (m) of the centre there. */
export interface CentreInside {
  v: number;
  t0: number;
  t1: number;
  h0: number;
  h1: number;
}

/**
 * A pipe's parts inside the pit as a solid, swept as the tiles sweep it (workers/geometry/sweepTube:
 * the same profiles and sides) and capped where the pit's outline cuts it: what the excavation
 * tool draws in the pit instead of the pipe tiles (each drawn whole and clipped to the pit per
 * pixel, they made a pit's frame 1.85× as long). Positions in metres east, north and up of the
 * pit's first corner at height 0.
 */
export function pitPipeSolid(pipes: PlanningPipes, p: number, stretches: readonly CentreInside[], origin: LonLat): PitPipeSolid {
  const scale = metresPerDegree(origin[1]);
  const east = (x: number): number => (pipes.lon0 + x / pipes.metresPerLon - origin[0]) * scale.lon;
  const north = (y: number): number => (pipes.lat0 + y / pipes.metresPerLat - origin[1]) * scale.lat;
  const diameter = pipes.diameter[p]!;
  const profile = Number.isNaN(diameter) ? rectangleProfile(pipes.width[p]!, pipes.height[p]!) : circleProfile(diameter / 2, tubeSegmentsForDiameter(diameter));
  const mesh = new MeshAccumulator(256);
  // Stretches that run on into the next (one piece's end is the next piece's start) make one path: no cap at a bend inside the pit.
  const ordered = [...stretches].sort((a, b) => a.v - b.v || a.t0 - b.t0);
  let path: number[] = [];
  const point = (v: number, t: number, h: number): void => {
    const x = pipes.x[v]! + (pipes.x[v + 1]! - pipes.x[v]!) * t;
    const y = pipes.y[v]! + (pipes.y[v + 1]! - pipes.y[v]!) * t;
    path.push(east(x), north(y), h);
  };
  ordered.forEach((stretch, i) => {
    const before = ordered[i - 1];
    const runsOn = before !== undefined && before.t1 === 1 && stretch.t0 === 0 && stretch.v === before.v + 1;
    if (!runsOn) {
      if (path.length) sweepProfile(mesh, new Float64Array(path), profile, 0, WALL, true);
      path = [];
      point(stretch.v, stretch.t0, stretch.h0);
    }
    point(stretch.v, stretch.t1, stretch.h1);
  });
  if (path.length) sweepProfile(mesh, new Float64Array(path), profile, 0, WALL, true);
  return {
    id: pipes.ids[p]!,
    positions: mesh.positions.slice(0, mesh.vertexCount * 3),
    normals: mesh.normals.slice(0, mesh.vertexCount * 3),
    indices: mesh.indices.slice(0, mesh.indexCount),
  };
}
