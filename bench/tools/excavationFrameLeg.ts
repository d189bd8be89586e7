import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../../harness/launchBrowser.js';
import { createDemoServer } from '../../server/createDemoServer.js';
import { Authenticator } from '../../server/auth/Authenticator.js';
import { accountsFromEnv } from '../../server/auth/accountsFromEnv.js';
import { demoPaths } from '../../server/prepareDemo.js';
import type { BenchLeg, BenchRow } from './benchLeg.js';

/** The test's pit: a skewed pentagon across 王顶堤路, ~100 m², dug 4 m (test/viewer.measureExcavation.browser.test.ts). */
const PIT: [number, number][] = [
  [117.1707056, 39.137644],
  [117.1708328, 39.1376305],
  [117.170856, 39.1376845],
  [117.1707866, 39.1377115],
  [117.1707114, 39.137698],
];
const VIEW = { lon: 117.170775, lat: 39.13742, height: 22, heading: 0, pitch: -40 };
const FRAMES = Number(process.env['PIT_FRAMES'] ?? 120);
/** Alternating rounds (no pit, pit, pit without pipes): on a shared machine more, shorter rounds (PIT_ROUNDS=8 PIT_FRAMES=45) spread the load's swings over all three. */
const ROUNDS = Number(process.env['PIT_ROUNDS'] ?? 3);

type PitWin = {
  cimTwin: {
    ready: Promise<void>;
    flyTo(view: typeof VIEW, options: { duration: number }): Promise<void>;
    waitForTiles(): Promise<boolean>;
    setTool(id: string | null): void;
    setLayerVisible(id: string, visible: boolean): void;
    tools: { excavate(polygon: unknown, depth: number): Promise<unknown> };
  };
};

/** Wall time of each of FRAMES frames while the camera turns slowly about the view (every frame re-rendered). */
function frameTimes(page: Page): Promise<number[]> {
  return page.evaluate(
    async ({ view, frames }) => {
      const api = (window as unknown as PitWin).cimTwin;
      const times: number[] = [];
      let last = performance.now();
      for (let i = 0; i < frames; i++) {
        await api.flyTo({ ...view, heading: (i % 20) * 0.5 }, { duration: 0 });
        await new Promise(requestAnimationFrame);
        const now = performance.now();
        times.push(now - last);
        last = now;
      }
      return times.slice(5);
    },
    { view: VIEW, frames: FRAMES },
  );
}

const stats = (times: number[]): { median: number; p95: number; max: number } => {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
  return { median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1]! };
};

/**
 * The excavation tool's cost on screen: frame times in Chromium (software WebGL) at a street
 * view of the seed district with and without a pit cut (globe and buildings clipped, walls,
 * floor, ruler), alternating rounds in one page. Issue 16: with a pit ≤ 1.2× without.
 */
export const excavationFrameLeg: BenchLeg = {
  name: 'excavation (frames)',
  async run({ root }): Promise<BenchRow[]> {
    // The demo sign-in (the page signs in as internal, as `npm start` does): the pipes in the pit are in the frames.
    const auth = await Authenticator.create({ accounts: (await accountsFromEnv({})).accounts, log: () => undefined });
    const server = createDemoServer(demoPaths(root), { env: { CIM_LIVE: 'off' }, access: { auth, appendAudit: async () => undefined, demoSignIn: true } });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      await page.waitForFunction(() => 'cimTwin' in window, null, { timeout: 120_000 });
      await page.evaluate(async (view) => {
        const api = (window as unknown as PitWin).cimTwin;
        await api.ready;
        await api.flyTo(view, { duration: 0 });
        await api.waitForTiles();
      }, VIEW);
      const without: number[] = [];
      const withPit: number[] = [];
      const pitNoPipes: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        await page.evaluate(() => (window as unknown as PitWin).cimTwin.setTool(null));
        without.push(...(await frameTimes(page)));
        await page.evaluate(async (pit) => {
          const api = (window as unknown as PitWin).cimTwin;
          api.setTool('excavation');
          await api.tools.excavate(pit, 4);
        }, PIT);
        withPit.push(...(await frameTimes(page)));
        // The same pit without the pipe layer: what the cut itself costs, apart from drawing the pipes it opens to view.
        await page.evaluate(() => (window as unknown as PitWin).cimTwin.setLayerVisible('pipes', false));
        pitNoPipes.push(...(await frameTimes(page)));
        await page.evaluate(() => (window as unknown as PitWin).cimTwin.setLayerVisible('pipes', true));
      }
      const a = stats(without);
      const b = stats(withPit);
      const c = stats(pitNoPipes);
      return [
        { case: 'frame, street view, no pit', ...a, note: `${without.length} frames, 1280×720, software WebGL` },
        {
          case: 'frame, same view, pit cut',
          ...b,
          targetMs: a.p95 * 1.2,
          note: `median ×${(b.median / a.median).toFixed(2)}, p95 ×${(b.p95 / a.p95).toFixed(2)} of no pit (target ≤ 1.2×)`,
        },
        {
          case: 'frame, pit cut, pipe layer hidden (diagnostic)',
          ...c,
          note: `median ×${(c.median / a.median).toFixed(2)} of no pit: the cut's own cost`,
        },
      ];
    } finally {
      await browser.close();
      server.closeAllConnections();
      server.close();
    }
  },
};
