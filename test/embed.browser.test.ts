import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARKUP_CANARY_NAME } from '../seeds/generator/generateNankai.js';
import type { EmbedEventMessage, EmbedRequests, EmbedRequestType, EmbedResponse } from '../workers/formats/embedProtocol.js';
import { startEmbedHost } from '../harness/embedHostServer.js';
import { allowCspViolations, cspViolations, launchBrowser } from '../harness/launchBrowser.js';
import { ARTIFACTS } from '../harness/viewerPage.js';
import { heapProbe } from '../harness/heapAfterGc.js';
import type { CimTwinElement } from '../viewer/src/embed/cimTwinElement.js';
import { startDemoServer } from './support/demoServer.js';
import { createDemoServer } from '../server/createDemoServer.js';
import { demoPaths } from '../server/prepareDemo.js';

/**
 * The widget embedded by a host page on another origin (a leadership cockpit): the web
 * component and the iframe, with the viewer's server listing only the host's origin. A second
 * origin (not listed) plays the forger.
 */
type HostWindow = {
  __embed: { events: EmbedEventMessage[]; request(type: string, payload?: unknown): Promise<EmbedResponse> };
  __contexts: WeakRef<WebGLRenderingContext | WebGL2RenderingContext>[];
  __cimTwinInjected?: number;
};
type FrameWindow = { cimTwin: { stats(): { embed: { answered: number; ignored: number; parentOrigin: string | null } }; getState(): Record<string, unknown> } };

let server: Awaited<ReturnType<typeof startDemoServer>>;
let host: Awaited<ReturnType<typeof startEmbedHost>>;
let forger: Awaited<ReturnType<typeof startEmbedHost>>;
let browser: Browser;

beforeAll(async () => {
  host = await startEmbedHost();
  forger = await startEmbedHost();
  server = await startDemoServer({ server: { env: { CIM_EMBED_ORIGINS: host.origin } } });
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await host?.close();
  await forger?.close();
});

/** A page's problems: page errors, console errors and failed or refused requests. */
function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
  page.on('requestfailed', (request) => {
    if (request.failure()?.errorText === 'net::ERR_ABORTED' && /\/tiles\/|\/api\/history\//.test(request.url())) return;
    problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`);
  });
  page.on('response', (response) => response.status() >= 400 && problems.push(`HTTP ${response.status()}: ${response.url()}`));
  return problems;
}

/** Counts every WebGL context the page creates (WeakRefs: the ones still alive can be counted). */
async function countContexts(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as HostWindow;
    w.__contexts = [];
    const getContext = HTMLCanvasElement.prototype.getContext;
    HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, ...args: Parameters<typeof getContext>) {
      const context = getContext.apply(this, args) as unknown;
      if (context && (args[0] === 'webgl' || args[0] === 'webgl2')) w.__contexts.push(new WeakRef(context as WebGLRenderingContext));
      return context;
    } as typeof getContext;
  });
}

describe('the <cim-twin> web component on another origin', () => {
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    page = await browser.newPage({ viewport: { width: 640, height: 360 } });
    problems = collectProblems(page);
    await countContexts(page);
    await page.goto(`${host.origin}/component.html?viewer=${encodeURIComponent(server.url)}`);
    await page.waitForFunction(() => customElements.get('cim-twin') !== undefined, null, { timeout: 120_000 });
  }, 180_000);

  afterAll(() => page?.close());

  it('mounts in its shadow root with Cesium’s styles, answers the page API and dispatches its events', async () => {
    const result = await page.evaluate(async (serverUrl) => {
      const element = document.createElement('cim-twin') as CimTwinElement;
      element.setAttribute('server', serverUrl);
      element.setAttribute('mode', 'cockpit');
      element.setAttribute('lang', 'en');
      element.setAttribute('layers', '-roads');
      element.id = 'twin';
      const events: string[] = [];
      for (const name of ['ready', 'select', 'alarm', 'incident']) element.addEventListener(name, () => events.push(name));
      const ready = new Promise<number>((resolve) =>
        element.addEventListener('ready', (event) => resolve((event as CustomEvent<{ seconds: number }>).detail.seconds), { once: true }),
      );
      document.body.append(element);
      const seconds = await ready;
      const state = await element.getState();
      const canvas = element.shadowRoot!.querySelector('canvas')!;
      const widget = element.shadowRoot!.querySelector('.cesium-widget')!;
      return {
        seconds,
        events,
        mode: state.mode,
        language: state.language,
        roads: state.layers['roads']?.visible,
        // The deployment's cockpit defaults (config `cockpit`) under the host's own `layers`.
        parking: state.layers['parking']?.visible,
        sensors: state.layers['sensors']?.visible,
        heading: state.camera.heading,
        canvasSize: [canvas.clientWidth, canvas.clientHeight],
        // CesiumWidget.css adopted into the shadow root: the widget's canvas fills it.
        widgetPosition: getComputedStyle(widget).position,
        inDocument: document.querySelectorAll('canvas').length,
        kpis: element.shadowRoot!.querySelector('#cockpit-kpis')?.textContent ?? null,
        toolbarShown: (element.shadowRoot!.querySelector('#toolbar') as HTMLElement | null)?.offsetParent !== null,
      };
    }, server.url);
    expect(result.seconds).toBeGreaterThan(0);
    expect(result.events).toContain('ready');
    expect(result).toMatchObject({
      mode: 'cockpit',
      language: 'en',
      roads: false,
      parking: false,
      sensors: true,
      canvasSize: [480, 270],
      inDocument: 0,
      toolbarShown: false,
    });
    expect(Math.abs(result.heading - 90)).toBeLessThan(1);
    expect(result.widgetPosition).not.toBe('static');
    expect(result.kpis).toMatch(/Alarms \d+/);
    // Sensors alarms-only in the cockpit: the points drawn are the sensors in warning or alarm, no cluster marker.
    const drawn = await page.evaluate(async () => {
      const element = document.getElementById('twin') as CimTwinElement;
      for (let i = 0; i < 40; i++) {
        const live = ((await element.stats()) as unknown as { live?: { sensors: number; drawn?: { points: number; clusters: number } } }).live;
        if (live?.drawn && live.sensors > 0) return { ...live.drawn, sensors: live.sensors };
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      return undefined;
    });
    expect(drawn).toBeDefined();
    expect(drawn!.clusters).toBe(0);
    expect(drawn!.points).toBeLessThan(drawn!.sensors / 10);
    // Commands from the host's script.
    const after = await page.evaluate(async () => {
      const element = document.getElementById('twin') as CimTwinElement;
      await element.flyTo({ lon: 117.1791, lat: 39.1418, height: 600, heading: 0, pitch: -45 }, { duration: 0 });
      await element.setLayerVisible('roads', true);
      element.setAttribute('lang', 'zh-CN');
      const state = await element.getState();
      return { lon: state.camera.lon, roads: state.layers['roads']?.visible, language: state.language, clock: (await element.clock.get()).mode };
    });
    expect(after).toMatchObject({ roads: true, language: 'zh-CN', clock: 'live' });
    expect(Math.abs(after.lon - 117.1791)).toBeLessThan(0.001);
    await page.screenshot({ path: join(ARTIFACTS, 'embed-component-cockpit.png') });
  }, 300_000);

  it('shows markup in a feature’s name as text (select event, info title), and runs none of it', async () => {
    const shown = await page.evaluate(async () => {
      const element = document.getElementById('twin') as CimTwinElement;
      const announced: unknown[] = [];
      element.addEventListener('select', (event) =>
        announced.push((event as CustomEvent<{ properties: Record<string, unknown> | null }>).detail.properties?.['名称']),
      );
      const [hit] = await element.search('标记测试楼');
      const properties = await element.select(hit!.id, 'buildings');
      const title = element.shadowRoot!.querySelector('#info-title');
      await new Promise((resolve) => setTimeout(resolve, 500));
      return {
        name: properties?.['名称'] ?? null,
        announced: announced.includes(properties?.['名称']),
        title: title?.textContent ?? null,
        titleElements: title?.childElementCount ?? -1,
        canaryImages: element.shadowRoot!.querySelectorAll('img[src="x"]').length + document.querySelectorAll('img[src="x"]').length,
        injected: (window as unknown as HostWindow).__cimTwinInjected ?? null,
      };
    });
    expect(shown).toEqual({ name: MARKUP_CANARY_NAME, announced: true, title: MARKUP_CANARY_NAME, titleElements: 0, canaryImages: 0, injected: null });
  }, 120_000);

  it('removing the element destroys the viewer: no canvas, no live WebGL context', async () => {
    const left = await page.evaluate(async () => {
      document.getElementById('twin')!.remove();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const w = window as unknown as HostWindow;
      return { contexts: w.__contexts.filter((ref) => ref.deref() && !ref.deref()!.isContextLost()).length };
    });
    expect(left.contexts).toBe(0);
    expect(problems, problems.join('\n')).toEqual([]);
  });
});

describe('the iframe and its postMessage protocol', () => {
  let page: Page;
  let problems: string[];
  let twin: Frame;
  let other: Frame;

  beforeAll(async () => {
    page = await browser.newPage({ viewport: { width: 640, height: 360 } });
    problems = collectProblems(page);
    await page.goto(`${host.origin}/iframe.html?viewer=${encodeURIComponent(server.url)}&other=${encodeURIComponent(forger.origin)}`);
    twin = page.frame({ url: /embed\.html/ })!;
    other = page.frame({ url: /blank\.html/ })!;
    await twin.waitForFunction(() => 'cimTwin' in window, null, { timeout: 120_000 });
    await twin.evaluate(() => (window as unknown as { cimTwin: { ready: Promise<void> } }).cimTwin.ready);
    // The host's side: requests by id, answers and events kept (as the copy-paste page in docs/embedding.md does).
    await page.evaluate((viewerOrigin) => {
      const frame = (document.getElementById('twin') as HTMLIFrameElement).contentWindow!;
      const waiting = new Map<string, (response: EmbedResponse) => void>();
      const events: EmbedEventMessage[] = [];
      let next = 0;
      addEventListener('message', (event) => {
        if (event.origin !== viewerOrigin || event.source !== frame) return;
        const message = event.data as EmbedResponse | EmbedEventMessage;
        if ('event' in message) events.push(message);
        else waiting.get(String(message.id))?.(message);
      });
      (window as unknown as HostWindow).__embed = {
        events,
        request: (type, payload) =>
          new Promise((resolve) => {
            const id = `r${++next}`;
            waiting.set(id, resolve);
            frame.postMessage({ v: 1, id, type, payload }, viewerOrigin);
          }),
      };
    }, server.url);
  }, 180_000);

  afterAll(() => page?.close());

  const request = async <K extends EmbedRequestType>(type: K, payload?: EmbedRequests[K][0]): Promise<EmbedResponse<K>> =>
    page.evaluate(({ type, payload }) => (window as unknown as HostWindow).__embed.request(type, payload), { type, payload }) as Promise<EmbedResponse<K>>;

  it('answers an allowed origin: hello, commands, state; bad requests get a reason', async () => {
    expect(await request('hello')).toMatchObject({ v: 1, ok: true, result: { protocol: 1, ready: true } });
    expect(await request('setLayerVisible', { id: 'buildings', visible: false })).toMatchObject({ ok: true, result: null });
    expect(await request('setMode', { mode: 'planner' })).toMatchObject({ ok: true });
    expect(await request('setLanguage', { language: 'zh-CN' })).toMatchObject({ ok: true });
    const state = await request('getState');
    expect(state.ok && state.result).toMatchObject({ mode: 'planner', language: 'zh-CN', layers: { buildings: { visible: false } } });
    expect(await request('clock.get')).toMatchObject({ ok: true, result: { mode: 'live' } });
    const hits = await request('search', { query: 'Drum Tower' });
    expect(hits.ok && hits.result[0]?.name).toBe('鼓楼');
    expect(await request('setLayerVisible', { id: 'nope', visible: true })).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: 'no layer "nope" in this viewer' },
    });
    expect(await request('setMode', { mode: 'kiosk' as never })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await request('nonsense' as never)).toMatchObject({ ok: false, error: { code: 'unknown-type' } });
    await request('setLayerVisible', { id: 'buildings', visible: true });
    await request('setMode', { mode: 'cockpit' });
  }, 120_000);

  it('sends viewChanged while the camera moves, at most about 4 a second, ending at the view it stops at', async () => {
    await page.evaluate(() => ((window as unknown as HostWindow).__embed.events.length = 0));
    const started = Date.now();
    const flown = await request('flyTo', { target: { lon: 117.16, lat: 39.12, height: 900, heading: 30, pitch: -40 }, duration: 3 });
    const seconds = (Date.now() - started) / 1000;
    expect(flown).toMatchObject({ ok: true });
    await page.waitForTimeout(600);
    const events = await page.evaluate(() => (window as unknown as HostWindow).__embed.events.filter((e) => e.event === 'viewChanged'));
    expect(events.length).toBeGreaterThan(2);
    expect(events.length).toBeLessThanOrEqual(Math.ceil((seconds + 0.6) * 4) + 1);
    const last = events.at(-1)!.data as { lon: number; lat: number; heading: number };
    expect(Math.abs(last.lon - 117.16)).toBeLessThan(0.001);
    expect(Math.abs(last.heading - 30)).toBeLessThan(0.5);
  }, 60_000);

  it('ignores and counts 100 forged messages from an origin not on the list, and never answers it', async () => {
    const before = await request('getState');
    const statsBefore = await twin.evaluate(() => (window as unknown as FrameWindow).cimTwin.stats().embed);
    const heard = await other.evaluate(async () => {
      let answers = 0;
      addEventListener('message', () => answers++);
      const target = parent.frames[0]!;
      const forged = [
        { type: 'setLayerVisible', payload: { id: 'buildings', visible: false } },
        { type: 'setMode', payload: { mode: 'wall' } },
        { type: 'flyTo', payload: { target: { lon: 0, lat: 0, height: 1e7, heading: 0, pitch: -90 }, duration: 0 } },
        { type: 'hello', payload: {} },
      ];
      for (let i = 0; i < 100; i++) target.postMessage({ v: 1, id: `forged${i}`, ...forged[i % forged.length] }, '*');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return answers;
    });
    const statsAfter = await twin.evaluate(() => (window as unknown as FrameWindow).cimTwin.stats().embed);
    const after = await request('getState');
    expect(heard).toBe(0);
    expect(statsAfter.ignored - statsBefore.ignored).toBe(100);
    expect(statsAfter.parentOrigin).toBe(host.origin);
    const pick = (r: typeof before): unknown => (r.ok ? { camera: r.result['camera'], layers: r.result['layers'], mode: r.result['mode'] } : null);
    expect(pick(after)).toEqual(pick(before));
    expect(problems, problems.join('\n')).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'embed-iframe-cockpit.png') });
  }, 60_000);

  it('a page on an origin not on the list cannot frame the viewer (frame-ancestors)', async () => {
    const refused = await browser.newPage({ viewport: { width: 400, height: 300 } });
    allowCspViolations(refused, /frame-ancestors/);
    await refused.goto(`${forger.origin}/iframe.html?viewer=${encodeURIComponent(server.url)}`);
    await refused.waitForTimeout(1500);
    const frame = refused.frames().find((f) => f !== refused.mainFrame());
    const loaded = frame ? await frame.evaluate(() => 'cimTwin' in window).catch(() => false) : false;
    expect(loaded).toBe(false);
    await refused.close();
  }, 60_000);
});

describe('a token handed to the widget: the role it reads with', () => {
  const pipeLayers = (layers: Record<string, unknown>): string[] => Object.keys(layers).filter((id) => id.startsWith('pipes'));

  it('<cim-twin token>: loads what that role sees; a new token mounts a new viewer with the new role, where the camera was', async () => {
    const page = await browser.newPage({ viewport: { width: 640, height: 360 } });
    const problems = collectProblems(page);
    await countContexts(page);
    await page.goto(`${host.origin}/component.html?viewer=${encodeURIComponent(server.url)}`);
    await page.waitForFunction(() => customElements.get('cim-twin') !== undefined, null, { timeout: 120_000 });
    const [gas, water] = [await server.token('gas'), await server.token('water')];
    const before = await page.evaluate(
      async ({ serverUrl, token }) => {
        const element = document.createElement('cim-twin') as CimTwinElement;
        element.setAttribute('server', serverUrl);
        element.setAttribute('token', token);
        element.setAttribute('layers', 'pipes');
        element.id = 'twin';
        document.body.append(element);
        await element.ready;
        await element.flyTo({ lon: 117.158, lat: 39.118, height: 700, heading: 20, pitch: -45 }, { duration: 0 });
        const state = await element.getState();
        return { layers: state.layers, camera: state.camera };
      },
      { serverUrl: server.url, token: gas },
    );
    expect(pipeLayers(before.layers)).toEqual(['pipes', 'pipes.RQ', 'pipes.points']);
    const after = await page.evaluate(async (token) => {
      const element = document.getElementById('twin') as CimTwinElement;
      element.setAttribute('token', token);
      await element.ready;
      const state = await element.getState();
      const w = window as unknown as HostWindow;
      return {
        layers: state.layers,
        camera: state.camera,
        canvases: element.shadowRoot!.querySelectorAll('canvas').length,
        contexts: w.__contexts.filter((ref) => ref.deref() && !ref.deref()!.isContextLost()).length,
      };
    }, water);
    expect(pipeLayers(after.layers)).toEqual(['pipes', 'pipes.JS', 'pipes.points']);
    expect(after.camera.lon).toBeCloseTo(before.camera.lon, 5);
    expect(after.camera.lat).toBeCloseTo(before.camera.lat, 5);
    expect(after.camera.height).toBeCloseTo(before.camera.height, 0);
    // The old viewer is gone: one canvas, one live WebGL context.
    expect(after.canvases).toBe(1);
    expect(after.contexts).toBe(1);
    expect(problems, problems.join('\n')).toEqual([]);
    await page.close();
  }, 240_000);

  it('/embed.html#token=: the frame reads its config and layers with the token (a utility sees its pipes)', async () => {
    const page = await browser.newPage({ viewport: { width: 640, height: 360 } });
    const problems = collectProblems(page);
    const token = await server.token('gas');
    await page.goto(`${host.origin}/iframe.html?viewer=${encodeURIComponent(server.url)}&token=${token}`);
    const frame = page.frame({ url: /embed\.html/ })!;
    await frame.waitForFunction(() => 'cimTwin' in window, null, { timeout: 120_000 });
    await frame.evaluate(() => (window as unknown as { cimTwin: { ready: Promise<void> } }).cimTwin.ready);
    const layers = await frame.evaluate(() => (window as unknown as FrameWindow).cimTwin.getState()['layers'] as Record<string, unknown>);
    expect(pipeLayers(layers)).toEqual(['pipes', 'pipes.RQ', 'pipes.points']);
    expect(problems, problems.join('\n')).toEqual([]);
    await page.close();
  }, 240_000);
});

describe('mount → unmount the component 50 times', () => {
  // Tiles only (no live backbone): what is measured is the element's own lifecycle, on a shared machine.
  let tilesOnly: { url: string; close(): void };
  beforeAll(async () => {
    const http = createDemoServer(demoPaths(join(import.meta.dirname, '..')), { env: { CIM_LIVE: 'off', CIM_EMBED_ORIGINS: host.origin } });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    tilesOnly = {
      url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
      close: () => {
        http.closeAllConnections();
        http.close();
      },
    };
  });
  afterAll(() => tilesOnly?.close());

  it('at most one live WebGL context at the end, JS heap objects after GC within 5% of after the first mount', async () => {
    const server = tilesOnly;
    const page = await browser.newPage({ viewport: { width: 520, height: 300 } });
    const problems = collectProblems(page);
    await countContexts(page);
    await page.goto(`${host.origin}/component.html?viewer=${encodeURIComponent(server.url)}`);
    await page.waitForFunction(() => customElements.get('cim-twin') !== undefined, null, { timeout: 120_000 });
    const heap = await heapProbe(page);
    const mountOnce = (): Promise<{ ms: number; tiles: number; canvases: number }> =>
      page.evaluate(async (serverUrl) => {
        const started = performance.now();
        const element = document.createElement('cim-twin') as CimTwinElement;
        element.setAttribute('server', serverUrl);
        element.setAttribute('mode', 'cockpit');
        document.body.append(element);
        await element.ready;
        const ms = performance.now() - started;
        const tiles = (await element.stats()).tiles;
        element.remove();
        return { ms, tiles, canvases: document.querySelectorAll('canvas').length + (element.shadowRoot?.querySelectorAll('canvas').length ?? 0) };
      }, server.url);
    const liveContexts = (): Promise<number> =>
      page.evaluate(() => (window as unknown as HostWindow).__contexts.filter((ref) => ref.deref() && !ref.deref()!.isContextLost()).length);
    // Warm-up mounts first: V8 compiles (and keeps) optimised code over the first mounts, as in viewer.mount.
    for (let i = 0; i < 2; i++) await mountOnce();
    // Objects without compiled code (V8 keeps optimising code over the first mounts: not the element's to keep), as in viewer.mount.
    const heaps: number[] = [];
    const detached: number[] = [];
    const wholeHeaps: number[] = [];
    const times: number[] = [];
    for (let i = 0; i < 50; i++) {
      const result = await mountOnce();
      times.push(result.ms);
      expect(result.tiles, `mount ${i + 1} loaded tiles`).toBeGreaterThan(0);
      expect(result.canvases).toBe(0);
      if (i === 0 || i === 49) {
        const snapshot = await heap.snapshotAfterGc();
        heaps.push(snapshot.objectBytes);
        detached.push(snapshot.detachedDomNodes);
      }
      if (i === 0 || i === 49) wholeHeaps.push(await heap.usedAfterGc());
      if (i % 10 === 9) console.log(`  mount ${i + 1}: ready in ${result.ms.toFixed(0)} ms`);
    }
    const contexts = await liveContexts();
    const mb = (bytes: number): string => (bytes / 1048576).toFixed(1);
    console.log(
      `<cim-twin> mount ×50: JS heap objects after GC ${mb(heaps[0]!)} MB after the first, ${mb(heaps[1]!)} MB after the last ` +
        `(whole heap with compiled code ${mb(wholeHeaps[0]!)} → ${mb(wholeHeaps[1]!)} MB); ` +
        `live WebGL contexts ${contexts}; time to ready median ${times.sort((a, b) => a - b)[25]!.toFixed(0)} ms`,
    );
    console.log(`<cim-twin> mount ×50: detached DOM nodes after GC ${detached[0]} after the first, ${detached[1]} after the last`);
    expect(contexts).toBeLessThanOrEqual(1);
    expect(heaps[1]!).toBeLessThanOrEqual(heaps[0]! * 1.05);
    expect(detached[1]!).toBeLessThanOrEqual(detached[0]!);
    expect(problems, problems.join('\n')).toEqual([]);
    expect(cspViolations(browser)).toEqual([]);
    await page.close();
  }, 1_500_000);
});
