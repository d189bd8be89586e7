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
 * selects, shows and looks at reaches the follower and is shown there (the time printed), and a page
 * opened later gets the current state with its subscription.
 */
type FollowWin = Win & { cimTwin: Win['cimTwin'] & FollowPageApi & IncidentsPageApi };
const OPERATOR_PASSWORD = 'operator-password-for-follow';
const viewport = { width: 640, height: 400 };
/**
 * How long a wait may take before the test calls it lost: generous, because two software-rendered
 * pages share a CI machine with another test file. How fast a follower shows a change is printed
 * (0.25 s on a quiet machine) — a check that it happens, not a stopwatch.
 */
const WAIT_MS = 15_000;

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
  timeoutMs: number,
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
      { timeout: timeoutMs, polling: 20 },
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
          pipes: layers['pipes'],
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
    await follower.waitForFunction(() => (window as unknown as FollowWin).cimTwin.follow.state().connection === 'live', null, { timeout: WAIT_MS });
    expect(await follower.locator('.follow-badge').textContent()).toBe('following wall — nobody leads');
    expect(await follower.locator('.follow-lead').isHidden()).toBe(true);
    expect(await leader.locator('.follow-badge').isHidden()).toBe(true); // a planner page follows only when asked
    expect(await leader.locator('.follow-lead').isHidden()).toBe(true); // not signed in
    await expect(leader.evaluate(() => (window as unknown as FollowWin).cimTwin.follow.lead('wall'))).rejects.toThrow(/operator or admin signed in/);

    await leader.evaluate((password) => (window as unknown as FollowWin).cimTwin.signIn('operator', password), OPERATOR_PASSWORD);
    await leader.locator('.follow-lead').waitFor({ state: 'visible', timeout: WAIT_MS });
    expect(await leader.locator('.follow-lead').textContent()).toBe('Lead screens (wall)');
  });

  it('the leader’s selection, layers, underground view and camera reach the follower and are shown there (camera within 3 m; time printed)', async () => {
    await leader.locator('.follow-lead').click();
    await leader.waitForFunction(() => (window as unknown as FollowWin).cimTwin.follow.state().sentCount > 0, null, { timeout: WAIT_MS });
    expect(await leader.locator('.follow-lead').getAttribute('aria-pressed')).toBe('true');
    await follower.waitForFunction(() => (window as unknown as FollowWin).cimTwin.follow.state().current?.leader === 'operator', null, { timeout: WAIT_MS });
    expect(await follower.locator('.follow-badge').textContent()).toBe('following wall — led by operator');

    const hit = (await leader.evaluate(() => (window as unknown as FollowWin).cimTwin.search('Nankai University')))[0]!;
    // Near the selected building: the operator selects, then turns the view (a leap of more than 2 km would be flown).
    const camera = { lon: Number((hit.lon + 0.002).toFixed(7)), lat: Number((hit.lat - 0.004).toFixed(7)), height: 650, heading: 30, pitch: -30 };
    await leader.evaluate(
      async ({ hit, camera }) => {
        const api = (window as unknown as FollowWin).cimTwin;
        await api.select(hit.id, hit.tileset);
        // Layers off, so that two software-rendered pages on a shared machine keep drawing fast
        // enough to be timed: the pipes (90 MB of tiles underground) and the roads.
        api.setLayerVisible('roads', false);
        api.setLayerVisible('pipes', false);
        api.setUnderground(true);
        await api.flyTo(camera, { duration: 0 });
      },
      { hit, camera },
    );
    const started = Date.now();
    const expected = { selection: { tileset: hit.tileset, id: hit.id }, layers: { roads: false, pipes: false }, underground: true, camera };
    // The leader's last state has reached the follower (what it sent before may have come in between).
    await follower.waitForFunction(
      (want) => {
        const current = (window as unknown as FollowWin).cimTwin.follow.state().current;
        return (
          current !== null &&
          'camera' in current.view &&
          JSON.stringify(current.view.camera) === JSON.stringify(want.camera) &&
          JSON.stringify(current.selection) === JSON.stringify(want.selection) &&
          current.underground &&
          current.layers['roads']?.visible === false
        );
      },
      expected,
      { timeout: WAIT_MS, polling: 20 },
    );
    const arrived = Date.now() - started;
    const { metres } = (await (await sameAsLeader(follower, WAIT_MS, expected)).jsonValue()) as { metres: number };
    console.log(
      `follow: the leader's last state reached the follower ${arrived} ms after the change, shown ${Date.now() - started} ms after it (camera ${Number(metres).toFixed(2)} m apart)`,
    );
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
    await sameAsLeader(follower, WAIT_MS, { ...expected, camera: last });
    const sweepMs = Date.now() - sweepStart;
    const sentDuringSweep = (await leader.evaluate(() => (window as unknown as FollowWin).cimTwin.follow.state().sentCount)) - sent;
    console.log(`follow: a 20-step sweep sent ${sentDuringSweep} updates in ${sweepMs} ms`);
    expect(sentDuringSweep).toBeGreaterThan(0);
    expect(sentDuringSweep).toBeLessThanOrEqual(Math.ceil((sweepMs / 1000) * 5) + 1);
    expect(await follower.evaluate(() => (window as unknown as FollowWin).cimTwin.getState().tour.running)).toBe(false); // the leader drives the wall
  }, 120_000);

  it('a page opened later gets the current state with its subscription', async () => {
    const leaderState = await leader.evaluate(() => (window as unknown as FollowWin).cimTwin.getState());
    const page = await browser.newPage({ viewport });
    page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
    const opened = Date.now();
    await page.goto(`${server.url}/?follow=wall&lang=en`);
    await page.waitForFunction(() => 'cimTwin' in window && (window as unknown as FollowWin).cimTwin.follow.state().appliedAt !== null, null, {
      timeout: 60_000,
    });
    const { liveAt, appliedAt, current } = await page.evaluate(() => (window as unknown as FollowWin).cimTwin.follow.state());
    // The retained state comes with the subscription (the leader sends nothing new meanwhile, so
    // nothing else could bring it): applied as soon as the feed is live.
    expect(appliedAt! - liveAt!).toBeLessThan(5000);
    expect(current?.leader).toBe('operator');
    // Applied with the subscription (above); shown once the new page has drawn it, which a page still
    // loading on a shared machine takes longer than a page already open.
    await sameAsLeader(page, WAIT_MS, {
      selection: leaderState.selection,
      layers: { roads: false, pipes: false },
      underground: true,
      camera: leaderState.camera,
    });
    console.log(
      `follow: a page joining later applied the leader's state ${Math.round(appliedAt! - liveAt!)} ms after its feed was live, showed it ${Date.now() - opened} ms after navigation started`,
    );
    expect(await page.locator('.follow-badge').textContent()).toBe('following wall — led by operator');
    await page.close();
  }, 180_000);

  it('a screen without a token follows too, and is not told who leads', async () => {
    const { page, problems: publicProblems } = await openViewer(browser, `${server.url}/?follow=wall&lang=en`, viewport, null);
    await page.waitForFunction(() => (window as unknown as FollowWin).cimTwin.follow.state().appliedAt !== null, null, { timeout: 60_000 });
    const { current } = await page.evaluate(() => (window as unknown as FollowWin).cimTwin.follow.state());
    expect(current?.session).toBe('wall');
    expect(current?.leader).toBeNull(); // the leader's account name is for signed-in roles (docs/access.md)
    expect(await page.locator('.follow-badge').textContent()).toBe('following wall — led by the command centre');
    // The session list is the signed-in roles': this page is refused, as it should be.
    await expect(page.evaluate(() => (window as unknown as FollowWin).cimTwin.follow.sessions())).rejects.toThrow(/401|sign in/);
    // That refusal is the only problem (the browser logs a failed load for it too).
    const refusal = (problem: string): boolean => /HTTP 401: .*\/api\/follow$/.test(problem) || /status of 401/.test(problem);
    expect(publicProblems.filter((problem) => !refusal(problem))).toEqual([]);
    await page.close();
  }, 180_000);

  it('stopping tells the followers nobody leads', async () => {
    await leader.locator('.follow-lead').click();
    await follower.waitForFunction(() => (window as unknown as FollowWin).cimTwin.follow.state().current === null, null, { timeout: WAIT_MS });
    expect(await follower.locator('.follow-badge').textContent()).toBe('following wall — nobody leads');
    expect(await leader.locator('.follow-lead').getAttribute('aria-pressed')).toBe('false');
    expect(problems).toEqual([]);
  });
});
