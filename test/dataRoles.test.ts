import { createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maySeeCategory, pipeAccessOf, ROLES, type Role } from '../workers/formats/dataAccess.js';
import type { NetworkDocument } from '../workers/formats/networkDocument.js';
import type { PipeAttributesDocument, PipeCategoriesDocument } from '../workers/formats/pipeLayout.js';
import type { SearchIndexDocument } from '../workers/formats/searchIndex.js';
import type { ViewerConfig } from '../workers/formats/viewerConfig.js';
import { hashPassword } from '../server/auth/passwordHash.js';
import type { AuditEntry } from '../server/store/Store.js';
import { startDemoServer } from './support/demoServer.js';

/**
 * Data roles enforced by the server (docs/access.md): every role against every pipe tileset,
 * tile, search index, network.json, build report and pipe's attributes; bad tokens; the audit.
 */
const SECRET = 'a-test-secret-of-at-least-32-characters!';
const env = { CIM_AUTH_SECRET: SECRET, CIM_OPERATOR_PASSWORD: 'operator-pass', CIM_ADMIN_PASSWORD: 'admin-pass-1' };
const tilesDir = join(import.meta.dirname, '../data/tiles');
const FOLDERS = ['pipes', 'water-model'] as const;
const key = new TextEncoder().encode(SECRET);

let demo: Awaited<ReturnType<typeof startDemoServer>>;
const tokens = new Map<Role, string | undefined>();

async function get(
  path: string,
  role: Role | string | undefined,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Buffer; headers: Headers }> {
  const token = role === undefined ? undefined : ROLES.includes(role as Role) ? tokens.get(role as Role) : role;
  const response = await fetch(`${demo.url}${path}`, { headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers } });
  return { status: response.status, body: Buffer.from(await response.arrayBuffer()), headers: response.headers };
}
const json = <T>(body: Buffer): T => JSON.parse(body.toString('utf8')) as T;
const categoriesOf = (folder: string): string[] =>
  (JSON.parse(readFileSync(join(tilesDir, folder, 'categories.json'), 'utf8')) as PipeCategoriesDocument).categories.map((c) => c.code);
const firstTile = (folder: string, code: string): string => readdirSync(join(tilesDir, folder, code, 'tiles')).find((f) => f.endsWith('.glb'))!;

beforeAll(async () => {
  demo = await startDemoServer({ live: false, incidents: { env } });
  for (const role of ROLES) {
    if (role === 'public') tokens.set(role, undefined);
    else if (role === 'operator' || role === 'admin') {
      const response = await fetch(`${demo.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: role, password: role === 'operator' ? env.CIM_OPERATOR_PASSWORD : env.CIM_ADMIN_PASSWORD }),
      });
      tokens.set(role, ((await response.json()) as { token: string }).token);
    } else {
      const response = await fetch(`${demo.url}/api/auth/demo`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ role }),
      });
      expect(response.status).toBe(200);
      const issued = (await response.json()) as { token: string; role: string };
      expect(issued.role).toBe(role);
      tokens.set(role, issued.token);
    }
  }
}, 600_000);

afterAll(async () => {
  await demo?.close();
});

describe('pipe data per role', () => {
  for (const role of ROLES) {
    it(`${role}: each category's tileset, a tile and its search index — 200 when it sees the category, else 403 with no geometry byte`, async () => {
      for (const folder of FOLDERS)
        for (const code of categoriesOf(folder)) {
          const allowed = maySeeCategory(role, code);
          for (const file of [`${code}/tileset.json`, `${code}/search-index.json`, `${code}/tiles/${firstTile(folder, code)}`]) {
            const { status, body, headers } = await get(`/tiles/${folder}/${file}`, role);
            expect(status, `${role} ${folder}/${file}`).toBe(allowed ? 200 : 403);
            if (allowed) {
              expect(headers.get('cache-control')).toMatch(/^private/);
              expect(headers.get('vary')).toMatch(/Authorization/);
            } else {
              expect(headers.get('content-type')).toMatch(/^application\/json/);
              expect(json<{ error: string }>(body).error).toBeTruthy();
              expect(body.length).toBeLessThan(200);
              expect(body.includes(Buffer.from('glTF'))).toBe(false);
            }
          }
        }
    });

    it(`${role}: the root tileset, merged search index, network.json and build report hold only its categories`, async () => {
      for (const folder of FOLDERS) {
        const visible = categoriesOf(folder).filter((code) => maySeeCategory(role, code));
        const root = await get(`/tiles/${folder}/tileset.json`, role);
        if (visible.length === 0) {
          for (const file of ['tileset.json', 'search-index.json', 'network.json', 'build-report.json'])
            expect((await get(`/tiles/${folder}/${file}`, role)).status, `${role} ${folder}/${file}`).toBe(403);
          continue;
        }
        expect(root.status).toBe(200);
        const children = json<{ root: { children: { content: { uri: string } }[] } }>(root.body).root.children.map((c) => c.content.uri);
        expect(children).toEqual(visible.map((code) => `${code}/tileset.json`));
        const index = json<SearchIndexDocument>((await get(`/tiles/${folder}/search-index.json`, role)).body);
        const expectedIds = visible.flatMap(
          (code) => (JSON.parse(readFileSync(join(tilesDir, folder, code, 'search-index.json'), 'utf8')) as SearchIndexDocument).ids,
        );
        expect(index.ids).toEqual(expectedIds);
        const network = json<NetworkDocument>((await get(`/tiles/${folder}/network.json`, role)).body);
        expect(new Set(network.edges.category).size).toBeGreaterThan(0);
        for (const category of new Set(network.edges.category)) expect(maySeeCategory(role, category), `${role} sees ${category}`).toBe(true);
        for (const [i, feature] of network.nodes.feature.entries()) if (feature !== null) expect(maySeeCategory(role, network.nodes.category[i]!)).toBe(true);
        const report = json<{ completeness: Record<string, unknown>; clearance: { conflicts: { a: string; b: string; categories: string[] }[] } }>(
          (await get(`/tiles/${folder}/build-report.json`, role)).body,
        );
        for (const code of Object.keys(report.completeness)) expect(maySeeCategory(role, code)).toBe(true);
        for (const conflict of report.clearance.conflicts)
          conflict.categories.forEach((category, side) => {
            if (!maySeeCategory(role, category)) expect(side === 0 ? conflict.a : conflict.b).toBe('');
          });
      }
    });

    it(`${role}: a pipe's attributes — full for its utility, operator and admin, without owner contacts for internal, 403 otherwise`, async () => {
      for (const code of categoriesOf('pipes')) {
        const doc = JSON.parse(readFileSync(join(tilesDir, 'pipes', code, 'attributes.json'), 'utf8')) as PipeAttributesDocument;
        const phone = doc.fields.indexOf('联系电话');
        const row = phone >= 0 ? doc.values.findIndex((v) => v[phone] !== null) : 0;
        const id = doc.ids[Math.max(row, 0)]!;
        const { status, body } = await get(`/api/pipes/${encodeURIComponent(id)}?in=/tiles/pipes/`, role);
        if (!maySeeCategory(role, code)) {
          expect(status, `${role} ${code} ${id}`).toBe(403);
          continue;
        }
        expect(status, `${role} ${code} ${id}`).toBe(200);
        const served = json<{ category: string; level: string; attributes: Record<string, unknown> }>(body);
        expect(served.category).toBe(code);
        expect(served.level).toBe(pipeAccessOf(role).attributes);
        if (phone >= 0 && row >= 0) {
          if (pipeAccessOf(role).attributes === 'full') expect(served.attributes['联系电话']).toMatch(/^022-5555\d{4}$/);
          else {
            expect(served.attributes).not.toHaveProperty('联系电话');
            expect(served.attributes).not.toHaveProperty('权属联系人');
            expect(body.toString('utf8')).not.toContain('022-5555');
          }
        }
      }
    });
  }

  it('an unknown pipe is 404; a file of a pipe folder outside the layout (attributes.json, categories.json) is 404 for every role', async () => {
    expect((await get('/api/pipes/NO-SUCH-PIPE', 'admin')).status).toBe(404);
    for (const path of [
      '/tiles/pipes/JS/attributes.json',
      '/tiles/pipes/categories.json',
      '/tiles/pipes/JS/tiles/../attributes.json',
      '/tiles/pipes/XX/tileset.json',
    ])
      expect((await get(path, 'admin')).status, path).toBe(404);
    // The survey tables under /data/ are pipeline inputs: never served; the water model is water data.
    expect((await get('/data/nankai-pipe-lines.geojson', 'admin')).status).toBe(404);
    expect((await get('/data/nankai-water.inp', undefined)).status).toBe(403);
    expect((await get('/data/nankai-water.inp', 'water')).status).toBe(200);
    expect((await get('/data/nankai-roads.geojson', undefined)).status).toBe(200);
  });

  it('/config.json lists only what the role can load: public no pipes, water the water pipes and points, internal every category', async () => {
    const layers = async (role: Role): Promise<string[]> => json<ViewerConfig>((await get('/config.json', role)).body).layers.map((l) => l.id);
    const publicLayers = await layers('public');
    expect(publicLayers.filter((id) => id.startsWith('pipes') || id.startsWith('water-model'))).toEqual([]);
    const publicConfig = json<ViewerConfig>((await get('/config.json', 'public')).body);
    expect(publicConfig.tools?.network).toBeUndefined();
    expect((await layers('water')).filter((id) => id.startsWith('pipes'))).toEqual(['pipes', 'pipes.JS', 'pipes.points']);
    // A part per category present (none for a category without pipes here) and the points.
    expect((await layers('internal')).filter((id) => id.startsWith('pipes.'))).toHaveLength(categoriesOf('pipes').length + 1);
    const response = await get('/config.json', 'water');
    expect(response.headers.get('cache-control')).toMatch(/^private/);
    expect(response.headers.get('vary')).toMatch(/Authorization/);
  });
});

describe('tokens', () => {
  const sign = (claims: { sub: string; iss?: string; exp?: number }, secret = key) => {
    let jwt = new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.sub)
      .setIssuer(claims.iss ?? 'cim-twin')
      .setIssuedAt();
    jwt = jwt.setExpirationTime(claims.exp ?? Math.floor(Date.now() / 1000) + 3600);
    return jwt.sign(secret);
  };
  const base64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('forged, expired, alg: none, wrong issuer, a deleted account, malformed: 401 on tiles, documents, attributes and the config', async () => {
    const valid = await sign({ sub: 'admin' });
    const [header, payload] = valid.split('.');
    const bad: Record<string, string> = {
      forged: await sign({ sub: 'admin' }, new TextEncoder().encode('another-secret-of-at-least-32-characters')),
      'tampered payload': `${header}.${base64url({ sub: 'admin', role: 'admin', iss: 'cim-twin', exp: 9e9 })}.${valid.split('.')[2]}`,
      expired: await sign({ sub: 'admin', exp: Math.floor(Date.now() / 1000) - 60 }),
      'alg none': `${base64url({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      'alg none with a signature': `${base64url({ alg: 'none' })}.${payload}.${createHmac('sha256', SECRET).update('x').digest('base64url')}`,
      'wrong issuer': await sign({ sub: 'admin', iss: 'someone-else' }),
      'deleted account': await sign({ sub: 'no-longer-here' }),
      malformed: 'not-a-token',
    };
    const code = categoriesOf('pipes')[0]!;
    for (const [name, token] of Object.entries(bad))
      for (const path of [
        '/tiles/pipes/tileset.json',
        `/tiles/pipes/${code}/tileset.json`,
        `/tiles/pipes/${code}/tiles/${firstTile('pipes', code)}`,
        '/tiles/pipes/network.json',
        '/tiles/pipes/build-report.json',
        '/tiles/pipes/search-index.json',
        '/api/pipes/JSL000001',
        '/config.json',
      ]) {
        const { status, body } = await get(path, token);
        expect(status, `${name} ${path}`).toBe(401);
        expect(body.includes(Buffer.from('glTF'))).toBe(false);
      }
    expect((await get('/tiles/pipes/tileset.json', valid)).status).toBe(200);
  });
});

describe('audit', () => {
  it('records reads of sensitive data and refusals, once per user, source and target in 10 minutes, counting the rest', async () => {
    const code = categoriesOf('pipes').find((c) => c !== 'JS')!;
    const tile = `/tiles/pipes/${code}/tiles/${firstTile('pipes', code)}`;
    for (let i = 0; i < 20; i++) expect((await get(tile, undefined)).status).toBe(403);
    await get('/tiles/pipes/JS/tileset.json', 'water');
    await get('/tiles/pipes/network.json', 'water');
    await get('/api/pipes/JSL000001?in=/tiles/pipes/', 'water');
    const response = await get('/api/audit?limit=1000', 'admin');
    expect(response.status).toBe(200);
    const entries = json<AuditEntry[]>(response.body);
    const refused = entries.filter((e) => e.action === 'data.refused' && e.actor === 'anonymous' && e.target === `tiles:/tiles/pipes/${code}`);
    expect(refused.length).toBe(1);
    expect(entries.some((e) => e.action === 'data.read' && e.role === 'water' && e.target === 'tiles:/tiles/pipes/JS')).toBe(true);
    expect(entries.some((e) => e.action === 'data.read' && e.role === 'water' && e.target === 'tiles:/tiles/pipes/network.json')).toBe(true);
    const pipe = entries.find((e) => e.action === 'data.read' && e.target === 'pipe:/tiles/pipes/JSL000001');
    expect(JSON.parse(pipe!.detail)).toMatchObject({ level: 'full', category: 'JS' });
    expect(entries.some((e) => e.action === 'login.demo' && e.actor === 'demo-water')).toBe(true);
    expect((await get('/api/audit', 'internal')).status).toBe(403);
  });
});

describe('demo sign-in', () => {
  it('is refused for operator and admin, and off (404) when the deployment has an accounts file', async () => {
    const post = (url: string, body: object) =>
      fetch(`${url}/api/auth/demo`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post(demo.url, { role: 'admin' })).status).toBe(400);
    expect((await post(demo.url, { role: 'operator' })).status).toBe(400);
    const file = join(mkdtempSync(join(tmpdir(), 'cim-accounts-')), 'accounts.json');
    writeFileSync(file, JSON.stringify({ accounts: [{ username: 'li.na', role: 'water', passwordHash: await hashPassword('a-password') }] }));
    const deployed = await startDemoServer({ live: false, incidents: { env: { CIM_ACCOUNTS_FILE: file } } });
    try {
      expect((await post(deployed.url, { role: 'internal' })).status).toBe(404);
    } finally {
      await deployed.close();
    }
  }, 120_000);
});
