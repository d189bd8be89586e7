import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startIncidents } from '../../server/incidents/startIncidents.js';
import { normalDayDisturbances } from '../../server/live/normalDayDisturbances.js';
import { loadSensorCatalog } from '../../server/live/SensorCatalog.js';
import { simulatedFeed } from '../../server/live/simulatedFeed.js';
import { startLiveBackbone } from '../../server/live/startLiveBackbone.js';
import { demoPaths, prepareDemo } from '../../server/prepareDemo.js';
import { replayRules } from '../../server/rules/replayRules.js';
import { ruleContextOf } from '../../server/rules/ruleContextOf.js';
import { type RuleProposal, startRulesRunner } from '../../server/rules/startRulesRunner.js';
import type { NetworkDocument } from '../../workers/formats/networkDocument.js';
import { Random } from '../../workers/random/Random.js';
import { incidentProposalOf } from '../../workers/rules/incidentProposalOf.js';
import { RuleEvaluator } from '../../workers/rules/RuleEvaluator.js';

/**
 * `npm run bench:rules`: the rules (workers/rules) on the seed district's sensors.
 * 1. Throughput: SECONDS of the live simulator's stream at 5,000 readings/s with its scripted
 *    burst and rain, through the evaluator, against a floor in the same run: the same stream
 *    into a consumer that only keeps each datastream's latest value. Lists what was found.
 * 2. False positives: DAYS normal simulated days (each its own date, disturbances and random
 *    seed: hydrants in use, failed loggers, a puddle, a blocked sewer, gas spikes) replayed
 *    through the rules; every finding is a false positive. Target 0.
 * 3. (LIVE=off skips it) alarm → proposed incident through the real broker and incidents
 *    store (DuckDB): the simulator's burst, and a gas alarm injected in a well, from the
 *    arrival of the reading that completes the evidence to the incident stored (target < 2 s),
 *    against a floor in the same run: storing a proposal directly (STORE_WRITES of them).
 * Prints a table; exit code 1 when a target is missed.
 */
const root = join(import.meta.dirname, '../..');
const RATE = 5000;
const SECONDS = Number(process.env['SECONDS'] ?? 600);
const DAYS = Number(process.env['DAYS'] ?? 1);
const STORE_WRITES = Number(process.env['STORE_WRITES'] ?? 20);
const LATENCY_TARGET_MS = 2000;

const rows: [string, string, string, string, string][] = [];
const row = (what: string, measured: string, floor: string, ratio: string, target: string): void => {
  rows.push([what, measured, floor, ratio, target]);
  console.log(`  ${what}: ${measured}${floor ? ` (floor: ${floor})` : ''}`);
};
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number): string => `${value < 10 ? value.toFixed(1) : value.toFixed(0)} ms`;
const count = (n: number): string => n.toLocaleString('en');
let missed = false;

const paths = demoPaths(root);
await prepareDemo(paths, () => undefined);
const doc = JSON.parse(readFileSync(join(paths.tilesDir, 'pipes/network.json'), 'utf8')) as NetworkDocument;
const catalog = loadSensorCatalog(join(paths.groundDir, 'nankai-sensor-sites.geojson'));
const context = ruleContextOf(catalog, doc);

// ---- 1. throughput on the scripted stream ----
{
  const start = Date.UTC(2026, 10, 30, 2, 0, 0);
  // The live simulator's schedule: sensors take turns at RATE readings/s in 100 ms ticks; the
  // scripted burst at 90 s and rain at 180 s (simulatedFeed's defaults).
  const stream = (onReading: (datastream: number, value: number, time: number) => void): number => {
    const random = new Random(3);
    const feed = simulatedFeed(catalog, start, {}, () => random.next());
    let cursor = 0;
    let readings = 0;
    for (let tick = 0; tick < SECONDS * 10; tick++) {
      const time = start + tick * 100;
      for (let k = 0; k < RATE / 10; k++) {
        const entry = catalog[cursor++ % catalog.length]!;
        if (feed.silent.has(entry.id)) continue;
        onReading(entry.id, feed.reading(entry, time), time);
        readings++;
      }
    }
    return readings;
  };
  const latest = new Float64Array(Math.max(...catalog.map((e) => e.id)) + 1);
  let started = performance.now();
  stream((datastream, value) => void (latest[datastream] = value));
  const floorMs = performance.now() - started;
  const evaluator = new RuleEvaluator(context);
  const found = new Map<string, number>();
  // The slowest single readings: those that set a rule looking around (what a proposal waits for).
  let slowestMs = 0;
  let slowestFindingMs = 0;
  started = performance.now();
  const readings = stream((datastream, value, time) => {
    const before = performance.now();
    const findings = evaluator.observeDatastream(datastream, value, time);
    const took = performance.now() - before;
    for (const finding of findings) found.set(finding.rule.id, (found.get(finding.rule.id) ?? 0) + 1);
    slowestMs = Math.max(slowestMs, took);
    if (findings.length > 0) slowestFindingMs = Math.max(slowestFindingMs, took);
  });
  const oursMs = performance.now() - started;
  // Net of the stream itself, which the floor also pays.
  const perSecond = readings / (Math.max(oursMs - floorMs, 1e-3) / 1000);
  row(
    `rules on the simulator's stream: ${SECONDS} s at ${count(RATE)} readings/s, burst and rain scripted`,
    `${ms(oursMs)} for ${count(readings)} readings: ${count(Math.round(perSecond))} readings/s net of the stream (${((RATE / perSecond) * 100).toFixed(2)}% of a core at ${count(RATE)}/s); ` +
      `${evaluator.counts.evaluations} rule evaluations, the slowest reading ${ms(slowestMs)}, the slowest with a finding ${ms(slowestFindingMs)}; found: ${[...found].map(([rule, n]) => `${rule} ×${n}`).join(', ') || 'nothing'}`,
    `stream + latest value ${ms(floorMs)}`,
    (oursMs / floorMs).toFixed(2),
    `≥ ${count(RATE)}/s`,
  );
  if (perSecond < RATE) missed = true;
}

// ---- 2. false positives over normal simulated days ----
if (DAYS > 0) {
  const firstMidnight = Date.UTC(2026, 10, 29, 16, 0, 0); // 00:00 in Tianjin (UTC+8)
  let falsePositives = 0;
  let readings = 0;
  let evaluations = 0;
  let elapsedMs = 0;
  const found: string[] = [];
  for (let day = 0; day < DAYS; day++) {
    const midnight = firstMidnight + day * 86_400_000;
    const random = new Random(11 + day);
    const run = replayRules({
      catalog,
      context,
      scenario: { burstAfterSeconds: null, rainAfterSeconds: null, disturbances: normalDayDisturbances(catalog, midnight, 20261130 + day) },
      fromMs: midnight,
      toMs: midnight + 86_400_000,
      random: () => random.next(),
    });
    falsePositives += run.findings.length;
    readings += run.readings;
    evaluations += run.evaluations;
    elapsedMs += run.elapsedMs;
    found.push(...run.findings.map((f) => `day ${day + 1}: ${f.headline}`));
  }
  console.log(`false positives over ${DAYS} normal simulated day(s): ${falsePositives}${found.length ? ` (${found.join('; ')})` : ''}`);
  row(
    `normal simulated day${DAYS > 1 ? `s (${DAYS})` : ''}: false positives`,
    `${falsePositives} (${count(readings)} readings, ${evaluations} rule evaluations, replayed in ${(elapsedMs / 1000).toFixed(1)} s)`,
    '',
    '',
    '0',
  );
  if (falsePositives > 0) missed = true;
}

// ---- 3. alarm → proposed incident, live ----
if (process.env['LIVE'] !== 'off') {
  const http = createServer((_request, response) => response.writeHead(404).end());
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const storeDir = mkdtempSync(join(tmpdir(), 'cim-twin-bench-rules-'));
  const incidents = await startIncidents({ env: {}, root, storeLocation: { engine: 'duckdb', path: join(storeDir, 'store.duckdb') }, log: () => undefined });
  const live = await startLiveBackbone({
    http,
    generatedDir: paths.groundDir,
    mqttPort: 0,
    simulator: { rate: RATE, burstAfterSeconds: 1, rainAfterSeconds: null },
  });
  const runner = startRulesRunner({ live, network: doc, propose: incidents.service.propose });
  const next = (ruleId: string): Promise<RuleProposal> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${ruleId} proposal within 120 s`)), 120_000);
      const off = runner.onProposal((p) => {
        if (p.finding.rule.id !== ruleId) return;
        clearTimeout(timer);
        off();
        resolve(p);
      });
    });
  try {
    const burst = await next('pipe-burst');
    const gasWell = live.catalog.find((e) => e.type.id === 'gas_in_well')!;
    const gas = next('gas-leak');
    const now = Date.now();
    await live.simulator!.inject(gasWell.id, 60, now - 15_000);
    await live.simulator!.inject(gasWell.id, 60, now);
    const leak = await gas;
    // The floor: the store write a proposal costs (each its own situation, so each is created), with the stream still running.
    const writes: number[] = [];
    for (let k = 0; k < STORE_WRITES; k++) {
      const proposal = { ...incidentProposalOf(leak.finding), dedupeKey: `bench-floor-${k}` };
      const started = performance.now();
      await incidents.service.propose(proposal);
      writes.push(performance.now() - started);
    }
    const floor = median(writes);
    const worst = Math.max(burst.latencyMs, leak.latencyMs);
    row(
      `alarm → proposed incident (live broker at ${count(RATE)} obs/s, DuckDB store)`,
      `burst ${ms(burst.latencyMs)} after its last reading arrived (${burst.finding.headline}); gas leak ${ms(leak.latencyMs)}`,
      `a proposal stored directly, median of ${STORE_WRITES}: ${ms(floor)}`,
      `${(burst.latencyMs / floor).toFixed(1)} / ${(leak.latencyMs / floor).toFixed(1)}`,
      `< ${count(LATENCY_TARGET_MS)} ms`,
    );
    if (worst >= LATENCY_TARGET_MS) missed = true;
  } finally {
    runner.stop();
    await live.close();
    await new Promise((resolve) => http.close(resolve));
    await incidents.close();
    rmSync(storeDir, { recursive: true, force: true });
  }
}

const header: [string, string, string, string, string] = ['what', 'measured', 'floor (same run)', 'ours ÷ floor', 'target'];
const widths = header.map((_, c) => Math.max(...[header, ...rows].map((r) => r[c]!.length)));
const line = (cells: string[]): string => `| ${cells.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
console.log(['', line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n'));
console.log(`load average during the run: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} (on ${availableParallelism()} cores)`);
console.log(missed ? 'a target was missed: FAIL' : 'every target met: PASS');
process.exitCode = missed ? 1 : 0;
