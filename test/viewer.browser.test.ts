import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer } from './support/demoServer.js';
import { launchBrowser } from '../harness/launchBrowser.js';
import { ARTIFACTS as artifacts, openViewer, type Win } from '../harness/viewerPage.js';
import { GENERATED_DIR } from '../seeds/generator/main.js';
import { MARKUP_CANARY_NAME } from '../seeds/generator/generateNankai.js';
import { resolveCrs } from '../tiles-pipeline/src/crs/resolveCrs.js';
import { readShapefile } from '../tiles-pipeline/src/readers/readShapefile.js';

let server: Awaited<ReturnType<typeof startDemoServer>>;
let browser: Browser;
let page: Page;
let problems: string[];

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  server = await startDemoServer();
  browser = await launchBrowser();
  ({ page, problems } = await openViewer(browser, server.url));
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('viewer core in Chromium (software WebGL): the Nankai twin', () => {
  it('loads with no console errors, offline, and the seed tilesets load', async () => {
    await page.screenshot({ path: join(artifacts, 'viewer-overview.png') });
    const stats = await page.evaluate(() => (window as unknown as Win).cimTwin.stats());
    expect(problems).toEqual([]);
    expect(stats).toMatchObject({ tileErrors: 0, tilesLoaded: true });
    expect(stats.tiles).toBeGreaterThan(0);
    expect(await page.textContent('#app-title')).toBe('CIM Twin · 南开区');
  });

  it('picking a building shows its properties in the info panel, with Chinese field labels (天津大悦城, 188 m)', async () => {
    const properties = await page.evaluate(() => (window as unknown as Win).cimTwin.pickAtLonLat(117.1642, 39.1341, 120));
    expect(properties).toMatchObject({ name: '天津大悦城', name_en: 'Joy City Tianjin', height: 188, cimLevel: 2, source: 'synthetic' });
    await page.waitForSelector('#info:not([hidden])');
    expect(await page.textContent('#info-title')).toBe('天津大悦城');
    expect(await page.textContent('#info tr[data-field="height"] th')).toBe('高度（米）');
    expect(await page.textContent('#info tr[data-field="use"] td')).toBe('商业 (commercial)');
    const state = await page.evaluate(() => (window as unknown as Win).cimTwin.getState());
    expect(state.selection).toEqual({ tileset: 'buildings', id: 'NK000005' });
    // The shareable URL holds the selection and the camera.
    await page.waitForFunction(() => location.search.includes('sel=buildings:NK000005'));
    expect(page.url()).toMatch(/cam=117\.164/);
    await page.screenshot({ path: join(artifacts, 'viewer-picked.png') });
  });

  it('picks a building from the GBK Shapefile layer: its Chinese field names label the panel', async () => {
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
    const lonLat = new Float64Array(2);
    resolveCrs(source.declaredCrs!).toWgs84(target!.x, target!.y, lonLat);
    const properties = await page.evaluate(
      ([lon, lat, h]) => (window as unknown as Win).cimTwin.pickAtLonLat(lon!, lat!, h!),
      [lonLat[0]!, lonLat[1]!, target!.height * 0.9],
    );
    expect(properties?.['名称']).toBe(target!.name); // 名称
    expect(properties?.['编号']).toBe(target!.id); // 编号
    await page.waitForFunction((name) => document.querySelector('#info tr[data-field="名称"] td')?.textContent === name, target!.name);
    expect(await page.textContent('#info tr[data-field="名称"] th')).toBe('名称');
  });

  it('search finds a landmark, flies to it and highlights it', async () => {
    await page.fill('#search-input', '鼓楼');
    await page.waitForSelector('#search-results button');
    expect(await page.textContent('#search-results li:first-child .hit-name')).toBe('鼓楼');
    await page.click('#search-results li:first-child button');
    await page.waitForFunction(() => document.querySelector('#info-title')?.textContent === '鼓楼', null, { timeout: 60_000 });
    const state = await page.evaluate(() => (window as unknown as Win).cimTwin.getState());
    expect(state.selection).toEqual({ tileset: 'buildings', id: 'NK000004' });
    // The camera went there (the Drum Tower is at 117.1791 E, 39.1418 N).
    expect(Math.abs(state.camera.lon - 117.1791)).toBeLessThan(0.01);
    await page.screenshot({ path: join(artifacts, 'viewer-search.png') });
  });

  it('a name and address holding markup are shown as text and execute nothing', async () => {
    const hits = await page.evaluate(() => (window as unknown as Win).cimTwin.search('标记测试楼'));
    expect(hits[0]?.name).toBe(MARKUP_CANARY_NAME);
    await page.fill('#search-input', '标记测试楼');
    await page.waitForFunction((name) => document.querySelector('#search-results li:first-child .hit-name')?.textContent === name, MARKUP_CANARY_NAME);
    const properties = await page.evaluate((id) => (window as unknown as Win).cimTwin.select(id, 'buildings'), hits[0]!.id);
    // The canary is in the GBK Shapefile layer: 名称 and 地址 columns.
    expect(properties?.['名称']).toBe(MARKUP_CANARY_NAME);
    await page.waitForFunction((name) => document.querySelector('#info-title')?.textContent === name, MARKUP_CANARY_NAME);
    expect(await page.textContent('#info tr[data-field="地址"] td')).toContain('<script>');
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => (window as unknown as Win).__cimTwinInjected)).toBeUndefined();
    expect(await page.locator('img[src="x"], script:not([src])').count()).toBe(0);
    await page.fill('#search-input', '');
    await page.screenshot({ path: join(artifacts, 'viewer-markup-as-text.png') });
  });

  it('the language switch changes the UI, field labels included', async () => {
    await page.click('#toggle-language');
    expect(await page.textContent('#app-title')).toBe('CIM Twin · Nankai District');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.getAttribute('#search-input', 'placeholder')).toBe('Search name, address or id');
    await page.waitForFunction(() => document.querySelector('#info tr[data-field="height"] th')?.textContent === 'Height (m)');
    await page.click('#toggle-language');
    expect(await page.textContent('#app-title')).toBe('CIM Twin · 南开区');
  });

  it('in English, "Drum Tower" and "Nankai University" find their buildings, listed by their English names', async () => {
    await page.evaluate(() => (window as unknown as Win).cimTwin.setLanguage('en'));
    await page.fill('#search-input', 'Drum Tower');
    await page.waitForFunction(() => document.querySelector('#search-results li:first-child .hit-name')?.textContent === 'Drum Tower');
    const hits = await page.evaluate(() => (window as unknown as Win).cimTwin.search('Nankai University'));
    expect(hits[0]).toMatchObject({ tileset: 'buildings', name: '南开大学主楼', nameEn: 'Nankai University Main Building' });
    // Pipes are named as pipe people write them, in both languages.
    const pipes = await page.evaluate(() => (window as unknown as Win).cimTwin.search('water supply DN300'));
    expect(pipes[0]?.name).toMatch(/^给水.*DN300$/);
    await page.fill('#search-input', '');
    await page.evaluate(() => (window as unknown as Win).cimTwin.setLanguage('zh-CN'));
  });

  it('styles buildings by attribute with a legend, and filters them', async () => {
    await page.evaluate(() => (window as unknown as Win).cimTwin.setStyle({ colorBy: 'use', filter: { attribute: 'height', op: '>', value: 50 } }));
    await page.waitForFunction(() => document.querySelector('#legend h3')?.textContent?.includes('用途'));
    expect(await page.locator('#legend li').count()).toBe(6);
    await page.waitForFunction(() => location.search.includes('style=use,height%3E50') || location.search.includes('style=use,height>50'));
    await page.evaluate(() => (window as unknown as Win).cimTwin.setStyle({ colorBy: 'height' }));
  });

  // The time is logged, not asserted tight (a timed test fails on a loaded machine: CI under load 23 took 12 s); a hang still fails.
  it('recovers from a forced WebGL context loss with the same camera and layers', async () => {
    await page.evaluate(() => (window as unknown as Win).cimTwin.setLayerVisible('roads', false));
    await page.evaluate(() => (window as unknown as Win).cimTwin.flyTo('oldCity', { duration: 0 }));
    const before = await page.evaluate(() => (window as unknown as Win).cimTwin.getState());
    const seconds = await page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const api = (window as unknown as Win).cimTwin;
          const started = performance.now();
          api.on('recovered', () => resolve((performance.now() - started) / 1000));
          setTimeout(() => reject(new Error('no recovery within 40 s')), 40_000);
          const canvas = document.querySelector('.cim-twin-globe canvas') as HTMLCanvasElement;
          const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl'))!;
          gl.getExtension('WEBGL_lose_context')!.loseContext();
        }),
    );
    const after = await page.evaluate(() => (window as unknown as Win).cimTwin.getState());
    expect(after.camera).toEqual(before.camera);
    expect(after.layers).toEqual(before.layers);
    expect(after.layers['roads']?.visible).toBe(false);
    expect(await page.evaluate(() => (window as unknown as Win).cimTwin.waitForTiles())).toBe(true);
    const stats = await page.evaluate(() => (window as unknown as Win).cimTwin.stats());
    expect(stats).toMatchObject({ recoveries: 1, tilesLoaded: true, tileErrors: 0 });
    expect(stats.tiles).toBeGreaterThan(0);
    await page.screenshot({ path: join(artifacts, 'viewer-after-context-loss.png') });
    console.log(`context loss: scene rebuilt in ${seconds.toFixed(2)} s`);
  }, 60_000);
});

describe('underground mode and the video wall', () => {
  it('underground: a known pipe shows at its depth and is pickable below the surface', async () => {
    const { page: underground, problems: errors } = await openViewer(browser, `${server.url}/?underground=1`);
    // The utility tunnel (3.0 × 2.8 m box, top 2.0 m deep): its line's middle, 3.4 m down.
    const lines = JSON.parse(readFileSync(join(GENERATED_DIR, 'nankai-pipe-lines.geojson'), 'utf8')) as {
      features: { properties: Record<string, unknown>; geometry: { coordinates: number[][] } }[];
    };
    const tunnel = lines.features.find((f) => f.properties['类别'] === 'ZH')!;
    const [a, b] = tunnel.geometry.coordinates as [number[], number[]];
    const properties = await underground.evaluate(
      ([lon, lat]) => (window as unknown as Win).cimTwin.pickAtLonLat(lon!, lat!, -3.4, 60),
      [(a[0]! + b[0]!) / 2, (a[1]! + b[1]!) / 2],
    );
    expect(properties).toMatchObject({ id: tunnel.properties['管线编号'], category: 'ZH', kind: 'segment', width: 3, sectionHeight: 2.8 });
    await underground.waitForFunction(() => document.querySelector('#info tr[data-field="categoryName"] td')?.textContent === '综合管廊');
    expect(await underground.evaluate(() => document.querySelector('.cim-twin')!.classList.contains('underground'))).toBe(true);
    await underground.screenshot({ path: join(artifacts, 'viewer-underground-tunnel.png') });
    // A water main found by id: the search index brings the camera below ground to it.
    const pipe = lines.features.find((f) => f.properties['类别'] === 'JS')!;
    const selected = await underground.evaluate((id) => (window as unknown as Win).cimTwin.select(id, 'pipes'), String(pipe.properties['管线编号']));
    expect(selected).toMatchObject({ id: pipe.properties['管线编号'], category: 'JS' });
    expect(errors).toEqual([]);
    await underground.close();
  }, 120_000);

  it('wall mode: kiosk layout, large type, clock and status strip, and the tour starts', async () => {
    const { page: wall, problems: errors } = await openViewer(browser, `${server.url}/?mode=wall`, { width: 960, height: 540 });
    expect(await wall.isVisible('#toolbar')).toBe(false);
    expect(await wall.isVisible('#wall-clock')).toBe(true);
    expect(await wall.isVisible('#status')).toBe(true);
    const step = await wall.evaluate(
      () =>
        new Promise<{ bookmark: string; index: number }>((resolve) => {
          const api = (window as unknown as Win).cimTwin;
          const state = api.getState();
          if (state.tour.index >= 0) resolve({ bookmark: 'started', index: state.tour.index });
          api.on('tourStep', (event) => resolve({ bookmark: event.bookmark, index: api.getState().tour.index }));
        }),
    );
    expect(step.index).toBeGreaterThanOrEqual(0);
    const state = await wall.evaluate(() => (window as unknown as Win).cimTwin.getState());
    expect(state).toMatchObject({ mode: 'wall', tour: { running: true } });
    const fontSize = await wall.evaluate(() => parseFloat(getComputedStyle(document.getElementById('status-bar')!).fontSize));
    expect(fontSize).toBeGreaterThanOrEqual(16);
    await wall.waitForTimeout(3000);
    await wall.screenshot({ path: join(artifacts, 'viewer-wall.png') });
    expect(errors).toEqual([]);
    await wall.close();
  }, 120_000);
});
