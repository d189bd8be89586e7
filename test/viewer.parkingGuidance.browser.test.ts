import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParkingGuidanceEntry } from '../workers/formats/parking.js';
import type { ParkingKpis } from '../workers/parking/parkingKpis.js';
import { RoadSnapper } from '../workers/routing/RoadSnapper.js';
import { roadGraphFromDocument } from '../workers/routing/roadGraphDocument.js';
import { launchBrowser } from '../harness/launchBrowser.js';
import { ARTIFACTS, openViewer, overlaps, type Win } from '../harness/viewerPage.js';
import type { ParkingSiteView } from '../layers/parking/ParkingModel.js';
import { startDemoServer } from './support/demoServer.js';
import { countColours } from '../harness/countColours.js';

/**
 * Parking guidance and the district KPIs in Chromium against the demo server (broker, store,
 * the parking service with its simulated counters): `cimTwin.parking.guide` ranks sites whose
 * routes lie on the road network, the panel's choice draws the route on the map (pixels of its
 * colour where there were none), and the KPIs read on a 4K wall. Screenshots at 1280×720 and
 * 3840×2160 in test-results/.
 */
type ParkingApi = {
  parking: {
    sites(): ParkingSiteView[];
    guide(
      destination: { lon: number; lat: number },
      options?: { arriveInMinutes?: number; from?: { lon: number; lat: number } },
    ): Promise<ParkingGuidanceEntry[]>;
    showGuidance(
      destination: { lon: number; lat: number; label?: string },
      options?: { arriveInMinutes?: number; from?: { lon: number; lat: number }; select?: string },
    ): Promise<ParkingGuidanceEntry[]>;
    kpis(): ParkingKpis;
  };
};
type ParkingWin = Win & { cimTwin: ParkingApi };
type GuidanceSnapshot = { route: { siteId: string | null; vertices: number; ready: boolean }; workerMs: number | null; ranked: string[] };

/** A destination in the district's centre: a garage among streets of berths. */
const GARAGE = 'PPOI0054';
const ROUTE_CYAN = '#00e5ff';

let server: Awaited<ReturnType<typeof startDemoServer>>;
let browser: Browser;
let page: Page;
let problems: string[];
const network = new RoadSnapper(roadGraphFromDocument(readFileSync(join(import.meta.dirname, '../seeds/generated/nankai-road-graph.json'))));

const guidance = (): Promise<GuidanceSnapshot> =>
  page.evaluate(() => (window as unknown as Win).cimTwin.getState() as unknown as { parking: { guidance: GuidanceSnapshot } }).then((s) => s.parking.guidance);

/** Pixels of `hex` (±40 per channel) in a clip of the page. */
const countColour = async (target: Page, hex: string, clip: { x: number; y: number; width: number; height: number }): Promise<number> =>
  (await countColours(target, { wanted: hex }, { clip, tolerance: 40 })).wanted;

beforeAll(async () => {
  server = await startDemoServer({ live: { simulator: { burstAfterSeconds: null, rainAfterSeconds: null } } });
  browser = await launchBrowser();
  ({ page, problems } = await openViewer(browser, server.url, { width: 1280, height: 720 }));
  // The sites, and counts from the simulated counters (each level every 1–2 minutes).
  await page.waitForFunction(
    () => {
      const sites = (window as unknown as ParkingWin).cimTwin.parking.sites();
      return sites.length > 1000 && sites.filter((s) => s.available !== null).length > 100;
    },
    null,
    { timeout: 180_000 },
  );
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
}, 30_000);

describe('parking guidance and district KPIs (server, broker, Chromium)', () => {
  let destination: { lon: number; lat: number };
  let from: { lon: number; lat: number };

  it('guides through the page API: ranked entries of the documented shape, every route vertex on the road network, under 100 ms in the worker', async () => {
    const garage = (await page.evaluate(() => (window as unknown as ParkingWin).cimTwin.parking.sites())).find((s) => s.siteId === GARAGE)!;
    destination = { lon: garage.lon + 0.0008, lat: garage.lat + 0.0005 };
    from = { lon: garage.lon - 0.012, lat: garage.lat - 0.008 };
    // The first call loads the worker (road graph, sites, forecasts); later calls are timed.
    await page.evaluate(({ destination, from }) => (window as unknown as ParkingWin).cimTwin.parking.guide(destination, { arriveInMinutes: 15, from }), {
      destination,
      from,
    });
    const timings: { page: number; worker: number }[] = [];
    let entries: ParkingGuidanceEntry[] = [];
    for (const arriveInMinutes of [0, 15, 30, 60, 15, 30]) {
      const answer = await page.evaluate(
        async ({ destination, from, arriveInMinutes }) => {
          const started = performance.now();
          const entries = await (window as unknown as ParkingWin).cimTwin.parking.guide(destination, { arriveInMinutes, from });
          return { entries, ms: performance.now() - started };
        },
        { destination, from, arriveInMinutes },
      );
      timings.push({ page: answer.ms, worker: (await guidance()).workerMs! });
      entries = answer.entries;
    }
    console.log(
      `guidance in the browser: page → worker → page ${timings.map((t) => t.page.toFixed(1)).join(', ')} ms; in the worker ${timings.map((t) => t.worker).join(', ')} ms`,
    );
    expect(Math.max(...timings.map((t) => t.worker))).toBeLessThan(100);
    expect(entries.length).toBeGreaterThan(2);
    for (const entry of entries) {
      expect(Object.keys(entry).sort()).toEqual(['driveSeconds', 'expectedFree', 'name', 'probabilityFree', 'route', 'siteId', 'walkMeters']);
      expect(Object.keys(entry.route).sort()).toEqual(['coordinates', 'lengthMeters']);
      expect(entry.probabilityFree).toBeGreaterThanOrEqual(0);
      expect(entry.probabilityFree).toBeLessThanOrEqual(1);
      expect(entry.walkMeters).toBeLessThanOrEqual(800);
      expect(entry.driveSeconds).toBeGreaterThan(0);
      expect(entry.route.coordinates.length).toBeGreaterThanOrEqual(2);
      for (const [lon, lat] of entry.route.coordinates) expect(network.snap(lon, lat)!.offRoadMetres).toBeLessThan(0.01);
    }
    await expect(page.evaluate(() => (window as unknown as ParkingWin).cimTwin.parking.guide({ lon: Number.NaN, lat: 39 }))).rejects.toThrow(/lon, lat/);
    await expect(
      page.evaluate(() => (window as unknown as ParkingWin).cimTwin.parking.guide({ lon: 117.15, lat: 39.1 }, { arriveInMinutes: 90 })),
    ).rejects.toThrow(/0–60/);
  });

  it('draws the chosen site’s route on the map from the panel (its pixels on screen) at 1280×720 and 3840×2160', async () => {
    await page.evaluate(
      ({ destination, from }) =>
        (window as unknown as ParkingWin).cimTwin.parking.showGuidance({ ...destination, label: '测试目的地' }, { arriveInMinutes: 15, from }),
      { destination, from },
    );
    await page.waitForSelector('#parking-guidance .parking-ranked li button');
    expect(await page.textContent('#parking-guidance .parking-destination')).toContain('测试目的地');
    const first = page.locator('#parking-guidance .parking-ranked li').first();
    const siteId = await first.getAttribute('data-site');
    await first.locator('button').click();
    await page.waitForFunction(
      (siteId) => {
        const state = (window as unknown as Win).cimTwin.getState() as unknown as { parking: { guidance: GuidanceSnapshot } };
        return state.parking.guidance.route.siteId === siteId && state.parking.guidance.route.ready;
      },
      siteId,
      { timeout: 60_000 },
    );
    expect((await guidance()).route.vertices).toBeGreaterThanOrEqual(2);
    await page.waitForTimeout(2500); // the fly-to (1.2 s) and tiles
    const clip = { x: 300, y: 60, width: 1280 - 300 - 360, height: 720 - 140 };
    const drawn = await countColour(page, ROUTE_CYAN, clip);
    await page.screenshot({ path: join(ARTIFACTS, 'parking-guidance-1280x720.png') });
    // The same view with no route: the cyan was the route's.
    const [entry] = await page.evaluate(
      ({ destination, from }) => (window as unknown as ParkingWin).cimTwin.parking.showGuidance(destination, { arriveInMinutes: 15, from }),
      { destination, from },
    );
    expect(entry).toBeDefined();
    await page.waitForFunction(
      () => ((window as unknown as Win).cimTwin.getState() as unknown as { parking: { guidance: GuidanceSnapshot } }).parking.guidance.route.siteId === null,
    );
    await page.waitForTimeout(500);
    const without = await countColour(page, ROUTE_CYAN, clip);
    console.log(`route pixels at 1280×720: ${drawn} with the route, ${without} without`);
    expect(drawn).toBeGreaterThan(without + 300);

    // At 4K the line grows with the canvas.
    await page.evaluate(
      ({ destination, from }) => (window as unknown as ParkingWin).cimTwin.parking.showGuidance(destination, { arriveInMinutes: 15, from, select: 'first' }),
      { destination, from },
    );
    await page.setViewportSize({ width: 3840, height: 2160 });
    await page.waitForFunction(
      () => ((window as unknown as Win).cimTwin.getState() as unknown as { parking: { guidance: GuidanceSnapshot } }).parking.guidance.route.ready,
      null,
      { timeout: 60_000 },
    );
    await page.waitForTimeout(2500);
    const big = await countColour(page, ROUTE_CYAN, { x: 400, y: 120, width: 3840 - 400 - 480, height: 2160 - 300 });
    await page.screenshot({ path: join(ARTIFACTS, 'parking-guidance-3840x2160.png'), timeout: 120_000 });
    console.log(`route pixels at 3840×2160: ${big}`);
    expect(big).toBeGreaterThan(drawn);
    expect((await overlaps(page)).overlapping).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 720 });
    expect(problems).toEqual([]);
  }, 240_000);

  it('shows the district KPIs on a 4K wall, large, beside the other panels', async () => {
    await page.close(); // the planner's page is done: the two cores go to the wall's
    // Opened small and then grown to 4K: a 4K first load on this shared machine outlasts openViewer's wait.
    const { page: wall, problems: wallProblems } = await openViewer(browser, `${server.url}/?mode=wall`, { width: 1280, height: 720 });
    await wall.setViewportSize({ width: 3840, height: 2160 });
    try {
      await wall.waitForFunction(() => Number(document.querySelector<HTMLElement>('#parking-kpis')?.dataset['reporting'] ?? 0) > 100, null, {
        timeout: 60_000,
      });
      const kpis = await wall.evaluate(() => (window as unknown as ParkingWin).cimTwin.parking.kpis());
      expect(kpis.district.reporting).toBeGreaterThan(100);
      expect(kpis.district.occupancy).toBeGreaterThan(0);
      expect(kpis.byArea.length).toBeGreaterThan(3);
      const shown = await wall.evaluate(() => ({
        occupancy: document.querySelector('#parking-kpis [data-kpi="occupancy"] .kpi-value')?.textContent,
        areas: document.querySelectorAll('#parking-kpis .kpi-areas li').length,
        valuePx: parseFloat(getComputedStyle(document.querySelector('#parking-kpis .kpi-value')!).fontSize),
        smallestPx: Math.min(
          ...[...document.querySelectorAll<HTMLElement>('#parking-kpis *')]
            .filter((e) => e.textContent && e.offsetWidth > 0)
            .map((e) => parseFloat(getComputedStyle(e).fontSize)),
        ),
        guidancePanel: document.querySelector('#parking-guidance')?.getBoundingClientRect().width ?? 0,
      }));
      console.log(`wall KPIs: ${JSON.stringify(shown)}`);
      expect(shown.occupancy).toMatch(/^\d+%$/);
      expect(shown.areas).toBe(kpis.byArea.length);
      // Read from 5 m: the figures ≥ 50 px, nothing below the wall's body size (~29 px at 4K).
      expect(shown.valuePx).toBeGreaterThanOrEqual(50);
      expect(shown.smallestPx).toBeGreaterThanOrEqual(28);
      // No mouse on a wall: the guidance panel is the planner's.
      expect(shown.guidancePanel).toBe(0);
      expect((await overlaps(wall)).overlapping).toEqual([]);
      await wall.screenshot({ path: join(ARTIFACTS, 'parking-kpis-wall-3840x2160.png'), timeout: 120_000 });
      // (A 404 of a Cesium worker seen once here came from another test rebuilding dist/viewer meanwhile — the build ships it.)
      expect(wallProblems).toEqual([]);
    } finally {
      await wall.close();
    }
  }, 240_000);
});
