import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Role } from '../workers/formats/dataAccess.js';
import type { ViewerConfig } from '../workers/formats/viewerConfig.js';
import { userTileset } from '../server/deployment/userTilesets.js';
import { startDemoServer } from './support/demoServer.js';
import { runCli } from './support/runCli.js';

/**
 * A `--tileset` pipe folder rebuilt while the server runs (the pipeline swaps its link): the
 * gate and /config.json follow the new build — a category it adds is listed and served to its
 * utility without a restart.
 */
const fixtures = join(import.meta.dirname, 'fixtures', 'pipes');
const out = join(mkdtempSync(join(tmpdir(), 'cimtwin-rebuild-')), 'user-pipes');
let demo: Awaited<ReturnType<typeof startDemoServer>>;

async function build(files: string[]): Promise<void> {
  const result = await runCli(['pipes', ...files.map((f) => join(fixtures, f)), '--out', out]);
  expect(result.code, result.stderr + result.stdout).toBe(0);
}
async function get(path: string, role: Role): Promise<Response> {
  return fetch(`${demo.url}${path}`, { headers: { Authorization: `Bearer ${await demo.token(role)}` } });
}
async function userLayers(role: Role): Promise<string[]> {
  const config = (await (await get('/config.json', role)).json()) as ViewerConfig;
  return config.layers.filter((l) => l.kind === 'tileset' && l.url.startsWith('/tiles/user/')).map((l) => l.id);
}

beforeAll(async () => {
  await build(['JS_line.geojson', 'JS_point.geojson']);
  demo = await startDemoServer({ live: false, server: { userTilesets: [userTileset(out, 1)] } });
}, 600_000);

afterAll(async () => {
  await demo?.close();
});

it('a rebuild that adds a category: its utility gets the layer in /config.json and its tiles, without a restart', async () => {
  expect(await userLayers('water')).toHaveLength(1);
  expect(await userLayers('drainage')).toEqual([]);
  const prefix = '/tiles/user/1-user-pipes';
  expect((await get(`${prefix}/PS/tileset.json`, 'drainage')).status).toBe(404);

  await build(['JS_line.geojson', 'JS_point.geojson', 'WS_line.geojson', 'WS_point.geojson']);
  expect(await userLayers('drainage')).toHaveLength(1);
  expect((await get(`${prefix}/PS/tileset.json`, 'drainage')).status).toBe(200);
  expect((await get(`${prefix}/PS/tileset.json`, 'water')).status).toBe(403);
}, 120_000);
