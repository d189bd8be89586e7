import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { demoPaths, prepareDemo } from '../../server/prepareDemo.js';
import type { NetworkDocument } from '../../workers/formats/networkDocument.js';
import { type BurstImpact, burstImpact } from '../../workers/network/burstImpact.js';
import { criticality } from '../../workers/network/criticality.js';
import { prepareSupplyNetwork, type PreparedSupplyNetwork } from '../../workers/network/prepareSupplyNetwork.js';
import { reachableFromSources } from '../../workers/network/reachableFromSources.js';
import type { SupplyNetwork } from '../../workers/network/SupplyNetwork.js';
import { supplyNetworkFromDocument } from '../../workers/network/supplyNetworkFromDocument.js';
import { Random } from '../../workers/random/Random.js';
import { analysisWorkerThread } from '../analysisThread.js';
import { syntheticSupplyNetwork } from './syntheticSupplyNetwork.js';

/**
 * `npm run bench:network`: burst impact (valves in order, isolated and cut-off parts, buildings,
 * facilities, sensors) on a 100k-pipe synthetic network laid like the seed's — in this thread
 * (the kernel) and through the viewer's analysis worker in a worker_thread (request → answer,
 * buffers transferred) — and criticality of every pipe of the synthetic and the seed water
 * network, against floors measured in the same run: one plain breadth-first walk from the
 * sources over the same graph (the least any burst analysis that follows connectivity does),
 * and, for criticality, a burst analysis of every pipe (timed on EVERY_PIPE_SAMPLE pipes and
 * scaled to all). Prints a table; the target (< 50 ms in the worker) is judged on the median,
 * the tails show the shared machine's load. BURSTS=200, CRITICALITY_RUNS=7, EVERY_PIPE_SAMPLE=500.
 */
const BURSTS = Number(process.env['BURSTS'] ?? 200);
const CRITICALITY_RUNS = Number(process.env['CRITICALITY_RUNS'] ?? 7);
const EVERY_PIPE_SAMPLE = Number(process.env['EVERY_PIPE_SAMPLE'] ?? 500);
const WARM_UP = 20;
const BURST_TARGET_MS = 50;
const root = join(import.meta.dirname, '../..');

const time = (run: () => unknown): number => {
  const started = performance.now();
  run();
  return performance.now() - started;
};
const percentile = (values: number[], p: number): number => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;
const median = (values: number[]): number => percentile(values, 0.5);
const f = (ms: number): string => (ms < 0.1 ? ms.toFixed(3) : ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
const count = (n: number): string => n.toLocaleString('en');
/** What the tables compare between the kernel and the worker: the sizes of every answer list. */
const shape = (impact: BurstImpact): string =>
  [impact.valveIndex, impact.isolatedEdges, impact.isolatedNodes, impact.cutOffNodes, impact.buildings, impact.facilities, impact.sensors]
    .map((a) => a.length)
    .join(',');

/** The floor: one breadth-first walk from the sources over the whole graph, median of `runs`. */
function floorMs(network: SupplyNetwork, runs = 30): number {
  return median(Array.from({ length: runs }, () => time(() => reachableFromSources(network.graph, network.sourceNodes))));
}

function burstRuns(prepared: PreparedSupplyNetwork, bursts: number[]): number[] {
  for (const edge of bursts.slice(0, WARM_UP)) burstImpact(prepared, edge);
  return bursts.map((edge) => time(() => burstImpact(prepared, edge)));
}

interface Row {
  case: string;
  network: string;
  runs: string;
  median: string;
  p95: string;
  max: string;
  perPipe: string;
  floor: string;
  ratio: string;
  target: string;
}
const rows: Row[] = [];

// 1. The 100k-pipe synthetic network.
const synthetic = syntheticSupplyNetwork(113);
const pipes = synthetic.graph.edgeFrom.length;
const syntheticName = `synthetic, ${count(pipes)} pipes`;
let prepared!: PreparedSupplyNetwork;
const prepareMs = time(() => (prepared = prepareSupplyNetwork(synthetic)));
const syntheticFloor = floorMs(synthetic);
const random = new Random(42);
const bursts = Array.from({ length: BURSTS }, () => random.int(0, pipes - 1));
const kernel = burstRuns(prepared, bursts);
const kernelShapes = bursts.map((edge) => shape(burstImpact(prepared, edge)));
const sample = burstImpact(prepared, bursts[0]!);
rows.push({
  case: 'burst impact, this thread (kernel)',
  network: syntheticName,
  runs: String(BURSTS),
  median: f(median(kernel)),
  p95: f(percentile(kernel, 0.95)),
  max: f(Math.max(...kernel)),
  perPipe: '',
  floor: `BFS ${f(syntheticFloor)}`,
  ratio: (median(kernel) / syntheticFloor).toFixed(2),
  target: '',
});

// The same through the analysis worker in a worker_thread: the network loaded once, then one request per burst.
const worker = analysisWorkerThread();
const startUpMs = await worker.ready();
const loadStarted = performance.now();
const workerLoad = await worker.host.request('analysis.loadNetwork', syntheticSupplyNetwork(113)); // a copy: its buffers move into the worker
const loadMs = performance.now() - loadStarted;
for (const edge of bursts.slice(0, WARM_UP)) await worker.host.request('analysis.burstImpact', { handle: workerLoad.handle, burstEdge: edge });
const workerRuns: number[] = [];
for (const [i, edge] of bursts.entries()) {
  const started = performance.now();
  const answer = await worker.host.request('analysis.burstImpact', { handle: workerLoad.handle, burstEdge: edge });
  workerRuns.push(performance.now() - started);
  if (shape(answer) !== kernelShapes[i]) throw new Error(`pipe ${edge}: the worker answered ${shape(answer)}, the kernel ${kernelShapes[i]}`);
}
const workerVerdict = median(workerRuns) < BURST_TARGET_MS;
rows.push({
  case: 'burst impact, analysis worker (worker_thread, request → answer)',
  network: syntheticName,
  runs: String(BURSTS),
  median: f(median(workerRuns)),
  p95: f(percentile(workerRuns, 0.95)),
  max: f(Math.max(...workerRuns)),
  perPipe: '',
  floor: `BFS ${f(syntheticFloor)}`,
  ratio: (median(workerRuns) / syntheticFloor).toFixed(2),
  target: `< ${BURST_TARGET_MS} ms: ${workerVerdict ? 'yes' : 'NO'}`,
});
rows.push({
  case: 'load the network into the worker (once: clone + check + index)',
  network: syntheticName,
  runs: '1',
  median: f(loadMs),
  p95: '',
  max: '',
  perPipe: '',
  floor: `in-worker ${f(workerLoad.milliseconds)}`,
  ratio: '',
  target: '',
});
const syntheticCriticality = Array.from({ length: CRITICALITY_RUNS }, () => time(() => criticality(prepared)));
rows.push({
  case: 'criticality of every pipe (kernel)',
  network: syntheticName,
  runs: String(CRITICALITY_RUNS),
  median: f(median(syntheticCriticality)),
  p95: '',
  max: f(Math.max(...syntheticCriticality)),
  perPipe: `${f((median(syntheticCriticality) / pipes) * 1000)} µs`,
  floor: `BFS ${f(syntheticFloor)}`,
  ratio: (median(syntheticCriticality) / syntheticFloor).toFixed(1),
  target: '',
});
const criticalityStarted = performance.now();
await worker.host.request('analysis.criticality', { handle: workerLoad.handle });
const workerCriticalityMs = performance.now() - criticalityStarted;
rows.push({
  case: 'criticality of every pipe, analysis worker (first request)',
  network: syntheticName,
  runs: '1',
  median: f(workerCriticalityMs),
  p95: '',
  max: '',
  perPipe: `${f((workerCriticalityMs / pipes) * 1000)} µs`,
  floor: `BFS ${f(syntheticFloor)}`,
  ratio: (workerCriticalityMs / syntheticFloor).toFixed(1),
  target: '',
});
await worker.stop();

// 2. The seed water network, as `npm start` builds it.
const paths = demoPaths(root);
await prepareDemo(paths, () => undefined);
const doc = JSON.parse(readFileSync(join(paths.tilesDir, 'pipes/network.json'), 'utf8')) as NetworkDocument;
const seed = supplyNetworkFromDocument(doc).network;
const seedPrepared = prepareSupplyNetwork(seed);
const seedPipes = seed.graph.edgeFrom.length;
const seedName = `seed water (JS), ${count(seedPipes)} pipes`;
const seedFloor = floorMs(seed);
const seedBursts = Array.from({ length: BURSTS }, () => random.int(0, seedPipes - 1));
const seedKernel = burstRuns(seedPrepared, seedBursts);
rows.push({
  case: 'burst impact, this thread (kernel)',
  network: seedName,
  runs: String(BURSTS),
  median: f(median(seedKernel)),
  p95: f(percentile(seedKernel, 0.95)),
  max: f(Math.max(...seedKernel)),
  perPipe: '',
  floor: `BFS ${f(seedFloor)}`,
  ratio: (median(seedKernel) / seedFloor).toFixed(2),
  target: '',
});
const seedCriticality = Array.from({ length: CRITICALITY_RUNS }, () => time(() => criticality(seedPrepared)));
// What criticality replaces: a burst analysis of every pipe, timed on evenly spread pipes and scaled to all.
const sampled = Math.min(EVERY_PIPE_SAMPLE, seedPipes);
const sampledMs = time(() => {
  for (let k = 0; k < sampled; k++) burstImpact(seedPrepared, Math.floor((k * seedPipes) / sampled));
});
const everyPipeMs = (sampledMs / sampled) * seedPipes;
rows.push({
  case: 'criticality of every pipe (kernel)',
  network: seedName,
  runs: String(CRITICALITY_RUNS),
  median: f(median(seedCriticality)),
  p95: '',
  max: f(Math.max(...seedCriticality)),
  perPipe: `${f((median(seedCriticality) / seedPipes) * 1000)} µs`,
  floor: `BFS ${f(seedFloor)}`,
  ratio: (median(seedCriticality) / seedFloor).toFixed(1),
  target: '',
});
rows.push({
  case: `a burst analysis of every pipe (what criticality replaces; ${count(sampled)} timed, scaled)`,
  network: seedName,
  runs: '1',
  median: f(everyPipeMs),
  p95: '',
  max: '',
  perPipe: `${f((sampledMs / sampled) * 1000)} µs`,
  floor: `criticality ${f(median(seedCriticality))}`,
  ratio: `${(everyPipeMs / median(seedCriticality)).toFixed(0)}× slower`,
  target: '',
});

console.log(
  `\n${syntheticName}: ${count(synthetic.graph.nodeCount)} points, ${synthetic.sourceNodes.length} sources, ${count(synthetic.services.node.length)} buildings, ${synthetic.facilities.service.length} facilities, ${count(synthetic.sensors.node.length)} sensors; prepared in ${f(prepareMs)} ms; the first burst shuts in ${sample.isolatedEdges.length} pipes and closes ${sample.valveIndex.length} valves; the worker thread started in ${f(startUpMs)} ms`,
);
console.log(
  `${seedName}: ${seed.sourceNodes.length} sources, ${count(seed.services.node.length)} buildings, ${seed.facilities.service.length} critical facilities (network.json of the demo's pipes tileset)\n`,
);
const header: Row = {
  case: 'case',
  network: 'network',
  runs: 'runs',
  median: 'median ms',
  p95: 'p95 ms',
  max: 'max ms',
  perPipe: 'per pipe',
  floor: 'floor ms',
  ratio: 'median ÷ floor',
  target: 'target',
};
const keys = Object.keys(header) as (keyof Row)[];
const widths = keys.map((k) => Math.max(header[k].length, ...rows.map((r) => r[k].length)));
const line = (row: Row): string => `| ${keys.map((k, i) => row[k].padEnd(widths[i]!)).join(' | ')} |`;
console.log([line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n'));
console.log(`\nThe floor is one breadth-first walk from the sources over the whole graph (reachableFromSources), measured here; a burst needs at least one.`);
console.log(`load average during the run: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} (on ${availableParallelism()} cores)`);
console.log(
  `burst impact on ${syntheticName} in the analysis worker: median ${f(median(workerRuns))} ms (target < ${BURST_TARGET_MS} ms): ${workerVerdict ? 'PASS' : 'FAIL'}`,
);
process.exitCode = workerVerdict ? 0 : 1;
