import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { InitHydOption, NodeProperty, Project } from 'epanet-js';
import { demoPaths, prepareDemo } from '../../server/prepareDemo.js';
import type { NetworkDocument } from '../../workers/formats/networkDocument.js';
import { HydraulicModel } from '../../workers/hydraulics/HydraulicModel.js';
import { hydraulicWhatIf } from '../../workers/hydraulics/hydraulicWhatIf.js';
import { linksClosedByIsolation } from '../../workers/hydraulics/linksClosedByIsolation.js';
import { isolateBurst } from '../../workers/network/isolateBurst.js';
import { networkGraphFromDocument } from '../../workers/network/networkGraphFromDocument.js';
import { Random } from '../../workers/random/Random.js';
import { analysisWorkerThread } from '../analysisThread.js';

/**
 * `npm run bench:hydraulics`: the hydraulic what-if (pressures at every node before and after
 * closing a burst's valves, with EPANET through epanet-js) on the seed water model (target
 * < 1 s) and on EPANET's Net6 — in this thread and through the viewer's analysis worker in a
 * worker_thread (the first request carries the .inp and opens the model, later ones name it) —
 * against a floor measured in the same run: one bare EPANET hydraulic solve of the same model
 * (open the solver, initialise, one runH, read the pressures). A what-if is two solves, so
 * ≈ 2× the floor is its cost. BURSTS=9 closures per model; the target is judged on the median.
 */
const root = join(import.meta.dirname, '../..');
const BURSTS = Number(process.env['BURSTS'] ?? 9);
const TARGET_MS = 1000;

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const f = (ms: number): string => (ms < 10 ? ms.toFixed(1) : ms.toFixed(0));

/**
 * One bare EPANET hydraulic solve of an open model, median of `runs`: the solver alone on the
 * same engine project the what-if uses (islands taken out, which EPANET cannot solve with).
 */
function bareSolveMs(model: HydraulicModel, runs: number): number {
  // The engine project is the model's own; the floor uses nothing else of it.
  const project = (model as unknown as { project: Project }).project;
  const times: number[] = [];
  for (let k = 0; k < runs; k++) {
    const started = performance.now();
    project.openH();
    project.initH(InitHydOption.InitFlow);
    project.runH();
    project.getNodeValues(NodeProperty.Pressure);
    project.closeH();
    times.push(performance.now() - started);
  }
  return median(times);
}

const paths = demoPaths(root);
await prepareDemo(paths, () => undefined);
const doc = JSON.parse(readFileSync(join(paths.tilesDir, 'pipes/network.json'), 'utf8')) as NetworkDocument;
const seedInp = readFileSync(join(paths.groundDir, 'nankai-water.inp'));
const net6Inp = readFileSync(join(root, 'test/fixtures/epanet/Net6.inp'));

// The closures: a random pipe's burst isolated by its valves on the seed network (the links EPANET must close), evenly spread pipes of Net6.
const { graph, edgeIds } = networkGraphFromDocument(doc, 'JS');
const random = new Random(5);
const seedClosures = Array.from({ length: BURSTS }, () => linksClosedByIsolation(graph, isolateBurst(graph, random.int(0, edgeIds.length - 1)), edgeIds));
const net6Pipes = await (async () => {
  const model = await HydraulicModel.fromInp(net6Inp);
  const pipes = model.linkIds.filter((_, l) => model.nodeKinds[model.linkFrom[l]!] === 0 && model.nodeKinds[model.linkTo[l]!] === 0);
  model.close();
  return pipes;
})();
const net6Closures = Array.from({ length: BURSTS }, (_, k) => [net6Pipes[Math.floor((k * net6Pipes.length) / BURSTS)]!]);

const worker = analysisWorkerThread();
const startUpMs = await worker.ready();
const rows: string[][] = [];
let verdict = true;
for (const [name, inp, closures] of [
  ['seed water model', seedInp, seedClosures],
  ['EPANET Net6', net6Inp, net6Closures],
] as const) {
  let started = performance.now();
  const model = await HydraulicModel.fromInp(inp);
  const openMs = performance.now() - started;
  const floor = bareSolveMs(model, BURSTS);
  const junctions = model.nodeKinds.filter((k) => k === 0).length;
  const here: number[] = [];
  const affected: number[] = [];
  for (const close of closures) {
    started = performance.now();
    affected.push(hydraulicWhatIf(model, close).counts.affected);
    here.push(performance.now() - started);
  }
  model.close();
  // Through the worker: the first request opens the model from its text; the rest name it.
  const key = `bench:${name}`;
  const inpText = inp.toString('utf8');
  started = performance.now();
  await worker.host.request('analysis.hydraulics', { model: { key, inp: inpText }, closeLinks: closures[0]! });
  const firstMs = performance.now() - started;
  const inWorker: number[] = [];
  for (const [k, close] of closures.entries()) {
    started = performance.now();
    const answer = await worker.host.request('analysis.hydraulics', { model: { key }, closeLinks: close });
    inWorker.push(performance.now() - started);
    if (answer.counts.affected !== affected[k])
      throw new Error(`${name}: the worker found ${answer.counts.affected} affected junctions, this thread ${affected[k]}`);
  }
  const label = `${name} (${junctions.toLocaleString('en')} junctions)`;
  const met = median(inWorker) < TARGET_MS;
  if (name === 'seed water model') verdict &&= met;
  rows.push(
    [
      `what-if, this thread`,
      label,
      String(closures.length),
      f(median(here)),
      f(Math.max(...here)),
      f(floor),
      (median(here) / floor).toFixed(2),
      `${median(affected)}`,
      '',
    ],
    [
      `what-if, analysis worker (worker_thread, request → answer)`,
      label,
      String(closures.length),
      f(median(inWorker)),
      f(Math.max(...inWorker)),
      f(floor),
      (median(inWorker) / floor).toFixed(2),
      `${median(affected)}`,
      `< ${TARGET_MS} ms: ${met ? 'yes' : 'NO'}`,
    ],
    [`open the model (parse the .inp, take out islands), this thread`, label, '1', f(openMs), '', f(floor), (openMs / floor).toFixed(1), '', ''],
    [`first request to the worker (.inp sent, model opened, what-if)`, label, '1', f(firstMs), '', f(floor), (firstMs / floor).toFixed(1), '', ''],
  );
}
await worker.stop();

const header = ['case', 'model', 'runs', 'median ms', 'max ms', 'floor: one EPANET solve, ms', 'median ÷ floor', 'affected junctions (median)', 'target'];
const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
const line = (cells: string[]): string => `| ${cells.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
console.log(['', line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n'));
console.log(`\nthe worker thread started in ${f(startUpMs)} ms (not counted above)`);
console.log(`load average during the run: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} (on ${availableParallelism()} cores)`);
console.log(`what-if on the seed water model in the analysis worker (target < ${TARGET_MS} ms): ${verdict ? 'PASS' : 'FAIL'}`);
process.exitCode = verdict ? 0 : 1;
