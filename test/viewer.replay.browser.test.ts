import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../harness/launchBrowser.js';
import { ARTIFACTS, openViewer, type Win } from '../harness/viewerPage.js';
import type { LiveState } from '../layers/sensors/sensorsState.js';
import { startDemoServer } from './support/demoServer.js';

/**
 * Sensors in a replay, in Chromium at 800×500 against the demo server (simulator, broker, store):
 * a burst of alarms is injected 15 minutes in the past on sensors the simulator leaves silent;
 * `cimTwin.clock.replay(<during the burst>)` lists those alarms with their replayed times, the
 * status says Replay, a sensor's chart is the hour around T with a cursor at T; playing on
 * passes the burst's end (the alarms clear, the shown time advances); `cimTwin.clock.live()`
 * returns to the live feed.
 */
let server: Awaited<ReturnType<typeof startDemoServer>>;
let browser: Browser;
let page: Page;
let problems: string[];
const S = 1000;
/** The burst's start: 15 minutes ago, on a whole second. */
const B = Math.floor((Date.now() - 15 * 60_000) / 1000) * 1000;
/** Readings every 20 s from B − 60 s to B + 300 s; past the alarm limit from B to B + 240 s. */
const OFFSETS = Array.from({ length: 19 }, (_, k) => -60 + k * 20);
const IN_ALARM = (offset: number): boolean => offset >= 0 && offset < 240;
let burst: number[] = [];
const iso = (ms: number): string => new Date(ms).toISOString();

const liveState = (): Promise<LiveState> => page.evaluate(() => (window as unknown as Win).cimTwin.getState().live!);

beforeAll(async () => {
  server = await startDemoServer({ live: { simulator: { burstAfterSeconds: null, rainAfterSeconds: null } } });
  const live = server.live!;
  // Five sensors nothing else writes, whose alarm is raised within two minutes of holding.
  const sensors = live.catalog.filter((e) => live.simulator!.silent.has(e.id) && e.type.thresholds.minDurationSeconds <= 60).slice(0, 5);
  expect(sensors).toHaveLength(5);
  burst = sensors.map((e) => e.id);
  for (const offset of OFFSETS)
    for (const sensor of sensors) {
      const { direction, warning, alarm } = sensor.type.thresholds;
      const value = IN_ALARM(offset) ? (direction === 'above' ? alarm * 2 + 1 : 0) : direction === 'above' ? warning / 2 : warning * 1.5;
      await live.simulator!.inject(sensor.id, value, B + offset * S);
    }
  await new Promise((resolve) => setTimeout(resolve, 1000)); // through the broker into the history's queue
  await live.history.flush();
  browser = await launchBrowser();
  ({ page, problems } = await openViewer(browser, server.url));
  await page.waitForFunction(() => (window as unknown as Win).cimTwin.stats().live.state === 'live', null, { timeout: 60_000 });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
}, 30_000);

describe('sensors in a replay (clock, history API, Chromium)', () => {
  it('a replay during the burst lists its alarms with their replayed times; the status says Replay', async () => {
    const at = B + 120 * S;
    const started = Date.now();
    await page.evaluate((time) => (window as unknown as Win).cimTwin.clock.replay(time, { paused: true }), iso(at));
    await page.waitForFunction((ids) => ids.every((id) => document.querySelector(`#alarms li[data-datastream="${id}"]`)), burst, {
      timeout: 30_000,
      polling: 50,
    });
    console.log(`replay: seek → the burst's ${burst.length} alarms listed in ${Date.now() - started} ms`);
    const state = await liveState();
    expect(state.replay).toMatchObject({ time: at, loading: false });
    for (const id of burst) {
      const alarm = state.alarms.find((a) => a.datastream === id)!;
      // The reading shown is the burst's last at or before T (every 20 s), not the wall clock's now.
      expect(alarm.time).toBeLessThanOrEqual(at);
      expect(alarm.time).toBeGreaterThan(at - 20 * S);
    }
    // A seek further on replaces every sensor: the alarms that hold carry their reading at the new time.
    const further = B + 220 * S;
    await page.evaluate((time) => (window as unknown as Win).cimTwin.clock.seek(time), iso(further));
    // The seek's time is set at once; its state arrives after (loading): wait for that, as a slow machine showed (CI under load).
    await page.waitForFunction(
      (time) => {
        const replay = (window as unknown as Win).cimTwin.getState().live!.replay;
        return replay?.time === time && !replay.loading;
      },
      further,
      { timeout: 30_000 },
    );
    // The alarm list follows with the frame that applies the state: wait for it (bounded), then check each.
    await page
      .waitForFunction(
        ({ ids, since }) => {
          const alarms = (window as unknown as Win).cimTwin.getState().live!.alarms;
          return ids.every((id) => (alarms.find((a) => a.datastream === id)?.time ?? 0) > since);
        },
        { ids: burst, since: further - 20 * S },
        { timeout: 15_000, polling: 50 },
      )
      .catch(() => undefined); // the assertion below says which one is behind
    const after = await liveState();
    for (const id of burst) expect(after.alarms.find((a) => a.datastream === id)?.time).toBeGreaterThan(further - 20 * S);
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#live-connection')?.dataset['state'] === 'replay', null, { timeout: 10_000 });
    expect(await page.textContent('#live-connection')).toMatch(/^回放 /);
    // Nothing is acknowledged or opened from the past.
    expect(await page.locator('#alarms .alarm-ack').count()).toBe(0);
    // The live feed goes on (the simulator) but changes nothing shown: a sensor heard only since
    // the server started has no value at T, before and after more than its period of live readings.
    const active = server.live!.catalog.find((e) => e.type.periodSeconds === 10 && !server.live!.simulator!.silent.has(e.id))!;
    const describe = (): Promise<Record<string, unknown> | null> =>
      page.evaluate((id) => (window as unknown as Win).cimTwin.select(String(id), 'sensors'), active.id);
    expect(await describe()).toMatchObject({ value: null, state: 'offline' });
    const published = server.live!.simulator!.published();
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    expect(server.live!.simulator!.published()).toBeGreaterThan(published);
    expect(await describe()).toMatchObject({ value: null, state: 'offline' });
  });

  it('a sensor’s chart in the replay is the hour around T with a cursor at T', async () => {
    const at = B + 220 * S; // where the first test left the clock
    await page.evaluate((id) => (window as unknown as Win).cimTwin.select(String(id), 'sensors'), burst[0]!);
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('.sensor-chart')?.dataset['points'] ?? 0) > 0, null, { timeout: 30_000 });
    const chart = await page.evaluate(() => ({ ...document.querySelector<HTMLElement>('.sensor-chart')!.dataset }));
    expect(chart['window']).toBe(`${iso(at - 1_800_000)}/${iso(at + 1_800_000)}`);
    expect(chart['cursor']).toBe(iso(at));
    // The window holds the whole burst as published (every 20 s), before and after T.
    expect(Number(chart['points'])).toBe(OFFSETS.length);
    await page.screenshot({ path: join(ARTIFACTS, 'replay-sensor-chart.png') });
  });

  it('playback advances the time shown and passes the burst’s end: its alarms clear, the values follow', async () => {
    await page.evaluate((time) => (window as unknown as Win).cimTwin.clock.replay(time, { speed: 60 }), iso(B + 200 * S));
    await page.waitForFunction((ids) => ids.every((id) => !document.querySelector(`#alarms li[data-datastream="${id}"]`)), burst, {
      timeout: 30_000,
      polling: 100,
    });
    const state = await liveState();
    expect(state.replay!.time).toBeGreaterThanOrEqual(B + 240 * S);
    // The selected sensor's reading is the burst's first normal one or later, not the wall clock's.
    expect(state.selectedReading).toMatchObject({ datastream: burst[0], state: 'normal' });
    expect(state.selectedReading!.time).toBeGreaterThanOrEqual(B + 240 * S);
    expect(state.selectedReading!.time).toBeLessThan(Date.now() - 5 * 60_000);
    const later = await page.evaluate(
      () => new Promise<number>((resolve) => setTimeout(() => resolve((window as unknown as Win).cimTwin.getState().live!.replay!.time), 2500)),
    );
    expect(later).toBeGreaterThan(state.replay!.time + 60 * S); // ~2.5 minutes of replay in 2.5 s
  });

  it('clock.live() returns to the live feed', async () => {
    await page.evaluate(() => (window as unknown as Win).cimTwin.clock.live());
    await page.waitForFunction(
      () =>
        (window as unknown as Win).cimTwin.getState().live!.replay === null &&
        document.querySelector<HTMLElement>('#live-connection')?.dataset['state'] === 'live',
      null,
      { timeout: 30_000 },
    );
    await page.waitForFunction(() => (window as unknown as Win).cimTwin.stats().live.messagesPerSecond > 0, null, { timeout: 30_000 });
    // Live readings again: the simulator's, seconds old, drawn as they come.
    await page.waitForFunction(() => ((window as unknown as Win).cimTwin.stats().live.ageAtRenderMs?.count ?? 0) > 0, null, { timeout: 30_000 });
    expect(await page.textContent('#live-connection')).toMatch(/^实时 /);
    expect(problems).toEqual([]);
  });
});
