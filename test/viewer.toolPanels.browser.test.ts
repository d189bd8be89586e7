import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../harness/launchBrowser.js';
import { ARTIFACTS, openViewer, overlaps, type Win } from '../harness/viewerPage.js';
import { startDemoServer } from './support/demoServer.js';

/**
 * Every tool's result panel on a laptop (1280 × 720, planner mode) and on a 4K video wall
 * (3840 × 2160, wall mode: type scaled with the screen): opened from a shared link's input, with
 * a result in it, the panel must stay clear of every other dock and panel, inside the window,
 * show all its columns (a result table scrolls down inside the panel, never sideways past the
 * dock) and use type no smaller than the mode's minimum; a cross-section's drawing and the
 * first rows of its table are both in view as it opens, without scrolling. A screenshot of each is kept in
 * test-results/ (tools-panel-<tool>-<size>.png) to look at.
 */
const TOOLS: { id: string; panel: string; input: string | null; text?: string; inView?: string }[] = [
  { id: 'measure', panel: '#measure-panel', input: 'distance:117.1707750,39.1376710,0.00;117.1711220,39.1376710,0.00;117.1711220,39.1380313,12.00' },
  {
    id: 'excavation',
    panel: '#excavation-panel',
    input: '117.1707056,39.1376440;117.1708328,39.1376305;117.1708560,39.1376845;117.1707866,39.1377115;117.1707114,39.1376980@4',
  },
  // Across the gas branch RQL060824 (中压B, planted 0.42 m beside a water main): its pressure class is listed.
  // Its drawing and its table share the panel: both in view without scrolling (the dock is short at 1280 × 720).
  {
    id: 'crossSection',
    panel: '#cross-section-panel',
    input: '117.1727542,39.1364046;117.1728027,39.1361378',
    text: '中压B',
    inView: '.section-drawing, .tool-table tr:nth-child(-n + 4)',
  },
  { id: 'trace', panel: '#trace-panel', input: 'YSL018843;downstream' },
  { id: 'clearance', panel: '#clearance-panel', input: '0' },
  { id: 'heightLimit', panel: '#height-limit-panel', input: '40;117.1600000,39.1050000;117.1720000,39.1040000;117.1750000,39.1120000;117.1660000,39.1180000' },
  { id: 'sunlight', panel: '#sunlight-panel', input: '117.1655000,39.1105000,1.50;dahan;2027' },
  { id: 'viewshed', panel: '#viewshed-panel', input: '117.1655,39.1105,0;1.6;250' },
];

const SIZES = [
  { name: '1280', viewport: { width: 1280, height: 720 }, mode: 'planner', minFontPx: 11 },
  // 0.75vw on a 3840-wide wall: 28.8 px body text; nothing under 20 px reads from 5 m.
  { name: '4k', viewport: { width: 3840, height: 2160 }, mode: 'wall', minFontPx: 20 },
] as const;

let server: Awaited<ReturnType<typeof startDemoServer>>;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startDemoServer();
  browser = await launchBrowser();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/**
 * What the layout must keep: the panel's box, the overlaps it takes part in, its overflow, its
 * smallest type, and which of the `inView` elements are not wholly seen as the panel opens
 * (outside the panel's or a scroll box's visible part, with every scroll box at its top).
 */
async function panelLayout(page: Page, selector: string, inView = '') {
  const { overlapping } = await overlaps(page);
  const measured = await page.evaluate(
    ([selector, inView]) => {
      const panel = document.querySelector<HTMLElement>(selector)!;
      const box = panel.getBoundingClientRect();
      const hidden: string[] = [];
      const wanted = inView ? [...panel.querySelectorAll<HTMLElement>(inView)] : [];
      for (const element of wanted) {
        const r = element.getBoundingClientRect();
        let seen = r.height > 0;
        for (let box: HTMLElement | null = element.parentElement; seen && box && box !== panel.parentElement; box = box.parentElement) {
          const style = getComputedStyle(box);
          if (style.overflowY === 'visible' && box !== panel) continue;
          const clip = box.getBoundingClientRect();
          seen = box.scrollTop === 0 && r.top >= clip.top - 0.5 && r.bottom <= clip.top + box.clientHeight + 0.5;
        }
        if (!seen) hidden.push(`${element.tagName.toLowerCase()}.${element.className} ${Math.round(r.top)}–${Math.round(r.bottom)}`);
      }
      const tables = [...panel.querySelectorAll<HTMLElement>('.tool-table')].map((t) => ({ scrollWidth: t.scrollWidth, clientWidth: t.clientWidth }));
      let smallest = Infinity;
      for (const element of panel.querySelectorAll<HTMLElement>('*')) {
        const hasText = [...element.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== '');
        if (hasText && element.getClientRects().length > 0) smallest = Math.min(smallest, parseFloat(getComputedStyle(element).fontSize));
      }
      return {
        box: [box.left, box.top, box.right, box.bottom],
        panelOverflowX: panel.scrollWidth - panel.clientWidth,
        tables,
        smallest,
        window: [innerWidth, innerHeight],
        inView: wanted.length,
        hidden,
      };
    },
    [selector, inView] as const,
  );
  const id = selector.slice(1);
  return { ...measured, overlapping: overlapping.filter((pair) => pair.split(' × ').includes(id)) };
}

describe.each(SIZES)('tool panels at $name', ({ name, viewport, mode, minFontPx }) => {
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    ({ page, problems } = await openViewer(browser, `${server.url}/?mode=${mode}`, viewport));
    if (mode === 'wall') await page.evaluate(() => (window as unknown as Win).cimTwin.setMode('wall', { tour: false }));
  }, 300_000);

  afterAll(async () => {
    await page?.close();
  });

  it.each(TOOLS)(
    '$id: clear of the other docks, inside the window, every column in view, readable type',
    async ({ id, panel, input, text, inView }) => {
      await page.evaluate(([id, input]) => (window as unknown as Win).cimTwin.setTool(id, input), [id, input ?? undefined] as const);
      // A result is in when its exports are offered.
      await expect.poll(() => page.locator(`${panel} .tool-actions button`).count(), { timeout: 120_000, interval: 250 }).toBeGreaterThan(0);
      await page.evaluate(() => (window as unknown as Win).cimTwin.waitForTiles());
      // Software WebGL reads a 4K frame back slowly on a loaded machine.
      await page.screenshot({ path: join(ARTIFACTS, `tools-panel-${id}-${name}.png`), timeout: 180_000 });
      // The panel alone at full resolution (a 4K screenshot is too big to read whole).
      await page.locator(panel).screenshot({ path: join(ARTIFACTS, `tools-panel-${id}-${name}-panel.png`), timeout: 180_000 });
      const layout = await panelLayout(page, panel, inView);
      console.log(
        `${id} at ${name}: panel ${layout.box.map(Math.round).join(',')}, smallest type ${layout.smallest}px, tables ${JSON.stringify(layout.tables)}`,
      );
      expect(layout.overlapping).toEqual([]);
      expect(layout.box[0]).toBeGreaterThanOrEqual(0);
      expect(layout.box[1]).toBeGreaterThanOrEqual(0);
      expect(layout.box[2]).toBeLessThanOrEqual(layout.window[0]!);
      expect(layout.box[3]).toBeLessThanOrEqual(layout.window[1]!);
      expect(layout.panelOverflowX).toBeLessThanOrEqual(1);
      for (const table of layout.tables) expect(table.scrollWidth).toBeLessThanOrEqual(table.clientWidth + 1);
      expect(layout.smallest).toBeGreaterThanOrEqual(minFontPx);
      // The drawing, the table's header and its first three rows, all seen without scrolling.
      if (inView) expect(layout.inView).toBeGreaterThanOrEqual(5);
      expect(layout.hidden).toEqual([]);
      if (text) expect(await page.locator(panel).textContent()).toContain(text);
      expect(problems).toEqual([]);
    },
    300_000,
  );
});
