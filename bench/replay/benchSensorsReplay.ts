import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDemoServer } from '../../server/createDemoServer.js';
import { type LiveBackbone, startLiveBackbone } from '../../server/live/startLiveBackbone.js';
import { roleAuthenticator, signTestToken } from '../../harness/roleTokens.js';
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
/** The page counts as loaded after this long without an API request in flight or a long task. */
const QUIET_MS = Number(process.env['QUIET_MS'] ?? 1000);
/** CPU_PROFILE=<dir>: a CPU profile of the page's main thread per seek (`seek-<n>.cpuprofile`, for DevTools' Performance panel). */
const CPU_PROFILE = process.env['CPU_PROFILE'];
/** CHROME_TRACE=<dir>: a Chrome trace per seek (`seek-<n>.json`: the renderer, the GPU process's drawing, for chrome://tracing or Perfetto). */
const CHROME_TRACE = process.env['CHROME_TRACE'];
/** Quiet time after each seek is on screen (its trailing work — the alarm list's annotation, other layers' loads — is traced, and does not overlap the next seek). */
const SETTLE_MS = Number(process.env['SETTLE_MS'] ?? 2000);
/**
 * GL_PROBE=1: what each seek asks of WebGL (programs linked, shaders compiled, texture and buffer
 * uploads and their bytes, draw calls), counted by wrapping the context's methods — work done for
 * the first time (a shader, an atlas) shows as a seek that asks more than the others.
 */
const GL_PROBE = process.env['GL_PROBE'] === '1';
const GL_PROBE_SCRIPT = `(() => {
  const counts = (globalThis.__glProbe = {});
  const bytesOf = (v) => (v && typeof v.byteLength === 'number' ? v.byteLength : v && v.width ? v.width * v.height * 4 : typeof v === 'number' ? v : 0);
  const wrap = (proto, name, size) => {
    const original = proto[name];
    if (!original) return;
    proto[name] = function (...args) {
      const c = (counts[name] ??= { calls: 0, bytes: 0 });
      c.calls++;
      if (size) c.bytes += size(args);
      return original.apply(this, args);
    };
  };
  for (const proto of [WebGLRenderingContext.prototype, WebGL2RenderingContext.prototype]) {
    for (const name of ['linkProgram', 'compileShader', 'createTexture', 'createBuffer', 'drawArrays', 'drawElements', 'drawArraysInstanced', 'drawElementsInstanced', 'useProgram']) wrap(proto, name);
    wrap(proto, 'bufferData', (a) => bytesOf(a[1]));
    wrap(proto, 'bufferSubData', (a) => bytesOf(a[2]));
    wrap(proto, 'texImage2D', (a) => bytesOf(a[a.length - 1]) || (a[3] * a[4] * 4 || 0));
    wrap(proto, 'texSubImage2D', (a) => bytesOf(a[a.length - 1]));
  }
})();`;
const root = join(import.meta.dirname, '../..');

await prepareDemo(demoPaths(root), () => undefined);
/** The backbone starts on the server it serves through (its API is reached through this). */
const backbone: { live?: LiveBackbone } = {};
const server = createDemoServer(demoPaths(root), { api: (request, response) => backbone.live?.api(request, response) ?? false });
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
// Read as `internal` (every sensor): the viewer gets its token in the fragment, the server's reads below send it.
const auth = await roleAuthenticator();
const token = await signTestToken('internal', { expiresInSeconds: 6 * 3600 });
const live = (backbone.live = await startLiveBackbone({
  http: server,
  generatedDir: demoPaths(root).groundDir,
  mqttPort: 0,
  sensors: SENSORS,
  simulator: {},
  auth,
}));
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
// The server's start-up work done before the seeks, as on a server that has been up a minute: the fill's closed chunks
// sorted and summarised (maintenance does it within 10 s; a real history closes one chunk per 15 minutes, not 40
// minutes' worth at once) and the parking forecast's first profiles (learnt 30 s after start, 1.5–5 s of this
// machine's CPU: the seeks that met it were the slow ones).
const startUp = performance.now();
await live.history.maintain();
await live.parking.forecasts();
console.error(`server start-up work (history maintenance, parking profiles) done in ${((performance.now() - startUp) / 1000).toFixed(1)} s`);
console.error(
  `history filled: ${rows.toLocaleString()} readings of ${catalog.length.toLocaleString()} sensors over ${FILL_MINUTES} min in ${((Date.now() - fillStarted) / 1000).toFixed(1)} s`,
);

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
/** Seek times spread over the fill (whole seconds, as the URL and the timeline give them). */
const seekTimes = Array.from({ length: SEEKS }, (_, k) => Math.floor((from + ((k + 1) * (to - from)) / (SEEKS + 2)) / 1000) * 1000);

const server_: { ms: number; bytes: number; store: string }[] = [];

const browser = await launchBrowser();
const seekMs: number[] = [];
const traces: SeekTrace[] = [];
try {
  const context = await browser.newContext({ viewport: VIEWPORT });
  await context.addInitScript('globalThis.__name = (f) => f;');
  if (GL_PROBE) await context.addInitScript(GL_PROBE_SCRIPT);
  const page = await context.newPage();
  // EXTRA_QUERY (e.g. `&layers=-parking`) tells which other layer slows a seek down.
  await page.goto(`${url}?live=1${process.env['EXTRA_QUERY'] ?? ''}#token=${token}`);
  await page.waitForFunction(() => 'cimTwin' in window, null, { timeout: 120_000 });
  await page.waitForFunction(() => (window as unknown as { cimTwin: CimTwinApi }).cimTwin.stats().live.sensors > 0, null, { timeout: 120_000 });
  // The first seek is of a loaded page, as a user's is: the viewer ready, its tiles in, and its layers' first loads
  // done (no API request in flight and no long task for QUIET_MS) — else it measures the page's start-up too.
  const loaded = performance.now();
  await page.evaluate(async () => {
    const api = (window as unknown as { cimTwin: CimTwinApi }).cimTwin;
    await api.ready;
    await api.waitForTiles();
  });
  const inFlight = new Set<unknown>();
  page.on('request', (r) => r.url().includes('/api/') && inFlight.add(r));
  page.on('requestfinished', (r) => inFlight.delete(r));
  page.on('requestfailed', (r) => inFlight.delete(r));
  await page.evaluate(() => {
    const quiet = window as unknown as { lastLongTask: number };
    quiet.lastLongTask = performance.now();
    new PerformanceObserver((list) => list.getEntries().forEach((e) => (quiet.lastLongTask = e.startTime + e.duration))).observe({ type: 'longtask' });
  });
  let quietSince = performance.now();
  while (performance.now() - quietSince < QUIET_MS && performance.now() - loaded < 60_000) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const sinceLongTask = await page.evaluate(() => performance.now() - (window as unknown as { lastLongTask: number }).lastLongTask);
    if (inFlight.size > 0 || sinceLongTask < QUIET_MS) quietSince = performance.now();
  }
  process.stderr.write(`page settled ${((performance.now() - loaded) / 1000).toFixed(1)} s after the first sensors\n`);
  const sensorsWorker = page.workers().find((w) => w.url().includes('sensorsWorker'));
  const cdp = CPU_PROFILE ? await context.newCDPSession(page) : undefined;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  }
  for (const [n, at] of seekTimes.entries()) {
    // Every other seek starts from live (a user's first seek does: the page drawing the live feed), the others from
    // the paused replay the seek before left.
    const fromLive = n % 2 === 0;
    if (fromLive && n > 0) {
      await page.evaluate(() => (window as unknown as { cimTwin: CimTwinApi }).cimTwin.clock.live());
      await page.waitForFunction(() => !(window as unknown as { cimTwin: CimTwinApi }).cimTwin.getState().live?.replay, null, { timeout: 60_000 });
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    }
    const framesPerSecond = await page.evaluate(() => (window as unknown as { cimTwin: CimTwinApi }).cimTwin.stats().framesPerSecond);
    await sensorsWorker?.evaluate(() => {
      performance.clearMarks();
      performance.clearResourceTimings();
    });
    await cdp?.send('Profiler.start');
    if (CHROME_TRACE)
      await browser.startTracing(page, {
        path: join(CHROME_TRACE, `seek-${n + 1}.json`),
        categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'gpu', 'viz', 'cc', 'blink', 'toplevel', 'benchmark'],
      });
    const glBefore = GL_PROBE ? await page.evaluate(() => JSON.stringify((globalThis as unknown as { __glProbe: unknown }).__glProbe)) : '{}';
    const trace = await page.evaluate(
      ({ time, settleMs }) =>
        new Promise<SeekTrace>((resolve) => {
          const api = (window as unknown as { cimTwin: CimTwinApi }).cimTwin;
          performance.clearMarks();
          performance.clearResourceTimings();
          const frames: number[] = [];
          const longTasks: [number, number][] = [];
          const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => longTasks.push([e.startTime, e.duration])));
          observer.observe({ type: 'longtask' });
          const started = performance.now();
          api.clock.replay(new Date(time).toISOString(), { paused: true });
          let onScreen = Number.NaN;
          const frame = (now: number): void => {
            frames.push(now);
            const replay = api.getState().live?.replay;
            // Shown: the sensors hold T, nothing loading; the frame after this one draws them.
            if (replay && !replay.loading && replay.time === time)
              requestAnimationFrame(() => {
                onScreen = performance.now();
                // What the seek set off after it was on screen (the alarm list's annotation, other layers) is traced too, then the next seek.
                setTimeout(() => {
                  observer.disconnect();
                  const since = (t: number): number => Math.round(t - started);
                  resolve({
                    ms: onScreen - started,
                    origin: performance.timeOrigin + started,
                    marks: performance.getEntriesByType('mark').map((m) => [m.name, since(m.startTime)]),
                    requests: (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
                      .filter((r) => r.name.includes('/api/'))
                      .map((r) => [
                        new URL(r.name).pathname + new URL(r.name).search.replace(/=[^&]*/g, '='),
                        since(r.startTime),
                        since(r.responseEnd),
                        Math.round(r.serverTiming.find((t) => t.name === 'store')?.duration ?? Number.NaN),
                      ]),
                    frames: frames.map(since),
                    longTasks: longTasks.map(([start, duration]) => [since(start), Math.round(duration)]),
                  });
                }, settleMs);
              });
            else requestAnimationFrame(frame);
          };
          requestAnimationFrame(frame);
        }),
      { time: at, settleMs: SETTLE_MS },
    );
    if (CHROME_TRACE) await browser.stopTracing();
    if (GL_PROBE) {
      type Counts = Record<string, { calls: number; bytes: number }>;
      const before = JSON.parse(glBefore) as Counts;
      const after = JSON.parse(await page.evaluate(() => JSON.stringify((globalThis as unknown as { __glProbe: unknown }).__glProbe))) as Counts;
      const asked = Object.entries(after)
        .map(([name, c]) => [name, c.calls - (before[name]?.calls ?? 0), c.bytes - (before[name]?.bytes ?? 0)] as const)
        .filter(([, calls]) => calls > 0)
        .map(([name, calls, bytes]) => `${name} ${calls}${bytes > 0 ? ` (${(bytes / 1024).toFixed(0)} kB)` : ''}`);
      process.stderr.write(`  WebGL during seek ${n + 1} (until on screen + ${SETTLE_MS} ms): ${asked.join(', ')}\n`);
    }
    if (cdp) writeFileSync(join(CPU_PROFILE!, `seek-${n + 1}.cpuprofile`), JSON.stringify((await cdp.send('Profiler.stop')).profile));
    // The worker's marks, on the seek's time line.
    const workerMarks = (await sensorsWorker?.evaluate(() => ({
      origin: performance.timeOrigin,
      marks: performance.getEntriesByType('mark').map((m) => [m.name, m.startTime] as [string, number]),
      // The state document's request, with the server's time for it (Server-Timing: store).
      requests: (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
        .filter((r) => r.name.includes('/api/history/state'))
        .map((r) => [r.startTime, r.responseEnd, r.serverTiming.find((t) => t.name === 'store')?.duration ?? Number.NaN] as [number, number, number]),
    }))) ?? { origin: 0, marks: [], requests: [] };
    const onSeekLine = (t: number): number => Math.round(workerMarks.origin + t - trace.origin);
    trace.marks.push(...workerMarks.marks.map(([name, t]): [string, number] => [`worker ${name}`, onSeekLine(t)]));
    trace.requests.unshift(
      ...workerMarks.requests.map(([start, end, store]): SeekTrace['requests'][number] => [
        '/api/history/state?at=',
        onSeekLine(start),
        onSeekLine(end),
        Math.round(store),
      ]),
    );
    trace.marks.sort((a, b) => a[1] - b[1]);
    trace.fromLive = fromLive;
    traces.push(trace);
    seekMs.push(trace.ms);
    process.stderr.write(
      `seek to ${iso(at)} from ${fromLive ? 'live' : 'a paused replay'} (${framesPerSecond} frames/s before): ${trace.ms.toFixed(0)} ms\n${describeTrace(trace)}\n`,
    );
  }
  await context.close();

  // The server's share: the state document at T, as the worker fetches it — after the page's seeks (each the first
  // read of its T, as a user's seek is), with no browser running: first a T never read (13 s later), then T again.
  const stateAt = async (at: number): Promise<{ ms: number; bytes: number; store: string }> => {
    const started = performance.now();
    const response = await fetch(`${url}api/history/state?at=${iso(at)}`, { headers: { Authorization: `Bearer ${token}` } });
    const bytes = (await response.arrayBuffer()).byteLength;
    return { ms: performance.now() - started, bytes, store: response.headers.get('server-timing')?.replace('store;dur=', '') ?? '' };
  };
  const fresh: { ms: number; store: string }[] = [];
  for (const at of seekTimes) {
    fresh.push(await stateAt(at + 13_000));
    server_.push(await stateAt(at));
  }
  const list = (reads: { ms: number; store: string }[]): string => reads.map((s) => `${s.ms.toFixed(0)} (store ${s.store})`).join(' · ');
  process.stderr.write(`server alone, GET /api/history/state in seek order, a T never read: ${list(fresh)}\n`);
  process.stderr.write(`server alone, the seeks' T read again: ${list(server_)}\n`);

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
  for (const fromLive of [true, false]) {
    const some = traces.filter((t) => t.fromLive === fromLive).map((t) => t.ms);
    if (some.length)
      console.log(
        `| … from ${fromLive ? 'live (as a first seek is)' : 'a paused replay'} (${some.length} seeks) | ${median(some).toFixed(0)} | ${Math.max(...some).toFixed(0)} | < 500 ${Math.max(...some) < 500 ? '✓' : '✗'} |`,
      );
  }
  console.log(
    `| server: GET /api/history/state (ms, ${(median(server_.map((s) => s.bytes)) / 1024).toFixed(0)} kB) | ${median(serverMs).toFixed(0)} | ${Math.max(...serverMs).toFixed(0)} | < 200 ${Math.max(...serverMs) < 200 ? '✓' : '✗'} |`,
  );
  // The same request in the page's seek: the first read of its T (a cold store), with the other requests of the page around it.
  const inSeek = traces.flatMap((t) => t.requests.filter(([path]) => path.startsWith('/api/history/state')).map(([, , , store]) => store));
  console.log(
    `| server in the page's seeks (Server-Timing store, first read of each T) | ${median(inSeek).toFixed(0)} | ${Math.max(...inSeek).toFixed(0)} | < 200 ${Math.max(...inSeek) < 200 ? '✓' : '✗'} |`,
  );
  printSeekSteps(traces);
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

/** One seek, traced in the page: times in ms since `clock.replay` was called (marks of the page and of the sensors worker). */
interface SeekTrace {
  ms: number;
  /** Started from live (else from a paused replay). */
  fromLive?: boolean;
  /** The seek's start on the wall clock (performance.timeOrigin based), to place the worker's marks. */
  origin: number;
  marks: [name: string, at: number][];
  /** The API requests made during the seek and its settling (path with the query's values blanked, start, end). */
  requests: [path: string, start: number, end: number, store: number][];
  /** Animation frames until on screen. */
  frames: number[];
  longTasks: [start: number, duration: number][];
}

function describeTrace(trace: SeekTrace): string {
  const marks = trace.marks.map(([name, at]) => `${name.replace('seek: ', '')} ${at}`).join(' · ');
  const requests = trace.requests.map(([path, start, end, store]) => `${path} ${start}–${end}${Number.isNaN(store) ? '' : ` (store ${store})`}`).join(' · ');
  const tasks = trace.longTasks.map(([start, duration]) => `${start}+${duration}`).join(' ');
  return `  marks: ${marks}\n  requests: ${requests}\n  frames: ${trace.frames.join(' ')}\n  long tasks (start+ms): ${tasks}`;
}

/** The median time of each step since the seek (the first mark of each name per seek), in the order they happen. */
function printSeekSteps(traces: SeekTrace[]): void {
  const steps = new Map<string, number[]>();
  for (const trace of traces) {
    const seen = new Set<string>();
    for (const [name, at] of trace.marks) {
      if (seen.has(name)) continue;
      seen.add(name);
      steps.set(name, [...(steps.get(name) ?? []), at]);
    }
    for (const [path, start, end] of trace.requests) {
      if (seen.has(path)) continue;
      seen.add(path);
      steps.set(`request ${path} start`, [...(steps.get(`request ${path} start`) ?? []), start]);
      steps.set(`request ${path} end`, [...(steps.get(`request ${path} end`) ?? []), end]);
    }
  }
  const onScreen = traces.map((t) => t.ms);
  console.log(
    `\nWhere a seek's time goes (ms since clock.replay, median of ${traces.length}; marks of the sensors layer and its worker; main-thread long tasks ${median(traces.map((t) => t.longTasks.filter(([s]) => s < t.ms).reduce((sum, [, d]) => sum + d, 0))).toFixed(0)} ms before on screen)\n`,
  );
  console.log('| step | median | seeks |');
  console.log('|---|---:|---:|');
  const rows = [...steps].map(([name, times]) => [name, median(times), times.length] as const).sort((a, b) => a[1] - b[1]);
  for (const [name, at, count] of rows) console.log(`| ${name.replace('seek: ', '')} | ${at.toFixed(0)} | ${count} |`);
  console.log(`| on screen (the frame after the state is shown) | ${median(onScreen).toFixed(0)} | ${onScreen.length} |`);
}
