import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveStateDocument } from '../layers/sensors/LiveSensorSource.js';
import { SENSOR_MARKUP_CANARY_NAME } from '../seeds/generator/generatePointsOfInterest.js';
import { startDemoServer } from './support/demoServer.js';
import { launchBrowser } from './support/launchBrowser.js';
import { openViewer, type CimTwinApi } from './support/viewerPage.js';

type Win = { cimTwin: CimTwinApi; __cimTwinInjected?: number };
const artifacts = join(import.meta.dirname, '../test-results');
let server: Awaited<ReturnType<typeof startDemoServer>>;
let browser: Browser;
let page: Page;
let problems: string[];

beforeAll(async () => {
  // The simulator runs (scripted anomalies off: the test injects its own alarm).
  server = await startDemoServer({ live: { simulator: { burstAfterSeconds: null, rainAfterSeconds: null } } });
  browser = await launchBrowser();
  ({ page, problems } = await openViewer(browser, server.url));
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
}, 30_000);

describe('live sensors layer in the viewer (real broker, simulator, Chromium)', () => {
  it('shows the simulator’s sensors, live', async () => {
    await page.waitForFunction(
      () => (window as unknown as Win).cimTwin.stats().live.state === 'live' && (window as unknown as Win).cimTwin.stats().live.messagesPerSecond > 0,
      null,
      {
        timeout: 30_000,
      },
    );
    const live = await page.evaluate(() => (window as unknown as Win).cimTwin.stats().live);
    expect(live.sensors).toBe(server.live!.catalog.length);
    expect(await page.textContent('#live-connection')).toMatch(/^实时 · 传感器 \d+/);
    expect(problems).toEqual([]);
  });

  it('an injected alarm appears on the map and in the alarm list within 1 s', async () => {
    // A sensor the simulator leaves silent (so nothing else writes it), past its alarm threshold
    // for longer than the minimum duration: two readings that far apart.
    const cover = server.live!.catalog.find((e) => server.live!.simulator!.silent.has(e.id) && e.id > 1)!;
    const { direction, alarm, minDurationSeconds } = cover.type.thresholds;
    const reading = direction === 'above' ? alarm * 2 + 1 : 0;
    const alarmed = page.evaluate(
      (id) =>
        new Promise<number>((resolve) => {
          const api = (window as unknown as Win).cimTwin;
          const off = api.on('alarm', (event) => {
            if (event.datastream !== id) return;
            off();
            resolve(Date.now());
          });
        }),
      cover.id,
    );
    const now = Date.now();
    await server.live!.simulator!.inject(cover.id, reading, now - (minDurationSeconds + 1) * 1000);
    const injected = Date.now();
    await server.live!.simulator!.inject(cover.id, reading, now);
    const seenAt = await alarmed;
    const latency = seenAt - injected;
    console.log(`alarm: publish → alarm event in the page ${latency} ms`);
    expect(latency).toBeLessThan(1000);
    await page.waitForSelector(`#alarms li[data-datastream="${cover.id}"]`, { timeout: 1000 });
    expect(await page.textContent(`#alarms li[data-datastream="${cover.id}"] .alarm-name`)).toBe(cover.name);
    const properties = await page.evaluate((id) => (window as unknown as Win).cimTwin.select(String(id), 'sensors'), cover.id);
    expect(properties).toMatchObject({ state: 'alarm', value: reading });
    // The chart opens with the history (the two injected readings at least).
    await page.waitForFunction((id) => Number(document.querySelector(`.sensor-chart[data-datastream="${id}"]`)?.getAttribute('data-points')) >= 2, cover.id, {
      timeout: 15_000,
    });
    await page.screenshot({ path: join(artifacts, 'sensors-alarm.png') });
    // Acknowledge: it stays listed, marked.
    await page.click(`#alarms li[data-datastream="${cover.id}"] .alarm-ack`);
    await page.waitForSelector(`#alarms li.acknowledged[data-datastream="${cover.id}"]`);
  }, 60_000);

  it('a sensor without data is offline (greyed out)', async () => {
    const state = (await (await fetch(`${server.url}/api/live/state`)).json()) as LiveStateDocument;
    const silent = state.ids.find((id, i) => state.result[i] === null && server.live!.simulator!.silent.has(id))!;
    expect(silent).toBeDefined();
    const properties = await page.evaluate((id) => (window as unknown as Win).cimTwin.select(String(id), 'sensors'), silent);
    expect(properties).toMatchObject({ state: 'offline', value: null });
    expect(await page.textContent('#info tr[data-field="state"] td')).toBe('离线 (offline)');
  });

  it('a sensor name carrying markup renders as text', async () => {
    const properties = await page.evaluate(() => (window as unknown as Win).cimTwin.select('1', 'sensors'));
    expect(properties?.['name']).toBe(SENSOR_MARKUP_CANARY_NAME);
    await page.waitForFunction((name) => document.querySelector('#info-title')?.textContent === name, SENSOR_MARKUP_CANARY_NAME);
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as Win).__cimTwinInjected)).toBeUndefined();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
