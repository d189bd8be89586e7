import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERATED_DIR } from '../seeds/generator/main.js';
import type { PipeBuildReport } from '../tiles-pipeline/src/pipes/buildPipes.js';
import { startDemoServer } from './support/demoServer.js';

let server: Awaited<ReturnType<typeof startDemoServer>>;
beforeAll(async () => {
  server = await startDemoServer();
});
afterAll(() => server.close());

/** A raw request (fetch would normalise "..", and decompress). */
function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('demo server', () => {
  it('serves tileset.json with the right type, CORS and revalidation', async () => {
    const res = await get('/tiles/buildings/tileset.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['cache-control']).toBe('no-cache');
    const tileset = JSON.parse(res.body.toString()) as { asset: { version: string }; root: { content: { uri: string } } };
    expect(tileset.asset.version).toBe('1.1');

    const glb = await get(`/tiles/buildings/${tileset.root.content.uri}`, { 'accept-encoding': 'gzip' });
    expect(glb.headers['content-type']).toBe('model/gltf-binary');
    expect(glb.headers['content-encoding']).toBe('gzip');
    expect(glb.headers['cache-control']).toContain('immutable');
    const again = await get(`/tiles/buildings/${tileset.root.content.uri}`, { 'if-none-match': String(glb.headers['etag']) });
    expect(again.status).toBe(304);
  });

  it('negotiates brotli and gzip', async () => {
    expect((await get('/tiles/buildings/tileset.json', { 'accept-encoding': 'gzip, deflate, br' })).headers['content-encoding']).toBe('br');
    expect((await get('/tiles/buildings/tileset.json', { 'accept-encoding': 'gzip' })).headers['content-encoding']).toBe('gzip');
    expect((await get('/tiles/buildings/tileset.json')).headers['content-encoding']).toBeUndefined();
  });

  it('serves ground layers and the viewer with a strict CSP', async () => {
    const roads = await get('/data/nankai-roads.geojson');
    expect(roads.headers['content-type']).toBe('application/geo+json; charset=utf-8');
    const page = await get('/');
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(page.headers['content-security-policy']).not.toContain("'unsafe-eval'");
  });

  it('refuses path traversal, encoded or not', async () => {
    for (const path of ['/tiles/../package.json', '/tiles/%2e%2e/%2e%2e/package.json', '/data/..%2f..%2fpackage.json', '/tiles/buildings/%00x']) {
      const res = await get(path);
      expect([400, 404], path).toContain(res.status);
      expect(res.body.toString()).not.toContain('"name": "cim-twin"');
    }
  });

  it('the seed pipes pass the GB 50289 check except for the planted conflicts (seeds README)', () => {
    const data = join(import.meta.dirname, '../data/tiles');
    const report = JSON.parse(readFileSync(join(data, 'pipes/build-report.json'), 'utf8')) as PipeBuildReport;
    const planted = JSON.parse(readFileSync(join(GENERATED_DIR, 'planted-conflicts.json'), 'utf8')) as { a: string }[];
    const plantedIds = new Set(planted.map((p) => p.a));
    const involved = new Set(report.clearance.conflicts.flatMap((c) => [c.a, c.b]).filter((id) => plantedIds.has(id)));
    expect(involved).toEqual(plantedIds);
    for (const c of report.clearance.conflicts) expect(plantedIds.has(c.a) || plantedIds.has(c.b)).toBe(true);
    expect(report.skipped).toEqual([]);
    const water = JSON.parse(readFileSync(join(data, 'water-model/build-report.json'), 'utf8')) as PipeBuildReport;
    expect(water.clearance.conflicts).toEqual([]);
    expect(water.inputs[0]!.format).toMatch(/EPANET \(SI, LPS\)/);
  });

  it('is read-only', async () => {
    const res = await new Promise<number>((resolve) => {
      const req = request(`${server.url}/tiles/buildings/tileset.json`, { method: 'PUT' }, (r) => resolve(r.statusCode!));
      req.end('{}');
    });
    expect(res).toBe(405);
  });
});
