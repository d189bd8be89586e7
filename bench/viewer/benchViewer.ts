import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { createDemoServer } from '../../server/createDemoServer.js';
import { type LiveBackbone, startLiveBackbone } from '../../server/live/startLiveBackbone.js';
import { demoPaths, prepareDemo } from '../../server/prepareDemo.js';
import { launchBrowser } from '../../harness/launchBrowser.js';
import { roleAuthenticator, signTestToken } from '../../harness/roleTokens.js';
import { cesiumPageConfig } from '../../vite.config.js';
import { cameraPath, measure, median, printLiveLayerCost, type RunResult, VIEWPORT } from './measureViewer.js';

/**
 * `npm run bench:viewer`: the CIM Twin viewer against bare CesiumJS loading the same seed
 * tilesets along the same camera path, in the same run (headless Chromium, software WebGL,
 * small viewport), alternating runs. Prints medians and ratios; targets from the issue.
 */
const RUNS = Number(process.env['RUNS'] ?? 2);
/** Which comparisons to run: `bare` (viewer vs bare CesiumJS), `live` (live layer on vs off), `parking` (parking layer on vs off). */
const PARTS = (process.env['PARTS'] ?? 'bare,live,parking').split(',');
const root = join(import.meta.dirname, '../..');

/** Serves a page build; with `liveSensors`, also the live backbone (broker + simulator) for that many sensors. */
async function serve(viewerDist: string, liveSensors = 0): Promise<{ url: string; signIn: string; close(): Promise<void> }> {
  let live: LiveBackbone | undefined;
  const server = createDemoServer(
    { ...demoPaths(root), viewerDist },
    { env: liveSensors ? {} : { CIM_LIVE: 'off' }, api: (request, response) => live?.api(request, response) ?? false },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // The viewer reads as `internal` (every sensor), its token handed over in the fragment.
  if (liveSensors)
    live = await startLiveBackbone({
      http: server,
      generatedDir: demoPaths(root).groundDir,
      mqttPort: 0,
      sensors: liveSensors,
      simulator: {},
      auth: await roleAuthenticator(),
    });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    signIn: liveSensors ? `#token=${await signTestToken('internal', { expiresInSeconds: 6 * 3600 })}` : '',
    close: async () => {
      await live?.close();
      server.closeAllConnections();
      server.close();
    },
  };
}

function bundleGzipBytes(dist: string): number {
  const assets = join(dist, 'assets');
  return readdirSync(assets)
    .filter((f) => f.endsWith('.js') || f.endsWith('.css'))
    .reduce((sum, f) => sum + gzipSync(readFileSync(join(assets, f)), { level: 9 }).length, 0);
}

await prepareDemo(demoPaths(root), () => undefined);
const bareDist = join(root, 'dist/bench-bare');
await build({ ...cesiumPageConfig('bench/viewer/bare', 'dist/bench-bare'), configFile: false, logLevel: 'warn' });
const app = await serve(join(root, 'dist/viewer'));
const bare = await serve(bareDist);
const browser = await launchBrowser();
const path = cameraPath();
const results: Record<'app' | 'bare', RunResult[]> = { app: [], bare: [] };
try {
  for (let run = 0; run < (PARTS.includes('bare') ? RUNS : 0); run++) {
    for (const kind of run % 2 ? (['app', 'bare'] as const) : (['bare', 'app'] as const)) {
      results[kind].push(await measure(browser, kind === 'app' ? app.url : bare.url, kind, path));
      process.stderr.write(`run ${run + 1}/${RUNS} ${kind} done\n`);
    }
  }
} finally {
  await app.close();
  await bare.close();
}

// The live layer's cost: the same viewer and path with LIVE_SENSORS sensors streaming, layer on vs off.
const LIVE_SENSORS = PARTS.includes('live') ? Number(process.env['LIVE_SENSORS'] ?? 20000) : 0;
const liveResults: Record<'on' | 'off', RunResult[]> = { on: [], off: [] };
if (LIVE_SENSORS > 0) {
  const liveApp = await serve(join(root, 'dist/viewer'), LIVE_SENSORS);
  try {
    for (let run = 0; run < RUNS; run++) {
      for (const variant of run % 2 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
        liveResults[variant].push(await measure(browser, `${liveApp.url}?live=1${variant === 'off' ? '&layers=-sensors' : ''}${liveApp.signIn}`, 'app', path));
        process.stderr.write(`run ${run + 1}/${RUNS} live layer ${variant} done\n`);
      }
    }
  } finally {
    await liveApp.close();
  }
}

// The parking layer's cost (issue 15: ≤ 1.15×): every site updating live at the simulator's rate,
// the sensors layer off in both runs so that only the parking layer differs.
const parkingResults: Record<'on' | 'off', RunResult[]> = { on: [], off: [] };
if (PARTS.includes('parking')) {
  const parkingApp = await serve(join(root, 'dist/viewer'), 1);
  try {
    for (let run = 0; run < RUNS; run++) {
      for (const variant of run % 2 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
        parkingResults[variant].push(
          await measure(browser, `${parkingApp.url}?live=1&layers=-sensors${variant === 'off' ? ',-parking' : ',parking'}`, 'app', path),
        );
        process.stderr.write(`run ${run + 1}/${RUNS} parking layer ${variant} done\n`);
      }
    }
  } finally {
    await parkingApp.close();
  }
}
await browser.close();

const rows: [string, keyof RunResult, number | undefined][] = [
  ['time to first frame (ms)', 'firstFrameMs', 1.2],
  ['time until visible tiles loaded (ms)', 'tilesLoadedMs', 1.2],
  ['frame time median along the path (ms)', 'frameMedianMs', 1.25],
  ['frame time p95 along the path (ms)', 'frameP95Ms', 1.25],
  ['JS heap after the path, after GC (MB)', 'heapMb', undefined],
];
if (PARTS.includes('bare')) {
  console.log(
    `\nViewer vs bare CesiumJS — same tilesets, same ${path.length}-frame camera path, ${VIEWPORT.width}×${VIEWPORT.height}, median of ${RUNS} runs each\n`,
  );
  console.log('| measure | CIM Twin | bare CesiumJS | ratio | target |');
  console.log('|---|---:|---:|---:|---|');
  for (const [label, key, target] of rows) {
    const ours = median(results.app.map((r) => r[key]));
    const base = median(results.bare.map((r) => r[key]));
    const ratio = ours / base;
    const verdict = target === undefined ? 'reported' : ratio <= target ? `≤ ${target}× ✓` : `≤ ${target}× ✗`;
    console.log(`| ${label} | ${ours.toFixed(1)} | ${base.toFixed(1)} | ${ratio.toFixed(2)}× | ${verdict} |`);
  }
  const ourBundle = bundleGzipBytes(join(root, 'dist/viewer'));
  const bareBundle = bundleGzipBytes(bareDist);
  const bundleRatio = ourBundle / bareBundle;
  console.log(
    `| bundle, JS + CSS gzip (kB) | ${(ourBundle / 1024).toFixed(0)} | ${(bareBundle / 1024).toFixed(0)} | ${bundleRatio.toFixed(2)}× | ≤ 1.3× ${bundleRatio <= 1.3 ? '✓' : '✗'} |`,
  );
}
if (LIVE_SENSORS > 0) {
  console.log(`\nLive layer with ${LIVE_SENSORS.toLocaleString()} streaming sensors: the same viewer and path, sensors layer on vs off\n`);
  printLiveLayerCost(liveResults);
}
if (PARTS.includes('parking')) {
  console.log('\nParking layer with every site updating live: the same viewer and path (sensors layer off), parking layer on vs off\n');
  printLiveLayerCost(parkingResults, 1.15);
}
