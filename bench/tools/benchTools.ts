import { join } from 'node:path';
import { demoPaths, prepareDemo } from '../../server/prepareDemo.js';
import type { BenchLeg, BenchRow } from './benchLeg.js';
import { buildingToolLegs } from './buildingToolLegs.js';
import { excavationFrameLeg } from './excavationFrameLeg.js';
import { pipeToolLegs } from './pipeToolLegs.js';

/**
 * `npm run bench:tools`: the planner tools' analyses on the seed district (the demo's data,
 * built first when stale), kernel by kernel in this thread, against the targets
 * (judged on the 95th percentile). Each tool adds a leg module and one line to LEGS.
 * RUNS=200 cases per timed row; LEGS=pipe (words matched in the legs' names, comma-separated)
 * runs only those legs, e.g. the trace rows without the browser's frame leg.
 */
const ALL_LEGS: readonly BenchLeg[] = [pipeToolLegs, buildingToolLegs, excavationFrameLeg];
const wanted = (process.env['LEGS'] ?? '')
  .split(',')
  .map((word) => word.trim().toLowerCase())
  .filter(Boolean);
const LEGS = wanted.length ? ALL_LEGS.filter((leg) => wanted.some((word) => leg.name.toLowerCase().includes(word))) : ALL_LEGS;
if (LEGS.length === 0) throw new Error(`LEGS=${process.env['LEGS']} matches no leg (${ALL_LEGS.map((leg) => leg.name).join('; ')})`);

const root = join(import.meta.dirname, '../..');
const runs = Number(process.env['RUNS'] ?? 200);
await prepareDemo(demoPaths(root), () => undefined);

const f = (ms: number): string => (ms < 0.1 ? ms.toFixed(3) : ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
const table: (BenchRow & { leg: string })[] = [];
for (const leg of LEGS) for (const row of await leg.run({ root, runs })) table.push({ ...row, leg: leg.name });

const header = ['case', 'median ms', 'p95 ms', 'max ms', 'target', 'met', 'note'];
const lines = table.map((r) => [
  r.case,
  f(r.median),
  f(r.p95),
  f(r.max),
  r.targetMs !== undefined ? `< ${Number(r.targetMs.toPrecision(3))} ms` : '',
  r.targetMs !== undefined ? (r.p95 < r.targetMs ? 'yes' : 'NO') : '',
  r.note ?? '',
]);
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
const print = (cells: string[]): void => console.log(`| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`);
console.log(`bench:tools — ${runs} cases per row, Node ${process.version}, this thread`);
print(header);
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
lines.forEach(print);
const missed = table.filter((r) => r.targetMs !== undefined && r.p95 >= r.targetMs);
if (missed.length) process.exitCode = 1;
