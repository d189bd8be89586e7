import type { Browser, Page } from 'playwright-core';
import { demoViewerConfig } from '../../server/deployment/demoViewerConfig.js';
import type { CameraView } from '../../workers/formats/viewerConfig.js';

const BOOKMARKS = demoViewerConfig().bookmarks;

/**
 * One viewer (or bare CesiumJS) page along a fixed camera path: load times, frame intervals,
 * heap. Shared by bench:viewer (viewer vs bare, live layer on vs off) and bench:live.
 */
export const VIEWPORT = { width: 640, height: 400 };
const FRAMES_PER_LEG = Number(process.env['FRAMES_PER_LEG'] ?? 40);

export interface RunResult {
  firstFrameMs: number;
  tilesLoadedMs: number;
  frameMedianMs: number;
  frameP95Ms: number;
  heapMb: number;
}

/** Bookmark to bookmark, linearly: the same frames for both pages. */
export function cameraPath(): CameraView[] {
  const path: CameraView[] = [];
  const stops = [...BOOKMARKS.map((b) => b.view), BOOKMARKS[0]!.view];
  for (let leg = 0; leg + 1 < stops.length; leg++) {
    const a = stops[leg]!,
      b = stops[leg + 1]!;
    for (let i = 0; i < FRAMES_PER_LEG; i++) {
      const t = i / FRAMES_PER_LEG;
      const mix = (x: number, y: number): number => x + (y - x) * t;
      path.push({
        lon: mix(a.lon, b.lon),
        lat: mix(a.lat, b.lat),
        height: mix(a.height, b.height),
        heading: mix(a.heading, b.heading),
        pitch: mix(a.pitch, b.pitch),
      });
    }
  }
  return path;
}

export async function measure(browser: Browser, url: string, kind: 'app' | 'bare', path: CameraView[]): Promise<RunResult> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  // tsx keeps function names with a `__name` helper that page-side functions would lack.
  await context.addInitScript('globalThis.__name = (f) => f;');
  const page: Page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  await page.waitForFunction((k) => (k === 'app' ? 'cimTwin' in window : 'bare' in window), kind, { timeout: 120_000 });
  if (url.includes('live=1'))
    await page.waitForFunction(() => (window as unknown as { cimTwin: { stats(): { live: { sensors: number } } } }).cimTwin.stats().live.sensors > 0, null, {
      timeout: 60_000,
    });
  const load = await page.evaluate(async (k) => {
    const w = window as unknown as {
      cimTwin: { ready: Promise<void>; stats(): { firstFrameMs: number; readyMs: number } };
      bare: { ready: Promise<{ firstFrameMs: number; tilesLoadedMs: number }> };
    };
    if (k === 'bare') return w.bare.ready;
    await w.cimTwin.ready;
    const stats = w.cimTwin.stats();
    return { firstFrameMs: stats.firstFrameMs, tilesLoadedMs: stats.readyMs };
  }, kind);
  // The path: one camera position per animation frame; the interval between frames is the frame time.
  const intervals = await page.evaluate(
    ({ k, views }) =>
      new Promise<number[]>((resolve) => {
        const w = window as unknown as {
          cimTwin: { flyTo(v: unknown, o: { duration: number }): Promise<void> };
          bare: { setView(v: unknown): void };
        };
        const times: number[] = [];
        let i = 0;
        let last = 0;
        const frame = (now: number): void => {
          if (last) times.push(now - last);
          last = now;
          if (i >= views.length) return resolve(times);
          const view = views[i++];
          if (k === 'app') void w.cimTwin.flyTo(view, { duration: 0 });
          else w.bare.setView(view);
          requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      }),
    { k: kind, views: path },
  );
  const cdp = await context.newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = (await cdp.send('Runtime.getHeapUsage')).usedSize;
  await context.close();
  if (errors.length) throw new Error(`${kind}: ${errors.join('; ')}`);
  intervals.sort((a, b) => a - b);
  return {
    firstFrameMs: load.firstFrameMs,
    tilesLoadedMs: load.tilesLoadedMs,
    frameMedianMs: intervals[Math.floor(intervals.length / 2)]!,
    frameP95Ms: intervals[Math.floor(intervals.length * 0.95)]!,
    heapMb: heap / 1048576,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** A layer's frame-time cost: medians of the runs with the layer on and off, and their ratio against the target (the live layer's 1.25×). */
export function printLiveLayerCost(runs: Record<'on' | 'off', RunResult[]>, target = 1.25): void {
  console.log('| measure | layer on | layer off | ratio | target |');
  console.log('|---|---:|---:|---:|---|');
  for (const [label, key] of [
    ['frame time median (ms)', 'frameMedianMs'],
    ['frame time p95 (ms)', 'frameP95Ms'],
  ] as const) {
    const on = median(runs.on.map((r) => r[key]));
    const off = median(runs.off.map((r) => r[key]));
    console.log(`| ${label} | ${on.toFixed(1)} | ${off.toFixed(1)} | ${(on / off).toFixed(2)}× | ≤ ${target}× ${on / off <= target ? '✓' : '✗'} |`);
  }
}
