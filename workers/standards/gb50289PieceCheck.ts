import { gasPressureClass, gasPressureClassOf } from './gb50028GasPressure.js';
import { clearanceRule, type ClearanceContext, type ClearanceRule, HORIZONTAL_CLEARANCES, VERTICAL_CLEARANCES } from './gb50289Clearances.js';

/**
 * How GB 50289's clearance tables are applied to two straight pieces of pipe: one home for the
 * rule logic the pipeline's whole-survey check (tiles-pipeline checkClearances) and the planner
 * tools (cross-section, excavation) share. Pieces are in a local plane (metres) with the centre
 * line's depth below the ground as z; clear distances are wall to wall (centre distance less both
 * half sizes).
 */

/** Gas pressure classes (ClearanceContext.gasPressure), by index where a column of them is kept. */
export const GAS_PRESSURES = ['low', 'medium', 'subHighB', 'subHighA'] as const;
export type GasPressure = (typeof GAS_PRESSURES)[number];

/** Pipes closer to parallel than this angle are checked side by side, steeper ones as crossings. */
export const PARALLEL_COS = Math.cos((30 * Math.PI) / 180);
/** Side-by-side runs shorter than this are not "parallel" (they are passing near a crossing). */
export const MIN_PARALLEL_RUN = 2;

/** What the rules need of a pipe. */
export interface ClearancePipe {
  category: string;
  /** Half the section's height and width (radius for round pipes), metres. */
  verticalHalf: number;
  horizontalHalf: number;
  /** Diameter (m), 0 for a box section. */
  diameter: number;
  /** For gas pipes; "medium" when the survey says nothing. */
  gasPressure: GasPressure;
}

/** A straight piece of a pipe's centre line: x, y in metres, z the depth below the ground (m). */
export interface ClearancePiece {
  x0: number;
  y0: number;
  z0: number;
  x1: number;
  y1: number;
  z1: number;
}

/** A clearance measured between two pieces where a rule applies, conflicting or not. */
export interface PieceClearance {
  type: 'horizontal' | 'vertical';
  rule: ClearanceRule;
  required: number;
  actual: number;
  /** Where it was measured (the crossing, or the nearer end of the side-by-side run), local metres. */
  x: number;
  y: number;
}

/**
 * The GB 50289 pressure class of a gas pipe's 压力 (pressure) column: its GB 50028 class
 * (gb50028GasPressure.ts, a class name or a pressure in MPa) mapped to the clearance tables'
 * classes; medium when it says nothing.
 */
export function gasPressureOf(pressure: string | undefined): GasPressure {
  const code = gasPressureClassOf(pressure);
  return code ? gasPressureClass(code).gb50289 : 'medium';
}

/** The minimum a rule asks of two pipes (diameters and gas pressure for the rules that depend on them). */
export function requiredClearance(rule: ClearanceRule, a: ClearancePipe, b: ClearancePipe): number {
  if (typeof rule.metres === 'number') return rule.metres;
  const [first, second] = a.category === rule.between[0] ? [a, b] : [b, a];
  const gas = first.category === 'RQ' ? first : second.category === 'RQ' ? second : undefined;
  const context: ClearanceContext = { diameters: [first.diameter, second.diameter], gasPressure: gas?.gasPressure ?? 'medium' };
  return rule.metres(context);
}

/** The rule a clearance went by, as a planner reads it: "GB 50289 Table 4.1.9 JS–PS (d ≤ 200 mm: 1.0; …)". */
export function clearanceRuleText(type: 'horizontal' | 'vertical', rule: ClearanceRule): string {
  const table = type === 'horizontal' ? '4.1.9' : '4.1.14';
  const [x, y] = rule.between;
  return `GB 50289 Table ${table} ${x}–${y === '*' ? 'any' : y}${rule.note ? ` (${rule.note})` : ''}`;
}

/**
 * The clearance between two pieces of different pipelines, when a rule applies: vertical where
 * they cross in plan at more than 30° (Table 4.1.14, any categories), horizontal where pipes of
 * different categories run side by side over at least MIN_PARALLEL_RUN (Table 4.1.9).
 * Undefined when no rule applies or the pieces neither cross nor run side by side.
 */
export function pieceClearance(a: ClearancePiece, pipeA: ClearancePipe, b: ClearancePiece, pipeB: ClearancePipe): PieceClearance | undefined {
  const ax = a.x1 - a.x0,
    ay = a.y1 - a.y0,
    bx = b.x1 - b.x0,
    by = b.y1 - b.y0;
  const la = Math.hypot(ax, ay),
    lb = Math.hypot(bx, by);
  if (la < 1e-6 || lb < 1e-6) return undefined;
  const cos = Math.abs(ax * bx + ay * by) / (la * lb);
  const crossing = intersection(a, b);
  if (crossing && cos < PARALLEL_COS) {
    const rule = clearanceRule(VERTICAL_CLEARANCES, pipeA.category, pipeB.category);
    if (!rule) return undefined;
    const za = a.z0 + (a.z1 - a.z0) * crossing.t;
    const zb = b.z0 + (b.z1 - b.z0) * crossing.u;
    const actual = Math.abs(za - zb) - pipeA.verticalHalf - pipeB.verticalHalf;
    return { type: 'vertical', rule, required: requiredClearance(rule, pipeA, pipeB), actual, x: a.x0 + ax * crossing.t, y: a.y0 + ay * crossing.t };
  }
  if (!crossing && cos >= PARALLEL_COS && pipeA.category !== pipeB.category) {
    const rule = clearanceRule(HORIZONTAL_CLEARANCES, pipeA.category, pipeB.category);
    if (!rule) return undefined;
    // Side by side only where their projections overlap over a real run.
    if (projectedOverlap(a, b) < MIN_PARALLEL_RUN) return undefined;
    const { distance, x, y } = segmentDistance(a, b);
    const actual = distance - pipeA.horizontalHalf - pipeB.horizontalHalf;
    return { type: 'horizontal', rule, required: requiredClearance(rule, pipeA, pipeB), actual, x, y };
  }
  return undefined;
}

type Piece2 = { x0: number; y0: number; x1: number; y1: number };

/** Where two pieces cross in plan: t along a, u along b (0–1), or undefined. */
export function intersection(a: Piece2, b: Piece2): { t: number; u: number } | undefined {
  const rx = a.x1 - a.x0,
    ry = a.y1 - a.y0,
    sx = b.x1 - b.x0,
    sy = b.y1 - b.y0;
  const denominator = rx * sy - ry * sx;
  if (Math.abs(denominator) < 1e-12) return undefined;
  const qx = b.x0 - a.x0,
    qy = b.y0 - a.y0;
  const t = (qx * sy - qy * sx) / denominator;
  const u = (qx * ry - qy * rx) / denominator;
  return t >= 0 && t <= 1 && u >= 0 && u <= 1 ? { t, u } : undefined;
}

// No closures inside these: they run once per candidate pair (4.5M times for 3,000 coincident
// pipes in the pipeline's check), and a closure per call costs more than the arithmetic.
function projectedOverlap(a: Piece2, b: Piece2): number {
  const dx = a.x1 - a.x0,
    dy = a.y1 - a.y0;
  const length = Math.hypot(dx, dy);
  const p0 = ((b.x0 - a.x0) * dx + (b.y0 - a.y0) * dy) / length,
    p1 = ((b.x1 - a.x0) * dx + (b.y1 - a.y0) * dy) / length;
  return Math.min(length, Math.max(p0, p1)) - Math.max(0, Math.min(p0, p1));
}

function segmentDistance(a: Piece2, b: Piece2): { distance: number; x: number; y: number } {
  const d0 = pointToPiece(a.x0, a.y0, b),
    d1 = pointToPiece(a.x1, a.y1, b),
    d2 = pointToPiece(b.x0, b.y0, a),
    d3 = pointToPiece(b.x1, b.y1, a);
  // The first of the four end points at the least distance.
  if (d0 <= d1 && d0 <= d2 && d0 <= d3) return { distance: d0, x: a.x0, y: a.y0 };
  if (d1 <= d2 && d1 <= d3) return { distance: d1, x: a.x1, y: a.y1 };
  if (d2 <= d3) return { distance: d2, x: b.x0, y: b.y0 };
  return { distance: d3, x: b.x1, y: b.y1 };
}

function pointToPiece(px: number, py: number, s: Piece2): number {
  const dx = s.x1 - s.x0,
    dy = s.y1 - s.y0;
  const t = Math.max(0, Math.min(1, ((px - s.x0) * dx + (py - s.y0) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (s.x0 + t * dx), py - (s.y0 + t * dy));
}
