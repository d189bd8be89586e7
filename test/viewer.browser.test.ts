import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer } from './support/demoServer.js';
import { launchBrowser } from './support/launchBrowser.js';
import { GENERATED_DIR } from '../seeds/generator/main.js';
import { resolveCrs } from '../tiles-pipeline/src/crs/resolveCrs.js';
import { readShapefile } from '../tiles-pipeline/src/readers/readShapefile.js';

const artifacts = join(import.meta.dirname, '../test-results');
let server: Awaited<ReturnType<typeof startDemoServer>>;
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  server = await startDemoServer();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 800, height: 500 } });
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()}`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  await page.goto(server.url);
  await page.waitForFunction(() => 'cimTwin' in window, null, { timeout: 120_000 });
  await page.evaluate(() => (window as unknown as { cimTwin: { ready: Promise<void> } }).cimTwin.ready);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('seed tileset in CesiumJS (Chromium, software WebGL)', () => {
  it('loads the tiles without errors, offline, from our own origin', async () => {
    await page.screenshot({ path: join(artifacts, 'buildings-overview.png') });
    expect(problems).toEqual([]);
    const stats = await page.evaluate(() => (window as unknown as { cimTwin: { stats(): { tileErrors: number; tilesLoaded: boolean } } }).cimTwin.stats());
    expect(stats).toEqual({ tileErrors: 0, tilesLoaded: true });
  });

  it('picking a building returns its properties (天津大悦城, 188 m)', async () => {
    const properties = await page.evaluate(() =>
      (window as unknown as { cimTwin: { pickAtLonLat(lon: number, lat: number, h: number): Promise<Record<string, unknown>> } }).cimTwin.pickAtLonLat(
        117.1642,
        39.1341,
        120,
      ),
    );
    expect(properties).toMatchObject({ name: '天津大悦城', name_en: 'Joy City Tianjin', height: 188, cimLevel: 2, source: 'synthetic' });
    await page.screenshot({ path: join(artifacts, 'buildings-picked.png') });
    // The info panel shows it as text.
    expect(await page.textContent('#info-title')).toBe('天津大悦城');
    expect(problems).toEqual([]);
  });

  it('picks a building from the GBK Shapefile layer (EPSG:4548, Chinese column names and values decoded)', async () => {
    // Take the tallest building of the Shapefile as read by the pipeline, and pick it on screen.
    const source = await readShapefile(join(GENERATED_DIR, 'nankai-buildings-huayuan.shp'), undefined);
    let target: { id: string; name: string; height: number; x: number; y: number } | undefined;
    for await (const feature of source.features) {
      if (feature.kind !== 'footprint') continue;
      const height = Number(feature.attributes['高度']);
      if (!target || height > target.height) {
        const ring = feature.polygons[0]![0] as number[][];
        const x = ring.reduce((s, p) => s + p[0]!, 0) / ring.length;
        const y = ring.reduce((s, p) => s + p[1]!, 0) / ring.length;
        target = { id: String(feature.attributes['编号']), name: String(feature.attributes['名称']), height, x, y };
      }
    }
    expect(source.format).toBe('Shapefile (gb18030)');
    const lonLat = new Float64Array(2);
    resolveCrs(source.declaredCrs!).toWgs84(target!.x, target!.y, lonLat);
    const properties = await page.evaluate(
      ([lon, lat, h]) =>
        (window as unknown as { cimTwin: { pickAtLonLat(lon: number, lat: number, h: number): Promise<Record<string, unknown>> } }).cimTwin.pickAtLonLat(
          lon!,
          lat!,
          h!,
        ),
      [lonLat[0]!, lonLat[1]!, target!.height * 0.9],
    );
    expect(properties?.['u540d_u79f0_']).toBe(target!.name); // 名称
    expect(properties?.['u7f16_u53f7_']).toBe(target!.id); // 编号
    expect(properties?.['height']).toBeCloseTo(target!.height, 3);
    expect(target!.name).toMatch(/[\u4e00-\u9fff]/);
  });

  it('underground: the seed pipes load in CesiumJS and a pipe is pickable below the ground', async () => {
    const underground = await browser.newPage({ viewport: { width: 800, height: 500 } });
    const errors: string[] = [];
    underground.on('pageerror', (error) => errors.push(error.message));
    await underground.goto(`${server.url}/?underground`);
    await underground.waitForFunction(() => 'cimTwin' in window, null, { timeout: 120_000 });
    await underground.evaluate(() => (window as unknown as { cimTwin: { ready: Promise<void> } }).cimTwin.ready);
    // The utility tunnel (3.0 × 2.8 m box, top 2.0 m deep): its line's middle, 3.4 m down.
    const lines = JSON.parse(readFileSync(join(GENERATED_DIR, 'nankai-pipe-lines.geojson'), 'utf8')) as {
      features: { properties: Record<string, unknown>; geometry: { coordinates: number[][] } }[];
    };
    const tunnel = lines.features.find((f) => f.properties['类别'] === 'ZH')!;
    const [a, b] = tunnel.geometry.coordinates as [number[], number[]];
    const properties = await underground.evaluate(
      ([lon, lat]) =>
        (
          window as unknown as { cimTwin: { pickAtLonLat(lon: number, lat: number, h: number, range: number): Promise<Record<string, unknown>> } }
        ).cimTwin.pickAtLonLat(lon!, lat!, -3.4, 60),
      [(a[0]! + b[0]!) / 2, (a[1]! + b[1]!) / 2],
    );
    await underground.screenshot({ path: join(artifacts, 'underground-tunnel.png') });
    expect(properties).toMatchObject({ id: tunnel.properties['管线编号'], category: 'ZH', kind: 'segment', width: 3, sectionHeight: 2.8 });
    expect(errors).toEqual([]);
    await underground.close();
  });
});
