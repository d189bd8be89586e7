import type { ClearanceConflict, CrossSection, CrossSectionPipe, LonLat } from '../formats/pipeAnalyses.js';
import { clearanceRule, GB50289_SOURCE, HORIZONTAL_CLEARANCES, VERTICAL_CLEARANCES } from '../standards/gb50289Clearances.js';
import { clearanceRuleText, intersection, PARALLEL_COS, requiredClearance } from '../standards/gb50289PieceCheck.js';
import { checkLonLat, fractionAlong, type PlanningPipes, pipeDepthsAt, round, toLocal, toLonLat } from './planningPipes.js';

/** A section is across a street or a square: longer than this is a mistake (a click on the horizon). */
export const MAX_SECTION_LENGTH = 2000;
export const MIN_SECTION_LENGTH = 0.1;
/** Neighbours farther apart than this (wall to wall) are past any GB 50289 rule. */
const NEIGHBOUR_REACH = 3;
/** Pairs farther apart along the line are not looked at (parallel pipes 3 m apart cut by a line at 3.5° to them). */
const MAX_NEIGHBOUR_OFFSET = 50;

/**
 * The cross-section (横断面) a line cuts through the pipes: every pipe whose centre line crosses
 * it, at its offset along the line, with crown and invert interpolated along the pipe from its
 * surveyed end depths; and the GB 50289 clearances between neighbours in the section — vertical
 * where one lies over the other (their widths overlap in the section), horizontal between pipes
 * of different categories running side by side (within 30° of parallel) — measured wall to wall,
 * pipes of one connected network exempt (one pipeline). Computed from the pipe data, not read
 * back from the screen.
 */
export function crossSection(pipes: PlanningPipes, line: unknown): CrossSection {
  const [a, b] = checkSectionLine(line);
  const [x0, y0] = toLocal(pipes, a[0], a[1]);
  const [x1, y1] = toLocal(pipes, b[0], b[1]);
  const length = Math.hypot(x1 - x0, y1 - y0);
  if (length < MIN_SECTION_LENGTH) throw new Error(`the section line is ${length.toFixed(3)} m long: its two points must be apart (≥ ${MIN_SECTION_LENGTH} m)`);
  if (length > MAX_SECTION_LENGTH)
    throw new Error(`the section line is ${Math.round(length)} m long: a cross-section spans a street (≤ ${MAX_SECTION_LENGTH} m)`);
  const section = { x0, y0, x1, y1 };
  const found: (CrossSectionPipe & { p: number; dx: number; dy: number; x: number; y: number })[] = [];
  for (const piece of pipes.index.search(Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1))) {
    const p = pipes.piecePipe[piece]!;
    const v = pipes.pieceVertex[piece]!;
    const pieceLine = { x0: pipes.x[v]!, y0: pipes.y[v]!, x1: pipes.x[v + 1]!, y1: pipes.y[v + 1]! };
    const crossing = intersection(section, pieceLine);
    if (!crossing) continue;
    const offset = crossing.t * length;
    // A line through a bend meets both pieces there: one crossing.
    if (found.some((f) => f.p === p && Math.abs(f.offset - offset) < 1e-6)) continue;
    const dx = pieceLine.x1 - pieceLine.x0,
      dy = pieceLine.y1 - pieceLine.y0;
    const pieceLength = Math.hypot(dx, dy);
    if (pieceLength < 1e-9) continue;
    const sin = Math.abs((x1 - x0) * dy - (y1 - y0) * dx) / (length * pieceLength);
    const depths = pipeDepthsAt(pipes, p, fractionAlong(pipes, p, v, crossing.u));
    const diameter = pipes.diameter[p]!;
    found.push({
      p,
      dx: dx / pieceLength,
      dy: dy / pieceLength,
      x: x0 + (x1 - x0) * crossing.t,
      y: y0 + (y1 - y0) * crossing.t,
      id: pipes.ids[p]!,
      category: pipes.category[p]!,
      offset: round(offset),
      depthTop: round(depths.top),
      depthBottom: round(depths.bottom),
      width: pipes.width[p]!,
      height: pipes.height[p]!,
      diameter: Number.isNaN(diameter) ? null : diameter,
      ground: round(depths.ground),
      angle: round((Math.asin(Math.min(1, sin)) * 180) / Math.PI, 10),
      material: pipes.material[p]!,
      owner: pipes.owner[p]!,
      gasPressure: pipes.gasPressure[p]!,
    });
  }
  found.sort((p, q) => p.offset - q.offset || p.depthTop - q.depthTop || p.id.localeCompare(q.id));

  const conflicts: ClearanceConflict[] = [];
  for (let i = 0; i < found.length; i++) {
    for (let j = i + 1; j < found.length; j++) {
      const m = found[i]!,
        n = found[j]!;
      if (n.offset - m.offset > MAX_NEIGHBOUR_OFFSET) break; // sorted by offset: the rest are farther
      if (pipes.pipeline[m.p] === pipes.pipeline[n.p]) continue;
      const conflict = sectionClearance(pipes, m, n);
      if (conflict && conflict.actual < conflict.required) conflicts.push(conflict);
    }
  }
  const ground: [number, number] = found.length ? [found[0]!.ground, found[found.length - 1]!.ground] : [0, 0];
  return {
    line: [a, b],
    length: round(length),
    ground,
    pipes: found.map(({ p: _p, dx: _dx, dy: _dy, x: _x, y: _y, ...pipe }) => pipe),
    conflicts,
    source: GB50289_SOURCE,
  };
}

type Found = CrossSectionPipe & { p: number; dx: number; dy: number; x: number; y: number };

/** The clearance two pipes of a section keep, by the rule that applies to how they lie, or undefined. */
function sectionClearance(pipes: PlanningPipes, m: Found, n: Found): ClearanceConflict | undefined {
  const pm = pipes.clearance[m.p]!,
    pn = pipes.clearance[n.p]!;
  const [lon, lat] = toLonLat(pipes, (m.x + n.x) / 2, (m.y + n.y) / 2);
  const pair =
    m.id < n.id
      ? { a: m.id, b: n.id, categories: [m.category, n.category] as [string, string] }
      : { a: n.id, b: m.id, categories: [n.category, m.category] as [string, string] };
  // Over one another: their widths overlap across the section.
  const across = Math.abs(n.offset - m.offset);
  if (across < (m.width + n.width) / 2) {
    const rule = clearanceRule(VERTICAL_CLEARANCES, m.category, n.category);
    if (!rule) return undefined;
    const actual = Math.max(n.depthTop - m.depthBottom, m.depthTop - n.depthBottom);
    return { type: 'vertical', ...pair, required: requiredClearance(rule, pm, pn), actual: round(actual), lon, lat, rule: clearanceRuleText('vertical', rule) };
  }
  // Side by side: nearly parallel, different categories; the clear distance square to the pipes.
  const cos = Math.abs(m.dx * n.dx + m.dy * n.dy);
  if (cos < PARALLEL_COS || m.category === n.category) return undefined;
  const rule = clearanceRule(HORIZONTAL_CLEARANCES, m.category, n.category);
  if (!rule) return undefined;
  const centres = Math.abs((n.x - m.x) * m.dy - (n.y - m.y) * m.dx);
  const actual = centres - pm.horizontalHalf - pn.horizontalHalf;
  if (actual > NEIGHBOUR_REACH) return undefined;
  return {
    type: 'horizontal',
    ...pair,
    required: requiredClearance(rule, pm, pn),
    actual: round(actual),
    lon,
    lat,
    rule: clearanceRuleText('horizontal', rule),
  };
}

/** `[[lon, lat], [lon, lat]]`, or an Error saying what is wrong. */
export function checkSectionLine(line: unknown): [LonLat, LonLat] {
  if (!Array.isArray(line)) throw new Error(`a section line is [[lon, lat], [lon, lat]]; got ${JSON.stringify(line)?.slice(0, 60)}`);
  if (line.length !== 2) throw new Error(`a section line has two points [[lon, lat], [lon, lat]]; got ${line.length} point${line.length === 1 ? '' : 's'}`);
  return [checkLonLat(line[0], "the line's first point"), checkLonLat(line[1], "the line's second point")];
}
