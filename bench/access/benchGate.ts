import { readdirSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Authenticator } from '../../server/auth/Authenticator.js';
import { accountsFromEnv, demoAccountName } from '../../server/auth/accountsFromEnv.js';
import { createDemoServer } from '../../server/createDemoServer.js';
import { demoPaths, prepareDemo } from '../../server/prepareDemo.js';
import type { AuditEntryInput } from '../../server/store/Store.js';

/**
 * What the data-role gate costs a tile request: the same number of sequential GETs of
 * content-addressed .glb tiles, ungated (the buildings) against gated (the pipes, with a
 * token: JWT verified, category checked, audited), and refused (public on a hidden category),
 * plus a filtered network.json made cold and then served from the per-profile cache.
 * `npm run bench:access` (after the demo is built: it builds it when missing).
 */
const root = join(import.meta.dirname, '../..');
const paths = demoPaths(root);
await prepareDemo(paths, () => undefined);
const { accounts } = await accountsFromEnv({ CIM_OPERATOR_PASSWORD: 'bench-operator', CIM_ADMIN_PASSWORD: 'bench-admin1' });
const auth = await Authenticator.create({ accounts, log: () => undefined });
const audit: AuditEntryInput[] = [];
const server = createDemoServer(paths, {
  env: { CIM_LIVE: 'off' },
  access: { auth, appendAudit: async (entry) => void audit.push(entry), demoSignIn: true },
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const internal = (await auth.issueToken(demoAccountName('internal')))!.token;

function get(path: string, token?: string): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode!, bytes }));
    });
    req.on('error', reject);
    req.end();
  });
}

const tiles = (folder: string): string[] =>
  readdirSync(join(paths.tilesDir, folder))
    .filter((f) => f.endsWith('.glb'))
    .map((f) => `/tiles/${folder.replace(/\\/g, '/')}/${f}`);
const REQUESTS = 2000;
async function run(label: string, list: string[], token: string | undefined, expected: number): Promise<{ label: string; ms: number }> {
  for (const path of list.slice(0, 20)) await get(path, token); // warm: files in the page cache, compressed bodies kept
  const started = performance.now();
  for (let i = 0; i < REQUESTS; i++) {
    const { status } = await get(list[i % list.length]!, token);
    if (status !== expected) throw new Error(`${label}: ${list[i % list.length]} answered ${status}, expected ${expected}`);
  }
  return { label, ms: performance.now() - started };
}

const rows = [
  await run('buildings tiles, ungated (baseline)', tiles('buildings/tiles'), undefined, 200),
  await run('pipe tiles JS, gated, internal token', tiles('pipes/JS/tiles'), internal, 200),
  await run('pipe tiles PS, gated, refused (public)', tiles('pipes/PS/tiles'), undefined, 403),
];
const baseline = rows[0]!.ms;
console.log(`\n${REQUESTS} sequential GETs each (keep-alive off), one process`);
console.log('| case | total ms | µs / request | vs baseline |');
console.log('|---|---|---|---|');
for (const row of rows)
  console.log(`| ${row.label} | ${row.ms.toFixed(0)} | ${((row.ms / REQUESTS) * 1000).toFixed(0)} | ${(row.ms / baseline).toFixed(2)}× |`);

const timed = async (path: string): Promise<number> => {
  const started = performance.now();
  const { status } = await get(path, internal);
  if (status !== 200) throw new Error(`${path}: ${status}`);
  return performance.now() - started;
};
const water = (await auth.issueToken(demoAccountName('water')))!.token;
const started = performance.now();
await get('/tiles/pipes/network.json', water);
const cold = performance.now() - started;
const warm = await timed('/tiles/pipes/network.json');
const warmAgain = await timed('/tiles/pipes/network.json');
console.log(
  `\nnetwork.json filtered for water (cold, made and gzipped): ${cold.toFixed(0)} ms; internal: first ${warm.toFixed(0)} ms, cached ${warmAgain.toFixed(0)} ms`,
);
console.log(`audit entries written for ${REQUESTS * 3} tile requests: ${audit.length} (rate-limited per user, source and target)`);
server.close();
auth.close();
