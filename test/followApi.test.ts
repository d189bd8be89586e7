import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FollowMessage, type FollowSessionSummary, type FollowUpdate, followTopic, parseFollowMessage } from '../workers/formats/followSession.js';
import { writeAccountsFile } from './support/accountsFile.js';
import { startDemoServer } from './support/demoServer.js';
import { apiCall } from './support/apiCall.js';

/**
 * Linked screens against the running demo server and its embedded broker: who may lead,
 * the rate limit, the retained state a late subscriber gets, the audit log, and the broker
 * refusing every client's publish on the follow topics.
 */
let server: Awaited<ReturnType<typeof startDemoServer>>;
const accountsDir = mkdtempSync(join(tmpdir(), 'cimtwin-follow-accounts-'));
const publisher = { username: 'test-publisher', password: 'a-long-test-secret' };
const passwords = { 'li.na': 'operator-password-1', 'wang.wei': 'operator-password-2', 'zhao.viewer': 'viewer-password-1', 'chief.admin': 'admin-password-1' };
const tokens: Record<string, string> = {};

beforeAll(async () => {
  const accountsFile = await writeAccountsFile(accountsDir, [
    { username: 'li.na', role: 'operator', password: passwords['li.na'] },
    { username: 'wang.wei', role: 'operator', password: passwords['wang.wei'] },
    { username: 'zhao.viewer', role: 'viewer', password: passwords['zhao.viewer'] },
    { username: 'chief.admin', role: 'admin', password: passwords['chief.admin'] },
  ]);
  server = await startDemoServer({ live: { simulator: false, publisher }, incidents: { env: { CIM_ACCOUNTS_FILE: accountsFile } } });
  for (const [username, password] of Object.entries(passwords))
    tokens[username] = ((await call('POST', '/api/auth/login', { body: { username, password } })).body as { token: string }).token;
}, 300_000);

afterAll(async () => {
  await server?.close();
  rmSync(accountsDir, { recursive: true, force: true });
}, 30_000);

const call = (method: string, path: string, options: Parameters<typeof apiCall>[3] = {}) => apiCall(server.url, method, path, options);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const camera = (lon: number) => ({ lon, lat: 39.1, height: 800, heading: 10, pitch: -35 });
const update = (lon = 117.16): FollowUpdate => ({
  view: { camera: camera(lon) },
  selection: { tileset: 'incidents', id: 'INC-1' },
  layers: { buildings: { visible: true, opacity: 1 }, roads: { visible: false, opacity: 1 } },
  underground: false,
});

/** The retained message a client subscribing now receives on `session` (undefined when none comes within `waitMs`). */
async function retainedOf(session: string, waitMs = 1500): Promise<{ payload: Buffer; retain: boolean } | undefined> {
  // A screen signed in as the standalone viewer is (zhao.viewer reads as internal): the selected
  // incident reaches it whole (what each role receives: test/incidentRoles.test.ts).
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${server.live!.broker.tcpPort()}`, {
    reconnectPeriod: 0,
    username: 'bearer',
    password: tokens['zhao.viewer']!,
  });
  try {
    const received = new Promise<{ payload: Buffer; retain: boolean } | undefined>((resolve) => {
      client.on('message', (_topic, payload, packet) => resolve({ payload, retain: packet.retain }));
      setTimeout(() => resolve(undefined), waitMs);
    });
    const granted = await client.subscribeAsync(followTopic(session), { qos: 1 });
    expect(granted[0]!.qos).toBe(1); // viewers may read the follow topics
    return await received;
  } finally {
    await client.endAsync();
  }
}

describe('follow sessions', () => {
  it('lets only an operator or admin lead: anonymous 401, invalid token 401, viewer 403, and nothing is published', async () => {
    expect((await call('POST', '/api/follow/room1', { body: update() })).status).toBe(401);
    expect((await call('POST', '/api/follow/room1', { body: update(), token: 'a.b.c' })).status).toBe(401);
    const viewer = await call('POST', '/api/follow/room1', { body: update(), token: tokens['zhao.viewer']! });
    expect(viewer.status).toBe(403);
    expect((viewer.body as { error: string }).error).toMatch(/operator/);
    expect((await call('DELETE', '/api/follow/room1', { token: tokens['zhao.viewer']! })).status).toBe(403);
    expect((await call('GET', '/api/follow', { token: tokens['zhao.viewer']! })).body).toEqual([]);
    expect(await retainedOf('room1', 400)).toBeUndefined();
  });

  it('refuses a malformed state with the field named, and a session name that is not one', async () => {
    const bad = await call('POST', '/api/follow/room1', { body: { ...update(), view: { camera: { ...camera(117), lat: 95 } } }, token: tokens['li.na']! });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ field: 'view.camera.lat' });
    const both = await call('POST', '/api/follow/room1', {
      body: { ...update(), view: { camera: camera(117), feature: { tileset: 'b', id: '1' } } },
      token: tokens['li.na']!,
    });
    expect(both.body).toMatchObject({ field: 'view' });
    expect((await call('POST', '/api/follow/room1', { body: { ...update(), layers: { a: { visible: 'yes' } } }, token: tokens['li.na']! })).body).toMatchObject(
      {
        field: 'layers.a.visible',
      },
    );
    expect((await call('POST', '/api/follow/has%20space', { body: update(), token: tokens['li.na']! })).status).toBe(404);
    expect((await call('GET', '/api/follow', { token: tokens['li.na']! })).body).toEqual([]);
  });

  it('publishes an operator’s state retained: a subscriber that comes later gets the current one at once', async () => {
    const first = await call('POST', '/api/follow/wall', { body: update(117.15), token: tokens['li.na']! });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ version: 1, session: 'wall', seq: 1, leader: 'li.na', view: { camera: camera(117.15) } });
    await sleep(250);
    const second = await call('POST', '/api/follow/wall', { body: update(117.17), token: tokens['li.na']! });
    expect((second.body as FollowMessage).seq).toBe(2);

    const started = Date.now();
    const retained = await retainedOf('wall');
    expect(Date.now() - started).toBeLessThan(1500);
    expect(retained?.retain).toBe(true);
    const parsed = parseFollowMessage(JSON.parse(retained!.payload.toString()));
    expect(parsed).toEqual({ value: second.body });

    // The list is the signed-in roles': session names and the leaders' account names are the command centre's.
    const list = (await call('GET', '/api/follow', { token: tokens['zhao.viewer']! })).body as FollowSessionSummary[];
    expect(list).toEqual([{ session: 'wall', leader: 'li.na', seq: 2, updatedAt: (second.body as FollowMessage).at }]);
    const anonymousList = await call('GET', '/api/follow');
    expect(anonymousList.status).toBe(401);
    expect(anonymousList.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((anonymousList.body as { error: string }).error).toMatch(/sign in/);
    expect((await call('GET', '/api/follow/wall', { token: tokens['zhao.viewer']! })).body).toEqual(second.body);
    // A public screen follows by the session's name and is not told who leads (nor the incident it may not read).
    expect((await call('GET', '/api/follow/wall')).body).toEqual({ ...(second.body as FollowMessage), leader: null, selection: null });

    // Another operator takes the lead: the sequence goes on, the leader changes.
    await sleep(250);
    const taken = await call('POST', '/api/follow/wall', { body: update(117.18), token: tokens['wang.wei']! });
    expect(taken.body).toMatchObject({ seq: 3, leader: 'wang.wei' });
  });

  it('refuses more than 5 updates a second from a leader with 429, and takes a steady 5 a second', async () => {
    // Sent at once, so the burst fits well inside a second even on a loaded machine; what the
    // bucket (5, refilled at 5 a second) lets through is bounded by the time the burst took.
    const started = performance.now();
    const burst = await Promise.all(
      Array.from({ length: 12 }, (_, i) => call('POST', '/api/follow/rate', { body: update(117 + i / 1000), token: tokens['li.na']! })),
    );
    const seconds = (performance.now() - started) / 1000;
    const accepted = burst.filter((r) => r.status === 200);
    const refused = burst.filter((r) => r.status === 429);
    expect(accepted.length + refused.length).toBe(12);
    expect(accepted.length).toBeGreaterThanOrEqual(5);
    expect(accepted.length).toBeLessThanOrEqual(5 + Math.ceil(seconds * 5));
    expect(refused.length).toBeGreaterThanOrEqual(12 - 5 - Math.ceil(seconds * 5));
    expect(refused.length).toBeGreaterThan(0);
    expect(Number(refused[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // A refused update was not published: the retained state is the last accepted one.
    const lastAccepted = accepted
      .map((r) => r.body as FollowMessage)
      .sort((a, b) => a.seq - b.seq)
      .at(-1)!;
    expect(JSON.parse((await retainedOf('rate'))!.payload.toString())).toEqual(lastAccepted);

    // Another leader has a bucket of its own.
    expect((await call('POST', '/api/follow/rate', { body: update(), token: tokens['chief.admin']! })).status).toBe(200);

    await sleep(1100);
    const steady = [];
    for (let i = 0; i < 10; i++) {
      steady.push((await call('POST', '/api/follow/rate', { body: update(117.1 + i / 1000), token: tokens['li.na']! })).status);
      await sleep(205);
    }
    expect(steady).toEqual(Array(10).fill(200));
  });

  it('refuses clients’ publishes on the follow topics, anonymous or with the devices’ credentials', async () => {
    const before = server.live!.broker.counters.unauthorised;
    const tcp = `mqtt://127.0.0.1:${server.live!.broker.tcpPort()}`;
    const forged = JSON.stringify({ ...update(100), version: 1, session: 'wall', seq: 999, leader: 'mallory', at: new Date().toISOString() });
    for (const credentials of [{}, publisher]) {
      const client = await mqtt.connectAsync(tcp, { ...credentials, reconnectPeriod: 0 });
      // aedes closes the connection of a client whose publish it refuses.
      const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
      client.publish(followTopic('wall'), forged, { qos: 1, retain: true });
      await Promise.race([closed, sleep(2000)]);
      await client.endAsync(true);
    }
    const ws = await mqtt.connectAsync(`${server.url.replace('http', 'ws')}/mqtt`, { reconnectPeriod: 0 });
    ws.publish(followTopic('wall'), forged, { qos: 1, retain: true });
    await sleep(300);
    await ws.endAsync(true);
    expect(server.live!.broker.counters.unauthorised).toBe(before + 3);
    const retained = JSON.parse((await retainedOf('wall'))!.payload.toString()) as FollowMessage;
    expect(retained.leader).toBe('wang.wei');
    expect(retained.seq).toBe(3);
  });

  it('keeps who led, what they showed and who stopped in the audit log; a stopped session is cleared', async () => {
    expect((await call('DELETE', '/api/follow/wall')).status).toBe(401);
    expect((await call('DELETE', '/api/follow/wall', { token: tokens['li.na']! })).status).toBe(204);
    expect((await call('DELETE', '/api/follow/wall', { token: tokens['li.na']! })).status).toBe(404);
    expect(await retainedOf('wall', 500)).toBeUndefined();
    expect((await call('GET', '/api/follow/wall')).status).toBe(404);
    expect(((await call('GET', '/api/follow', { token: tokens['li.na']! })).body as FollowSessionSummary[]).map((s) => s.session)).not.toContain('wall');

    const entries = (await server.incidents.store.listAudit({ limit: 1000 })).filter((e) => e.target === 'follow:wall').reverse();
    // The signed-in read of the state (it names the selected incident) is a data read, once in 10 minutes; the public's is not recorded.
    const reads = entries.filter((e) => e.action === 'data.read');
    expect(reads.map((e) => [e.actor, e.role])).toEqual([['zhao.viewer', 'internal']]);
    expect(JSON.parse(reads[0]!.detail)).toEqual({ seq: 2, selection: { tileset: 'incidents', id: 'INC-1' }, since: 1 });
    const audit = entries.filter((e) => e.action.startsWith('follow.'));
    expect(audit.map((e) => [e.action, e.actor])).toEqual([
      ['follow.lead', 'li.na'],
      ['follow.update', 'li.na'],
      ['follow.lead', 'wang.wei'],
      ['follow.stop', 'li.na'],
    ]);
    expect(JSON.parse(audit[1]!.detail)).toEqual({ selection: { tileset: 'incidents', id: 'INC-1' }, visibleLayers: ['buildings'], underground: false });
    expect(audit[0]!.source).toMatch(/127\.0\.0\.1/);
  });
});
