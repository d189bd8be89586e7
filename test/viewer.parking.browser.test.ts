import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParkingSitesCollection } from '../workers/formats/parking.js';
import { launchBrowser } from '../harness/launchBrowser.js';
import { ARTIFACTS, openViewer, type Win } from '../harness/viewerPage.js';
import type { ParkingSiteView } from '../layers/parking/ParkingModel.js';
import { STATUS_STYLES } from '../layers/parking/parkingStyle.js';
import { startDemoServer } from './support/demoServer.js';
import { countColours } from '../harness/countColours.js';

/**
 * The parking layer in Chromium against the demo server (broker, store, parking service), with
 * the seeds' 1,354 sites — one garage renamed with markup — and counts this test publishes as
 * the counters would (SensorThings observations per level): a third of the sites free, a third
 * almost full, a third full; the garage full 20 minutes ago and free now. Checks the statuses
 * through `cimTwin.parking.sites()` and the colours on screen, a garage floor picked (the API,
 * then a click) with its counts in the info panel, the name shown as text, and a replay showing
 * the earlier counts.
 */
const GARAGE = 'PPOI0054';
const MARKUP_NAME = '<img src=x onerror="window.__parkingXss=1"><b>宾水西道</b>地下停车库';
const MINUTE = 60_000;
const PAST = Math.floor((Date.now() - 20 * MINUTE) / 1000) * 1000;
type Wanted = 'free' | 'almostFull' | 'full';
const WANTED: Wanted[] = ['free', 'almostFull', 'full'];

let server: Awaited<ReturnType<typeof startDemoServer>>;
let browser: Browser;
let page: Page;
let problems: string[];
let folder: string;
const wanted = new Map<string, Wanted>();

const sites = (): Promise<ParkingSiteView[]> =>
  page.evaluate(() => (window as unknown as Win & { cimTwin: { parking: { sites(): ParkingSiteView[] } } }).cimTwin.parking.sites());
const garageView = async (): Promise<ParkingSiteView> => (await sites()).find((s) => s.siteId === GARAGE)!;

/** Free spaces of a level for the status wanted: half free, a few (≥ 90 % or ≤ 2 left), none. */
function freeFor(want: Wanted, capacity: number): number {
  if (want === 'free') return Math.ceil(capacity / 2);
  if (want === 'almostFull') return Math.min(1, capacity);
  return 0;
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'cimtwin-parking-'));
  const seeds = JSON.parse(readFileSync(join(import.meta.dirname, '../seeds/generated/nankai-parking.geojson'), 'utf8')) as ParkingSitesCollection;
  const garage = seeds.features.find((f) => f.id === GARAGE)!;
  expect(garage.properties.levels.map((l) => l.id)).toEqual(['B1', 'B2']);
  garage.properties.name = MARKUP_NAME;
  const sitesFile = join(folder, 'parking.geojson');
  writeFileSync(sitesFile, JSON.stringify(seeds));
  server = await startDemoServer({
    live: { simulator: { burstAfterSeconds: null, rainAfterSeconds: null }, parking: { sitesFile, simulator: false } },
  });
  const live = server.live!;
  const { streams } = live.parking;
  const inject = async (readings: [number, number, number][]): Promise<void> => {
    for (let k = 0; k < readings.length; k += 200)
      await Promise.all(readings.slice(k, k + 200).map(([datastream, free, time]) => live.simulator!.inject(datastream, free, time)));
  };
  const g = streams.sites.findIndex((s) => s.id === GARAGE);
  // 20 minutes ago the garage was full…
  await inject([
    [streams.datastream(g, 0), 0, PAST],
    [streams.datastream(g, 1), 0, PAST],
  ]);
  // …now B1 has 120 free, B2 40; every other site is free, almost full or full by turns.
  const now = Date.now();
  const readings: [number, number, number][] = [];
  streams.sites.forEach((site, i) => {
    if (i === g) return;
    const want = WANTED[i % 3]!;
    wanted.set(site.id, want);
    site.levels.forEach((level, l) => readings.push([streams.datastream(i, l), freeFor(want, level.capacity), now]));
  });
  readings.push([streams.datastream(g, 0), 120, now], [streams.datastream(g, 1), 40, now]);
  await inject(readings);
  await new Promise((resolve) => setTimeout(resolve, 1500)); // through the broker into the parking state and the history's queue
  await live.history.flush();
  browser = await launchBrowser();
  ({ page, problems } = await openViewer(browser, server.url, { width: 1280, height: 720 }));
  await page.waitForFunction(
    () => {
      const api = (window as unknown as { cimTwin: { parking?: { sites(): ParkingSiteView[] } } }).cimTwin.parking;
      const list = api?.sites() ?? [];
      return list.length > 1000 && list.find((s) => s.siteId === 'PPOI0054')?.available === 160;
    },
    null,
    { timeout: 60_000 },
  );
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
}, 30_000);

describe('parking layer (server, broker, Chromium)', () => {
  it('colours every site by its status: the page API and the pixels on screen agree with the counts published', async () => {
    const list = await sites();
    expect(list).toHaveLength(wanted.size + 1);
    const tally: Record<string, number> = {};
    let mismatched = 0;
    for (const site of list) {
      tally[site.status] = (tally[site.status] ?? 0) + 1;
      const want = wanted.get(site.siteId);
      // Outside its opening hours a site is closed whatever was counted.
      if (want && site.status !== 'closed' && site.status !== want) mismatched++;
      if (site.status !== 'closed') expect(site.outdated).toBe(false);
    }
    console.log(`parking statuses: ${JSON.stringify(tally)}`);
    expect(mismatched).toBe(0);
    for (const status of WANTED) expect(tally[status]).toBeGreaterThan(300);
    const garage = await garageView();
    expect(garage).toMatchObject({ name: MARKUP_NAME, kind: 'underground', capacity: 330, available: 160, outdated: false });
    expect(garage.levels.map((l) => [l.levelId, l.storey, l.available])).toEqual([
      ['B1', -1, 120],
      ['B2', -2, 40],
    ]);
    // The legend counts what the map shows.
    const legendFree = await page.textContent('#parking-legend li[data-status="free"] b');
    expect(Number(legendFree)).toBe(tally['free']);
    // Street zoom near the garage: each status colour is on screen (symbols and kerb lines).
    await page.evaluate(() => (window as unknown as Win).cimTwin.flyTo({ lon: 117.1511, lat: 39.0981, range: 900 }, { duration: 0 }));
    await page.evaluate(() => (window as unknown as Win).cimTwin.waitForTiles());
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const counts = await countColours(page, { free: STATUS_STYLES.free.color, almostFull: STATUS_STYLES.almostFull.color, full: STATUS_STYLES.full.color });
    console.log(`parking pixels at street zoom: ${JSON.stringify(counts)}`);
    for (const status of WANTED) expect(counts[status]).toBeGreaterThan(40);
    await page.screenshot({ path: join(ARTIFACTS, 'parking-1280x720-street.png') });
  });

  it('picks a garage floor (API, then a click): the info panel shows that floor’s counts, and the markup name as text', async () => {
    const properties = await page.evaluate(() =>
      (
        window as unknown as { cimTwin: { parking: { selectFloor(s: string, l: string): Promise<Record<string, unknown> | null> } } }
      ).cimTwin.parking.selectFloor('PPOI0054', 'B1'),
    );
    expect(properties).toMatchObject({ name: MARKUP_NAME, parkingFloor: '地下1层', available: 120, capacity: 165, parkingStatus: 'free' });
    await page.waitForSelector('#info .parking-floors tr.selected[data-level="B1"]', { timeout: 10_000 });
    expect(await page.textContent('#info .parking-floors tr.selected td')).toBe('120 / 165');
    // The name is text: the title and the detail show the markup as written, no element came of it.
    expect(await page.textContent('#info-title')).toBe(MARKUP_NAME);
    expect(await page.textContent('#info .parking-site-name')).toBe(MARKUP_NAME);
    expect(await page.locator('#info img, #info b').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __parkingXss?: number }).__parkingXss)).toBeUndefined();
    expect(await page.evaluate(() => (window as unknown as Win).cimTwin.getState().underground)).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'parking-1280x720-floor.png') });
    // A click on screen where B1's top face is drawn selects that floor again (the scene's own pick).
    await page.evaluate(() => (window as unknown as Win).cimTwin.select(null));
    const at = await page.evaluate(() =>
      (window as unknown as { cimTwin: { parking: { floorOnScreen(s: string, l: string): { x: number; y: number } | null } } }).cimTwin.parking.floorOnScreen(
        'PPOI0054',
        'B1',
      ),
    );
    expect(at).not.toBeNull();
    const canvas = (await page.locator('.cim-twin-globe canvas').boundingBox())!;
    await page.mouse.click(canvas.x + at!.x, canvas.y + at!.y);
    await page
      .waitForFunction(() => (window as unknown as Win).cimTwin.getState().selection?.id === 'PPOI0054/B1', null, { timeout: 10_000 })
      .catch(async (error: Error) => {
        const selection = await page.evaluate(() => (window as unknown as Win).cimTwin.getState().selection);
        throw new Error(`the click at ${JSON.stringify(at)} selected ${JSON.stringify(selection)}: ${error.message}`);
      });
    await page.waitForSelector('#info .parking-floors tr.selected[data-level="B1"]', { timeout: 10_000 });
  });

  it('a replay 15 minutes back shows the counts of then (the garage full), and live again the counts of now', async () => {
    await page.evaluate((time) => (window as unknown as Win).cimTwin.clock.replay(time, { paused: true }), new Date(PAST + 5 * MINUTE).toISOString());
    await page.waitForFunction(
      () =>
        (window as unknown as { cimTwin: { parking: { sites(): ParkingSiteView[] } } }).cimTwin.parking.sites().find((s) => s.siteId === 'PPOI0054')
          ?.available === 0,
      null,
      { timeout: 30_000 },
    );
    const then = await garageView();
    expect(then).toMatchObject({ status: 'full', available: 0, observedAt: PAST, outdated: false });
    expect(then.levels.map((l) => l.available)).toEqual([0, 0]);
    // Other sites had no count yet 15 minutes ago: unknown (grey), not today's counts.
    const others = (await sites()).filter((s) => s.siteId !== GARAGE);
    expect(others.every((s) => s.available === null)).toBe(true);
    // The selected floor's detail follows the replay.
    await page.waitForFunction(() => document.querySelector('#info .parking-floors tr.selected td')?.textContent === '0 / 165', null, { timeout: 10_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'parking-1280x720-replay.png') });
    await page.evaluate(() => (window as unknown as Win).cimTwin.clock.live());
    await page.waitForFunction(
      () =>
        (window as unknown as { cimTwin: { parking: { sites(): ParkingSiteView[] } } }).cimTwin.parking.sites().find((s) => s.siteId === 'PPOI0054')
          ?.available === 160,
      null,
      { timeout: 30_000 },
    );
    expect(problems).toEqual([]);
  });

  it('3840×2160 wall and a district view: clusters with their occupancy, symbols grown with the screen', async () => {
    const { page: wall, problems: wallProblems } = await openViewer(browser, `${server.url}/?mode=wall`, { width: 3840, height: 2160 });
    await wall.waitForFunction(
      () => ((window as unknown as { cimTwin: { parking?: { sites(): ParkingSiteView[] } } }).cimTwin.parking?.sites().length ?? 0) > 1000,
      null,
      { timeout: 60_000 },
    );
    await wall.evaluate(() => (window as unknown as Win).cimTwin.flyTo('overview', { duration: 0 }));
    await wall.evaluate(() => (window as unknown as Win).cimTwin.waitForTiles());
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await wall.screenshot({ path: join(ARTIFACTS, 'parking-3840x2160-wall-district.png'), timeout: 120_000 });
    await wall.evaluate(() => (window as unknown as Win).cimTwin.flyTo({ lon: 117.1511, lat: 39.0981, range: 900 }, { duration: 0 }));
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await wall.screenshot({ path: join(ARTIFACTS, 'parking-3840x2160-wall-street.png'), timeout: 120_000 });
    const seen = [...wallProblems];
    await wall.close();
    expect(seen).toEqual([]);
  }, 600_000);
});
