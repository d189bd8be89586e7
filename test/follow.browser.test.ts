import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FollowPageApi } from '../layers/follow/followPlugin.js';
import type { IncidentsPageApi } from '../layers/incidents/incidentsPlugin.js';
import { launchBrowser } from '../harness/launchBrowser.js';
import { ARTIFACTS as artifacts, openViewer, type Win } from '../harness/viewerPage.js';
import { startDemoServer } from './support/demoServer.js';

/**
 * Linked screens in Chromium against the demo server and its broker: an operator leads from
 * one page (signed in, the "Lead screens" toggle), a wall page follows; what the leader
 * selects, shows and looks at is on the follower within 2 s, and a page opened later gets the
 * current state at once.
 */
type FollowWin = Win & { cimTwin: Win['cimTwin'] & FollowPageApi & IncidentsPageApi };
const OPERATOR_PASSWORD = 'operator-password-for-follow';
const viewport = { width: 640, height: 400 };

let server: Awaited<ReturnType<typeof startDemoServer>>;
let browser: Browser;
let leader: Page;
let follower: Page;
const problems: string[] = [];

beforeAll(async () => {
  server = await startDemoServer({ live: { simulator: false }, incidents: { env: { CIM_OPERATOR_PASSWORD: OPERATOR_PASSWORD } } });
  browser = await launchBrowser();
  const opened = await Promise.all([
    openViewer(browser, `${server.url}/?lang=en`, viewport),
    openViewer(browser, `${server.url}/?mode=wall&lang=en`, viewport),
  ]);
  [leader, follower] = opened.map((o) => o.page) as [Page, Page];
  for (const o of opened) problems.push(...o.problems);
  for (const o of opened) o.page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
}, 30_000);

/** The follower's view compared with the leader's: selection, the layers named, underground, and camera distance in metres. */
async function sameAsLeader(
  page: Page,
  expected: { selection: unknown; layers: Record<string, boolean>; underground: boolean; camera: { lon: number; lat: number; height: number } },
) {
  return page
    .waitForFunction(
      (want) => {
        const s = (window as unknown as FollowWin).cimTwin.getState();
        const metresPerDegree = 111_320;
        const dx = (s.camera.lon - want.camera.lon) * metresPerDegree * Math.cos((want.camera.lat * Math.PI) / 180);
        const dy = (s.camera.lat - want.camera.lat) * metresPerDegree;
        const metres = Math.hypot(dx, dy, s.camera.height - want.camera.height);
        return (
          JSON.stringify(s.selection) === JSON.stringify(want.selection) &&
          Object.entries(want.layers).every(([id, visible]) => s.layers[id]?.visible === visible) &&
          s.underground === want.underground &&
          metres < 3 && { metres } // an object: 0 m apart is a match too
        );
      },
      expected,
      { timeout: Number(process.env['FOLLOW_TIMEOUT'] ?? 2000), polling: 20 },
    )
    .catch(async (error: Error) => {
      // What the follower shows instead, to tell which part did not follow.
      const shown = await page.evaluate(() => {
        const api = (window as unknown as FollowWin).cimTwin;
        const { camera, selection, underground, tour, layers } = api.getState();
        const { current, ...follow } = api.follow.state();
        return {
          camera,
          selection,
          underground,
          tour,
          roads: layers['roads'],
          waterModel: layers['water-model'],
          follow: { ...follow, seq: current?.seq, view: current?.view },
        };
      });
      const led = await leader.evaluate(() => ({
        camera: (window as unknown as FollowWin).cimTwin.getState().camera,
        ...(window as unknown as FollowWin).cimTwin.follow.state(),
      }));
      throw new Error(`${error.message}\nexpected ${JSON.stringify(expected)}\nshown ${JSON.stringify(shown)}\nleader ${JSON.stringify(led)}`);
    });
}

describe('linked screens (two pages, one broker)', () => {
  it('a wall follows "wall" by default and says nobody leads; the Lead toggle appears for an operator only', async () => {
    await follower.waitForFunction(() => (window as unknown as FollowWin).cimTwin.follow.state().connection === 'live', null, { timeout: 10_000 });
    expect(await follower.locator('.follow-badge').textContent()).toBe('following wall — nobody leads');
    expect(await follower.locator('.follow-lead').isHidden()).toBe(true);
    expect(await leader.locator('.follow-badge').isHidden()).toBe(true); // a planner page follows only when asked
    expect(await leader.locator('.follow-lead').isHidden()).toBe(true); // not signed in
    await expect(leader.evaluate(() => (window as unknown as FollowWin).cimTwin.follow.lead('wall'))).rejects.toThrow(/operator or admin signed in/);

    await leader.evaluate((password) => (window as unknown as FollowWin).cimTwin.signIn('operator', password), OPERATOR_PASSWORD);
    await leader.locator('.follow-lead').waitFor({ state: 'visible', timeout: 2000 });
    expect(await leader.locator('.follow-lead').textContent()).toBe('Lead screens (wall)');
  });

  it('the follower shows the leader’s selection, layers, underground view and camera (within 3 m) within 2 s', async () => {
    await leader.locator('.follow-lead').click();
    await leader.waitForFunction(() => (window as unknown as FollowWin).cimTwin.follow.state().sentCount > 0, null, { timeout: 2000 });
    expect(await leader.locator('.follow-lead').getAttribute('aria-pressed')).toBe('true');
    await follower.waitForFunction(() => (window as unknown as FollowWin).cimTwin.follow.state().current?.leader === 'operator', null, { timeout: 2000 });
    expect(await follower.locator('.follow-badge').textContent()).toBe('following wall — led by operator');

    const hit = (await leader.evaluate(() => (window as unknown as FollowWin).cimTwin.search('Nankai University')))[0]!;
    const camera = { lon: 117.1712, lat: 39.0671, height: 650, heading: 30, pitch: -30 };
    const started = Date.now();
    await leader.evaluate(
      async ({ hit, camera }) => {
        const api = (window as unknown as FollowWin).cimTwin;
        await api.select(hit.id, hit.tileset);
        api.setLayerVisible('roads', false);
        api.setLayerVisible('water-model', true);
        api.setUnderground(true);
        await api.flyTo(camera, { duration: 0 });
      },
      { hit, camera },
    );
    const expected = { selection: { tileset: hit.tileset, id: hit.id }, layers: { roads: false, 'water-model': true }, underground: true, camera };
    const { metres } = (await (await sameAsLeader(follower, expected)).jsonValue()) as { metres: number };
    console.log(`follow: the follower matched the leader ${Date.now() - started} ms after its last change (camera ${Number(metres).toFixed(2)} m apart)`);
    await follower.screenshot({ path: join(artifacts, 'follow-follower.png') });

    // A moving camera: a sweep of 20 steps at 20 ms, throttled to ≤ 5 updates a second; the last position arrives.
    const sent = await leader.evaluate(() => (window as unknown as FollowWin).cimTwin.follow.state().sentCount);
    const sweepStart = Date.now();
    await leader.evaluate(async (camera) => {
      const api = (window as unknown as FollowWin).cimTwin;
      for (let i = 1; i <= 20; i++) {
        await api.flyTo({ ...camera, lon: camera.lon + i * 0.0001, heading: camera.heading + i }, { duration: 0 });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }, camera);
    const last = { ...camera, lon: camera.lon + 0.002 };
    await sameAsLeader(follower, { ...expected, camera: last });
    const sweepMs = Date.now() - sweepStart;
    const sentDuringSweep = (await leader.evaluate(() => (window as unknown as FollowWin).cimTwin.follow.state().sentCount)) - sent;
    console.log(`follow: a 20-step sweep sent ${sentDuringSweep} updates in ${sweepMs} ms`);
    expect(sentDuringSweep).toBeGreaterThan(0);
    expect(sentDuringSweep).toBeLessThanOrEqual(Math.ceil((sweepMs / 1000) * 5) + 1);
    expect(await follower.evaluate(() => (window as unknown as FollowWin).cimTwin.getState().tour.running)).toBe(false); // the leader drives the wall
  });

  it('a page opened later gets the current state at once', async () => {
    const leaderState = await leader.evaluate(() => (window as unknown as FollowWin).cimTwin.getState());
    const page = await browser.newPage({ viewport });
    page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
    const opened = Date.now();
    await page.goto(`${server.url}/?follow=wall&lang=en`);
    await page.waitForFunction(() => 'cimTwin' in window, null, { timeout: 60_000 });
    await sameAsLeader(page, {
      selection: leaderState.selection,
      layers: { roads: false, 'water-model': true },
      underground: true,
      camera: leaderState.camera,
    });
    console.log(`follow: a page joining later showed the leader's state ${Date.now() - opened} ms after navigation started`);
    expect(await page.locator('.follow-badge').textContent()).toBe('following wall — led by operator');
    await page.close();
  }, 180_000);

  it('stopping tells the followers nobody leads', async () => {
    await leader.locator('.follow-lead').click();
    await follower.waitForFunction(() => (window as unknown as FollowWin).cimTwin.follow.state().current === null, null, { timeout: 2000 });
    expect(await follower.locator('.follow-badge').textContent()).toBe('following wall — nobody leads');
    expect(await leader.locator('.follow-lead').getAttribute('aria-pressed')).toBe('false');
    expect(problems).toEqual([]);
  });
});
