import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoPaths, prepareDemo } from '../server/prepareDemo.js';
import { normalDayDisturbances } from '../server/live/normalDayDisturbances.js';
import { type CatalogEntry, loadSensorCatalog } from '../server/live/SensorCatalog.js';
import { replayRules } from '../server/rules/replayRules.js';
import { ruleContextOf } from '../server/rules/ruleContextOf.js';
import type { NetworkDocument } from '../workers/formats/networkDocument.js';
import { isolateBurst } from '../workers/network/isolateBurst.js';
import { Random } from '../workers/random/Random.js';
import type { RuleContext } from '../workers/rules/RuleContext.js';

const root = join(import.meta.dirname, '..');
let catalog: CatalogEntry[];
let context: RuleContext;

beforeAll(async () => {
  const paths = demoPaths(root);
  await prepareDemo(paths, () => undefined);
  catalog = loadSensorCatalog(join(paths.groundDir, 'nankai-sensor-sites.geojson'));
  context = ruleContextOf(catalog, JSON.parse(readFileSync(join(paths.tilesDir, 'pipes/network.json'), 'utf8')) as NetworkDocument);
});

/** 10:00 China time, and the midnight that starts that day. */
const MORNING = Date.UTC(2026, 10, 30, 2, 0, 0);
const MIDNIGHT = Date.UTC(2026, 10, 29, 16, 0, 0);

describe('rules on the simulator’s model (time-accelerated, no sockets)', () => {
  it('the scripted burst (90 s) and rain (180 s) propose a burst naming a pipe at the drop, and waterlogging with its area', () => {
    const random = new Random(7);
    const run = replayRules({ catalog, context, scenario: {}, fromMs: MORNING, toMs: MORNING + 30 * 60_000, random: () => random.next() });
    const bursts = run.findings.filter((f) => f.rule.id === 'pipe-burst');
    const floods = run.findings.filter((f) => f.rule.id === 'waterlogging');
    console.log(
      `scripted: ${run.readings} readings in ${run.elapsedMs.toFixed(0)} ms; burst proposed ${((bursts[0]?.at ?? NaN) - MORNING) / 1000} s after the start ` +
        `(${bursts[0]?.headline}), waterlogging ${floods.map((f) => `${(f.at - MORNING) / 1000} s`).join(', ')}`,
    );
    expect(bursts).toHaveLength(1);
    expect(run.findings.filter((f) => f.rule.id === 'gas-leak')).toEqual([]);
    const burst = bursts[0]!;
    expect(burst.at).toBeGreaterThan(MORNING + 90_000);
    expect(burst.at).toBeLessThan(MORNING + 180_000);
    // The pipe's isolation holds the sensor where the burst starts (the strongest drop) and most of the evidence.
    const network = context.network!;
    const pipe = burst.assets.find((a) => a.kind === 'pipe')!.id;
    const isolation = isolateBurst(network.graph, network.edgeIds.indexOf(pipe));
    const isolated = new Set(Array.from(isolation.isolatedEdges).flatMap((e) => [network.graph.edgeFrom[e]!, network.graph.edgeTo[e]!]));
    const nodeOf = (datastream: number): number => context.sensors.networkNode[context.sensors.datastreamIds.indexOf(datastream)]!;
    const source = catalog.find((e) => e.type.id === 'network_pressure')!;
    expect(isolated.has(nodeOf(source.id))).toBe(true);
    expect(burst.evidence.filter((e) => isolated.has(nodeOf(e.datastreamId))).length).toBeGreaterThanOrEqual(burst.evidence.length / 2);
    // Rain: wells and road sensors together, after the rain starts, each area once.
    expect(floods.length).toBeGreaterThanOrEqual(1);
    expect(new Set(floods.map((f) => f.dedupeKey)).size).toBe(floods.length);
    for (const flood of floods) {
      expect(flood.at).toBeGreaterThan(MORNING + 180_000);
      expect(flood.footprint.kind).toBe('polygon');
      const types = new Set(flood.evidence.map((e) => e.sensorType));
      expect(types).toEqual(new Set(['well_water_level', 'waterlogging']));
    }
  });

  it('a normal simulated day proposes nothing, though hydrants, faults, a puddle and gas spikes set sensors off', () => {
    const random = new Random(11);
    const disturbances = normalDayDisturbances(catalog, MIDNIGHT);
    const run = replayRules({
      catalog,
      context,
      scenario: { burstAfterSeconds: null, rainAfterSeconds: null, disturbances },
      fromMs: MIDNIGHT,
      toMs: MIDNIGHT + 86_400_000,
      random: () => random.next(),
    });
    console.log(
      `normal day: ${run.readings} readings, ${disturbances.length} disturbances, false positives: ${run.findings.length} ` +
        `(${run.findings.map((f) => f.headline).join('; ') || 'none'}), ${run.evaluations} rule evaluations, ${(run.readings / (run.elapsedMs / 1000)).toFixed(0)} readings/s`,
    );
    expect(run.readings).toBeGreaterThan(9_000_000);
    expect(run.findings).toEqual([]);
    // Quiet though sensors did enter the rules' states (hydrants in use, failed loggers, the puddle, the sewer).
    expect(run.evaluations).toBeGreaterThanOrEqual(15);
  });
});
