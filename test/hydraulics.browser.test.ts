import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../harness/launchBrowser.js';
import { runHydraulicWhatIf } from '../workers/hydraulics/hydraulicWhatIf.js';
import type { RunHydraulics } from './fixtures/hydraulicsWorkerPage/main.js';

const root = join(import.meta.dirname, '..');
const net1 = readFileSync(join(import.meta.dirname, 'fixtures/epanet/Net1.inp'), 'utf8');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

let outDir: string;
let server: Server;
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  // The page and the analysis worker, bundled by Vite as the viewer is.
  outDir = await mkdtemp(join(tmpdir(), 'cim-twin-hydraulics-page-'));
  await build({ configFile: false, root: join(import.meta.dirname, 'fixtures/hydraulicsWorkerPage'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = path === '/' ? 'index.html' : path;
    readFile(join(outDir, file)).then(
      (body) => response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  await page.waitForFunction(() => 'runHydraulics' in window);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

const runInWorker = (key: string, inp: string | undefined, closeLinks: string[]) =>
  page.evaluate(([key, inp, closeLinks]) => (window as unknown as { runHydraulics: RunHydraulics }).runHydraulics(key, inp, closeLinks), [
    key,
    inp,
    closeLinks,
  ] as const);

describe('hydraulic what-if in a browser Web Worker (analysis.hydraulics, Chromium)', () => {
  it('gives the same pressures as in Node, as typed arrays', async () => {
    const inWorker = await runInWorker('net1', net1, ['12']);
    const inNode = await runHydraulicWhatIf(net1, ['12']);
    expect(inWorker.typedArrays).toBe(true);
    expect(inWorker.nodeIds).toEqual(inNode.nodeIds);
    expect(inWorker.before).toEqual(Array.from(inNode.pressureBefore));
    expect(inWorker.after).toEqual(Array.from(inNode.pressureAfter));
    // Node 10 at 0:00, as EPANET 2.00.12 reports it (test/fixtures/epanet/Net1-reference-pressures.json).
    expect(inWorker.before[inWorker.nodeIds.indexOf('10')]).toBeCloseTo(127.54, 1);
    expect(problems).toEqual([]);
  });

  it('keeps the seed model open: a what-if on it answers in well under a second once loaded', async () => {
    const seed = readFileSync(join(root, 'seeds/generated/nankai-water.inp'), 'utf8');
    const close = ['JSL029817', 'JSL029818'];
    const cold = await runInWorker('seed', seed, close);
    const warm = await runInWorker('seed', undefined, close);
    console.log(
      `browser worker, seed model: first what-if ${cold.ms.toFixed(0)} ms (parsing the model included), then ${warm.ms.toFixed(0)} ms (${warm.solveMs.toFixed(0)} ms solving)`,
    );
    expect(warm.counts.junctions).toBeGreaterThan(10_000);
    expect(warm.counts.cutOff).toBeGreaterThan(0);
    expect(warm.ms).toBeLessThan(5000); // the < 1 s target is measured by bench:hydraulics
    expect(problems).toEqual([]);
  });
});
