import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CimTwinViewer, ViewerOptions } from '../viewer/src/createViewer.js';
import { startDemoServer } from './support/demoServer.js';
import { launchBrowser } from '../harness/launchBrowser.js';
import { heapProbe } from '../harness/heapAfterGc.js';

type Win = {
  CimTwin: { createViewer(container: HTMLElement, options?: ViewerOptions): Promise<CimTwinViewer>; viewer: CimTwinViewer };
  __contexts: WeakRef<WebGLRenderingContext | WebGL2RenderingContext>[];
};
const MOUNTS = 20;
let server: Awaited<ReturnType<typeof startDemoServer>>;
let browser: Browser;

beforeAll(async () => {
  server = await startDemoServer();
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the viewer is mountable', () => {
  it(`mounts and destroys ${MOUNTS} times: at most one live WebGL context, heap back to the first mount's`, async () => {
    const page = await browser.newPage({ viewport: { width: 480, height: 300 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    // Every WebGL context the page ever creates, to count the ones still alive.
    await page.addInitScript(() => {
      const w = window as unknown as Win;
      w.__contexts = [];
      const getContext = HTMLCanvasElement.prototype.getContext;
      HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, ...args: Parameters<typeof getContext>) {
        const context = getContext.apply(this, args) as unknown;
        if (context && (args[0] === 'webgl' || args[0] === 'webgl2')) w.__contexts.push(new WeakRef(context as WebGLRenderingContext));
        return context;
      } as typeof getContext;
    });
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => 'CimTwin' in window, null, { timeout: 120_000 });
    await page.evaluate(async () => {
      const w = window as unknown as Win;
      await w.CimTwin.viewer.ready;
      w.CimTwin.viewer.destroy();
      w.CimTwin.viewer.destroy(); // twice is safe
    });
    const heap = await heapProbe(page);
    const heapAfterGc = (): Promise<number> => heap.usedAfterGc();
    const objectsAfterGc = (): Promise<number> => heap.objectsAfterGc();
    const liveContexts = (): Promise<number> =>
      page.evaluate(() => (window as unknown as Win).__contexts.filter((ref) => ref.deref() && !ref.deref()!.isContextLost()).length);
    const heaps: number[] = [];
    const mountOnce = (): Promise<{ tiles: number; isDestroyed: boolean; children: number }> =>
      page.evaluate(async () => {
        const w = window as unknown as Win;
        const container = document.createElement('div');
        container.style.cssText = 'position:absolute;inset:0';
        document.body.append(container);
        const viewer = await w.CimTwin.createViewer(container);
        await viewer.ready;
        const tiles = (viewer.api.stats() as { tiles: number }).tiles;
        viewer.destroy();
        const children = container.childElementCount;
        container.remove();
        return { tiles, isDestroyed: viewer.isDestroyed(), children };
      });
    // Two warm-up mounts first: V8 compiles (and keeps) optimised code over the first mounts.
    const warmUp: number[] = [];
    for (let i = 0; i < 2; i++) {
      await mountOnce();
      warmUp.push(await heapAfterGc());
    }
    let firstObjects = 0;
    for (let i = 0; i < MOUNTS; i++) {
      const result = await mountOnce();
      if (i === 0) firstObjects = await objectsAfterGc();
      expect(result.tiles, `mount ${i + 1} loaded tiles`).toBeGreaterThan(0);
      expect(result).toMatchObject({ isDestroyed: true, children: 0 });
      expect(await liveContexts(), `live WebGL contexts after mount ${i + 1}`).toBeLessThanOrEqual(1);
      heaps.push(await heapAfterGc());
    }
    const mb = (bytes: number): string => (bytes / 1048576).toFixed(1);
    console.log(
      `mount ×${MOUNTS} (after ${warmUp.length} warm-up mounts: ${warmUp.map(mb).join(' ')} MB): JS heap after GC ${heaps.map(mb).join(' ')} MB; ` +
        `live WebGL contexts at the end: ${await liveContexts()}`,
    );
    const lastObjects = await objectsAfterGc();
    console.log(`  heap objects without compiled code: ${mb(firstObjects)} MB after the first mount, ${mb(lastObjects)} MB after the last`);
    // What the viewer could keep alive — objects — is back within 10% of the first mount; the
    // whole heap, with the code V8 is still optimising, within 15%.
    expect(lastObjects).toBeLessThanOrEqual(firstObjects * 1.1);
    expect(heaps.at(-1)!).toBeLessThanOrEqual(heaps[0]! * 1.15);
    expect(await page.evaluate(() => document.querySelectorAll('.cim-twin, canvas').length)).toBe(0);
    expect(problems, problems.join('\n')).toEqual([]);
    await page.close();
  }, 600_000);
});
