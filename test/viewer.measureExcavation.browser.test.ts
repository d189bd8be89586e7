import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeasureResult } from '../workers/formats/measure.js';
import type { ClearanceConflict, ExcavationPipe } from '../workers/formats/pipeAnalyses.js';
import { launchBrowser } from '../harness/launchBrowser.js';
import { ARTIFACTS, openViewer, overlaps, type Win } from '../harness/viewerPage.js';
import { GENERATED_DIR } from '../seeds/generator/main.js';
import { startDemoServer } from './support/demoServer.js';

/**
 * The measure and excavation tools in Chromium on the seed district. Measure: the page API's
 * distances and area against figures computed here from local metres (WGS84 radii of
 * curvature), bad input, the URL round trip, a screenshot. Excavation: a skewed pentagon across
 * 王顶堤路 dug 4 m deep — the pipes listed against the seed GeoJSON (the lines that run inside
 * the polygon with their surveyed crown above the floor), bad input changing nothing, the URL
 * round trip, and the cut's edge on screen: looking straight down, the polygon's edges are
 * projected to pixels here (a pinhole camera, not Cesium's transforms) and the boundary between
 * the ground and the pit is found in the screenshot along each edge's normal; it must lie
 * within 0.5 m of the polygon.
 */
type Tools = {
  measure(request: unknown): Promise<MeasureResult>;
  excavate(polygon: unknown, depth: unknown): Promise<{ pipes: ExcavationPipe[]; conflicts: ClearanceConflict[] }>;
};
type ToolsWin = Win & { cimTwin: { tools: Tools } };

// WGS84 radii of curvature at the site: metres per degree of latitude and longitude.
const A = 6_378_137;
const E2 = (1 / 298.257223563) * (2 - 1 / 298.257223563);
const CENTRE: [number, number] = [117.170775, 39.137671];
const PHI = (CENTRE[1] * Math.PI) / 180;
const W = Math.sqrt(1 - E2 * Math.sin(PHI) ** 2);
const PER_LAT = ((A * (1 - E2)) / W ** 3) * (Math.PI / 180);
const PER_LON = (A / W) * Math.cos(PHI) * (Math.PI / 180);
const lonLat = ([east, north]: readonly [number, number]): [number, number] => [CENTRE[0] + east / PER_LON, CENTRE[1] + north / PER_LAT];
const metres = ([lon, lat]: readonly [number, number]): [number, number] => [(lon - CENTRE[0]) * PER_LON, (lat - CENTRE[1]) * PER_LAT];

/** The pit: a skewed pentagon (no edge along a parallel or meridian) across the street, metres east and north of CENTRE. */
const PIT_METRES: [number, number][] = [
  [-6, -3],
  [5, -4.5],
  [7, 1.5],
  [1, 4.5],
  [-5.5, 3],
];
const PIT = PIT_METRES.map(lonLat);
const PIT_DEPTH = 4;

interface SeedLine {
  properties: Record<string, string | number | null>;
  geometry: { coordinates: [number, number][] };
}
/** The seed pipe lines, read once the demo is prepared (a clean checkout has no generated seeds before that). */
let seeds: SeedLine[] = [];

function inside([x, y]: readonly [number, number], ring: readonly (readonly [number, number])[]): boolean {
  let result = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) result = !result;
  }
  return result;
}

function crosses(a: readonly [number, number], b: readonly [number, number], c: readonly [number, number], d: readonly [number, number]): boolean {
  const cross = (p: readonly [number, number], q: readonly [number, number], r: readonly [number, number]): number =>
    (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]);
  return cross(a, b, c) * cross(a, b, d) < 0 && cross(c, d, a) * cross(c, d, b) < 0;
}

/** Seed lines with a part inside the pit in plan, and whether their surveyed crown (both ends) is above the floor for sure. */
function seedLinesInPit(): { id: string; shallow: boolean }[] {
  const found = [];
  for (const feature of seeds) {
    const points = feature.geometry.coordinates.map(metres);
    let meets = points.some((p) => inside(p, PIT_METRES));
    for (let i = 0; !meets && i + 1 < points.length; i++)
      for (let k = 0; k < PIT_METRES.length; k++)
        if (crosses(points[i]!, points[i + 1]!, PIT_METRES[k]!, PIT_METRES[(k + 1) % PIT_METRES.length]!)) meets = true;
    if (!meets) continue;
    const p = feature.properties;
    const size = (p['管径'] !== null ? Number(p['管径']) : Number(String(p['断面尺寸']).split('×')[1])) / 1000;
    const atInvert = p['类别'] === 'PS';
    const crown = (depth: number): number => (atInvert ? depth - size : depth);
    found.push({ id: String(p['管线编号']), shallow: Math.max(crown(Number(p['起点埋深'])), crown(Number(p['终点埋深']))) < PIT_DEPTH - 0.05 });
  }
  return found;
}

let server: Awaited<ReturnType<typeof startDemoServer>>;
let browser: Browser;
let page: Page;
let problems: string[];

const api = <T>(page: Page, run: string): Promise<T> => page.evaluate(`(async (cimTwin) => ${run})(window.cimTwin)`) as Promise<T>;
const refusal = (call: string): Promise<string> =>
  api<string>(
    page,
    `${call}.then(
      () => 'accepted',
      (error) => error.message,
    )`,
  );

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startDemoServer();
  seeds = (JSON.parse(readFileSync(join(GENERATED_DIR, 'nankai-pipe-lines.geojson'), 'utf8')) as { features: SeedLine[] }).features;
  browser = await launchBrowser();
  ({ page, problems } = await openViewer(browser, server.url, { width: 1280, height: 720 }));
  // What would cover the pit or the measured line on screen: ground vectors, labels, live markers.
  for (const id of ['roads', 'areas', 'labels', 'sensors', 'parking', 'incidents'])
    await page.evaluate((id) => (window as unknown as Win).cimTwin.setLayerVisible(id, false), id);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('measure in Chromium', () => {
  const points: [number, number, number][] = [
    [...lonLat([0, 0]), 0],
    [...lonLat([30, 0]), 0],
    [...lonLat([30, 40]), 12],
  ];

  it('distance: legs over the ground and in 3D; area and height; the panel and the URL carry the result', async () => {
    await page.evaluate(() => (window as unknown as Win).cimTwin.setTool('measure'));
    const distance = await page.evaluate((points) => (window as unknown as ToolsWin).cimTwin.tools.measure({ kind: 'distance', points }), points);
    if (distance.kind !== 'distance') throw new Error(distance.kind);
    expect(distance.legs.map((l) => l.ground)).toEqual([expect.closeTo(30, 2), expect.closeTo(40, 2)]);
    expect(distance.ground).toBeCloseTo(70, 2);
    expect(distance.spatial).toBeCloseTo(30 + Math.hypot(40, 12), 2);
    expect(distance.legs[1]!.rise).toBe(12);

    const area = await page.evaluate((pit) => (window as unknown as ToolsWin).cimTwin.tools.measure({ kind: 'area', points: pit }), PIT);
    let twice = 0;
    for (let i = 0, j = PIT_METRES.length - 1; i < PIT_METRES.length; j = i++)
      twice += PIT_METRES[j]![0] * PIT_METRES[i]![1] - PIT_METRES[i]![0] * PIT_METRES[j]![1];
    expect(area.kind === 'area' && area.area).toBeCloseTo(Math.abs(twice) / 2, 1);

    const height = await page.evaluate(
      (at) =>
        (window as unknown as ToolsWin).cimTwin.tools.measure({
          kind: 'height',
          points: [
            [...at, 1.5],
            [...at, 36.5],
          ],
        }),
      lonLat([0, 0]),
    );
    expect(height).toMatchObject({ kind: 'height', height: 35, ground: 0 });

    // The distance again, shown: its total in the panel and its input in the URL.
    await page.evaluate((points) => (window as unknown as ToolsWin).cimTwin.tools.measure({ kind: 'distance', points }), points);
    await expect.poll(() => page.locator('#measure-panel .measure-value').first().textContent()).toBe('70.00 m');
    await page.evaluate(
      ([lon, lat]) => (window as unknown as Win).cimTwin.flyTo({ lon, lat: lat - 0.0006, height: 70, heading: 0, pitch: -40 }, { duration: 0 }),
      lonLat([15, 20]),
    );
    await page.evaluate(() => (window as unknown as Win).cimTwin.waitForTiles());
    await page.screenshot({ path: join(ARTIFACTS, 'tools-measure.png') });
    await expect.poll(() => new URL(page.url()).searchParams.get('tool')).toBe('measure');
    const link = page.url();
    expect(new URL(link).searchParams.get('input')).toMatch(/^distance:117\.\d{7},39\.\d{7},0\.00;/);
    const { page: shared } = await openViewer(browser, link, { width: 1280, height: 720 });
    await expect.poll(() => shared.locator('#measure-panel .measure-value').first().textContent(), { timeout: 30_000 }).toBe('70.00 m');
    expect(await shared.evaluate(() => (window as unknown as Win).cimTwin.getState().toolInput)).toBe(new URL(link).searchParams.get('input'));
    await shared.close();
  }, 300_000);

  it('depth: a picked pipe’s crown and invert below the ground, interpolated from its surveyed end depths', async () => {
    await page.evaluate(() => (window as unknown as Win).cimTwin.setTool('measure'));
    // The seed sewer and water lines nearest the site, measured 37 % along (by plan length) and 0.3 m to the side.
    const nearest = (category: string): SeedLine =>
      seeds
        .filter((f) => f.properties['类别'] === category)
        .map((f) => ({ f, d: Math.min(...f.geometry.coordinates.map((c) => Math.hypot(...metres(c)))) }))
        .reduce((a, b) => (b.d < a.d ? b : a)).f;
    for (const line of [nearest('PS'), nearest('JS')]) {
      const p = line.properties;
      const [a, b] = line.geometry.coordinates.map(metres) as [[number, number], [number, number]];
      const length = Math.hypot(b[0] - a[0], b[1] - a[1]);
      const fraction = 0.37;
      const pick = lonLat([a[0] + (b[0] - a[0]) * fraction - ((b[1] - a[1]) / length) * 0.3, a[1] + (b[1] - a[1]) * fraction + ((b[0] - a[0]) / length) * 0.3]);
      const surveyed = Number(p['起点埋深']) + (Number(p['终点埋深']) - Number(p['起点埋深'])) * fraction;
      const size = (p['管径'] !== null ? Number(p['管径']) : Number(String(p['断面尺寸']).split('×')[1])) / 1000;
      // 起点埋深/终点埋深 are at the invert for a sewer, at the crown for the rest.
      const [top, bottom] = p['类别'] === 'PS' ? [surveyed - size, surveyed] : [surveyed, surveyed + size];
      const depth = await page.evaluate(
        ([pick, pipeId]) => (window as unknown as ToolsWin).cimTwin.tools.measure({ kind: 'depth', points: [[...pick, -1]], pipeId }),
        [pick, String(p['管线编号'])] as const,
      );
      if (depth.kind !== 'depth') throw new Error(depth.kind);
      expect(depth).toMatchObject({ pipeId: p['管线编号'], category: p['类别'], depthTop: expect.closeTo(top, 2), depthBottom: expect.closeTo(bottom, 2) });
      expect(depth.distance).toBeCloseTo(0.3, 1);
      expect(Math.hypot(...metres(depth.at))).toBeLessThan(Math.hypot(...metres(pick)) + 0.31);
      await expect.poll(() => page.locator('#measure-panel [data-result="depth"] .measure-value').nth(1).textContent()).toBe(`${top.toFixed(2)} m`);
      await expect
        .poll(() => page.evaluate(() => (window as unknown as Win).cimTwin.getState().toolInput))
        .toBe(`depth:${pick[0].toFixed(7)},${pick[1].toFixed(7)},-1.00@${p['管线编号']}`);
    }
    // Without a pipe id the nearest pipe to the pick is measured; away from every pipe it is refused.
    const sewer = nearest('PS');
    const [a, b] = sewer.geometry.coordinates as [[number, number], [number, number]];
    const middle: [number, number] = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
    const nearestPipe = await page.evaluate((middle) => (window as unknown as ToolsWin).cimTwin.tools.measure({ kind: 'depth', points: [middle] }), middle);
    expect(nearestPipe).toMatchObject({ kind: 'depth', distance: expect.closeTo(0, 2) });
    expect(await refusal(`cimTwin.tools.measure({ kind: 'depth', points: [[117.5, 39.5, 0]] })`)).toMatch(/no pipe within 2 m of \[117\.5, 39\.5\]/);
    expect(await refusal(`cimTwin.tools.measure({ kind: 'depth', points: [[117.17, 39.13, 0]], pipeId: 'NO-SUCH-PIPE' })`)).toMatch(/no pipe "NO-SUCH-PIPE"/);

    // A click on the pipe in the underground view, straight down over the sewer's middle: the pipe picked is measured.
    await page.evaluate(() => (window as unknown as Win).cimTwin.setUnderground(true));
    await page.evaluate(([lon, lat]) => (window as unknown as Win).cimTwin.flyTo({ lon, lat, height: 25, heading: 0, pitch: -90 }, { duration: 0 }), middle);
    await page.evaluate(() => (window as unknown as Win).cimTwin.waitForTiles());
    await new Promise((resolve) => setTimeout(resolve, 500));
    const canvas = (await page.locator('.scene canvas').boundingBox())!;
    await page.mouse.click(canvas.x + canvas.width / 2, canvas.y + canvas.height / 2);
    await expect
      .poll(() => page.locator('#measure-panel [data-result="depth"] .measure-value').first().textContent(), { timeout: 30_000 })
      .toBe(`${String(sewer.properties['管线编号'])} (PS)`);
    await page.screenshot({ path: join(ARTIFACTS, 'tools-measure-depth.png') });
    await page.evaluate(() => (window as unknown as Win).cimTwin.setUnderground(false));
    // The shared link (`depth:lon,lat,h@pipeId`) measures the same pipe again.
    const input = await page.evaluate(() => (window as unknown as Win).cimTwin.getState().toolInput);
    expect(input).toMatch(/^depth:117\.\d{7},39\.\d{7},-?\d+\.\d{2}@\w+$/);
    const { page: shared } = await openViewer(browser, `${server.url}/?tool=measure&input=${encodeURIComponent(input!)}`, { width: 1280, height: 720 });
    await expect
      .poll(() => shared.locator('#measure-panel [data-result="depth"] .measure-value').first().textContent(), { timeout: 30_000 })
      .toBe(`${String(sewer.properties['管线编号'])} (PS)`);
    await shared.close();
    expect(problems).toEqual([]);
  }, 300_000);

  it('bad input is refused with a clear message and changes nothing', async () => {
    const before = await page.evaluate(() => (window as unknown as Win).cimTwin.getState().toolInput);
    const panel = await page.locator('#measure-panel').textContent();
    expect(await refusal(`cimTwin.tools.measure({ kind: 'distance', points: [[117.17, 39.13, 0]] })`)).toMatch(/two points or more; got 1/);
    expect(await refusal(`cimTwin.tools.measure({ kind: 'area', points: [[117.17, 39.13], [117.171, 39.131], [117.171, 39.13], [117.17, 39.131]] })`)).toMatch(
      /crosses itself/,
    );
    expect(await refusal(`cimTwin.tools.measure({ kind: 'volume', points: [] })`)).toMatch(/kind is "volume"/);
    expect(await refusal(`cimTwin.tools.measure('1,2;3,4')`)).toMatch(/\{kind, points\}/);
    expect(await page.evaluate(() => (window as unknown as Win).cimTwin.getState().toolInput)).toBe(before);
    expect(await page.locator('#measure-panel').textContent()).toBe(panel);
  });
});

describe('excavation pit in Chromium', () => {
  it('lists the pipes that run inside the pit above its floor, as the seed GeoJSON has them', async () => {
    await page.evaluate(() => (window as unknown as Win).cimTwin.setTool('excavation'));
    const result = await page.evaluate(([pit, depth]) => (window as unknown as ToolsWin).cimTwin.tools.excavate(pit, depth), [PIT, PIT_DEPTH] as const);
    const seeded = seedLinesInPit();
    const listed = result.pipes.filter((p) => p.category !== 'RQ').map((p) => p.id);
    // Every pipe listed runs inside the pit; every seed line inside whose crown is above the floor is listed.
    expect(listed.length).toBeGreaterThanOrEqual(3);
    for (const id of listed) expect(seeded.map((s) => s.id)).toContain(id);
    for (const line of seeded.filter((s) => s.shallow)) expect(listed).toContain(line.id);
    for (const pipe of result.pipes) {
      expect(pipe.depthTop).toBeLessThan(PIT_DEPTH);
      expect(pipe.depthBottom).toBeGreaterThan(pipe.depthTop);
    }
    console.log(
      `pit: ${result.pipes.length} pipes (${result.pipes.map((p) => `${p.id} ${p.depthTop}–${p.depthBottom} m`).join(', ')}), ${result.conflicts.length} conflicts`,
    );
    await expect.poll(() => page.locator('#excavation-panel [data-result="excavation"] tr').count()).toBe(result.pipes.length + 1);
    expect(problems).toEqual([]);
  });

  it('cuts the ground exactly at the polygon: the boundary on screen within 0.5 m of every edge', async () => {
    const altitude = 60;
    await page.evaluate(([lon, lat, height]) => (window as unknown as Win).cimTwin.flyTo({ lon, lat, height, heading: 0, pitch: -90 }, { duration: 0 }), [
      ...CENTRE,
      altitude,
    ] as const);
    await page.evaluate(() => (window as unknown as Win).cimTwin.waitForTiles());
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const canvas = (await page.locator('.scene canvas').boundingBox())!;
    const png = await page.screenshot({ path: join(ARTIFACTS, 'tools-excavation-edge.png') });
    // A pinhole camera straight down: Cesium's 60° field of view spans the wider side (the width).
    const pixelsPerMetre = canvas.width / 2 / (altitude * Math.tan(Math.PI / 6));
    const toScreen = ([east, north]: readonly [number, number]): [number, number] => [
      canvas.x + canvas.width / 2 + east * pixelsPerMetre,
      canvas.y + canvas.height / 2 - north * pixelsPerMetre,
    ];
    const offsets = await page.evaluate(
      async ({ png, edges, pixelsPerMetre }) => {
        const image = new Image();
        image.src = `data:image/png;base64,${png}`;
        await image.decode();
        const c = document.createElement('canvas');
        c.width = image.width;
        c.height = image.height;
        const g = c.getContext('2d')!;
        g.drawImage(image, 0, 0);
        const data = g.getImageData(0, 0, c.width, c.height).data;
        const rgb = (x: number, y: number): number[] => {
          const i = (Math.round(y) * c.width + Math.round(x)) * 4;
          return [data[i]!, data[i + 1]!, data[i + 2]!];
        };
        const found: number[] = [];
        const reach = Math.ceil(pixelsPerMetre * 1.5);
        // The depth ruler stands at the corner highest on screen, its 0 m tick and label lying over
        // the rim there: samples within 3 m of that corner would find the ruler or its labels (1 m east of it), not the cut.
        const rulerCorner = edges.map(([a]) => a).reduce((highest, corner) => (corner[1] < highest[1] ? corner : highest));
        for (const [[ax, ay], [bx, by]] of edges) {
          const length = Math.hypot(bx - ax, by - ay);
          // Inward normal: the ring runs counter-clockwise in metres (north up), so with y down on screen the inside is on the left.
          const [nx, ny] = [(by - ay) / length, -(bx - ax) / length];
          for (let k = 1; k < 10; k++) {
            const t = k / 10;
            const [px, py] = [ax + (bx - ax) * t, ay + (by - ay) * t];
            if (Math.hypot(px - rulerCorner[0], py - rulerCorner[1]) < 3 * pixelsPerMetre) continue;
            const ground = rgb(px - nx * (reach + 6), py - ny * (reach + 6));
            let boundary = Number.NaN;
            for (let s = -reach; s <= reach; s++) {
              const [r, gr, b] = rgb(px + nx * s, py + ny * s);
              if (Math.abs(r! - ground[0]!) > 10 || Math.abs(gr! - ground[1]!) > 10 || Math.abs(b! - ground[2]!) > 10) {
                boundary = s;
                break;
              }
            }
            found.push(boundary / pixelsPerMetre);
          }
        }
        return found;
      },
      {
        png: png.toString('base64'),
        edges: PIT_METRES.map((corner, i): [[number, number], [number, number]] => [toScreen(corner), toScreen(PIT_METRES[(i + 1) % PIT_METRES.length]!)]),
        pixelsPerMetre,
      },
    );
    console.log(`pit edge offsets (m, + inward): ${offsets.map((o) => o.toFixed(2)).join(' ')}`);
    // 9 samples on each of 5 edges, less the 8 beside the ruler.
    expect(offsets.length).toBeGreaterThanOrEqual(36);
    for (const offset of offsets) expect(Math.abs(offset)).toBeLessThanOrEqual(0.5);
  });

  it('draws the pit (walls, floor, ruler) and carries it in the URL', async () => {
    await page.evaluate(
      ([lon, lat]) => (window as unknown as Win).cimTwin.flyTo({ lon, lat: lat - 0.00025, height: 22, heading: 0, pitch: -40 }, { duration: 0 }),
      CENTRE,
    );
    await page.evaluate(() => (window as unknown as Win).cimTwin.waitForTiles());
    await new Promise((resolve) => setTimeout(resolve, 500));
    await page.screenshot({ path: join(ARTIFACTS, 'tools-excavation.png') });
    await expect.poll(() => new URL(page.url()).searchParams.get('tool')).toBe('excavation');
    const link = page.url();
    expect(new URL(link).searchParams.get('input')).toMatch(/@4$/);
    const summary = await page.locator('#excavation-panel .tool-summary').textContent();
    const { page: shared } = await openViewer(browser, link, { width: 1280, height: 720 });
    await expect.poll(() => shared.locator('#excavation-panel .tool-summary').textContent(), { timeout: 60_000 }).toBe(summary);
    await shared.close();
  }, 300_000);

  it('is a window into the ground: from above, its pipes are seen and the road over it is open', async () => {
    // Looking straight down at the pit with the roads shown: first filled in (the tool off), then dug.
    await page.evaluate(() => (window as unknown as Win).cimTwin.setTool(null));
    await page.evaluate(() => (window as unknown as Win).cimTwin.setLayerVisible('roads', true));
    const altitude = 40;
    await page.evaluate(([lon, lat, height]) => (window as unknown as Win).cimTwin.flyTo({ lon, lat, height, heading: 0, pitch: -90 }, { duration: 0 }), [
      ...CENTRE,
      altitude,
    ] as const);
    const settle = async (): Promise<void> => {
      await page.evaluate(() => (window as unknown as Win).cimTwin.waitForTiles());
      await new Promise((resolve) => setTimeout(resolve, 1500));
    };
    await settle();
    const filled = await page.screenshot();
    // The docks' panels (parking, the pit's own) lie over the canvas's left and right: no sample under one, before or after.
    const panels = Object.values((await overlaps(page)).boxes);
    await page.evaluate(() => (window as unknown as Win).cimTwin.setTool('excavation'));
    await page.evaluate(([pit, depth]) => (window as unknown as ToolsWin).cimTwin.tools.excavate(pit, depth), [PIT, PIT_DEPTH] as const);
    await settle();
    const dug = await page.screenshot({ path: join(ARTIFACTS, 'tools-excavation-window.png') });
    panels.push(...Object.values((await overlaps(page)).boxes));
    const clearOfPanels = ([x, y]: readonly [number, number]): boolean =>
      !panels.some(([l, t, r, b]) => x >= l! - 1 && x <= r! + 1 && y >= t! - 1 && y <= b! + 1);
    const canvas = (await page.locator('.scene canvas').boundingBox())!;
    const pixelsPerMetre = canvas.width / 2 / (altitude * Math.tan(Math.PI / 6));
    // Sample points inside the pit, at least 1 m from its edges, on a 0.5 m grid.
    const samples: [number, number][] = [];
    for (let east = -7; east <= 7; east += 0.5)
      for (let north = -5; north <= 5; north += 0.5) {
        const p: [number, number] = [east, north];
        const clear = PIT_METRES.every((a, i) => {
          const b = PIT_METRES[(i + 1) % PIT_METRES.length]!;
          const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
          const t = Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)));
          return Math.hypot(a[0] + dx * t - p[0], a[1] + dy * t - p[1]) >= 1;
        });
        const at: [number, number] = [canvas.x + canvas.width / 2 + east * pixelsPerMetre, canvas.y + canvas.height / 2 - north * pixelsPerMetre];
        if (clear && inside(p, PIT_METRES) && clearOfPanels(at)) samples.push(at);
      }
    // And a ring around it, 0.5 to 2.5 m outside its edges (where the globe's ragged cut and the collar are): the road must still be there.
    const rim: [number, number][] = [];
    // Less the corner the depth ruler stands at (the highest on screen: the northernmost), whose 0 m tick and label lie over the rim.
    const rulerCorner = PIT_METRES.reduce((highest, corner) => (corner[1] > highest[1] ? corner : highest));
    PIT_METRES.forEach((a, i) => {
      const b = PIT_METRES[(i + 1) % PIT_METRES.length]!;
      const length = Math.hypot(b[0] - a[0], b[1] - a[1]);
      // Outward: the ring runs counter-clockwise, so the outside is on the right of each edge.
      const [nx, ny] = [(b[1] - a[1]) / length, -(b[0] - a[0]) / length];
      for (let t = 0.2; t <= 0.8; t += 0.1)
        for (const out of [0.5, 1, 1.5, 2, 2.5]) {
          const [east, north] = [a[0] + (b[0] - a[0]) * t + nx * out, a[1] + (b[1] - a[1]) * t + ny * out];
          if (Math.hypot(east - rulerCorner[0], north - rulerCorner[1]) < 3) continue;
          const at: [number, number] = [canvas.x + canvas.width / 2 + east * pixelsPerMetre, canvas.y + canvas.height / 2 - north * pixelsPerMetre];
          if (clearOfPanels(at)) rim.push(at);
        }
    });
    const { unchanged, pipePixels, roadPixelsBefore, rimRoad, rimRoadKept } = await page.evaluate(
      async ({ filled, dug, samples, rim }) => {
        const pixels = async (png: string): Promise<(x: number, y: number) => number[]> => {
          const image = new Image();
          image.src = `data:image/png;base64,${png}`;
          await image.decode();
          const c = document.createElement('canvas');
          c.width = image.width;
          c.height = image.height;
          const g = c.getContext('2d')!;
          g.drawImage(image, 0, 0);
          const data = g.getImageData(0, 0, c.width, c.height).data;
          return (x, y) => {
            const i = (Math.round(y) * c.width + Math.round(x)) * 4;
            return [data[i]!, data[i + 1]!, data[i + 2]!];
          };
        };
        const [before, after] = [await pixels(filled), await pixels(dug)];
        let unchanged = 0;
        let pipePixels = 0;
        let roadPixelsBefore = 0;
        for (const [x, y] of samples) {
          const [r0, g0, b0] = before(x, y);
          const [r, g, b] = after(x, y);
          if (Math.abs(r! - r0!) <= 8 && Math.abs(g! - g0!) <= 8 && Math.abs(b! - b0!) <= 8) unchanged++;
          // The roads' greys (#56627a … #8a96ad): blue a little above red.
          if (b0! > r0! && b0! - r0! < 40 && r0! > 60) roadPixelsBefore++;
          // The pit's pipes are emphasised yellow (#ffd400) and red (#ff0000, the conflicting pair).
          if (r! > 150 && b! < 90 && r! - b! > 100) pipePixels++;
        }
        let rimRoad = 0;
        let rimRoadKept = 0;
        for (const [x, y] of rim) {
          const [r0, g0, b0] = before(x, y);
          const [r, g, b] = after(x, y);
          if (!(b0! > r0! && b0! - r0! < 40 && r0! > 60)) continue;
          rimRoad++;
          // Still a road's grey (the cut road's outline is turf's buffer, not Cesium's corridor: its edge may move a pixel or two).
          if (b! > r! && b! - r! < 40 && r! > 60) rimRoadKept++;
          else console.log(`rim sample at ${Math.round(x)},${Math.round(y)}: ${[r0, g0, b0].join(',')} → ${[r, g, b].join(',')}`);
        }
        return { unchanged, pipePixels, roadPixelsBefore, rimRoad, rimRoadKept };
      },
      { filled: filled.toString('base64'), dug: dug.toString('base64'), samples, rim },
    );
    console.log(
      `pit window: ${samples.length} samples, ${roadPixelsBefore} road before, ${unchanged} unchanged after digging, ${pipePixels} on the pit's pipes`,
    );
    // The pit lies under 王顶堤路: road before, something else (floor, walls, pipes) after.
    expect(roadPixelsBefore).toBeGreaterThan(samples.length / 2);
    expect(unchanged).toBeLessThan(samples.length * 0.1);
    expect(pipePixels).toBeGreaterThan(5);
    // The road runs up to the pit's edge: no rim of another colour around it (an opaque collar drew a dark 3 m band over the road).
    console.log(`pit rim: ${rimRoad} road samples 0.5–2.5 m outside the edges, ${rimRoadKept} still road after digging`);
    expect(rimRoad).toBeGreaterThan(40);
    // Measured: 61 of 70 kept. An opaque collar would turn every road sample within 3 m dark (it
    // did in an oblique view; not measured from above). Of the 26 of 87 that changed before the
    // docks' panels were left out, 17 lay under a panel (the pit's panel is not there before
    // digging); the 9 left are not explained yet (suspect: the cut road's outline, turf's buffer,
    // where the corridor was Cesium's). The bound keeps the rim band from coming back.
    expect(rimRoadKept).toBeGreaterThanOrEqual(rimRoad * 0.8);
    // Filling the pit in closes the window (and the road over it).
    expect(await page.evaluate(() => (window as unknown as Win).cimTwin.getState().underground)).toBe(false);
    await page.evaluate(() => (window as unknown as Win).cimTwin.setLayerVisible('roads', false));
    expect(problems).toEqual([]);
  }, 300_000);

  it('draws only the pipes it lists in the window: a pipe under its floor is not drawn, and is once the pit reaches it', async () => {
    // 给水 JSL018385 (DN300, crown 1.2 m) runs inside the pit near its north edge. The camera stands
    // 3.3 m down right under it, looking up (1.8 m from it: Cesium's near plane is 1 m) — below a
    // 1 m pit's floor, where the floor hides nothing between it and the pipe. Dug 1 m the pipe is
    // not listed: the view must be what it is with the pipe layer hidden (the pipe tiles, drawn
    // in the window whole, showed it). Dug 3.5 m it is listed, and the same view shows it.
    const under: [number, number] = [-2, 3.26];
    const pipe = seeds.find((f) => f.properties['管线编号'] === 'JSL018385')!;
    const [a, b] = pipe.geometry.coordinates.map(metres) as [[number, number], [number, number]];
    const along = ((under[0] - a[0]) * (b[0] - a[0]) + (under[1] - a[1]) * (b[1] - a[1])) / ((b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2);
    expect(Math.hypot(a[0] + (b[0] - a[0]) * along - under[0], a[1] + (b[1] - a[1]) * along - under[1])).toBeLessThan(0.05);
    await page.evaluate(() => (window as unknown as Win).cimTwin.setTool('excavation'));
    const [lon, lat] = lonLat(under);
    // Pixels that differ between the view with the pipe layer shown and hidden, over the middle of the canvas.
    const pipeLayerPixels = async (): Promise<number> => {
      const shot = async (): Promise<string> => {
        await page.evaluate(([lon, lat]) => (window as unknown as Win).cimTwin.flyTo({ lon, lat, height: -3.3, heading: 0, pitch: 89 }, { duration: 0 }), [
          lon,
          lat,
        ] as const);
        await page.evaluate(() => (window as unknown as Win).cimTwin.waitForTiles());
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const canvas = (await page.locator('.scene canvas').boundingBox())!;
        const side = Math.min(canvas.width, canvas.height) / 2;
        const clip = { x: canvas.x + canvas.width / 2 - side / 2, y: canvas.y + canvas.height / 2 - side / 2, width: side, height: side };
        return (await page.screenshot({ clip })).toString('base64');
      };
      const shown = await shot();
      await page.evaluate(() => (window as unknown as Win).cimTwin.setLayerVisible('pipes', false));
      const hidden = await shot();
      await page.evaluate(() => (window as unknown as Win).cimTwin.setLayerVisible('pipes', true));
      return page.evaluate(
        async ([shown, hidden]) => {
          const read = async (png: string): Promise<Uint8ClampedArray> => {
            const image = new Image();
            image.src = `data:image/png;base64,${png}`;
            await image.decode();
            const c = document.createElement('canvas');
            [c.width, c.height] = [image.width, image.height];
            const g = c.getContext('2d')!;
            g.drawImage(image, 0, 0);
            return g.getImageData(0, 0, c.width, c.height).data;
          };
          const [p, q] = [await read(shown), await read(hidden)];
          let differing = 0;
          for (let i = 0; i < p.length; i += 4)
            if (Math.max(Math.abs(p[i]! - q[i]!), Math.abs(p[i + 1]! - q[i + 1]!), Math.abs(p[i + 2]! - q[i + 2]!)) > 24) differing++;
          return differing / (p.length / 4);
        },
        [shown, hidden] as const,
      );
    };
    const shallow = await page.evaluate(([pit]) => (window as unknown as ToolsWin).cimTwin.tools.excavate(pit, 1), [PIT] as const);
    expect(shallow.pipes.map((p) => p.id)).not.toContain('JSL018385');
    const unlisted = await pipeLayerPixels();
    await page.screenshot({ path: join(ARTIFACTS, 'tools-excavation-under-floor-1m.png') });
    const deep = await page.evaluate(([pit]) => (window as unknown as ToolsWin).cimTwin.tools.excavate(pit, 3.5), [PIT] as const);
    expect(deep.pipes.map((p) => p.id)).toContain('JSL018385');
    const listed = await pipeLayerPixels();
    await page.screenshot({ path: join(ARTIFACTS, 'tools-excavation-under-pipe-3.5m.png') });
    console.log(
      `under the pit's floor: ${(unlisted * 100).toFixed(1)} % of the view from the pipe layer dug 1 m (pipe not listed), ${(listed * 100).toFixed(1)} % dug 3.5 m (listed)`,
    );
    expect(unlisted).toBeLessThan(0.01);
    expect(listed).toBeGreaterThan(0.1);
    expect(problems).toEqual([]);
  }, 300_000);

  it('takes a building the pit reaches out of view whole (not clipped into a hollow shell), and back when the pit moves off it', async () => {
    // 8 × 8 m across the south-east corner of 龙滨园1号楼 (NK020489, 97.6 m); 龙滨园商铺 (NK020517) stands 6 m east of it.
    const corner = metres([117.1707722, 39.1378072]);
    const pit = [
      [-4, -4],
      [4, -4],
      [4, 4],
      [-4, 4],
    ].map(([east, north]) => lonLat([corner[0] + east!, corner[1] + north!]));
    await page.evaluate(() => (window as unknown as Win).cimTwin.setTool('excavation'));
    await page.evaluate(([pit]) => (window as unknown as ToolsWin).cimTwin.tools.excavate(pit, 4), [pit] as const);
    const [lon, lat] = lonLat([corner[0] + 40, corner[1] - 40]);
    await page.evaluate(([lon, lat]) => (window as unknown as Win).cimTwin.flyTo({ lon, lat, height: 30, heading: -45, pitch: -25 }, { duration: 0 }), [
      lon,
      lat,
    ] as const);
    await page.evaluate(() => (window as unknown as Win).cimTwin.waitForTiles());
    await page.screenshot({ path: join(ARTIFACTS, 'tools-excavation-building.png') });
    // Named in the panel (and so hidden in the tiles: the style's show less its id, layers/tilesets/styles.test.ts).
    await expect.poll(() => page.locator('[data-result="excavation-buildings"]').textContent()).toContain('NK020489');
    expect(await page.locator('[data-result="excavation-buildings"]').textContent()).not.toContain('NK020517');
    // The street pit again: no building over it, none hidden.
    await page.evaluate(([pit, depth]) => (window as unknown as ToolsWin).cimTwin.tools.excavate(pit, depth), [PIT, PIT_DEPTH] as const);
    expect(await page.locator('[data-result="excavation-buildings"]').count()).toBe(0);
    expect(problems).toEqual([]);
  }, 300_000);

  it('bad input is refused with a clear message and the pit stays as it was', async () => {
    const before = await page.evaluate(() => (window as unknown as Win).cimTwin.getState().toolInput);
    const panel = await page.locator('#excavation-panel').textContent();
    const bowTie = JSON.stringify([lonLat([-5, -5]), lonLat([5, 5]), lonLat([5, -5]), lonLat([-5, 5])]);
    expect(await refusal(`cimTwin.tools.excavate(${bowTie}, 3)`)).toMatch(/crosses itself/);
    expect(await refusal(`cimTwin.tools.excavate(${JSON.stringify(PIT)}, 0)`)).toMatch(/depth is 0 m: it must be more than 0/);
    expect(await refusal(`cimTwin.tools.excavate(${JSON.stringify(PIT)}, 1e6)`)).toMatch(/1000000 m: an open-cut pit is at most 50 m/);
    expect(await refusal(`cimTwin.tools.excavate(${JSON.stringify(PIT.slice(0, 2))}, 3)`)).toMatch(/three corners or more; got 2/);
    expect(await page.evaluate(() => (window as unknown as Win).cimTwin.getState().toolInput)).toBe(before);
    expect(await page.locator('#excavation-panel').textContent()).toBe(panel);
    expect(problems).toEqual([]);
  });
});
