import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NetworkDocument } from '../../workers/formats/networkDocument.js';
import { crossSection } from '../../workers/planning/crossSection.js';
import { excavationPipes } from '../../workers/planning/excavationPipes.js';
import { longitudinalProfile } from '../../workers/planning/longitudinalProfile.js';
import { type PlanningPipes, planningPipesFromDocument, toLonLat } from '../../workers/planning/planningPipes.js';
import { trace } from '../../workers/planning/trace.js';
import { Random } from '../../workers/random/Random.js';
import { type BenchContext, type BenchLeg, type BenchRow, timeRuns } from './benchLeg.js';

let loaded: { pipes: PlanningPipes; loadMs: number; count: number } | undefined;
/** The seed district's network.json (every category), loaded into the kernels' columns once. */
function seedPipes(context: BenchContext): { pipes: PlanningPipes; loadMs: number; count: number } {
  if (loaded) return loaded;
  const text = readFileSync(join(context.root, 'data/tiles/pipes/network.json'), 'utf8');
  const started = performance.now();
  const pipes = planningPipesFromDocument(JSON.parse(text) as NetworkDocument);
  loaded = { pipes, loadMs: performance.now() - started, count: pipes.ids.length };
  return loaded;
}

/** Random pipes of the given categories (fixed seed: the same cases every run). */
function samplePipes(pipes: PlanningPipes, categories: readonly string[], count: number, seed: number): number[] {
  const random = new Random(seed);
  const candidates = pipes.category.flatMap((c, p) => (categories.includes(c) && pipes.length[p]! > 5 ? [p] : []));
  return Array.from({ length: count }, () => candidates[Math.floor(random.next() * candidates.length)]!);
}

/** The middle of a pipe and its direction (local metres). */
function middleOf(pipes: PlanningPipes, p: number): { x: number; y: number; ux: number; uy: number } {
  const v = pipes.vertexStart[p]!;
  const x0 = pipes.x[v]!,
    y0 = pipes.y[v]!,
    x1 = pipes.x[v + 1]!,
    y1 = pipes.y[v + 1]!;
  const length = Math.hypot(x1 - x0, y1 - y0) || 1;
  return { x: (x0 + x1) / 2, y: (y0 + y1) / 2, ux: (x1 - x0) / length, uy: (y1 - y0) / length };
}

export const pipeToolLegs: BenchLeg = {
  name: 'pipe tools (cross-section, excavation pipe list, trace)',
  run(context): BenchRow[] {
    const { pipes, loadMs, count } = seedPipes(context);
    const rows: BenchRow[] = [
      {
        case: `load network.json (${count.toLocaleString('en')} pipes) into the kernels' columns`,
        median: loadMs,
        p95: loadMs,
        max: loadMs,
        note: 'once per worker',
      },
    ];
    // Cross-sections: 40 m square across a water main's street, centred on it.
    const lines = samplePipes(pipes, ['JS'], context.runs, 16).map((p) => {
      const m = middleOf(pipes, p);
      return [toLonLat(pipes, m.x + m.uy * 20, m.y - m.ux * 20), toLonLat(pipes, m.x - m.uy * 20, m.y + m.ux * 20)];
    });
    let cut = 0;
    rows.push({
      case: 'cross-section of a 40 m street',
      ...timeRuns(lines, (line) => (cut += crossSection(pipes, line).pipes.length)),
      targetMs: 50,
      note: `${(cut / (lines.length + 10)).toFixed(1)} pipes cut on average`,
    });
    // Excavation pits: 20 × 10 m around a pipe, 3 m deep.
    const pits = samplePipes(pipes, ['JS', 'PS', 'DL', 'TX', 'RL'], context.runs, 17).map((p) => {
      const m = middleOf(pipes, p);
      const corner = (a: number, b: number): [number, number] => toLonLat(pipes, m.x + m.ux * a - m.uy * b, m.y + m.uy * a + m.ux * b);
      return [corner(-10, -5), corner(10, -5), corner(10, 5), corner(-10, 5)];
    });
    let met = 0;
    rows.push({
      case: 'excavation pipe list and solids (20 × 10 m pit, 3 m deep)',
      ...timeRuns(pits, (pit) => (met += excavationPipes(pipes, pit, 3).pipes.length)),
      targetMs: 50,
      note: `${(met / (pits.length + 10)).toFixed(1)} pipes met on average`,
    });
    // Traces: the whole water network joined to a main; a sewer's downstream run.
    const mains = samplePipes(pipes, ['JS'], Math.min(context.runs, 100), 18).map((p) => pipes.ids[p]!);
    let reached = 0;
    rows.push({
      case: 'trace: connected water network (+ valves to close)',
      ...timeRuns(mains, (id) => (reached += trace(pipes, id, { direction: 'connected' }).pipes.length)),
      targetMs: 20,
      note: `${Math.round(reached / (mains.length + 10)).toLocaleString('en')} pipes reached on average`,
    });
    const sewers = samplePipes(pipes, ['PS'], context.runs, 19).map((p) => pipes.ids[p]!);
    rows.push({ case: 'trace: sewer downstream', ...timeRuns(sewers, (id) => trace(pipes, id, { direction: 'downstream' })), targetMs: 20 });
    rows.push({ case: 'trace: sewer upstream', ...timeRuns(sewers, (id) => trace(pipes, id, { direction: 'upstream' })), targetMs: 20 });
    rows.push({ case: 'longitudinal profile of a sewer run', ...timeRuns(sewers, (id) => longitudinalProfile(pipes, id)) });
    return rows;
  },
};
