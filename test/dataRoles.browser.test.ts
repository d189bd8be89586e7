import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../harness/launchBrowser.js';
import { ARTIFACTS, type Win } from '../harness/viewerPage.js';
import { startDemoServer } from './support/demoServer.js';
import { demoPaths } from '../server/prepareDemo.js';
import type { NetworkDocument } from '../workers/formats/networkDocument.js';

/**
 * Data roles in Chromium against the demo: the page signs in with the demo role of the tab
 * (internal by default); public gets no pipe layer and sends no pipe request (so no 403 in the
 * console), water loads only the water pipes, internal every category; a pipe's served
 * attributes are shown as text. docs/access.md.
 */
let server: Awaited<ReturnType<typeof startDemoServer>>;
let browser: Browser;

beforeAll(async () => {
  server = await startDemoServer();
  browser = await launchBrowser();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens the underground view with the tab's demo role set first; collects the pipe requests and their answers. */
async function openAs(role: string | undefined): Promise<{ page: Page; problems: string[]; pipeRequests: { path: string; status: number }[] }> {
  const context = await browser.newContext({ viewport: { width: 800, height: 500 } });
  if (role) await context.addInitScript((r) => sessionStorage.setItem('cim-twin.demoRole', r), role);
  const pipeRequests: { path: string; status: number }[] = [];
  context.on('response', (response) => {
    const path = new URL(response.url()).pathname;
    if (path.startsWith('/tiles/pipes/') || path.startsWith('/tiles/water-model/')) pipeRequests.push({ path, status: response.status() });
  });
  // openViewer makes its page in the browser's default context: use the same checks here.
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  await page.goto(`${server.url}/?underground=1&cam=117.17,39.125,900,0,-50`);
  await page.waitForFunction(() => 'cimTwin' in window, null, { timeout: 120_000 });
  await page.evaluate(() => (window as unknown as Win).cimTwin.ready);
  return { page, problems, pipeRequests };
}

const layerIds = (page: Page): Promise<string[]> => page.evaluate(() => Object.keys((window as unknown as Win).cimTwin.getState().layers));

describe('data roles in the viewer', () => {
  it('public: no pipe layer, no pipe request, no 403 in the console', async () => {
    const { page, problems, pipeRequests } = await openAs('public');
    expect((await layerIds(page)).filter((id) => id.startsWith('pipes') || id.startsWith('water-model'))).toEqual([]);
    expect(pipeRequests).toEqual([]);
    expect(problems).toEqual([]);
    expect(await page.inputValue('#data-role')).toBe('public');
    await page.context().close();
  }, 240_000);

  it('water: only the water pipes are requested and drawn', async () => {
    const { page, problems, pipeRequests } = await openAs('water');
    expect((await layerIds(page)).filter((id) => id.startsWith('pipes'))).toEqual(['pipes', 'pipes.JS', 'pipes.points']);
    await page.waitForFunction(() => ((window as unknown as Win).cimTwin.stats() as { tiles: number }).tiles > 0);
    const inCategories = pipeRequests.filter((r) => /^\/tiles\/pipes\/[A-Z]{2}\//.test(r.path));
    expect(inCategories.length).toBeGreaterThan(0);
    expect(inCategories.every((r) => r.path.startsWith('/tiles/pipes/JS/') && r.status === 200)).toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 240_000);

  it('internal (the default): every category, and a switch to water mounts the water view', async () => {
    const { page, problems, pipeRequests } = await openAs(undefined);
    expect(await page.inputValue('#data-role')).toBe('internal');
    expect((await layerIds(page)).filter((id) => /^pipes\.[A-Z]{2}$/.test(id)).length).toBeGreaterThan(5);
    await page.waitForFunction(() => ((window as unknown as Win).cimTwin.stats() as { tiles: number }).tiles > 0);
    const categories = new Set(pipeRequests.flatMap((r) => /^\/tiles\/pipes\/([A-Z]{2})\//.exec(r.path)?.[1] ?? []));
    expect(categories.size).toBeGreaterThan(1);
    expect(pipeRequests.every((r) => r.status === 200 || r.status === 304)).toBe(true);
    expect(problems).toEqual([]);
    await page.selectOption('#data-role', 'water');
    await page.waitForFunction(() => !Object.keys((window as unknown as Win).cimTwin.getState().layers).includes('pipes.PS'), null, { timeout: 60_000 });
    expect(await page.inputValue('#data-role')).toBe('water');
    await page.context().close();
  }, 240_000);

  it('a viewer mounted with a token (createViewer({token}), as <cim-twin token> does) loads what that role sees', async () => {
    const { page, problems } = await openAs('public');
    const layers = await page.evaluate(async () => {
      const response = await fetch('/api/auth/demo', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"role":"gas"}' });
      const { token } = (await response.json()) as { token: string };
      const container = document.createElement('div');
      container.style.width = '320px';
      container.style.height = '200px';
      document.body.append(container);
      type Mount = (c: HTMLElement, o: object) => Promise<{ api: Win['cimTwin']; ready: Promise<void>; destroy(): void }>;
      const embedded = await (window as unknown as { CimTwin: { createViewer: Mount } }).CimTwin.createViewer(container, { token, query: '?underground=1' });
      await embedded.ready;
      const ids = Object.keys(embedded.api.getState().layers).filter((id) => id.startsWith('pipes'));
      embedded.destroy();
      return ids;
    });
    expect(layers).toEqual(['pipes', 'pipes.RQ', 'pipes.points']);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 240_000);

  it("an incident card says what the role's copy leaves out (water: the drainage pipe withheld)", async () => {
    const network = JSON.parse(readFileSync(join(demoPaths(join(import.meta.dirname, '..')).tilesDir, 'pipes', 'network.json'), 'utf8')) as NetworkDocument;
    const waterPipe = network.edges.id[network.edges.category.indexOf('JS')]!;
    const drainagePipe = network.edges.id[network.edges.category.indexOf('PS')]!;
    const created = await fetch(`${server.url}/api/incidents`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${await server.token('operator')}` },
      body: JSON.stringify({
        event: '供水管道爆管',
        headline: `爆管：${waterPipe}`,
        classification: { category: 'accident', subType: 'public-facility', level: 'III' },
        footprint: { kind: 'point', at: [117.1623, 39.1086] },
        assets: [
          { kind: 'pipe', id: waterPipe },
          { kind: 'pipe', id: drainagePipe },
        ],
      }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const { page, problems } = await openAs('water');
    await page.evaluate((incidentId) => (window as unknown as Win).cimTwin.select(incidentId, 'incidents'), id);
    const line = page.locator(`.incident-card[data-incident="${id}"] .incident-withheld`);
    await line.waitFor({ timeout: 30_000 });
    expect(await line.getAttribute('data-withheld')).toBe('1');
    expect(await line.textContent()).toMatch(/1 项资产/);
    expect(await page.locator(`.incident-card[data-incident="${id}"]`).textContent()).not.toContain(drainagePipe);
    await page.screenshot({ path: join(ARTIFACTS, 'data-roles-incident-withheld.png') });
    expect(problems).toEqual([]);
    await page.context().close();
  }, 240_000);

  it("a pipe's served attributes are shown as text (markup in a value never runs)", async () => {
    const { page } = await openAs('water');
    const markup = '<img src=x onerror="window.__cimTwinInjected=17"><b>bold</b>';
    // The server's answer with markup in a value, as a hostile survey could carry.
    await page.route('**/api/pipes/**', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { attributes: Record<string, unknown> };
      body.attributes['道路名称'] = markup;
      await route.fulfill({ response, json: body });
    });
    await page.evaluate(() => (window as unknown as Win).cimTwin.select('JSL000001', 'pipes'));
    await page.waitForSelector('#pipe-attributes tr[data-field="联系电话"]');
    expect(await page.textContent('#pipe-attributes tr[data-field="联系电话"] td')).toMatch(/^022-5555\d{4}$/);
    expect(await page.textContent('#pipe-attributes tr[data-field="道路名称"] td')).toBe(markup);
    expect(await page.$('#pipe-attributes img, #pipe-attributes b')).toBeNull();
    expect(await page.evaluate(() => (window as unknown as { __cimTwinInjected?: number }).__cimTwinInjected ?? null)).toBeNull();
    await page.context().close();
  }, 240_000);
});
