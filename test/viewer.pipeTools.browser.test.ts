import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClearanceConflict, CrossSection, LongitudinalProfile, TraceResult } from '../workers/formats/pipeAnalyses.js';
import { launchBrowser } from '../harness/launchBrowser.js';
import { ARTIFACTS, openViewer, type Win } from '../harness/viewerPage.js';
import { GENERATED_DIR } from '../seeds/generator/main.js';
import { startDemoServer } from './support/demoServer.js';

/**
 * The pipe tools in Chromium against the demo (the seeds' 53k pipe lines): a cross-section's
 * pipes and depths checked against the seed GeoJSON itself (which lines the section line crosses,
 * depths interpolated from their surveyed 起点埋深/终点埋深), bad input refused with nothing
 * changed, the URL round trip and a screenshot; a sewer's downstream trace against the seed
 * lines' own ids and depths; the build report's clearance conflicts.
 */
type Tools = {
  crossSection(line: unknown): Promise<CrossSection>;
  profile(pipeId: unknown): Promise<LongitudinalProfile>;
  trace(pipeId: unknown, options?: unknown): Promise<TraceResult>;
  clearanceConflicts(): Promise<ClearanceConflict[]>;
};
type ToolsWin = Win & { cimTwin: { tools: Tools } };

interface SeedLine {
  properties: Record<string, string | number | null>;
  geometry: { coordinates: [number, number][] };
}
/** The seeds, read once the demo is prepared (a clean checkout has none before that). */
let seeds: SeedLine[] = [];

/** 40 m square across 王顶堤路 at the street-lighting duct DLL060825 (a planted conflict with the heating main). */
const LINE: [[number, number], [number, number]] = [
  [117.1708071, 39.1374931],
  [117.1707424, 39.137849],
];

/** Gravity drainage is surveyed at the invert (管底), everything else at the crown (管顶): CJJ 61 practice. */
const surveyedAtInvert = (category: string): boolean => category === 'PS';
/** Vertical size of a seed line: 管径 (mm), else the height of 断面尺寸 (宽×高 mm). */
const sizeOf = (p: SeedLine['properties']): number => (p['管径'] !== null ? Number(p['管径']) : Number(String(p['断面尺寸']).split('×')[1])) / 1000;

/** The seed lines the section line crosses, with crown and invert there: plain planar geometry on the GeoJSON. */
function expectedSection(line: typeof LINE): { id: string; category: string; offset: number; depthTop: number; depthBottom: number }[] {
  const lat0 = line[0][1];
  const kx = 111_320 * Math.cos((lat0 * Math.PI) / 180);
  const ky = 110_950;
  const xy = ([lon, lat]: [number, number]): [number, number] => [(lon - line[0][0]) * kx, (lat - line[0][1]) * ky];
  const [a, b] = [xy(line[0]), xy(line[1])];
  const found = [];
  for (const feature of seeds) {
    const points = feature.geometry.coordinates.map(xy);
    const lengths = points.slice(1).map((p, i) => Math.hypot(p[0] - points[i]![0], p[1] - points[i]![1]));
    const total = lengths.reduce((s, l) => s + l, 0);
    let before = 0;
    for (let i = 0; i + 1 < points.length; before += lengths[i]!, i++) {
      const [c, d] = [points[i]!, points[i + 1]!];
      const den = (b[0] - a[0]) * (d[1] - c[1]) - (b[1] - a[1]) * (d[0] - c[0]);
      if (Math.abs(den) < 1e-12) continue;
      const t = ((c[0] - a[0]) * (d[1] - c[1]) - (c[1] - a[1]) * (d[0] - c[0])) / den;
      const u = ((c[0] - a[0]) * (b[1] - a[1]) - (c[1] - a[1]) * (b[0] - a[0])) / den;
      if (t < 0 || t > 1 || u < 0 || u > 1) continue;
      const p = feature.properties;
      const fraction = (before + u * lengths[i]!) / total;
      const surveyed = Number(p['起点埋深']) + (Number(p['终点埋深']) - Number(p['起点埋深'])) * fraction;
      const size = sizeOf(p);
      const category = String(p['类别']);
      found.push({
        id: String(p['管线编号']),
        category,
        offset: t * Math.hypot(b[0] - a[0], b[1] - a[1]),
        depthTop: surveyedAtInvert(category) ? surveyed - size : surveyed,
        depthBottom: surveyedAtInvert(category) ? surveyed : surveyed + size,
      });
    }
  }
  return found.sort((p, q) => p.offset - q.offset);
}

let server: Awaited<ReturnType<typeof startDemoServer>>;
let browser: Browser;
let page: Page;
let problems: string[];
const tools = <T>(run: (tools: Tools) => Promise<T>): Promise<T> => page.evaluate(`(${run.toString()})(window.cimTwin.tools)`) as Promise<T>;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startDemoServer();
  seeds = (JSON.parse(readFileSync(join(GENERATED_DIR, 'nankai-pipe-lines.geojson'), 'utf8')) as { features: SeedLine[] }).features;
  browser = await launchBrowser();
  ({ page, problems } = await openViewer(browser, server.url, { width: 1280, height: 720 }));
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('pipe tools in Chromium on the seed district', () => {
  it('crossSection: the pipes the line crosses, at their offsets, crown and invert from the surveyed depths; the planted conflict', async () => {
    const expected = expectedSection(LINE);
    expect(expected.length).toBeGreaterThanOrEqual(5);
    const section = await page.evaluate((line) => (window as unknown as ToolsWin).cimTwin.tools.crossSection(line), LINE);
    expect(section.length).toBeCloseTo(40, 0);
    // Gas (RQ) comes from a Shapefile, not the GeoJSON: compared apart.
    const cut = section.pipes.filter((p) => p.category !== 'RQ');
    expect(cut.map((p) => p.id)).toEqual(expected.map((p) => p.id));
    cut.forEach((pipe, i) => {
      const want = expected[i]!;
      expect(pipe.category).toBe(want.category);
      expect(pipe.offset).toBeCloseTo(want.offset, 1);
      expect(Math.abs(pipe.depthTop - want.depthTop), pipe.id).toBeLessThan(0.01);
      expect(Math.abs(pipe.depthBottom - want.depthBottom), pipe.id).toBeLessThan(0.01);
    });
    const duct = section.pipes.find((p) => p.id === 'DLL060825')!;
    expect(duct).toMatchObject({ width: 0.5, height: 0.4, diameter: null, owner: '南开区路灯所' });
    // The street-lighting duct 1.0 m from the heating main's centre: GB 50289 asks 2.0 m clear.
    expect(section.conflicts).toContainEqual(
      expect.objectContaining({ type: 'horizontal', a: 'DLL060825', b: 'RLL018494', required: 2, rule: expect.stringMatching(/4\.1\.9 RL–DL/) }),
    );
    expect(problems).toEqual([]);
  }, 240_000);

  it('bad input is refused with a clear message and changes nothing', async () => {
    // What a tool run could change (the live slices and the clock move on by themselves).
    const stateNow = (): Promise<unknown> =>
      page.evaluate(() => {
        const { tool, toolInput, selection, underground, layers, camera } = (window as unknown as ToolsWin).cimTwin.getState();
        return { tool, toolInput, selection, underground, layers, camera };
      });
    const before = await stateNow();
    const refusal = (input: unknown): Promise<string> =>
      page.evaluate(
        (line) =>
          (window as unknown as ToolsWin).cimTwin.tools.crossSection(line).then(
            () => 'accepted',
            (error: Error) => error.message,
          ),
        input,
      );
    expect(await refusal([LINE[0]])).toMatch(/two points.*got 1 point/);
    expect(await refusal([LINE[0], ['117', 39]])).toMatch(/second point/);
    expect(await refusal([LINE[0], [117.4, 39.14]])).toMatch(/≤ 2000 m/);
    const traceRefusal = await page.evaluate(() =>
      (window as unknown as ToolsWin).cimTwin.tools.trace('JSL000002', { direction: 'upstream' }).then(
        () => 'accepted',
        (error: Error) => error.message,
      ),
    );
    expect(traceRefusal).toMatch(/gravity flow/);
    expect(await stateNow()).toEqual(before);
  }, 240_000);

  it('the tool from a shared link: the section drawn in the panel, the link round trip, a screenshot', async () => {
    const input = LINE.map(([lon, lat]) => `${lon.toFixed(7)},${lat.toFixed(7)}`).join(';');
    await page.evaluate(
      ({ input, view }) => {
        const api = (window as unknown as ToolsWin).cimTwin;
        api.setUnderground(true);
        void api.flyTo(view, { duration: 0 });
        api.setTool('crossSection', input);
      },
      { input, view: { lon: 117.17077, lat: 39.1372, height: 70, heading: 0, pitch: -45 } },
    );
    await page.waitForSelector('#cross-section-panel canvas[data-drawn]', { timeout: 60_000 });
    await page.waitForFunction(() => location.search.includes('tool=crossSection'));
    expect(decodeURIComponent(new URL(page.url()).searchParams.get('input')!)).toBe(input);
    const rows = await page.$$eval('#cross-section-panel tr', (r) => r.length - 1);
    expect(rows).toBeGreaterThanOrEqual(6);
    expect(await page.textContent('#cross-section-panel')).toContain('DLL060825');
    await page.waitForTimeout(1500);
    await page.screenshot({ path: join(ARTIFACTS, 'tool-cross-section.png'), timeout: 120_000 });
    // Software WebGL renders the underground view slowly on a loaded machine: the other screenshots are taken above ground.
    await page.evaluate(() => (window as unknown as ToolsWin).cimTwin.setUnderground(false));
    // The same link in a fresh page shows the same section (no need to wait for the tiles: the panel is the answer).
    const second = await browser.newPage({ viewport: { width: 800, height: 500 } });
    await second.goto(page.url());
    await second.waitForSelector('#cross-section-panel canvas[data-drawn]', { timeout: 180_000 });
    expect(await second.$$eval('#cross-section-panel tr', (r) => r.length - 1)).toBe(rows);
    await second.close();
    // A malformed link says why in the panel.
    await page.evaluate(() => (window as unknown as ToolsWin).cimTwin.setTool('crossSection', '117.1,banana'));
    await page.waitForSelector('#cross-section-panel [role=alert]');
    expect(await page.textContent('#cross-section-panel [role=alert]')).toMatch(/not "lon,lat;lon,lat"/);
  }, 240_000);

  it('trace downstream from a sewer: the pipes the seed lines lead to by invert, highlighted and listed', async () => {
    // Independently from the seeds: sewer lines joined by their 起点编号/终点编号, flowing towards the deeper invert.
    const sewers = seeds.filter((f) => f.properties['类别'] === 'PS');
    const flow = sewers.map((f) => {
      const p = f.properties;
      const deeperAtEnd = Number(p['终点埋深']) >= Number(p['起点埋深']);
      return { id: String(p['管线编号']), up: String(deeperAtEnd ? p['起点编号'] : p['终点编号']), down: String(deeperAtEnd ? p['终点编号'] : p['起点编号']) };
    });
    const leaving = new Map<string, string[]>();
    for (const f of flow) leaving.set(f.up, [...(leaving.get(f.up) ?? []), f.id]);
    const start = flow.find((f) => f.id === 'YSL018843')!;
    const expected = new Set([start.id]);
    for (const queue = [start.down]; queue.length;) {
      const node = queue.pop()!;
      for (const id of leaving.get(node) ?? [])
        if (!expected.has(id)) {
          expected.add(id);
          queue.push(flow.find((f) => f.id === id)!.down);
        }
    }
    const traced = await page.evaluate(() => (window as unknown as ToolsWin).cimTwin.tools.trace('YSL018843', { direction: 'downstream' }));
    expect(new Set(traced.pipes)).toEqual(expected);
    expect(traced.pipes[0]).toBe('YSL018843');
    // Its longitudinal profile runs down the same pipes (the trunk of the run), each falling with the flow.
    const profile = await page.evaluate(() => (window as unknown as ToolsWin).cimTwin.tools.profile('YSL018843'));
    const picked = profile.pipes.findIndex((p) => p.id === 'YSL018843');
    expect(picked).toBeGreaterThanOrEqual(0);
    for (const pipe of profile.pipes.slice(picked)) expect(expected.has(pipe.id), pipe.id).toBe(true);
    expect(profile.pipes.every((p) => p.slope >= 0 && p.invertTo <= p.invertFrom)).toBe(true);
    await page.evaluate(() =>
      (window as unknown as ToolsWin).cimTwin.flyTo({ lon: 117.1707, lat: 39.134, height: 600, heading: 0, pitch: -60 }, { duration: 0 }),
    );
    await page.evaluate(() => (window as unknown as ToolsWin).cimTwin.setTool('trace', 'YSL018843;downstream'));
    await page.waitForSelector('#trace-panel .tool-list li');
    const state = await page.evaluate(() => (window as unknown as ToolsWin).cimTwin.getState() as unknown as { tool: string });
    expect(state.tool).toBe('trace');
    await page.waitForTimeout(1500);
    await page.screenshot({ path: join(ARTIFACTS, 'tool-trace.png'), timeout: 120_000 });
  }, 240_000);

  it('clearance conflicts: the build report’s, each with its rule, stepped through', async () => {
    const report = JSON.parse(readFileSync(join(import.meta.dirname, '../data/tiles/pipes/build-report.json'), 'utf8')) as {
      clearance: { conflicts: ClearanceConflict[] };
    };
    const conflicts = await tools((t) => t.clearanceConflicts());
    expect(conflicts.map((c) => `${c.a} ${c.b}`)).toEqual(report.clearance.conflicts.map((c) => `${c.a} ${c.b}`));
    expect(conflicts.every((c) => /GB 50289 Table 4\.1\.(9|14)/.test(c.rule ?? ''))).toBe(true);
    await page.evaluate(() => (window as unknown as ToolsWin).cimTwin.setTool('clearance', '0'));
    await page.waitForSelector('#clearance-panel .tool-conflict');
    expect(await page.textContent('#clearance-panel .tool-conflict')).toContain(conflicts[0]!.a);
    await page.waitForTimeout(1500);
    await page.screenshot({ path: join(ARTIFACTS, 'tool-clearance.png'), timeout: 120_000 });
    expect(problems).toEqual([]);
  }, 240_000);
});
