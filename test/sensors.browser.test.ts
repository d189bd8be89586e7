import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmsDocument } from '../workers/formats/alarms.js';
import type { LiveStateDocument } from '../workers/formats/liveState.js';
import { observationsTopic } from '../workers/live/sensorTypes.js';
import { SENSOR_MARKUP_CANARY_NAME } from '../seeds/generator/generatePointsOfInterest.js';
import { startDemoServer } from './support/demoServer.js';
import { launchBrowser } from '../harness/launchBrowser.js';
import { ARTIFACTS as artifacts, openViewer, type Win } from '../harness/viewerPage.js';

let server: Awaited<ReturnType<typeof startDemoServer>>;
let browser: Browser;
let page: Page;
let problems: string[];
const OPERATOR_PASSWORD = 'sensors-operator-password';
type SignInWin = Win & { cimTwin: { signIn(username: string, password: string): Promise<unknown> } };

beforeAll(async () => {
  // The simulator runs (scripted anomalies off: the test injects its own alarm).
  server = await startDemoServer({
    live: { simulator: { burstAfterSeconds: null, rainAfterSeconds: null } },
    incidents: { env: { CIM_OPERATOR_PASSWORD: OPERATOR_PASSWORD } },
  });
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
    // Readings' age when the frame showing them is drawn (phenomenonTime → postRender), reported once a second.
    await page.waitForFunction(() => ((window as unknown as Win).cimTwin.stats().live.ageAtRenderMs?.count ?? 0) > 10, null, { timeout: 30_000 });
    const live = await page.evaluate(() => (window as unknown as Win).cimTwin.stats().live);
    console.log(
      `sensors: age at render (since page start, load included) p50/p95/p99 ${live.ageAtRenderMs!.p50}/${live.ageAtRenderMs!.p95}/${live.ageAtRenderMs!.p99} ms`,
    );
    // Live, not a replay of old readings; how fast is bench:live's job (a loaded machine adds seconds here).
    expect(live.ageAtRenderMs!.p50).toBeLessThan(15_000);
    expect(live.sensors).toBe(server.live!.catalog.length);
    expect(await page.textContent('#live-connection')).toMatch(/^实时 · 传感器 \d+/);
    expect(problems).toEqual([]);
  });

  it('draws clusters at district zoom and single sensors up close', async () => {
    const drawn = (): Promise<{ points: number; clusters: number }> => page.evaluate(() => (window as unknown as Win).cimTwin.stats().live.drawn);
    await page.evaluate(() => (window as unknown as Win).cimTwin.flyTo({ lon: 117.158, lat: 39.035, height: 9000, heading: 0, pitch: -40 }, { duration: 0 }));
    await page.waitForFunction(() => (window as unknown as Win).cimTwin.stats().live.drawn.points === 0, null, { timeout: 30_000 });
    const far = await drawn();
    expect(far.clusters).toBeGreaterThan(0);
    expect(far.clusters).toBeLessThan(100); // ~2 km groups: a handful, not thousands of dots
    await page.screenshot({ path: join(artifacts, 'sensors-clusters.png') });
    await page.evaluate(() => (window as unknown as Win).cimTwin.flyTo({ lon: 117.1642, lat: 39.124, height: 600, heading: 0, pitch: -35 }, { duration: 0 }));
    await page.waitForFunction(() => (window as unknown as Win).cimTwin.stats().live.drawn.points > 0, null, { timeout: 30_000 });
    const near = await drawn();
    expect(near.points).toBeLessThan(server.live!.catalog.length); // far cells stay clusters
  });

  it('an injected alarm appears on the map and in the alarm list within 1 s', async () => {
    // A sensor the simulator leaves silent (so nothing else writes it), past its alarm threshold
    // for longer than the minimum duration: two readings that far apart.
    const cover = server.live!.catalog.find((e) => server.live!.simulator!.silent.has(e.id) && e.id > 1)!;
    const { direction, alarm, minDurationSeconds } = cover.type.thresholds;
    const reading = direction === 'above' ? alarm * 2 + 1 : 0;
    // A second screen, live before the alarm (a page opened later raises it only after its readings held the minimum duration again).
    const { page: other } = await openViewer(browser, server.url);
    await other.waitForFunction(() => (window as unknown as Win).cimTwin.stats().live.state === 'live', null, { timeout: 30_000 });
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
    await page.waitForSelector(`#alarms li[data-datastream="${cover.id}"]`, { timeout: 10_000 });
    expect(await page.textContent(`#alarms li[data-datastream="${cover.id}"] .alarm-name`)).toBe(cover.name);
    const properties = await page.evaluate((id) => (window as unknown as Win).cimTwin.select(String(id), 'sensors'), cover.id);
    expect(properties).toMatchObject({ state: 'alarm', value: reading });
    // The chart opens with the history (the two injected readings at least).
    await page.waitForFunction((id) => Number(document.querySelector(`.sensor-chart[data-datastream="${id}"]`)?.getAttribute('data-points')) >= 2, cover.id, {
      timeout: 15_000,
    });
    // Then live: a new reading reaches the chart and the value row without a reload.
    const points = Number(await page.getAttribute(`.sensor-chart[data-datastream="${cover.id}"]`, 'data-points'));
    await server.live!.simulator!.inject(cover.id, reading + 1, Date.now());
    await page.waitForFunction(
      ([id, n]) => Number(document.querySelector(`.sensor-chart[data-datastream="${id}"]`)?.getAttribute('data-points')) === n + 1,
      [cover.id, points] as const,
      { timeout: 10_000 },
    );
    expect(await page.textContent('#info tr[data-field="value"] td')).toBe(String(reading + 1));
    await page.screenshot({ path: join(artifacts, 'sensors-alarm.png') });
    const item = `#alarms li[data-datastream="${cover.id}"]`;
    // Its start from the server: the reading that raised it (the second injected one).
    const since = new Date(now).toLocaleTimeString('zh-CN', { hour12: false, hour: '2-digit', minute: '2-digit' });
    await page.waitForFunction(
      ([selector, text]) => document.querySelector(`${selector} .alarm-since`)?.textContent === text,
      [item, `始于 ${since}`] as const,
      {
        timeout: 10_000,
      },
    );
    // Signed in as `internal` (reads every sensor, may not act): the button says why it cannot acknowledge.
    expect(await page.getAttribute(`${item} .alarm-ack`, 'disabled')).not.toBeNull();
    expect(await page.getAttribute(`${item} .alarm-ack`, 'title')).toMatch(/只能查看/);
    await expect(page.evaluate((id) => (window as unknown as Win).cimTwin.acknowledgeAlarm(id), cover.id)).rejects.toThrow(/operator/);
    try {
      // The second screen lists the same alarm, unacknowledged.
      await other.waitForSelector(`${item}.open`, { timeout: 30_000 });
      // An operator acknowledges on the first screen: it stays listed, marked with who and when, on both screens.
      await page.evaluate((password) => (window as unknown as SignInWin).cimTwin.signIn('operator', password), OPERATOR_PASSWORD);
      await page.waitForSelector(`${item} .alarm-ack:not([disabled])`);
      const clicked = Date.now();
      await page.click(`${item} .alarm-ack`);
      await page.waitForSelector(`#alarms li.acknowledged[data-datastream="${cover.id}"]`);
      const listed = (await (
        await fetch(`${server.url}/api/alarms`, { headers: { Authorization: `Bearer ${await server.token('internal')}` } })
      ).json()) as AlarmsDocument;
      const acknowledged = listed.alarms.find((a) => a.datastream === cover.id)!.acknowledged!;
      expect(acknowledged).toMatchObject({ by: 'operator', role: 'operator' });
      const at = new Date(acknowledged.at).toLocaleTimeString('zh-CN', { hour12: false, hour: '2-digit', minute: '2-digit' });
      expect(await page.textContent(`${item} .alarm-acked`)).toBe(`operator 已于 ${at} 确认`);
      await other.waitForSelector(`#alarms li.acknowledged[data-datastream="${cover.id}"]`, { timeout: 10_000 });
      expect(await other.textContent(`${item} .alarm-acked`)).toBe(`operator 已于 ${at} 确认`);
      console.log(`alarm acknowledgement: click → shown on the second screen in ${Date.now() - clicked} ms`);
      // A replay to before the acknowledgement shows the alarm unacknowledged; after it, acknowledged.
      const ackAt = Date.parse(acknowledged.at);
      await other.evaluate((time) => (window as unknown as Win).cimTwin.clock.replay(time, { paused: true }), new Date(ackAt - 500).toISOString());
      await other.waitForFunction((selector) => document.querySelector('#alarms.replay') && document.querySelector(`${selector}.open .alarm-since`), item, {
        timeout: 30_000,
      });
      expect(await other.locator(`${item} .alarm-acked`).count()).toBe(0);
      await other.evaluate((time) => (window as unknown as Win).cimTwin.clock.seek(time), new Date(ackAt + 100).toISOString());
      await other.waitForSelector(`#alarms.replay li.acknowledged[data-datastream="${cover.id}"]`, { timeout: 30_000 });
      expect(await other.textContent(`${item} .alarm-acked`)).toBe(`operator 已于 ${at} 确认`);
    } finally {
      await other.close();
    }
  }, 240_000);

  it('a sensor without data is offline (greyed out)', async () => {
    const state = (await (
      await fetch(`${server.url}/api/live/state`, { headers: { Authorization: `Bearer ${await server.token('internal')}` } })
    ).json()) as LiveStateDocument;
    const silent = state.ids.find((id, i) => state.result[i] === null && server.live!.simulator!.silent.has(id))!;
    expect(silent).toBeDefined();
    const properties = await page.evaluate((id) => (window as unknown as Win).cimTwin.select(String(id), 'sensors'), silent);
    expect(properties).toMatchObject({ state: 'offline', value: null });
    expect(await page.textContent('#info tr[data-field="state"] td')).toBe('离线 (offline)');
  });

  it("a viewer receives only its role's sensors (water: water network and open ones; no token: open ones), and another sign-in reconnects with the new role's", async () => {
    const catalog = server.live!.catalog;
    const open = catalog.filter((e) => e.category === null).length;
    const water = catalog.filter((e) => e.category === 'JS').length + open;
    const sensors = (p: Page): Promise<number> => p.evaluate(() => (window as unknown as Win).cimTwin.stats().live.sensors);
    const { page: waterPage, problems: waterProblems } = await openViewer(browser, server.url, undefined, { role: 'water' });
    const { page: publicPage, problems: publicProblems } = await openViewer(browser, server.url, undefined, null);
    try {
      await waterPage.waitForFunction((n) => (window as unknown as Win).cimTwin.stats().live.sensors === n, water, { timeout: 60_000 });
      await publicPage.waitForFunction((n) => (window as unknown as Win).cimTwin.stats().live.sensors === n, open, { timeout: 60_000 });
      // A drainage well's cover (datastream 1) is not there to select for either.
      for (const p of [waterPage, publicPage])
        expect(await p.evaluate(() => (window as unknown as Win).cimTwin.select('1', 'sensors').catch(() => null))).toBeFalsy();
      // Live readings keep coming on the feeds they may read.
      await waterPage.waitForFunction(() => (window as unknown as Win).cimTwin.stats().live.messagesPerSecond > 0, null, { timeout: 30_000 });
      // The operator signs in on the water screen: it reconnects and shows every sensor.
      await waterPage.evaluate((password) => (window as unknown as SignInWin).cimTwin.signIn('operator', password), OPERATOR_PASSWORD);
      await waterPage.waitForFunction((n) => (window as unknown as Win).cimTwin.stats().live.sensors === n, catalog.length, { timeout: 60_000 });
      expect(await sensors(publicPage)).toBe(open);
      // The token never reaches the viewer's state or the address bar.
      expect(await waterPage.evaluate(() => location.href)).not.toContain('token');
      expect(JSON.stringify(await waterPage.evaluate(() => (window as unknown as Win).cimTwin.getState()))).not.toMatch(/eyJ[\w-]{10,}\./); // no JWT
      expect([...waterProblems, ...publicProblems]).toEqual([]);
    } finally {
      await waterPage.close();
      await publicPage.close();
    }
  }, 180_000);

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

describe('a sensor that falls silent greys out (live, Chromium)', () => {
  let quiet: Awaited<ReturnType<typeof startDemoServer>>;
  let quietPage: Page;
  const publisher = { username: 'test-publisher', password: 'a-long-test-secret' };

  beforeAll(async () => {
    // No simulator; every sensor is offline after 8 s of silence (CIM_STALE_AFTER_SECONDS): room for a slow page to show it normal first.
    quiet = await startDemoServer({ live: { simulator: false, publisher, staleAfterSeconds: 8 } });
    ({ page: quietPage } = await openViewer(browser, quiet.url));
    // Connected and the state loaded: with nothing publishing, the feed itself turns 'stale' after 15 s.
    await quietPage.waitForFunction(() => ['live', 'stale'].includes((window as unknown as Win).cimTwin.stats().live.state), null, { timeout: 90_000 });
  }, 240_000);

  afterAll(async () => {
    await quietPage?.close();
    await quiet?.close();
  }, 30_000);

  it('normal while it reports, offline once silent past its limit, shown live in the open info panel', async () => {
    const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${quiet.live!.broker.tcpPort()}`, { reconnectPeriod: 0, ...publisher });
    const sensor = quiet.live!.catalog[1]!;
    const level = sensor.type.normal.base;
    const report = (): Promise<unknown> =>
      device.publishAsync(observationsTopic(sensor.id), JSON.stringify({ phenomenonTime: new Date().toISOString(), result: level }), { qos: 1 });
    const reportedAt = Date.now();
    await report();
    await quietPage.evaluate((id) => (window as unknown as Win).cimTwin.select(String(id), 'sensors'), sensor.id);
    const stateCell = '#info tr[data-field="state"] td';
    await quietPage.waitForFunction((cell) => document.querySelector(cell)?.textContent?.includes('normal'), stateCell, { timeout: 30_000 });
    await quietPage.waitForFunction((cell) => document.querySelector(cell)?.textContent?.includes('offline'), stateCell, { timeout: 30_000 });
    const greyedAfter = Date.now() - reportedAt;
    console.log(`stale: greyed out ${greyedAfter} ms after the last reading (limit 8 s)`);
    expect(greyedAfter).toBeGreaterThan(7000);
    expect(await quietPage.evaluate((id) => (window as unknown as Win).cimTwin.select(String(id), 'sensors'), sensor.id)).toMatchObject({ state: 'offline' });
    // Reporting again brings it back.
    await report();
    await quietPage.waitForFunction((cell) => document.querySelector(cell)?.textContent?.includes('normal'), stateCell, { timeout: 30_000 });
    await quietPage.screenshot({ path: join(artifacts, 'sensors-stale.png') });
    await device.endAsync();
  }, 180_000);
});
