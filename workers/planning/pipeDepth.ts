import type { DepthMeasure, MeasurePoint } from '../formats/measure.js';
import { checkMeasurePoints } from './measure.js';
import { type PlanningPipes, fractionAlong, pipeDepthsAt, pipeIndexOf, round, toLocal, toLonLat } from './planningPipes.js';

/**
 * How far (m, in plan) a pick may lie from a pipe's centre line beyond the pipe's half width:
 * a click on a pipe's surface lands within its half width; a point typed by hand or picked on
 * the ground above gets this much slack.
 */
export const DEPTH_SNAP_METRES = 2;

/**
 * `measure({kind: 'depth', points: [pick], pipeId?})`: the depth below the ground of a pipe's
 * crown (管顶) and invert (管底) where it was picked. The pick snaps to the nearest point of the
 * pipe's centre line (the given pipe, or without `pipeId` the nearest pipe within its half
 * width + 2 m), and the surveyed depths and ground at both ends (network.json's depthTop/Bottom
 * From/To, groundFrom/To) are interpolated there by plan length, as the cross-section does.
 * Bad input is an Error naming what is wrong.
 */
export function pipeDepth(pipes: PlanningPipes, points: unknown, pipeId?: unknown): DepthMeasure {
  const checked = checkMeasurePoints(points);
  if (checked.length !== 1) throw new Error(`a pipe depth is measured at one pick on the pipe; got ${checked.length} points`);
  const pick = checked[0]!;
  const [px, py] = toLocal(pipes, pick[0], pick[1]);
  const only = pipeId === undefined || pipeId === null ? undefined : pipeIndexOf(pipes, pipeId);
  const reach = only === undefined ? maxHalfWidth(pipes) + DEPTH_SNAP_METRES : pipes.width[only]! / 2 + DEPTH_SNAP_METRES;
  let best: { p: number; v: number; t: number; distance: number } | undefined;
  const consider = (p: number, v: number): void => {
    const [ax, ay, bx, by] = [pipes.x[v]!, pipes.y[v]!, pipes.x[v + 1]!, pipes.y[v + 1]!];
    const dx = bx - ax;
    const dy = by - ay;
    const lengthSquared = dx * dx + dy * dy;
    const t = lengthSquared > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / lengthSquared)) : 0;
    // Distance beyond the pipe's own half width: a wide box is picked anywhere on its roof.
    const distance = Math.hypot(ax + dx * t - px, ay + dy * t - py);
    const beyond = distance - pipes.width[p]! / 2;
    if (beyond <= DEPTH_SNAP_METRES && (!best || distance < best.distance)) best = { p, v, t, distance };
  };
  if (only !== undefined) for (let v = pipes.vertexStart[only]!; v + 1 < pipes.vertexStart[only + 1]!; v++) consider(only, v);
  else for (const piece of pipes.index.search(px - reach, py - reach, px + reach, py + reach)) consider(pipes.piecePipe[piece]!, pipes.pieceVertex[piece]!);
  const where = `[${pick[0]}, ${pick[1]}]`;
  if (!best)
    throw new Error(
      only === undefined
        ? `no pipe within ${DEPTH_SNAP_METRES} m of ${where}: pick a pipe (its centre line within its half width + ${DEPTH_SNAP_METRES} m)`
        : `pipe "${pipes.ids[only]}" is more than ${DEPTH_SNAP_METRES} m beside ${where}: pick on the pipe`,
    );
  const { p, v, t, distance } = best;
  const depths = pipeDepthsAt(pipes, p, fractionAlong(pipes, p, v, t));
  const at = toLonLat(pipes, pipes.x[v]! + (pipes.x[v + 1]! - pipes.x[v]!) * t, pipes.y[v]! + (pipes.y[v + 1]! - pipes.y[v]!) * t);
  const point: MeasurePoint = [pick[0], pick[1], pick[2]];
  return {
    kind: 'depth',
    points: [point],
    pipeId: pipes.ids[p]!,
    category: pipes.category[p]!,
    at,
    depthTop: round(depths.top),
    depthBottom: round(depths.bottom),
    ground: round(depths.ground),
    distance: round(distance),
  };
}

function maxHalfWidth(pipes: PlanningPipes): number {
  let widest = 0;
  for (const width of pipes.width) if (width > widest) widest = width;
  return widest / 2;
}
