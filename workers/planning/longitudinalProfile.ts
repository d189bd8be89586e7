import type { LongitudinalProfile, ProfilePipe } from '../formats/pipeAnalyses.js';
import { type PlanningPipes, pipeIndexOf, round } from './planningPipes.js';

/** A run longer than this many pipes is cut there (a profile is drawn, not a whole catchment). */
export const MAX_PROFILE_PIPES = 2000;

/** Invert elevation (m, the tiles' frame) of a pipe at its from (0) or to (1) end. */
export function invertElevation(pipes: PlanningPipes, p: number, end: 0 | 1): number {
  return end === 0 ? pipes.groundFrom[p]! - pipes.depthBottomFrom[p]! : pipes.groundTo[p]! - pipes.depthBottomTo[p]!;
}

/** The node a pipe flows out of (upstream) and into (downstream): by invert elevation, as drawn when level. */
export function flowEnds(pipes: PlanningPipes, p: number): { upstream: number; downstream: number } {
  const backwards = invertElevation(pipes, p, 1) > invertElevation(pipes, p, 0);
  return backwards ? { upstream: pipes.to[p]!, downstream: pipes.from[p]! } : { upstream: pipes.from[p]!, downstream: pipes.to[p]! };
}

/**
 * The longitudinal profile (纵断面) of the run through a pipe: from the run's head down to its
 * outfall, following at each manhole the pipe of the same category that carries the flow on
 * (flow by invert elevation; where several leave or arrive, the largest section — the trunk).
 * Per pipe: chainage, inverts and ground at both ends, slope. A run of a pressure network is
 * followed the same way (by invert, as a planner drawing its profile would).
 */
export function longitudinalProfile(pipes: PlanningPipes, startPipeId: unknown): LongitudinalProfile {
  const start = pipeIndexOf(pipes, startPipeId);
  const category = pipes.category[start]!;
  const visited = new Set<number>([start]);
  const next = (node: number, wanted: 'upstream' | 'downstream'): number | undefined => {
    let best: number | undefined;
    for (let k = pipes.nodeStart[node]!; k < pipes.nodeStart[node + 1]!; k++) {
      const q = pipes.nodePipes[k]!;
      if (visited.has(q) || pipes.category[q] !== category) continue;
      const ends = flowEnds(pipes, q);
      // Going down: a pipe that flows out of this node; going up: one that flows into it.
      if ((wanted === 'downstream' ? ends.upstream : ends.downstream) !== node) continue;
      if (best === undefined || pipes.height[q]! > pipes.height[best]!) best = q;
    }
    return best;
  };
  const down: number[] = [];
  for (let p = start, q = next(flowEnds(pipes, p).downstream, 'downstream'); q !== undefined && visited.size < MAX_PROFILE_PIPES;) {
    visited.add(q);
    down.push(q);
    p = q;
    q = next(flowEnds(pipes, p).downstream, 'downstream');
  }
  const up: number[] = [];
  for (let p = start, q = next(flowEnds(pipes, p).upstream, 'upstream'); q !== undefined && visited.size < MAX_PROFILE_PIPES;) {
    visited.add(q);
    up.push(q);
    p = q;
    q = next(flowEnds(pipes, p).upstream, 'upstream');
  }
  const run = [...up.reverse(), start, ...down];
  let chainage = 0;
  const profile: ProfilePipe[] = run.map((p) => {
    const forwards = flowEnds(pipes, p).upstream === pipes.from[p];
    const [u, d]: [0 | 1, 0 | 1] = forwards ? [0, 1] : [1, 0];
    const ground = (end: 0 | 1): number => (end === 0 ? pipes.groundFrom[p]! : pipes.groundTo[p]!);
    const length = pipes.length[p]!;
    const invertFrom = invertElevation(pipes, p, u);
    const invertTo = invertElevation(pipes, p, d);
    const pipe: ProfilePipe = {
      id: pipes.ids[p]!,
      from: round(chainage),
      to: round(chainage + length),
      invertFrom: round(invertFrom),
      invertTo: round(invertTo),
      groundFrom: round(ground(u)),
      groundTo: round(ground(d)),
      slope: length > 0 ? round((invertFrom - invertTo) / length, 1e6) : 0,
      height: pipes.height[p]!,
    };
    chainage += length;
    return pipe;
  });
  return {
    startPipeId: pipes.ids[start]!,
    category,
    length: round(chainage),
    pipes: profile,
    backfalls: profile.filter((p) => p.slope <= 0).map((p) => p.id),
  };
}
