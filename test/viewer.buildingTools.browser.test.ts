import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { booleanIntersects, booleanPointInPolygon } from '@turf/turf';
import type { Feature, LineString, Polygon } from 'geojson';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FacadeSunlightResult, HeightLimitResult, SunlightResult, ViewshedResult } from '../workers/formats/buildingAnalyses.js';
import { countColours } from '../harness/countColours.js';
import { launchBrowser } from '../harness/launchBrowser.js';
import { ARTIFACTS, openViewer, type Win } from '../harness/viewerPage.js';
import { GENERATED_DIR } from '../seeds/generator/main.js';
import { startDemoServer } from './support/demoServer.js';

/**
 * The building tools in Chromium against the demo (the seeds' 15,638 GeoJSON buildings and the
 * Huayuan Shapefile's): the buildings over a height limit checked against the seed GeoJSON itself
 * (turf's intersection of each footprint with the polygon, its `height` property against the
 * limit), bad input refused with nothing changed, the URL round trip, sunlight and viewshed
 * through the page API, and a screenshot of each tool.
 */
type Tools = {
  heightLimit(polygon: unknown, limitMeters: unknown): Promise<HeightLimitResult>;
  sunlight(point: unknown, options?: unknown): Promise<SunlightResult>;
  facadeSunlight(buildingId: unknown, options?: unknown): Promise<FacadeSunlightResult>;
  viewshed(point: unknown, eyeHeight?: unknown, radius?: unknown): Promise<ViewshedResult>;
};
type ToolsWin = Win & { cimTwin: { tools: Tools } };

/** The seed buildings, read once the demo is prepared (a clean checkout has none before that). */
let seeds: Feature<Polygon, { height: number }>[] = [];

/** A pentagon of about 1 km² east of 卫津路, clear of the Huayuan Shapefile's buildings (west of 117.137° E). */
const POLYGON: [number, number][] = [
  [117.16, 39.105],
  [117.172, 39.104],
  [117.175, 39.112],
  [117.166, 39.118],
  [117.158, 39.113],
];
const LIMIT = 40;

let server: Awaited<ReturnType<typeof startDemoServer>>;
let browser: Browser;
let page: Page;
let problems: string[];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startDemoServer();
  seeds = (JSON.parse(readFileSync(join(GENERATED_DIR, 'nankai-buildings.geojson'), 'utf8')) as { features: Feature<Polygon, { height: number }>[] }).features;
  browser = await launchBrowser();
  ({ page, problems } = await openViewer(browser, server.url, { width: 1280, height: 720 }));
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const refusal = (run: string): Promise<string> =>
  page.evaluate(`(${run})(window.cimTwin.tools).then(() => 'accepted', (error) => error.message)`) as Promise<string>;

describe('building tools in Chromium on the seed district', () => {
  it('heightLimit: the seed buildings whose top exceeds the limit inside the polygon, with their excess', async () => {
    const area: Feature<Polygon> = { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[...POLYGON, POLYGON[0]!]] } };
    const expected = seeds.filter((f) => f.properties.height > LIMIT && booleanIntersects(f, area));
    expect(expected.length).toBeGreaterThan(5);
    const result = await page.evaluate(({ polygon, limit }) => (window as unknown as ToolsWin).cimTwin.tools.heightLimit(polygon, limit), {
      polygon: POLYGON,
      limit: LIMIT,
    });
    expect(new Set(result.buildings.map((b) => b.id))).toEqual(new Set(expected.map((f) => String(f.id))));
    for (const building of result.buildings) {
      const seed = expected.find((f) => String(f.id) === building.id)!;
      expect(building.height).toBeCloseTo(seed.properties.height, 2);
      expect(building.excess).toBeCloseTo(seed.properties.height - LIMIT, 2);
    }
    expect(result.inside).toBe(seeds.filter((f) => booleanIntersects(f, area)).length);
    expect(problems).toEqual([]);
  }, 240_000);

  it('bad input is refused with a clear message and changes nothing', async () => {
    // What a tool can change (the layers' live figures tick on their own).
    const screen = (): Promise<unknown> =>
      page.evaluate(() => {
        const { tool, toolInput, selection, layers, camera } = (window as unknown as ToolsWin).cimTwin.getState();
        return { tool, toolInput, selection, layers, camera, panel: document.querySelector('.tool-panel')?.textContent ?? null };
      });
    const before = await screen();
    expect(await refusal(`(t) => t.heightLimit([[117.16, 39.105], [117.17, 39.115], [117.17, 39.105], [117.16, 39.115]], 40)`)).toMatch(/crosses itself/);
    expect(await refusal(`(t) => t.heightLimit([[117.16, 39.105], [117.17, 39.115], [117.17, 39.105]], Number.NaN)`)).toMatch(
      /the height limit is null: give metres above the ground, a finite number/,
    );
    expect(await refusal(`(t) => t.heightLimit([[117.16, 39.105], [117.17, 39.115], [117.17, 39.105]], '40 m')`)).toMatch(/the height limit is "40 m"/);
    expect(await refusal(`(t) => t.sunlight({lon: 117.165, lat: 39.11, height: 1.5}, {date: 'next Tuesday'})`)).toMatch(
      /the date "next Tuesday" is not a date/,
    );
    expect(await refusal(`(t) => t.viewshed({lon: 117.165, lat: 39.11, height: 0}, 1.6, 0)`)).toMatch(/radius is 0/);
    expect(await screen()).toEqual(before);
  }, 240_000);

  it('the height limit from a shared link: highlighted, the plane drawn, listed; the link round trip; a screenshot', async () => {
    /** How far from the excess labels' red (#ff3b30) a pixel may be and count: their outlines are anti-aliased. */
    const RED_TOLERANCE = 60;
    const input = [String(LIMIT), ...POLYGON.map(([lon, lat]) => `${lon.toFixed(7)},${lat.toFixed(7)}`)].join(';');
    await page.evaluate(
      ({ input, view }) => {
        const api = (window as unknown as ToolsWin).cimTwin;
        void api.flyTo(view, { duration: 0 });
        // The live symbols would cover some of the excess labels counted below (and vary with the simulator).
        api.setLayerVisible('parking', false);
        api.setLayerVisible('sensors', false);
        api.setTool('heightLimit', input);
      },
      { input, view: { lon: 117.1665, lat: 39.095, height: 1100, heading: 0, pitch: -40 } },
    );
    await page.waitForSelector('#height-limit-panel .tool-table tbody tr', { timeout: 60_000 });
    await page.waitForFunction(() => location.search.includes('tool=heightLimit'));
    expect(decodeURIComponent(new URL(page.url()).searchParams.get('input')!)).toBe(input);
    const rows = await page.$$eval('#height-limit-panel .tool-table tbody tr', (r) => r.length);
    expect(rows).toBeGreaterThan(5);
    // The excess labels' red outline (and the tinted buildings) are drawn; gone when the tool ends.
    // Counted until they are in (tiles and labels arrive over a few frames; under load, seconds), 20 s at most.
    let drawn = 0;
    for (let waited = 0; waited < 15_000 && drawn <= 1000; waited += 1000) {
      await page.waitForTimeout(1000);
      drawn = Math.max(drawn, (await countColours(page, { over: '#ff3b30' }, { tolerance: RED_TOLERANCE })).over);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'tool-height-limit.png') });
    const { page: second } = await openViewer(browser, page.url(), { width: 1280, height: 720 });
    await second.waitForSelector('#height-limit-panel .tool-table tbody tr', { timeout: 60_000 });
    expect(await second.$$eval('#height-limit-panel .tool-table tbody tr', (r) => r.length)).toBe(rows);
    await second.close();
    await page.evaluate(() => (window as unknown as ToolsWin).cimTwin.setTool(null));
    await page.waitForTimeout(1500);
    const after = (await countColours(page, { over: '#ff3b30' }, { tolerance: RED_TOLERANCE })).over;
    console.log(`height limit: ${drawn} red pixels drawn, ${after} after`);
    // Measured at the default tolerance (24): 344 drawn, 6 after (2026-11-30); 105–152, then 58, drawn and 0–1 after
    // (2026-12-01; the same labels on screen, their anti-aliased outlines' pixels vary with the software rasteriser).
    // The reds of the outlines' edges (and the tinted buildings' lit faces) are counted too now (tolerance 60): 2,791 drawn,
    // 0 after — the count no longer rests on exact pixels.
    expect(drawn).toBeGreaterThan(after + 500);
  }, 240_000);

  it('sunlight: a point in the open has the whole window; a façade coloured; a screenshot', async () => {
    // The roof of the tallest building in the polygon: nothing around it is taller.
    const tallest = seeds
      .filter((f) => booleanIntersects(f, { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[...POLYGON, POLYGON[0]!]] } }))
      .sort((a, b) => b.properties.height - a.properties.height)[0]!;
    const ring = tallest.geometry.coordinates[0]!;
    const roof = {
      lon: ring.reduce((s, p) => s + p[0]!, 0) / ring.length,
      lat: ring.reduce((s, p) => s + p[1]!, 0) / ring.length,
      height: tallest.properties.height + 2,
    };
    const open = await page.evaluate((point) => (window as unknown as ToolsWin).cimTwin.tools.sunlight(point, { date: '2027-01-01' }), roof);
    expect(open.date).toBe('2027-01-20');
    expect(open.effectiveHours).toBeCloseTo(8, 1);
    expect(open.meetsStandard).toBe(true);
    const facade = await page.evaluate((id) => (window as unknown as ToolsWin).cimTwin.tools.facadeSunlight(id, { date: '2027-01-01' }), String(tallest.id));
    expect(facade.samples.length).toBeGreaterThan(20);
    expect(facade.maxEffectiveHours).toBeGreaterThan(facade.minEffectiveHours);

    // From a link: the foot of the tallest building's south wall, with its façade.
    const south = ring.reduce((best, p) => (p[1]! < best[1]! ? p : best));
    const input = `${south[0]!.toFixed(7)},${(south[1]! - 0.00003).toFixed(7)},1.50;dahan;2027;${String(tallest.id)}`;
    await page.evaluate(
      ({ input, view }) => {
        const api = (window as unknown as ToolsWin).cimTwin;
        void api.flyTo(view, { duration: 0 });
        api.setTool('sunlight', input);
      },
      { input, view: { lon: south[0]!, lat: south[1]! - 0.0035, height: tallest.properties.height + 160, heading: 0, pitch: -25 } },
    );
    await page.waitForSelector('#sunlight-panel .tool-facade', { timeout: 60_000 });
    expect(await page.textContent('#sunlight-panel .tool-summary')).toMatch(/2027-01-20/);
    await page.waitForTimeout(2500);
    await page.screenshot({ path: join(ARTIFACTS, 'tool-sunlight.png') });
  }, 240_000);

  it('viewshed: shares seen from a street corner, a GeoJSON of cells and faces; a screenshot', async () => {
    // A point on a street in the polygon (the roads' centre lines run between the buildings).
    const roads = (JSON.parse(readFileSync(join(GENERATED_DIR, 'nankai-roads.geojson'), 'utf8')) as { features: Feature<LineString>[] }).features;
    const area: Feature<Polygon> = { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[...POLYGON, POLYGON[0]!]] } };
    const onStreet = roads
      .flatMap((r) => r.geometry.coordinates)
      .find((p) => booleanPointInPolygon(p, area) && !seeds.some((f) => booleanPointInPolygon(p, f)))!;
    const eye = { lon: onStreet[0]!, lat: onStreet[1]!, height: 0 };
    const result = await page.evaluate((point) => (window as unknown as ToolsWin).cimTwin.tools.viewshed(point, 1.6, 250), eye);
    expect(result.groundVisiblePercent).toBeGreaterThan(0);
    expect(result.groundVisiblePercent).toBeLessThan(100);
    expect(result.geojson.features.some((f) => f.properties.kind === 'face')).toBe(true);
    await page.evaluate(
      ({ input, view }) => {
        const api = (window as unknown as ToolsWin).cimTwin;
        void api.flyTo(view, { duration: 0 });
        api.setTool('viewshed', input);
      },
      { input: `${eye.lon},${eye.lat},0;1.6;250`, view: { lon: eye.lon, lat: eye.lat - 0.006, height: 700, heading: 0, pitch: -50 } },
    );
    await page.waitForSelector('#viewshed-panel .tool-summary', { timeout: 60_000 });
    await page.waitForTimeout(2500);
    await page.screenshot({ path: join(ARTIFACTS, 'tool-viewshed.png') });
    expect(problems).toEqual([]);
  }, 240_000);
});
