import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { generateSeeds, GENERATED_DIR } from '../../seeds/generator/main.js';
import type { ParkingForecast } from '../../workers/formats/parking.js';
import { backtestParking } from '../../workers/parking/backtest.js';
import { buildParkingProfile, FORECAST_STEP_MS, forecastFromProfile, forecastParking, type ParkingProfile } from '../../workers/parking/forecast.js';
import { ParkingGuide } from '../../workers/parking/guidance.js';
import { simulateOccupancy } from '../../workers/parking/occupancyModel.js';
import { parkingSitesFromGeoJson } from '../../workers/parking/parkingSites.js';
import { Random } from '../../workers/random/Random.js';
import { roadGraphFromDocument } from '../../workers/routing/roadGraphDocument.js';

/**
 * `npm run bench:parking`: the parking forecast and guidance (workers/parking) on the seed
 * district's 1,354 sites (seeds/generated/nankai-parking.geojson).
 * 1. Backtest: every site's occupancy simulated by the occupancy model every 5 minutes for
 *    TRAINING_DAYS (the profile learns from them) and then TEST_DAYS (a week) forecast every
 *    15 minutes; mean absolute error at 15 / 30 / 60 minutes for the forecast, persistence (the
 *    last value) and the weekly profile alone, in spaces and in % of capacity. Target: the
 *    forecast beats persistence at 30 and 60 minutes.
 * 2. The forecast of every site (target < 200 ms) as it runs on each live update: from each
 *    site's profile, kept between updates, and its last counts; and the rebuild of every
 *    profile from the whole history (TRAINING_DAYS of 5-minute counts each), which runs when
 *    the history is (re)loaded — hourly is plenty for a weekly profile.
 * 3. Guidance on the seed road graph: GUIDES destinations near random sites, arrival in 10 min,
 *    driving from a point up to 2 km away: p50 / p95 per request, target < 100 ms.
 * Prints a table; exit code 1 when a target is missed.
 */
const TRAINING_DAYS = Number(process.env['TRAINING_DAYS'] ?? 21);
const TEST_DAYS = Number(process.env['TEST_DAYS'] ?? 7);
const GUIDES = Number(process.env['GUIDES'] ?? 200);
const SEED = 20261130;
/** Monday 2026-11-02 00:00 China Standard Time. */
const FROM = Date.UTC(2026, 10, 1, 16, 0);
const FORECAST_TARGET_MS = 200;
const GUIDE_TARGET_MS = 100;

const parkingFile = join(GENERATED_DIR, 'nankai-parking.geojson');
if (!existsSync(parkingFile)) generateSeeds();
const sites = parkingSitesFromGeoJson(JSON.parse(readFileSync(parkingFile, 'utf8')));
const spots = sites.reduce((sum, s) => sum + s.capacity, 0);
console.log(`${sites.length.toLocaleString('en')} parking sites, ${spots.toLocaleString('en')} spaces`);

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const percentile = (values: number[], p: number): number => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;
const f = (ms: number): string => (ms < 10 ? ms.toFixed(2) : ms.toFixed(0));
const table = (rows: string[][]): void => {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]): string => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  console.log(line(rows[0]!));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows.slice(1)) console.log(line(r));
};

// ---- 1. backtest ----
let started = performance.now();
const backtest = backtestParking(sites, { from: FROM, trainingDays: TRAINING_DAYS, testDays: TEST_DAYS, seed: SEED, originEvery: 3 });
const backtestSeconds = (performance.now() - started) / 1000;
console.log(
  `\nbacktest: ${TRAINING_DAYS} days learnt, ${TEST_DAYS} days forecast every 15 min: ${backtest.forecasts.toLocaleString('en')} forecasts in ${backtestSeconds.toFixed(1)} s\n`,
);
const methodRow = (name: string, error: { spaces: number[]; share: number[] }): string[] => [
  name,
  ...backtest.horizons.map((_, j) => `${error.spaces[j]!.toFixed(2)} (${(100 * error.share[j]!).toFixed(2)} %)`),
];
table([
  ['MAE, spaces (% of capacity)', ...backtest.horizons.map((h) => `${h} min`)],
  methodRow('forecast (profile + fitted deviation)', backtest.forecast),
  methodRow('persistence (last value)', backtest.persistence),
  methodRow('weekly profile alone', backtest.profile),
]);
const beats = [1, 2].every((j) => backtest.forecast.spaces[j]! < backtest.persistence.spaces[j]!);

// ---- 2. the forecast of every site ----
const count = TRAINING_DAYS * 288;
const time = Float64Array.from({ length: count }, (_, i) => FROM + i * FORECAST_STEP_MS);
const histories = sites.map((site) => simulateOccupancy(site, FROM, FORECAST_STEP_MS, count, SEED));
const now = time[count - 1]!;
let forecasts: ParkingForecast[] = [];
const allMs: number[] = [];
for (let run = 0; run < 5; run++) {
  started = performance.now();
  forecasts = sites.map((site, i) => forecastParking(time, histories[i]!, site.capacity, now));
  allMs.push(performance.now() - started);
}
const profiles: ParkingProfile[] = sites.map((site, i) => buildParkingProfile(time, histories[i]!, site.capacity));
const recentMs: number[] = [];
for (let run = 0; run < 20; run++) {
  started = performance.now();
  sites.forEach((_, i) => forecastFromProfile(profiles[i]!, time.subarray(count - 4), histories[i]!.subarray(count - 4), now));
  recentMs.push(performance.now() - started);
}

// ---- 3. guidance ----
const graph = roadGraphFromDocument(readFileSync(join(GENERATED_DIR, 'nankai-road-graph.json')));
started = performance.now();
const guide = new ParkingGuide(graph, sites);
const guideSetupMs = performance.now() - started;
const random = new Random(SEED);
const guideMs: number[] = [];
const offered: number[] = [];
for (let g = 0; g < GUIDES; g++) {
  const near = random.pick(sites);
  const destination = { lon: near.lon + random.range(-0.002, 0.002), lat: near.lat + random.range(-0.002, 0.002) };
  const from = { lon: destination.lon + random.range(-0.02, 0.02), lat: destination.lat + random.range(-0.015, 0.015) };
  started = performance.now();
  const ranked = guide.guide(destination, { arriveInMinutes: 10, forecasts, from });
  guideMs.push(performance.now() - started);
  offered.push(ranked.length);
}

console.log('');
table([
  ['timing', 'runs', 'p50 ms', 'p95 ms', 'max ms', 'target'],
  [
    `forecast of every site (${sites.length}) from kept profiles`,
    String(recentMs.length),
    f(median(recentMs)),
    f(percentile(recentMs, 0.95)),
    f(Math.max(...recentMs)),
    `< ${FORECAST_TARGET_MS} ms`,
  ],
  [
    `profiles rebuilt + forecast, every site, ${TRAINING_DAYS} days of history each`,
    String(allMs.length),
    f(median(allMs)),
    f(percentile(allMs, 0.95)),
    f(Math.max(...allMs)),
    '',
  ],
  [
    'guidance: one destination, ranked with routes',
    String(guideMs.length),
    f(median(guideMs)),
    f(percentile(guideMs, 0.95)),
    f(Math.max(...guideMs)),
    `< ${GUIDE_TARGET_MS} ms`,
  ],
  ['guidance: set-up (3 routers, 1,354 sites snapped)', '1', f(guideSetupMs), '', '', ''],
]);
console.log(`\nsites offered per guidance (within 800 m walk): median ${median(offered)}`);
console.log(`load average during the run: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} (on ${availableParallelism()} cores)`);
// Judged on medians: the machine is shared, and its load shows in the tails.
const fast = median(recentMs) < FORECAST_TARGET_MS && median(guideMs) < GUIDE_TARGET_MS;
console.log(
  `forecast beats persistence at 30 and 60 min: ${beats ? 'yes' : 'NO'}; forecast of every site ${f(median(recentMs))} ms (< ${FORECAST_TARGET_MS}; with every profile rebuilt ${f(median(allMs))} ms); guidance p50 ${f(median(guideMs))} ms (< ${GUIDE_TARGET_MS}): ${beats && fast ? 'PASS' : 'FAIL'}`,
);
process.exitCode = beats && fast ? 0 : 1;
