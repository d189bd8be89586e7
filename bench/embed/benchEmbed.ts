import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createDemoServer } from '../../server/createDemoServer.js';
import { demoPaths, prepareDemo } from '../../server/prepareDemo.js';
import { startEmbedHost } from '../../harness/embedHostServer.js';
import { launchBrowser } from '../../harness/launchBrowser.js';
import type { CimTwinApi } from '../../harness/viewerPage.js';
import type { CimTwinElement } from '../../viewer/src/embed/cimTwinElement.js';

/**
 * `npx tsx bench/embed/benchEmbed.ts`: the leadership-cockpit widget's cost (docs/embedding.md).
 *  - time to first frame and to ready of `<cim-twin>` in a 480×270 tile on a host page of
 *    another origin, against the full viewer page at 1280×720 (ms from navigation start);
 *  - frame time (median CPU time of the last 120 frames) in cockpit mode against planner mode
 *    in the same 480×270 tile, over the same camera path; and the frame's wall time (drawing
 *    included) while the camera turns a little every frame.
 * Alternating runs (RUNS, default 3); live data off (the same data for both, no simulator noise).
 */
const RUNS = Number(process.env['RUNS'] ?? 3);
const root = join(import.meta.dirname, '../..');
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

await prepareDemo(demoPaths(root), () => undefined);
const host = await startEmbedHost();
const server = createDemoServer(demoPaths(root), { env: { CIM_LIVE: 'off', CIM_EMBED_ORIGINS: host.origin } });
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const viewerUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const browser = await launchBrowser();

async function fullViewer(browser: Browser): Promise<{ firstFrameMs: number; readyMs: number }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(`${viewerUrl}/`);
  await page.waitForFunction(() => 'cimTwin' in window, null, { timeout: 120_000 });
  const stats = await page.evaluate(async () => {
    const api = (window as unknown as { cimTwin: CimTwinApi }).cimTwin;
    await api.ready;
    return api.stats();
  });
  await page.close();
  return { firstFrameMs: stats.firstFrameMs ?? NaN, readyMs: stats.readyMs ?? NaN };
}

async function widget(browser: Browser, mode: string): Promise<{ firstFrameMs: number; readyMs: number }> {
  const page = await browser.newPage({ viewport: { width: 800, height: 450 } });
  await page.goto(`${host.origin}/component.html?viewer=${encodeURIComponent(viewerUrl)}`);
  const stats = await page.evaluate(
    async ({ viewerUrl, mode }) => {
      await customElements.whenDefined('cim-twin');
      const element = document.createElement('cim-twin') as CimTwinElement;
      element.setAttribute('server', viewerUrl);
      element.setAttribute('mode', mode);
      document.body.append(element);
      await element.ready;
      return element.stats();
    },
    { viewerUrl, mode },
  );
  await page.close();
  return { firstFrameMs: stats.firstFrameMs ?? NaN, readyMs: stats.readyMs ?? NaN };
}

type Mode = 'cockpit' | 'planner';

/**
 * One tile (`#twin`) on a host page, measured by `measure` in each mode in turn, C P P C C P …:
 * each mode as often first as second (times fall over a run as caches warm).
 */
async function inEachMode(browser: Browser, measure: (page: Page, mode: Mode) => Promise<number>): Promise<Record<Mode, number[]>> {
  const page = await browser.newPage({ viewport: { width: 800, height: 450 } });
  await page.goto(`${host.origin}/component.html?viewer=${encodeURIComponent(viewerUrl)}`);
  await page.evaluate(async (viewerUrl) => {
    await customElements.whenDefined('cim-twin');
    const element = document.createElement('cim-twin') as CimTwinElement;
    element.id = 'twin';
    element.setAttribute('server', viewerUrl);
    document.body.append(element);
    await element.ready;
  }, viewerUrl);
  const result: Record<Mode, number[]> = { cockpit: [], planner: [] };
  for (let run = 0; run < RUNS * 2; run++) {
    const mode = run % 4 === 0 || run % 4 === 3 ? 'cockpit' : 'planner';
    result[mode].push(await measure(page, mode));
  }
  await page.close();
  return result;
}

/** Frame time (CPU) of the tile along the bookmarks (2 s flights). */
function frameTimes(browser: Browser): Promise<Record<Mode, number[]>> {
  return inEachMode(browser, (page, mode) =>
    page.evaluate(async (mode) => {
      const element = document.getElementById('twin') as CimTwinElement;
      element.setAttribute('mode', mode);
      const views = [
        { lon: 117.1642, lat: 39.1303, height: 618, heading: 0, pitch: -50 },
        { lon: 117.1791, lat: 39.1418, height: 500, heading: 90, pitch: -40 },
        { lon: 117.17, lat: 39.12, height: 900, heading: 200, pitch: -35 },
        { lon: 117.1642, lat: 39.1303, height: 618, heading: 0, pitch: -50 },
      ];
      for (const view of views) {
        await element.flyTo(view, { duration: 2 });
        await element.waitForTiles();
      }
      return (await element.stats()).frameTimeMs;
    }, mode),
  );
}

/**
 * Wall time per frame while the camera turns a little every frame (each frame re-rendered, the
 * next animation frame waiting for it): unlike the CPU time above it includes the drawing —
 * here software WebGL in Chromium's GPU process — where a lower resolution scale saves fill.
 */
function frameWallTimes(browser: Browser): Promise<Record<Mode, number[]>> {
  return inEachMode(browser, (page, mode) =>
    page.evaluate(async (mode) => {
      const element = document.getElementById('twin') as CimTwinElement;
      element.setAttribute('mode', mode);
      const view = { lon: 117.1642, lat: 39.1303, height: 618, heading: 0, pitch: -50 };
      await element.flyTo(view, { duration: 0 });
      await element.waitForTiles();
      const times: number[] = [];
      let last = performance.now();
      for (let i = 0; i < 90; i++) {
        await element.flyTo({ ...view, heading: (i % 30) * 0.4 }, { duration: 0 });
        await new Promise(requestAnimationFrame);
        const now = performance.now();
        times.push(now - last);
        last = now;
      }
      const sorted = times.slice(10).sort((a, b) => a - b);
      return sorted[Math.floor(sorted.length / 2)]!;
    }, mode),
  );
}

try {
  const full: { firstFrameMs: number; readyMs: number }[] = [];
  const tile: { firstFrameMs: number; readyMs: number }[] = [];
  for (let run = 0; run < RUNS; run++) {
    if (run % 2) {
      tile.push(await widget(browser, 'cockpit'));
      full.push(await fullViewer(browser));
    } else {
      full.push(await fullViewer(browser));
      tile.push(await widget(browser, 'cockpit'));
    }
  }
  const frames = await frameTimes(browser);
  const wall = await frameWallTimes(browser);
  const f = (values: number[]): string => `${median(values).toFixed(0)} ms (${values.map((v) => v.toFixed(0)).join(', ')})`;
  console.log(`full viewer 1280×720: first frame ${f(full.map((r) => r.firstFrameMs))}, ready ${f(full.map((r) => r.readyMs))}`);
  console.log(`<cim-twin> cockpit 480×270 on another origin: first frame ${f(tile.map((r) => r.firstFrameMs))}, ready ${f(tile.map((r) => r.readyMs))}`);
  const g = (values: number[]): string => `${median(values).toFixed(1)} ms (${values.map((v) => v.toFixed(1)).join(', ')})`;
  console.log(
    `frame time 480×270: cockpit ${g(frames.cockpit)}, planner ${g(frames.planner)}, ratio ${(median(frames.cockpit) / median(frames.planner)).toFixed(2)}`,
  );
  console.log(
    `frame wall time 480×270 (drawing included): cockpit ${g(wall.cockpit)}, planner ${g(wall.planner)}, ratio ${(median(wall.cockpit) / median(wall.planner)).toFixed(2)}`,
  );
} finally {
  await browser.close();
  server.closeAllConnections();
  server.close();
  await host.close();
}
