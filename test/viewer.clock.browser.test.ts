import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../harness/launchBrowser.js';
import { ARTIFACTS, openViewer, overlaps, type Win } from '../harness/viewerPage.js';
import type { IncidentsPageApi } from '../layers/incidents/incidentsPlugin.js';
import type { FeatureProperties } from '../viewer/src/platform/ViewerEvents.js';
import type { ClockReading } from '../workers/formats/history.js';
import type { Incident, IncidentDraft } from '../workers/formats/incident.js';
import { startDemoServer } from './support/demoServer.js';

/**
 * The viewer's one clock against the demo server (simulator, broker, incidents, history) in
 * Chromium: a replay through the page API shows the REPLAY badge and its time, plays on and
 * pauses, the timeline marks the incidents by level, the incidents are shown as they were,
 * clicking the bar seeks, the keyboard steps, Back to live returns, a `clock` event fires on
 * each change and none per tick; at a desk (1280×720) the timeline covers no panel and on a
 * 4K wall its text reads from 5 m. Screenshots in test-results/clock-*.png.
 */
type ClockPage = Win & { cimTwin: Win['cimTwin'] & IncidentsPageApi; clockEvents: ClockReading[]; described?: FeatureProperties | null };
const OPERATOR_PASSWORD = 'operator-test-password-1';

let server: Awaited<ReturnType<typeof startDemoServer>>;
let browser: Browser;
let incident: Incident;

beforeAll(async () => {
  server = await startDemoServer({
    live: { simulator: { burstAfterSeconds: null, rainAfterSeconds: null } },
    incidents: { env: { CIM_OPERATOR_PASSWORD: OPERATOR_PASSWORD } },
  });
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'operator', password: OPERATOR_PASSWORD }),
  });
  const { token } = (await login.json()) as { token: string };
  // A real alarm for the density strip: two readings past a silent sensor's threshold, its minimum duration apart.
  const live = server.live!;
  const sensor = live.catalog.find((e) => live.simulator!.silent.has(e.id) && e.type.thresholds.direction === 'above')!;
  const { alarm, minDurationSeconds } = sensor.type.thresholds;
  await live.simulator!.inject(sensor.id, alarm * 2 + 1, Date.now() - (minDurationSeconds + 1) * 1000);
  await live.simulator!.inject(sensor.id, alarm * 2 + 1, Date.now());
  // An incident some seconds after the server started: a replay before it must not show it.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const draft: IncidentDraft = {
    event: '供水管道爆管',
    headline: '回放测试：供水管道爆管',
    classification: { category: 'accident', subType: 'public-facility', level: 'II' },
    footprint: { kind: 'point', at: [117.1642, 39.1341] },
  };
  const created = await fetch(`${server.url}/api/incidents`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(draft),
  });
  expect(created.status).toBe(201);
  incident = (await created.json()) as Incident;
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
}, 30_000);

const reading = (page: Page): Promise<ClockReading> => page.evaluate(() => (window as unknown as ClockPage).cimTwin.clock.get());
const incidentIds = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as ClockPage).cimTwin.incidents.list().map((i) => i.id));
/** The properties of the last `select` event (the info panel's content). */
const described = (page: Page): Promise<FeatureProperties | null | undefined> => page.evaluate(() => (window as unknown as ClockPage).described);
const badge = (page: Page): Promise<{ mode: string; text: string; datetime: string }> =>
  page.evaluate(() => ({
    mode: document.getElementById('timeline')!.dataset['mode']!,
    text: document.getElementById('clock-badge')!.textContent!,
    datetime: document.querySelector('#clock-badge time')!.getAttribute('datetime')!,
  }));

describe('the clock: replay and back to live', () => {
  it('replays through the page API: badge, time, playback, incidents as they were, marks, seek, step, Back to live, one event per change', async () => {
    const { page, problems } = await openViewer(browser, server.url);
    expect(await reading(page)).toMatchObject({ mode: 'live', speed: 1 });
    expect(await badge(page)).toMatchObject({ mode: 'live', text: expect.stringContaining('实时') });
    expect(await page.isVisible('#clock-live')).toBe(false);
    await expect.poll(() => incidentIds(page), { timeout: 20_000 }).toContain(incident.id);
    await page.evaluate(() => {
      const win = window as unknown as ClockPage;
      win.clockEvents = [];
      win.cimTwin.on('clock', (event) => win.clockEvents.push(event));
      win.cimTwin.on('select', (event) => (win.described = event.properties));
    });
    // The incident selected: the info panel describes it (and describes it again as it was at each seek).
    await page.evaluate((id) => (window as unknown as ClockPage).cimTwin.select(id, 'incidents'), incident.id);
    await expect.poll(() => described(page)).toMatchObject({ headline: incident.headline });

    // The alarm raised before the page opened is in the density strip, drawn in the alarm colour.
    const bucket = await page.waitForSelector('.timeline-bucket:not([data-alarms="0"])', { timeout: 20_000 });
    expect(Number(await bucket.getAttribute('data-alarms'))).toBeGreaterThanOrEqual(1);
    expect(await bucket.$eval('.timeline-alarms', (e) => [getComputedStyle(e).backgroundColor, e.getBoundingClientRect().height > 0])).toEqual([
      'rgb(255, 23, 68)',
      true,
    ]);
    // The incident is marked on the timeline in its level's colour (Ⅱ: orange).
    const mark = `.timeline-mark[data-id="${incident.id}"]`;
    await page.waitForSelector(mark, { timeout: 20_000 });
    expect(await page.$eval(mark, (e) => getComputedStyle(e).backgroundColor)).toBe('rgb(255, 140, 0)');

    // Five seconds before the incident, paused: the badge says REPLAY with that time, the incident is not there yet, the time stands.
    // (At 1× a replay keeps its distance from now; faster, one this close to now would catch up and go live within seconds.)
    const before = Date.parse(incident.sent) - 5_000;
    const started = await page.evaluate(
      (iso) => (window as unknown as ClockPage).cimTwin.clock.replay(iso, { speed: 1, paused: true }),
      new Date(before).toISOString(),
    );
    expect(started).toEqual({ mode: 'replay', speed: 0, time: new Date(before).toISOString() });
    const shown = await badge(page);
    expect(shown).toMatchObject({ mode: 'replay', datetime: new Date(before).toISOString() });
    expect(shown.text).toMatch(/回放\s*\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s*已暂停/);
    expect(await page.$eval('.cim-twin', (e) => e.classList.contains('clock-replay'))).toBe(true);
    expect(await page.isVisible('#clock-live')).toBe(true);
    await expect.poll(() => incidentIds(page), { timeout: 20_000 }).not.toContain(incident.id);
    await expect.poll(() => described(page)).toBeNull();
    // The info panel says so in words rather than showing an empty, nameless card.
    await expect.poll(() => page.textContent('#info-absent')).toBe('回放时刻尚无此对象（其后才上报）');
    expect(await page.textContent('#info-title')).toBe(incident.id);
    await page.waitForTimeout(1200);
    expect((await reading(page)).time).toBe(started.time);

    // Playing, the replay passes the incident's mark within seconds: it appears as it was then.
    expect(await page.evaluate(() => (window as unknown as ClockPage).cimTwin.clock.play())).toMatchObject({ mode: 'replay', speed: 1 });
    expect((await badge(page)).text).toMatch(/回放.*×1/);
    await expect.poll(() => incidentIds(page), { timeout: 20_000 }).toContain(incident.id);
    expect(Date.parse((await reading(page)).time)).toBeGreaterThan(Date.parse(incident.sent));
    await expect.poll(() => described(page)).toMatchObject({ headline: incident.headline });

    // The pause button stops it; the bar takes focus, ← steps back 10 s at 1×, space plays, the button pauses.
    await page.click('#clock-play');
    const stopped = await reading(page);
    expect(stopped.speed).toBe(0);
    await page.focus('#timeline-track');
    await page.keyboard.press('ArrowLeft');
    expect(Date.parse((await reading(page)).time)).toBe(Date.parse(stopped.time) - 10_000);
    await page.keyboard.press(' ');
    expect((await reading(page)).speed).toBe(1);
    await page.click('#clock-play');
    expect((await reading(page)).speed).toBe(0);

    // A click halfway along the bar seeks to the middle of its span.
    const span = await page.$eval('#timeline-track', (e) => [Number(e.getAttribute('aria-valuemin')), Number(e.getAttribute('aria-valuemax'))]);
    const box = (await page.$eval('#timeline-track', (e) => e.getBoundingClientRect().toJSON())) as DOMRect;
    await page.mouse.click(box.left + box.width / 2, box.top + box.height / 2);
    const middle = (span[0]! + span[1]!) / 2;
    expect(Math.abs(Date.parse((await reading(page)).time) - middle)).toBeLessThan((span[1]! - span[0]!) / 50);
    // A drag moves the cursor and seeks once, where it is let go: from a quarter to a third along.
    await page.mouse.move(box.left + box.width / 4, box.top + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.left + box.width / 3, box.top + box.height / 2, { steps: 5 });
    await page.mouse.up();
    const third = span[0]! + (span[1]! - span[0]!) / 3;
    expect(Math.abs(Date.parse((await reading(page)).time) - third)).toBeLessThan((span[1]! - span[0]!) / 50);

    // Bad input is refused with a reason, and changes nothing.
    const refusals = await page.evaluate(() => {
      const clock = (window as unknown as ClockPage).cimTwin.clock;
      const tryIt = (run: () => unknown): string => {
        try {
          run();
          return 'accepted';
        } catch (error) {
          return (error as Error).message;
        }
      };
      return [tryIt(() => clock.replay('yesterday')), tryIt(() => clock.replay('2099-01-01T00:00:00Z')), tryIt(() => clock.setSpeed(100_000))];
    });
    expect(refusals[0]).toMatch(/not a time/);
    expect(refusals[1]).toMatch(/future/);
    expect(refusals[2]).toMatch(/out of range/);

    // English, then Back to live: the badge says LIVE, the incident is there again.
    await page.evaluate(() => (window as unknown as ClockPage).cimTwin.setLanguage('en'));
    expect((await badge(page)).text).toMatch(/REPLAY.*paused/);
    await page.click('#clock-live');
    expect(await reading(page)).toMatchObject({ mode: 'live', speed: 1 });
    expect(await badge(page)).toMatchObject({ mode: 'live', text: expect.stringContaining('LIVE') });
    expect(await page.$eval('.cim-twin', (e) => e.classList.contains('clock-replay'))).toBe(false);
    await expect.poll(() => incidentIds(page), { timeout: 20_000 }).toContain(incident.id);

    // One event per change — replay (paused), play, pause, step, play, pause, click, drag, live — none per tick or drag move.
    const events = await page.evaluate(() => (window as unknown as ClockPage).clockEvents);
    expect(events.map((e) => `${e.mode} ${e.speed}`)).toEqual([
      'replay 0',
      'replay 1',
      'replay 0',
      'replay 0',
      'replay 1',
      'replay 0',
      'replay 0',
      'replay 0',
      'live 1',
    ]);
    expect(problems).toEqual([]);
    await page.close();
  }, 180_000);

  it('a link with ?at=&speed= opens a replay playing at that speed, and the URL keeps the time shown', async () => {
    // Two hours back at 10×: 12 minutes of wall time before it would catch up with now.
    const at = new Date(Date.now() - 2 * 3_600_000).toISOString();
    const { page, problems } = await openViewer(browser, `${server.url}/?at=${encodeURIComponent(at)}&speed=10&lang=en`);
    const opened = await reading(page);
    expect(opened).toMatchObject({ mode: 'replay', speed: 10 });
    expect(Date.parse(opened.time)).toBeGreaterThan(Date.parse(at));
    expect((await badge(page)).text).toMatch(/REPLAY.*×10/);
    await page.evaluate(() => (window as unknown as ClockPage).cimTwin.clock.pause());
    const pausedAt = (await reading(page)).time.replace(/\.\d+Z$/, 'Z');
    await expect.poll(() => new URL(page.url()).searchParams.get('at'), { timeout: 5000 }).toBe(pausedAt);
    expect(new URL(page.url()).searchParams.get('speed')).toBeNull();
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it('1280×720, planner: the timeline covers no panel, in live and in replay', async () => {
    const { page, problems } = await openViewer(browser, server.url, { width: 1280, height: 720 });
    await page.click('#toggle-layers');
    await page.evaluate(() => (window as unknown as Win).cimTwin.pickAtLonLat(117.1642, 39.1341, 120));
    await page.waitForSelector('#info:not([hidden])');
    const live = await overlaps(page);
    expect(Object.keys(live.boxes)).toEqual(expect.arrayContaining(['toolbar', 'layers-panel', 'info', 'legend', 'status-bar', 'timeline']));
    expect(live.overlapping, JSON.stringify(live.boxes)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'clock-1280x720-live.png') });
    // Paused: a replay this close to now would catch up with it and go live within a second.
    await page.evaluate(
      (iso) => (window as unknown as ClockPage).cimTwin.clock.replay(iso, { paused: true }),
      new Date(Date.parse(incident.sent) - 30_000).toISOString(),
    );
    await page.waitForSelector('#timeline[data-mode="replay"]');
    const replay = await overlaps(page);
    expect(replay.overlapping, JSON.stringify(replay.boxes)).toEqual([]);
    // The controls and Back to live keep their size: the bar gives way, not the buttons.
    const controls = await page.$$eval('#timeline > *', (elements) => elements.map((e) => Math.round(e.getBoundingClientRect().width)));
    expect(Math.min(...controls)).toBeGreaterThan(40);
    await page.screenshot({ path: join(ARTIFACTS, 'clock-1280x720-replay.png') });
    expect(problems).toEqual([]);
    await page.close();
  }, 180_000);

  it('3840×2160, wall: the timeline reads from 5 m (text ≥ 28 px) and covers nothing', async () => {
    const { page, problems } = await openViewer(browser, `${server.url}/?mode=wall`, { width: 3840, height: 2160 });
    await page.evaluate(() => (window as unknown as Win).cimTwin.setMode('wall', { tour: false }));
    await page.evaluate(
      (iso) => (window as unknown as ClockPage).cimTwin.clock.replay(iso, { speed: 600, paused: true }),
      new Date(Date.parse(incident.sent) - 30_000).toISOString(),
    );
    await page.waitForSelector('#timeline[data-mode="replay"]');
    await page.waitForSelector(`.timeline-mark[data-id="${incident.id}"]`, { timeout: 20_000 });
    const sizes = await page.evaluate(() =>
      Object.fromEntries(
        ['.timeline-mode', '.timeline-time', '.timeline-speed', '.timeline-tick', '#clock-live', '#clock-play', '#clock-speed'].map((selector) => [
          selector,
          parseFloat(getComputedStyle(document.querySelector(selector)!).fontSize),
        ]),
      ),
    );
    for (const [selector, size] of Object.entries(sizes)) expect(size, selector).toBeGreaterThanOrEqual(28);
    const { boxes, overlapping } = await overlaps(page);
    expect(Object.keys(boxes)).toEqual(expect.arrayContaining(['legend', 'status-bar', 'timeline']));
    expect(overlapping, JSON.stringify(boxes)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'clock-3840x2160-wall-replay.png'), timeout: 120_000 });
    expect(problems).toEqual([]);
    await page.close();
  }, 300_000);
});
