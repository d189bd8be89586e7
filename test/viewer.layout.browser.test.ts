import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../harness/launchBrowser.js';
import { ARTIFACTS as artifacts, openViewer, overlaps, type Win } from '../harness/viewerPage.js';
import type { IncidentsPageApi } from '../layers/incidents/incidentsPlugin.js';
import type { Incident } from '../workers/formats/incident.js';
import { apiCall } from './support/apiCall.js';
import { startDemoServer } from './support/demoServer.js';

/**
 * What an operator and a planner see, at a desk (1280×720) and on a 4K wall (3840×2160): no
 * panel covers another, the wall shows its alarms readably, the English toolbar keeps to one
 * line. Screenshots of each land in test-results/.
 */
let server: Awaited<ReturnType<typeof startDemoServer>>;
let browser: Browser;
const OPERATOR_PASSWORD = 'operator-password-for-layout';

beforeAll(async () => {
  server = await startDemoServer({
    live: { simulator: { burstAfterSeconds: null, rainAfterSeconds: null } },
    incidents: { env: { CIM_OPERATOR_PASSWORD: OPERATOR_PASSWORD } },
  });
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
}, 30_000);

/** Raises a real alarm: two readings past a silent sensor's alarm threshold, its minimum duration apart. */
async function injectAlarm(): Promise<number> {
  const live = server.live!;
  const sensor = live.catalog.find((e) => live.simulator!.silent.has(e.id) && e.type.thresholds.direction === 'above')!;
  const { alarm, minDurationSeconds } = sensor.type.thresholds;
  const now = Date.now();
  await live.simulator!.inject(sensor.id, alarm * 2 + 1, now - (minDurationSeconds + 1) * 1000);
  await live.simulator!.inject(sensor.id, alarm * 2 + 1, now);
  return sensor.id;
}

describe('layout at a desk and on a 4K wall', () => {
  it('1280×720, planner: layer panel, info panel, alarms and legend open at once, none covering another', async () => {
    const { page, problems } = await openViewer(browser, server.url, { width: 1280, height: 720 });
    // Alarms raised before the page is connected are not an alarm list's job: wait for the feed.
    await page.waitForFunction(() => (window as unknown as Win).cimTwin.stats().live.state === 'live', null, { timeout: 90_000 });
    const datastream = await injectAlarm();
    await page.waitForSelector(`#alarms li[data-datastream="${datastream}"]`, { timeout: 60_000 });
    await page.click('#toggle-layers');
    await page.evaluate(() => (window as unknown as Win).cimTwin.pickAtLonLat(117.1642, 39.1341, 120));
    await page.waitForSelector('#info:not([hidden])');
    const { boxes, overlapping } = await overlaps(page, '#toolbar, .panel, #legend, #status-bar');
    expect(Object.keys(boxes)).toEqual(expect.arrayContaining(['toolbar', 'layers-panel', 'info', 'alarms', 'legend', 'status-bar']));
    expect(overlapping, JSON.stringify(boxes)).toEqual([]);
    await page.screenshot({ path: join(artifacts, 'layout-1280x720-planner.png') });
    // English: longer words, the toolbar still one line.
    await page.click('#toggle-language');
    const toolbar = await page.evaluate(() => document.getElementById('toolbar')!.getBoundingClientRect().height);
    expect(toolbar).toBeLessThan(48);
    expect((await overlaps(page, '#toolbar, .panel, #legend, #status-bar')).overlapping).toEqual([]);
    await page.screenshot({ path: join(artifacts, 'layout-1280x720-planner-en.png') });

    // An operator selects an incident while four are open, the alarm listed, the parking figures
    // and the legend shown: the dock gives way to the card, whose heading is in view — on screen,
    // inside the viewport and not clipped by the info panel (the point under it is the heading).
    const token = await server.token('operator');
    const opened: Incident[] = [];
    for (const level of ['I', 'II', 'III', 'IV'] as const) {
      const answer = await apiCall(server.url, 'POST', '/api/incidents', {
        token,
        body: {
          event: '城市内涝',
          headline: `积水 ${level} 级：鞍山西道 Waterlogging`,
          classification: { category: 'accident', subType: 'public-facility', level },
          footprint: { kind: 'point', at: [117.1642, 39.1341] },
        },
      });
      expect(answer.status).toBe(201);
      opened.push(answer.body as Incident);
    }
    await page.evaluate((password) => (window as unknown as { cimTwin: IncidentsPageApi }).cimTwin.signIn('operator', password), OPERATOR_PASSWORD);
    await page.waitForFunction((n) => document.querySelectorAll('#incidents li[data-incident]').length >= n, opened.length, { timeout: 30_000 });
    const selected = opened[opened.length - 1]!.id;
    await page.evaluate((id) => (window as unknown as Win).cimTwin.select(id, 'incidents'), selected);
    const heading = page.locator(`#info .incident-card[data-incident="${selected}"] .impact h3`);
    await heading.waitFor({ state: 'attached', timeout: 60_000 });
    const shown = await heading.evaluate((element) => {
      const box = element.getBoundingClientRect();
      const under = document.elementFromPoint(box.left + Math.min(20, box.width / 2), box.top + box.height / 2);
      return { top: box.top, bottom: box.bottom, viewport: innerHeight, visible: under !== null && (under === element || element.contains(under)) };
    });
    expect(shown.top, JSON.stringify(shown)).toBeGreaterThanOrEqual(0);
    expect(shown.bottom, JSON.stringify(shown)).toBeLessThanOrEqual(shown.viewport);
    expect(shown.visible, JSON.stringify(shown)).toBe(true);
    // The lists gave way but stay: their headings are on screen beside the card, nothing overlaps.
    const crowded = await overlaps(page, '#toolbar, .panel, #legend, #status-bar');
    expect(Object.keys(crowded.boxes)).toEqual(expect.arrayContaining(['info', 'incidents', 'alarms', 'legend']));
    expect(crowded.overlapping, JSON.stringify(crowded.boxes)).toEqual([]);
    await page.screenshot({ path: join(artifacts, 'layout-1280x720-incident.png') });
    expect(problems).toEqual([]);
    await page.close();
  }, 240_000);

  it('3840×2160, wall: the alarm list is shown and readable from 5 m, labels and panels scale, nothing overlaps', async () => {
    const { page, problems } = await openViewer(browser, `${server.url}/?mode=wall`, { width: 3840, height: 2160 });
    await page.evaluate(() => (window as unknown as Win).cimTwin.setMode('wall', { tour: false }));
    // Alarms raised before the page is connected are not an alarm list's job: wait for the feed.
    await page.waitForFunction(() => (window as unknown as Win).cimTwin.stats().live.state === 'live', null, { timeout: 90_000 });
    const datastream = await injectAlarm();
    await page.waitForSelector(`#alarms li[data-datastream="${datastream}"]`, { timeout: 60_000 });
    expect(await page.isVisible('#toolbar')).toBe(false);
    expect(await page.isVisible('#alarms')).toBe(true);
    // From 5 m, text needs ~25 px on a 4K panel of a typical wall: the alarm's name is larger.
    const nameSize = await page.evaluate(
      (id) => parseFloat(getComputedStyle(document.querySelector(`#alarms li[data-datastream="${id}"] .alarm-name`)!).fontSize),
      datastream,
    );
    expect(nameSize).toBeGreaterThanOrEqual(28);
    expect(await page.evaluate(() => parseFloat(getComputedStyle(document.getElementById('status-bar')!).fontSize))).toBeGreaterThanOrEqual(24);
    await page.evaluate(() => (window as unknown as Win).cimTwin.pickAtLonLat(117.1642, 39.1341, 120));
    await page.waitForSelector('#info:not([hidden])');
    const { boxes, overlapping } = await overlaps(page, '#toolbar, .panel, #legend, #status-bar');
    expect(Object.keys(boxes)).toEqual(expect.arrayContaining(['info', 'alarms', 'legend', 'status-bar']));
    expect(overlapping, JSON.stringify(boxes)).toEqual([]);
    // Every part of the status strip is on screen, none squeezed to nothing.
    const strip = await page.evaluate(() => [...document.getElementById('status-bar')!.children].map((e) => e.getBoundingClientRect().width));
    expect(Math.min(...strip)).toBeGreaterThan(40);
    await page.evaluate(() => (window as unknown as Win).cimTwin.flyTo('overview', { duration: 0 }));
    await page.evaluate(() => (window as unknown as Win).cimTwin.waitForTiles());
    await page.screenshot({ path: join(artifacts, 'layout-3840x2160-wall.png') });
    expect(problems).toEqual([]);
    await page.close();
  }, 300_000);
});
