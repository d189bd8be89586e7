import type { ClearanceConflict, ExcavationPipe, ExcavationPipes, LonLat } from '../formats/pipeAnalyses.js';
import { ringSelfIntersects } from '../geometry/ringSelfIntersects.js';
import { GB50289_SOURCE } from '../standards/gb50289Clearances.js';
import { type ClearancePiece, clearanceRuleText, pieceClearance } from '../standards/gb50289PieceCheck.js';
import { checkLonLat, fractionAlong, type PlanningPipes, pipeDepthsAt, round, toLocal, toLonLat } from './planningPipes.js';
import { type CentreInside, pitPipeSolid } from './pitPipeSolids.js';

/** Deeper than any open-cut pit in a street (shafts and tunnels are not dug from the surface). */
export const MAX_PIT_DEPTH = 50;
/** Wider than a city block: a mistake. */
export const MAX_PIT_SPAN = 2000;

/**
 * The pipes an excavation pit meets: those whose centre line runs inside the polygon in plan
 * with the crown above the pit's floor somewhere inside — with the shallowest crown and deepest
 * invert there, section, material, owner and plan length inside — and the GB 50289 checks among
 * them over their parts inside the pit (crossings vertical, side-by-side runs horizontal; one
 * connected network is one pipeline). What the excavation tool (开挖) lists beside the cut.
 */
export function excavationPipes(pipes: PlanningPipes, polygon: unknown, depth: unknown): ExcavationPipes {
  const ring = checkPitPolygon(polygon);
  const floor = checkPitDepth(depth);
  const local = new Float64Array(ring.length * 2);
  ring.forEach(([lon, lat], i) => local.set(toLocal(pipes, lon, lat), i * 2));
  if (ringSelfIntersects(local)) throw new Error('the pit polygon crosses itself: draw its outline without crossing edges');
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity,
    area = 0;
  for (let i = 0, n = ring.length; i < n; i++) {
    const j = (i + 1) % n;
    minX = Math.min(minX, local[i * 2]!);
    maxX = Math.max(maxX, local[i * 2]!);
    minY = Math.min(minY, local[i * 2 + 1]!);
    maxY = Math.max(maxY, local[i * 2 + 1]!);
    area += local[i * 2]! * local[j * 2 + 1]! - local[j * 2]! * local[i * 2 + 1]!;
  }
  area = Math.abs(area) / 2;
  if (area < 0.01) throw new Error(`the pit polygon encloses ${area.toFixed(4)} m²: its corners must not lie on one line`);
  if (Math.max(maxX - minX, maxY - minY) > MAX_PIT_SPAN)
    throw new Error(`the pit polygon is ${Math.round(Math.max(maxX - minX, maxY - minY))} m across: a pit spans at most ${MAX_PIT_SPAN} m`);

  interface Inside {
    top: number;
    bottom: number;
    length: number;
    pieces: ClearancePiece[];
    centre: CentreInside[];
  }
  const byPipe = new Map<number, Inside>();
  for (const piece of pipes.index.search(minX, minY, maxX, maxY)) {
    const p = pipes.piecePipe[piece]!;
    const v = pipes.pieceVertex[piece]!;
    const ax = pipes.x[v]!,
      ay = pipes.y[v]!,
      bx = pipes.x[v + 1]!,
      by = pipes.y[v + 1]!;
    for (const [t0, t1] of insideIntervals(local, ax, ay, bx, by)) {
      const d0 = pipeDepthsAt(pipes, p, fractionAlong(pipes, p, v, t0));
      const d1 = pipeDepthsAt(pipes, p, fractionAlong(pipes, p, v, t1));
      const inside = byPipe.get(p) ?? { top: Infinity, bottom: -Infinity, length: 0, pieces: [], centre: [] };
      inside.top = Math.min(inside.top, d0.top, d1.top);
      inside.bottom = Math.max(inside.bottom, d0.bottom, d1.bottom);
      inside.length += Math.hypot(bx - ax, by - ay) * (t1 - t0);
      const half = pipes.clearance[p]!.verticalHalf;
      inside.pieces.push({
        x0: ax + (bx - ax) * t0,
        y0: ay + (by - ay) * t0,
        z0: d0.top + half,
        x1: ax + (bx - ax) * t1,
        y1: ay + (by - ay) * t1,
        z1: d1.top + half,
      });
      // The centre's height: the ground's less the depth of the section's middle.
      inside.centre.push({ v, t0, t1, h0: d0.ground - (d0.top + d0.bottom) / 2, h1: d1.ground - (d1.top + d1.bottom) / 2 });
      byPipe.set(p, inside);
    }
  }
  // Above the floor: the crown is shallower than the pit somewhere inside.
  const met = [...byPipe].filter(([, inside]) => inside.top < floor).sort(([p], [q]) => (pipes.ids[p]! < pipes.ids[q]! ? -1 : 1));
  const list: ExcavationPipe[] = met.map(([p, inside]) => {
    const diameter = pipes.diameter[p]!;
    const round_ = !Number.isNaN(diameter);
    return {
      id: pipes.ids[p]!,
      category: pipes.category[p]!,
      depthTop: round(inside.top),
      depthBottom: round(inside.bottom),
      diameter: round_ ? diameter : null,
      width: round_ ? null : pipes.width[p]!,
      height: round_ ? null : pipes.height[p]!,
      material: pipes.material[p]!,
      owner: pipes.owner[p]!,
      gasPressure: pipes.gasPressure[p]!,
      lengthInside: round(inside.length, 100),
    };
  });

  // GB 50289 among them: the worst spot per pair and type.
  const worst = new Map<string, ClearanceConflict>();
  for (let i = 0; i < met.length; i++) {
    for (let j = i + 1; j < met.length; j++) {
      const [p, a] = met[i]!;
      const [q, b] = met[j]!;
      if (pipes.pipeline[p] === pipes.pipeline[q]) continue;
      for (const pa of a.pieces)
        for (const pb of b.pieces) {
          const measured = pieceClearance(pa, pipes.clearance[p]!, pb, pipes.clearance[q]!);
          if (!measured || measured.actual >= measured.required) continue;
          const key = `${p} ${q} ${measured.type}`;
          const known = worst.get(key);
          if (known && known.actual <= measured.actual) continue;
          const [lon, lat] = toLonLat(pipes, measured.x, measured.y);
          worst.set(key, {
            type: measured.type,
            a: pipes.ids[p]!,
            b: pipes.ids[q]!,
            categories: [pipes.category[p]!, pipes.category[q]!],
            required: measured.required,
            actual: round(measured.actual),
            lon,
            lat,
            rule: clearanceRuleText(measured.type, measured.rule),
          });
        }
    }
  }
  const solids = met.map(([p, inside]) => pitPipeSolid(pipes, p, inside.centre, ring[0]!));
  return { depth: floor, area: round(area, 100), pipes: list, solids, conflicts: [...worst.values()], source: GB50289_SOURCE };
}

/** The parts (t from, t to; 0–1) of the straight piece a → b inside the ring (even–odd), in order. */
function insideIntervals(ring: Float64Array, ax: number, ay: number, bx: number, by: number): [number, number][] {
  const n = ring.length / 2;
  const cuts = [0, 1];
  const dx = bx - ax,
    dy = by - ay;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    const cx = ring[i * 2]!,
      cy = ring[i * 2 + 1]!,
      ex = ring[j * 2]! - cx,
      ey = ring[j * 2 + 1]! - cy;
    const denominator = dx * ey - dy * ex;
    if (Math.abs(denominator) < 1e-12) continue;
    const t = ((cx - ax) * ey - (cy - ay) * ex) / denominator;
    const u = ((cx - ax) * dy - (cy - ay) * dx) / denominator;
    if (t > 0 && t < 1 && u >= 0 && u <= 1) cuts.push(t);
  }
  cuts.sort((p, q) => p - q);
  const intervals: [number, number][] = [];
  for (let k = 0; k + 1 < cuts.length; k++) {
    const t0 = cuts[k]!,
      t1 = cuts[k + 1]!;
    if (t1 - t0 < 1e-9) continue;
    const mid = (t0 + t1) / 2;
    if (!pointInRing(ring, ax + dx * mid, ay + dy * mid)) continue;
    const last = intervals[intervals.length - 1];
    if (last && Math.abs(last[1] - t0) < 1e-12) last[1] = t1;
    else intervals.push([t0, t1]);
  }
  return intervals;
}

function pointInRing(ring: Float64Array, x: number, y: number): boolean {
  let inside = false;
  const n = ring.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = ring[i * 2]!,
      yi = ring[i * 2 + 1]!,
      xj = ring[j * 2]!,
      yj = ring[j * 2 + 1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** `[[lon, lat], …]` with three corners or more (a closing repeat of the first is dropped), or an Error saying what is wrong. */
export function checkPitPolygon(polygon: unknown): LonLat[] {
  if (!Array.isArray(polygon)) throw new Error(`a pit polygon is [[lon, lat], [lon, lat], [lon, lat], …]; got ${JSON.stringify(polygon)?.slice(0, 60)}`);
  const ring = polygon.map((corner, i) => checkLonLat(corner, `the polygon's corner ${i + 1}`));
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (ring.length > 1 && first![0] === last![0] && first![1] === last![1]) ring.pop();
  if (ring.length < 3) throw new Error(`a pit polygon needs three corners or more; got ${ring.length}`);
  return ring;
}

/** A pit depth in metres, (0, MAX_PIT_DEPTH], or an Error saying what is wrong. */
export function checkPitDepth(depth: unknown): number {
  if (typeof depth !== 'number' || !Number.isFinite(depth))
    throw new Error(`the pit depth is ${JSON.stringify(depth)}: give metres below the ground, a number`);
  if (depth <= 0) throw new Error(`the pit depth is ${depth} m: it must be more than 0`);
  if (depth > MAX_PIT_DEPTH) throw new Error(`the pit depth is ${depth} m: an open-cut pit is at most ${MAX_PIT_DEPTH} m deep`);
  return depth;
}
