import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createDemoServer } from '../../server/createDemoServer.js';
import { type LiveBackbone, startLiveBackbone } from '../../server/live/startLiveBackbone.js';
import { demoPaths, prepareDemo } from '../../server/prepareDemo.js';
import { launchBrowser } from '../../harness/launchBrowser.js';
import type { CimTwinApi } from '../../viewer/src/app/createPageApi.js';
import { SensorState } from '../../workers/live/alarmStateMachine.js';
import { cameraPath, measure, median, printLiveLayerCost, type RunResult, VIEWPORT } from '../viewer/measureViewer.js';

/**
 * `npm run bench:replay`: the sensors layer in a replay with SENSORS
 * (default 20,000) sensors. The history is filled with FILL_MINUTES of readings (each sensor
 * at its type's period, 2 % of them in alarm for a while), then in headless Chromium:
 *   - seek → on screen: `cimTwin.clock.replay(T, paused)` until the sensors show T with nothing
 *     loading and the next frame is drawn (issue 14: < 500 ms), and the server's state-at-T time;
 *   - playback at 60×: frame time along bench:viewer's camera path with the sensors layer on
 *     vs off, both replaying (the live leg's target: ≤ 1.25×).
 */
const SENSORS = Number(process.env['SENSORS'] ?? 20_000);
const FILL_MINUTES = Number(process.env['FILL_MINUTES'] ?? 40);
const SEEKS = Number(process.env['SEEKS'] ?? 5);
/** PART=seek measures the seeks only (a few minutes; the playback leg takes longer). */
const RUNS = process.env['PART'] === 'seek' ? 0 : Number(process.env['RUNS'] ?? 2);
const root = join(import.meta.dirname, '../..');

await prepareDemo(demoPaths(root), () => undefined);
/** The backbone starts on the server it serves through (its API is reached through this). */
const backbone: { live?: LiveBackbone } = {};
const server = createDemoServer(demoPaths(root), { api: (request, response) => backbone.live?.api(request, response) ?? false });
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const live = (backbone.live = await startLiveBackbone({ http: server, generatedDir: demoPaths(root).groundDir, mqttPort: 0, sensors: SENSORS, simulator: {} }));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

// The history: every sensor at its period from FILL_MINUTES ago until a minute ago, in time order.
const fillStarted = Date.now();
const from = Math.floor((Date.now() - FILL_MINUTES * 60_000) / 1000) * 1000;
const to = Date.now() - 60_000;
const catalog = live.catalog;
const next = Float64Array.from(catalog, (e, i) => from + ((i * 7919) % (e.type.periodSeconds * 1000)));
let rows = 0;
for (let t = from; t < to; t += 1000) {
  for (let i = 0; i < catalog.length; i++) {
    if (next[i]! > t) continue;
    const entry = catalog[i]!;
    // 2 % of the sensors are in alarm through the middle third of the fill.
    const alarming = i % 50 === 0 && t > from + (to - from) / 3 && t < from + (2 * (to - from)) / 3;
    const { direction, warning, alarm } = entry.type.thresholds;
    const value = alarming ? (direction === 'above' ? alarm * 2 : alarm / 2) : direction === 'above' ? warning / 2 : warning * 1.5;
    while (!live.history.add(entry.id, next[i]!, value, alarming ? SensorState.alarm : SensorState.normal)) await live.history.flush();
    next[i]! += entry.type.periodSeconds * 1000;
    rows++;
  }
}
await live.history.flush();
console.error(
  `history filled: ${rows.toLocaleString()} readings of ${catalog.length.toLocaleString()} sensors over ${FILL_MINUTES} min in ${((Date.now() - fillStarted) / 1000).toFixed(1)} s`,
);

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
/** Seek times spread over the fill (whole seconds, as the URL and the timeline give them). */
const seekTimes = Array.from({ length: SEEKS }, (_, k) => Math.floor((from + ((k + 1) * (to - from)) / (SEEKS + 2)) / 1000) * 1000);

// The server's share: the state document at T, as the worker fetches it.
const server_: { ms: number; bytes: number; store: string }[] = [];
for (const at of seekTimes) {
  const started = performance.now();
  const response = await fetch(`${url}api/history/state?at=${iso(at)}`);
  const bytes = (await response.arrayBuffer()).byteLength;
  server_.push({ ms: performance.now() - started, bytes, store: response.headers.get('server-timing') ?? '' });
}

const browser = await launchBrowser();
const seekMs: number[] = [];
try {
  const context = await browser.newContext({ viewport: VIEWPORT });
  await context.addInitScript('globalThis.__name = (f) => f;');
  const page = await context.newPage();
  // EXTRA_QUERY (e.g. `&layers=-parking`) tells which other layer slows a seek down.
  await page.goto(`${url}?live=1${process.env['EXTRA_QUERY'] ?? ''}`);
  await page.waitForFunction(() => 'cimTwin' in window, null, { timeout: 120_000 });
  await page.waitForFunction(() => (window as unknown as { cimTwin: CimTwinApi }).cimTwin.stats().live.sensors > 0, null, { timeout: 120_000 });
  for (const at of seekTimes) {
    seekMs.push(
      await page.evaluate(
        (time) =>
          new Promise<number>((resolve) => {
            const api = (window as unknown as { cimTwin: CimTwinApi }).cimTwin;
            const started = performance.now();
            api.clock.replay(new Date(time).toISOString(), { paused: true });
            const frame = (): void => {
              const replay = api.getState().live?.replay;
              // Shown: the sensors hold T, nothing loading; the frame after this one draws them.
              if (replay && !replay.loading && replay.time === time) requestAnimationFrame(() => resolve(performance.now() - started));
              else requestAnimationFrame(frame);
            };
            requestAnimationFrame(frame);
          }),
        at,
      ),
    );
    process.stderr.write(`seek to ${iso(at)}: ${seekMs.at(-1)!.toFixed(0)} ms\n`);
  }
  await context.close();

  // Playback at 60× from the start of the fill: the layer on vs off, along the same camera path.
  const playFrom = iso(from + 60_000);
  const runs: Record<'on' | 'off', RunResult[]> = { on: [], off: [] };
  const path = cameraPath();
  for (let run = 0; run < RUNS; run++)
    for (const variant of run % 2 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
      runs[variant].push(await measure(browser, `${url}?live=1&at=${playFrom}&speed=60${variant === 'off' ? '&layers=-sensors' : ''}`, 'app', path));
      process.stderr.write(`run ${run + 1}/${RUNS} replay at 60×, layer ${variant} done\n`);
    }

  console.log(
    `\nSensors replay with ${catalog.length.toLocaleString()} sensors, ${rows.toLocaleString()} readings over ${FILL_MINUTES} min, ${VIEWPORT.width}×${VIEWPORT.height}\n`,
  );
  console.log('| measure | median | max | target |');
  console.log('|---|---:|---:|---|');
  const serverMs = server_.map((s) => s.ms);
  console.log(
    `| seek → state of every sensor on screen (ms, ${SEEKS} seeks) | ${median(seekMs).toFixed(0)} | ${Math.max(...seekMs).toFixed(0)} | < 500 ${Math.max(...seekMs) < 500 ? '✓' : '✗'} |`,
  );
  console.log(
    `| server: GET /api/history/state (ms, ${(median(server_.map((s) => s.bytes)) / 1024).toFixed(0)} kB) | ${median(serverMs).toFixed(0)} | ${Math.max(...serverMs).toFixed(0)} | < 200 ${Math.max(...serverMs) < 200 ? '✓' : '✗'} |`,
  );
  if (RUNS > 0) {
    console.log(`\nPlayback at 60× (from ${playFrom}): the same viewer and path, sensors layer on vs off\n`);
    printLiveLayerCost(runs);
  }
} finally {
  await browser.close();
  await live.close();
  server.closeAllConnections();
  server.close();
}
