import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer } from './support/demoServer.js';
import { launchBrowser } from '../harness/launchBrowser.js';
import { openViewer, type CimTwinApi } from '../harness/viewerPage.js';

/** How long the soak runs (seconds): 5 minutes by default, as the issue asks; SOAK_SECONDS overrides. */
const SOAK_SECONDS = Number(process.env['SOAK_SECONDS'] ?? 300);
const BOOKMARK_IDS = ['overview', 'universities', 'oldCity', 'joyCity', 'tvTower'];

type Win = { cimTwin: CimTwinApi };
let server: Awaited<ReturnType<typeof startDemoServer>>;
let browser: Browser;

beforeAll(async () => {
  server = await startDemoServer();
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('24/7: soak along the camera path', () => {
  it(
    `keeps the JS heap bounded while tiles stream in and out (${SOAK_SECONDS} s, underground on every other lap)`,
    async () => {
      const { page, problems } = await openViewer(browser, server.url);
      const cdp = await page.context().newCDPSession(page);
      const heapAfterGc = async (): Promise<number> => {
        await cdp.send('HeapProfiler.collectGarbage');
        return (await cdp.send('Runtime.getHeapUsage')).usedSize;
      };
      const lap = async (underground: boolean): Promise<void> => {
        await page.evaluate((on) => (window as unknown as Win).cimTwin.setUnderground(on), underground);
        for (const id of BOOKMARK_IDS) {
          await page.evaluate((bookmark) => (window as unknown as Win).cimTwin.flyTo(bookmark, { duration: 1.5 }), id);
          await page.evaluate(() => (window as unknown as Win).cimTwin.waitForTiles());
        }
      };
      const started = Date.now();
      await lap(false);
      await lap(true);
      const warm = await heapAfterGc();
      const samples: number[] = [warm];
      let laps = 2;
      while (Date.now() - started < SOAK_SECONDS * 1000) {
        await lap(laps % 2 === 1);
        laps++;
        samples.push(await heapAfterGc());
      }
      const end = samples.at(-1)!;
      const peak = Math.max(...samples);
      const stats = await page.evaluate(() => (window as unknown as Win).cimTwin.stats());
      const mb = (bytes: number): string => (bytes / 1048576).toFixed(1);
      console.log(
        `soak ${((Date.now() - started) / 1000).toFixed(0)} s, ${laps} laps: JS heap after GC ${mb(warm)} MB after warm-up → ${mb(end)} MB at the end ` +
          `(${(((end - warm) / warm) * 100).toFixed(1)}%), peak ${mb(peak)} MB; ${stats.tiles} tiles loaded now`,
      );
      // Bounded: the heap after the warm-up laps grows by less than a quarter, and tile cache limits hold.
      expect(end).toBeLessThan(warm * 1.25);
      expect(stats.tileErrors).toBe(0);
      expect(problems, problems.join('\n')).toEqual([]);
      await page.screenshot({ path: join(import.meta.dirname, '../test-results/viewer-soak-end.png') });
      await page.close();
    },
    (SOAK_SECONDS + 240) * 1000,
  );
});
