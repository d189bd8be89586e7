import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unsignedToken } from '../harness/roleTokens.js';
import { demoPaths } from '../server/prepareDemo.js';
import { ROLES, type Role } from '../workers/formats/dataAccess.js';
import { followTopic, type FollowMessage, type FollowSessionSummary } from '../workers/formats/followSession.js';
import type { HistoryTimeline } from '../workers/formats/history.js';
import { INCIDENTS_SUBSCRIPTION, type Incident, type IncidentChangeMessage, type IncidentDraft, WITHHELD_TEXT } from '../workers/formats/incident.js';
import type { NetworkDocument } from '../workers/formats/networkDocument.js';
import { observationsTopic } from '../workers/live/sensorTypes.js';
import { apiCall } from './support/apiCall.js';
import { startDemoServer } from './support/demoServer.js';
import { validateCap } from './support/validateCap.js';
import { SEES, sees } from './support/expectedRoleAccess.js';
import type { AuditEntry } from '../server/store/Store.js';

/**
 * Data roles on incidents, follow sessions, the timeline's incident marks, the live statistics
 * and the sensor sites, against the running demo server (DuckDB, the embedded broker, real MQTT
 * over its WebSocket with each role's token): what each role reads over HTTP and receives over
 * MQTT, written out here rather than computed with the code under test.
 */

const whole = (role: Role): boolean => role !== 'public' && SEES[role] === 'all';

const publisher = { username: 'test-publisher', password: 'a-long-test-secret' };
let server: Awaited<ReturnType<typeof startDemoServer>>;
const tokens = new Map<Role, string>();
const call = (method: string, path: string, role: Role | { token: string }, body?: unknown) =>
  apiCall(server.url, method, path, {
    ...(typeof role === 'string' ? (tokens.has(role) ? { token: tokens.get(role)! } : {}) : { token: role.token }),
    ...(body !== undefined ? { body } : {}),
  });
const waitFor = async (check: () => boolean, timeoutMs = 5000): Promise<void> => {
  for (const started = Date.now(); !check(); await new Promise((resolve) => setTimeout(resolve, 20)))
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
};
const viewer = (role: Role): Promise<MqttClient> =>
  mqtt.connectAsync(`${server.url.replace('http', 'ws')}/mqtt`, {
    reconnectPeriod: 0,
    ...(tokens.has(role) ? { username: 'bearer', password: tokens.get(role)! } : {}),
  });

/** The ids the incidents are about: a water and a drainage pipe, sensors on water, drainage and on no pipe. */
let waterPipe = '';
let drainagePipe = '';
let sensors: { water: { id: number; name: string }; drainage: { id: number; name: string }; open: { id: number; name: string } };
/** The incidents: restricted (rule-like, every kind of asset), public (a water pipe and an open sensor), from a water sensor's alarm. */
let restricted: Incident;
let publicOne: Incident;
let fromAlarm: Incident;
const startedAt = Date.now();

const draftOf = (overrides: Partial<IncidentDraft>): IncidentDraft => ({
  event: '供水管道爆管',
  headline: 'headline',
  classification: { category: 'accident', subType: 'public-facility', level: 'III' },
  footprint: { kind: 'point', at: [117.1623, 39.1086] },
  ...overrides,
});

beforeAll(async () => {
  server = await startDemoServer({ live: { simulator: false, publisher } });
  for (const role of ROLES) if (role !== 'public') tokens.set(role, await server.token(role));
  const network = JSON.parse(readFileSync(join(demoPaths(join(import.meta.dirname, '..')).tilesDir, 'pipes', 'network.json'), 'utf8')) as NetworkDocument;
  waterPipe = network.edges.id[network.edges.category.indexOf('JS')]!;
  drainagePipe = network.edges.id[network.edges.category.indexOf('PS')]!;
  const catalog = server.live!.catalog;
  const entry = (category: string | null) => {
    const found = catalog.find((e) => e.category === category)!;
    return { id: found.id, name: found.name };
  };
  sensors = { water: entry('JS'), drainage: entry('PS'), open: entry(null) };
  // The water sensor reads something, so an alarm can be opened from it.
  const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${server.live!.broker.tcpPort()}`, { reconnectPeriod: 0, ...publisher });
  await device.publishAsync(observationsTopic(sensors.water.id), JSON.stringify({ phenomenonTime: new Date(Date.now() - 1000).toISOString(), result: 0.05 }), {
    qos: 1,
  });
  await device.endAsync();
  await waitFor(() => Number.isFinite(server.live!.store.latest.value[sensors.water.id]!));

  const create = async (draft: IncidentDraft): Promise<Incident> => {
    const answer = await call('POST', '/api/incidents', 'operator', draft);
    expect(answer.status).toBe(201);
    return answer.body as Incident;
  };
  restricted = await create(
    draftOf({
      headline: `爆管：${waterPipe}`,
      description: `${sensors.drainage.name} 与 ${sensors.water.name} 告警；排水管 ${drainagePipe} 受影响`,
      assets: [
        { kind: 'pipe', id: waterPipe },
        { kind: 'pipe', id: drainagePipe },
        { kind: 'sensor', id: String(sensors.water.id) },
        { kind: 'sensor', id: String(sensors.drainage.id) },
        { kind: 'sensor', id: String(sensors.open.id) },
        { kind: 'building', id: 'B-1' },
      ],
    }),
  );
  publicOne = await create(
    draftOf({
      scope: 'Public',
      headline: '停水通知 Water off',
      description: `管段 ${waterPipe} 维修`,
      assets: [
        { kind: 'pipe', id: waterPipe },
        { kind: 'sensor', id: String(sensors.open.id) },
      ],
    }),
  );
  const opened = await call('POST', '/api/incidents/from-alarm', 'operator', { datastream: sensors.water.id });
  expect(opened.status).toBe(201);
  fromAlarm = opened.body as Incident;
  for (const incident of [restricted, publicOne])
    expect((await call('POST', `/api/incidents/${incident.id}/notes`, 'operator', { text: `值班记录 ${waterPipe}` })).status).toBe(201);
  expect((await call('POST', `/api/incidents/${publicOne.id}/dispatches`, 'operator', { unitId: 'U-1', unitKind: 'utility' })).status).toBe(201);
  restricted = (await call('GET', `/api/incidents/${restricted.id}`, 'operator')).body as Incident;
  publicOne = (await call('GET', `/api/incidents/${publicOne.id}`, 'operator')).body as Incident;
}, 300_000);

afterAll(async () => {
  await server?.close();
}, 60_000);

/** What each role should read of the restricted incident's assets. */
function expectedAssets(role: Role, incident: Incident): Incident['assets'] {
  const category = (asset: Incident['assets'][number]): string | null =>
    asset.kind === 'building'
      ? null
      : asset.id === waterPipe || asset.id === String(sensors.water.id)
        ? 'JS'
        : asset.id === drainagePipe || asset.id === String(sensors.drainage.id)
          ? 'PS'
          : null;
  return incident.assets.filter((asset) => sees(role, category(asset)));
}

/** Checks a role's copy of one of the incidents against the record. */
function expectCopy(role: Role, copy: Incident, stored: Incident): void {
  if (whole(role)) return void expect(copy).toEqual(stored);
  const assets = expectedAssets(role, stored);
  expect(copy.assets).toEqual(assets);
  const text = JSON.stringify(copy);
  // Nothing of what was withheld is anywhere in the copy: not the ids, not the sensor names.
  if (!sees(role, 'JS')) for (const hidden of [waterPipe, sensors.water.name]) expect(text).not.toContain(hidden);
  if (!sees(role, 'PS')) for (const hidden of [drainagePipe, sensors.drainage.name]) expect(text).not.toContain(hidden);
  const withheldAssets = stored.assets.length - assets.length;
  const withheldNotes = role === 'public' ? stored.notes.length : 0;
  const withheldDispatches = role === 'public' ? stored.dispatches.length : 0;
  if (withheldAssets + withheldNotes + withheldDispatches === 0) expect(copy.withheld).toBeUndefined();
  else expect(copy.withheld).toEqual({ assets: withheldAssets, notes: withheldNotes, dispatches: withheldDispatches });
  // Account names (who opened it, who moved each step) are for signed-in roles: a utility works the incident with the command centre.
  if (role === 'public') {
    expect(copy).not.toHaveProperty('createdBy');
    expect(copy.history.map((step) => step.by)).toEqual(stored.history.map(() => undefined));
    expect(copy.history.map((step) => step.to)).toEqual(stored.history.map((step) => step.to));
  } else {
    expect(copy.createdBy).toBe(stored.createdBy);
    expect(copy.history.map((step) => step.by)).toEqual(stored.history.map((step) => step.by));
  }
  if (role === 'public') expect(copy.notes).toEqual([]);
  else {
    const redacted = (text: string): string =>
      [...(sees(role, 'JS') ? [] : [waterPipe]), ...(sees(role, 'PS') ? [] : [drainagePipe])].reduce((t, id) => t.replace(id, WITHHELD_TEXT), text);
    expect(copy.notes.map((n) => n.text)).toEqual(stored.notes.map((n) => redacted(n.text)));
  }
}

describe('incidents per data role', () => {
  it.each(ROLES)('%s: the list, the list at a time, each incident and its CAP export', async (role) => {
    const list = (await call('GET', '/api/incidents', role)).body as Incident[];
    const ids = list.map((i) => i.id).sort();
    expect(ids).toEqual((role === 'public' ? [publicOne.id] : [restricted.id, publicOne.id, fromAlarm.id]).sort());
    const at = (await call('GET', `/api/incidents?at=${encodeURIComponent(new Date().toISOString())}`, role)).body as Incident[];
    expect(at.map((i) => i.id).sort()).toEqual(ids);
    for (const stored of [restricted, publicOne]) {
      const one = await call('GET', `/api/incidents/${stored.id}`, role);
      const cap = await call('GET', `/api/incidents/${stored.id}/cap`, role);
      if (role === 'public' && stored === restricted) {
        expect(one.status).toBe(404);
        expect(cap.status).toBe(404);
        continue;
      }
      expect(one.status).toBe(200);
      expectCopy(role, one.body as Incident, { ...stored, version: (one.body as Incident).version, updated: (one.body as Incident).updated });
      expectCopy(
        role,
        list.find((i) => i.id === stored.id)!,
        { ...stored, version: (one.body as Incident).version, updated: (one.body as Incident).updated },
      );
      const xml = cap.body as string;
      expect(cap.status).toBe(200);
      expect(validateCap(xml)).toEqual({ valid: true, errors: '' });
      expect(xml.includes(`<value>${waterPipe}</value>`)).toBe(sees(role, 'JS'));
      if (!sees(role, 'JS')) expect(xml).not.toContain(waterPipe);
    }
    // An alarm of a sensor the role may not read: what alarmed and when, not which sensor.
    const alarm = list.find((i) => i.id === fromAlarm.id);
    if (role !== 'public') {
      if (sees(role, 'JS')) expect(alarm!.source).toEqual(fromAlarm.source);
      else {
        expect(alarm!.source).toEqual({
          kind: 'alarm',
          withheld: true,
          sensorType: (fromAlarm.source as { sensorType: string }).sensorType,
          phenomenonTime: (fromAlarm.source as { phenomenonTime: string }).phenomenonTime,
        });
        expect(JSON.stringify(alarm)).not.toContain(sensors.water.name);
      }
    }
  });

  it('signed-in reads are audited (data.read, once per user and target in 10 minutes); the public copy is not', async () => {
    await call('GET', '/api/incidents', 'water');
    await call('GET', `/api/incidents/${restricted.id}`, 'water');
    await call('GET', '/api/incidents', 'public');
    const entries = (await call('GET', '/api/audit?limit=1000', 'admin')).body as AuditEntry[];
    const reads = entries.filter((e) => e.action === 'data.read' && (e.target === 'incidents' || e.target.startsWith('incident:')));
    expect(reads.some((e) => e.role === 'water' && e.target === 'incidents')).toBe(true);
    expect(reads.some((e) => e.role === 'water' && e.target === `incident:${restricted.id}`)).toBe(true);
    expect(reads.filter((e) => e.role === 'public')).toEqual([]);
    // The list above was read by water in the test before: still one entry for it, the rest counted.
    expect(reads.filter((e) => e.role === 'water' && e.target === 'incidents')).toHaveLength(1);
  });

  it('a forged, unsigned or malformed token is a 401 on every read, never a public answer', async () => {
    for (const token of [unsignedToken('operator'), 'a.b.c'])
      for (const path of [
        '/api/incidents',
        `/api/incidents/${publicOne.id}`,
        `/api/incidents/${publicOne.id}/cap`,
        '/api/follow',
        '/api/history/timeline?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z',
        '/api/live/stats',
        '/data/nankai-sensor-sites.geojson',
      ]) {
        const answer = await call('GET', path, { token });
        expect(answer.status, `${path} with ${token.slice(0, 12)}…`).toBe(401);
      }
  });

  it('writes stay the operator’s: a utility or internal token cannot open, change or note an incident', async () => {
    for (const role of ['internal', 'water'] as const) {
      expect((await call('POST', '/api/incidents', role, draftOf({}))).status).toBe(403);
      expect((await call('POST', `/api/incidents/${publicOne.id}/notes`, role, { text: 'x' })).status).toBe(403);
    }
    expect((await call('GET', `/api/incidents/from-alarm?datastream=${sensors.water.id}`, 'gas')).status).toBe(403);
    expect((await call('GET', `/api/incidents/from-alarm?datastream=${sensors.water.id}`, 'water')).status).toBe(200);
  });

  it('MQTT: each subscriber gets its role’s copy of an incident, and nothing of one it may not read', async () => {
    const roles: Role[] = ['public', 'water', 'gas', 'internal'];
    const received = new Map<Role, IncidentChangeMessage[]>();
    const clients = await Promise.all(roles.map((role) => viewer(role)));
    for (const [k, client] of clients.entries()) {
      const messages: IncidentChangeMessage[] = [];
      received.set(roles[k]!, messages);
      client.on('message', (_topic, payload) => payload.length > 0 && messages.push(JSON.parse(payload.toString()) as IncidentChangeMessage));
      await client.subscribeAsync(INCIDENTS_SUBSCRIPTION, { qos: 1 });
    }
    // The retained open incidents first: public has only the public one.
    await waitFor(() => received.get('internal')!.length >= 3 && received.get('water')!.length >= 3 && received.get('gas')!.length >= 3);
    await waitFor(() => received.get('public')!.length >= 1);
    // A change to the restricted incident reaches everyone signed in, filtered, and not the public.
    const note = await call('POST', `/api/incidents/${restricted.id}/notes`, 'operator', { text: `关阀 ${drainagePipe}` });
    expect(note.status).toBe(201);
    const changed = note.body as Incident;
    const latest = (role: Role) => received.get(role)!.filter((m) => m.incident.id === restricted.id && m.incident.version === changed.version);
    await waitFor(() => ['water', 'gas', 'internal'].every((role) => latest(role as Role).length === 1));
    // A last message after the change: once it arrives, the public had time to get one too.
    await call('POST', `/api/incidents/${publicOne.id}/notes`, 'operator', { text: 'done' });
    await waitFor(() => received.get('public')!.some((m) => m.incident.id === publicOne.id && m.incident.notes.length === 0 && m.change === 'note'));
    expect(received.get('public')!.every((m) => m.incident.id === publicOne.id)).toBe(true);
    for (const role of roles) {
      for (const message of received.get(role)!) {
        const stored = message.incident.id === restricted.id ? changed : message.incident.id === publicOne.id ? undefined : undefined;
        if (stored && message.incident.version === changed.version) expectCopy(role, message.incident, changed);
        if (!sees(role, 'JS')) expect(JSON.stringify(message)).not.toContain(waterPipe);
        if (!sees(role, 'PS')) expect(JSON.stringify(message)).not.toContain(drainagePipe);
      }
    }
    await Promise.all(clients.map((client) => client.endAsync()));
  });

  it('MQTT: a role’s copy is made once per message, however many of its viewers subscribe', async () => {
    const clients = await Promise.all(Array.from({ length: 5 }, () => viewer('water')));
    const received = clients.map(() => [] as IncidentChangeMessage[]);
    const before = server.incidents.access.counters.copiesMade;
    for (const [k, client] of clients.entries()) {
      client.on('message', (_topic, payload) => payload.length > 0 && received[k]!.push(JSON.parse(payload.toString()) as IncidentChangeMessage));
      await client.subscribeAsync(INCIDENTS_SUBSCRIPTION, { qos: 1 });
    }
    await waitFor(() => received.every((messages) => messages.length >= 3)); // the open incidents, retained
    const note = (await call('POST', `/api/incidents/${restricted.id}/notes`, 'operator', { text: 'once' })).body as Incident;
    await waitFor(() => received.every((messages) => messages.some((m) => m.incident.version === note.version && m.incident.id === note.id)));
    // 5 viewers × 4 messages would be 20 filterings without the cache; at most one per message here.
    expect(server.incidents.access.counters.copiesMade - before).toBeLessThanOrEqual(4);
    expect(server.incidents.access.counters.copiesMade - before).toBeGreaterThanOrEqual(1);
    await Promise.all(clients.map((client) => client.endAsync()));
  });
});

describe('follow sessions per data role', () => {
  const camera = { lon: 117.16, lat: 39.11, height: 800, heading: 0, pitch: -40 };
  const update = (selection: { tileset: string; id: string } | null, view: FollowMessage['view'] = { camera }) => ({
    view,
    selection,
    layers: {},
    underground: true,
  });

  it('a selected pipe or sensor reaches only the roles that see it, over REST and MQTT', async () => {
    const roles: Role[] = ['public', 'water', 'drainage', 'internal'];
    const received = new Map<Role, FollowMessage[]>();
    const clients = await Promise.all(roles.map((role) => viewer(role)));
    for (const [k, client] of clients.entries()) {
      const messages: FollowMessage[] = [];
      received.set(roles[k]!, messages);
      client.on('message', (_topic, payload) => payload.length > 0 && messages.push(JSON.parse(payload.toString()) as FollowMessage));
      await client.subscribeAsync(followTopic('wall'), { qos: 1 });
    }
    // 1: a water pipe selected. 2: a drainage sensor framed. 3: the public incident selected.
    const led = await call('POST', '/api/follow/wall', 'operator', update({ tileset: 'pipes', id: waterPipe }));
    expect(led.status).toBe(200);
    const leader = (led.body as FollowMessage).leader;
    expect(leader).toEqual(expect.any(String));
    await waitFor(() => roles.every((role) => received.get(role)!.some((m) => m.seq === 1)));
    for (const role of roles) {
      const expected = sees(role, 'JS') ? { tileset: 'pipes', id: waterPipe } : null;
      expect(received.get(role)!.find((m) => m.seq === 1)!.selection).toEqual(expected);
      const read = (await call('GET', '/api/follow/wall', role)).body as FollowMessage;
      expect(read.selection).toEqual(expected);
      // The leader's account name is for signed-in roles, as an incident's createdBy.
      expect(read.leader).toBe(role === 'public' ? null : leader);
    }
    const framed = update(null, { feature: { tileset: 'sensors', id: String(sensors.drainage.id) } });
    expect((await call('POST', '/api/follow/wall', 'operator', framed)).status).toBe(200);
    expect((await call('POST', '/api/follow/wall', 'operator', update({ tileset: 'incidents', id: publicOne.id }))).status).toBe(200);
    await waitFor(() => roles.every((role) => received.get(role)!.some((m) => m.seq === 3)));
    for (const role of roles) {
      const second = received.get(role)!.find((m) => m.seq === 2);
      if (sees(role, 'PS')) expect(second?.view).toEqual(framed.view);
      else expect(second).toBeUndefined();
      expect(received.get(role)!.find((m) => m.seq === 3)!.selection).toEqual({ tileset: 'incidents', id: publicOne.id });
    }
    // A restricted incident selected: not for the public.
    expect((await call('POST', '/api/follow/wall', 'operator', update({ tileset: 'incidents', id: restricted.id }))).status).toBe(200);
    await waitFor(() => roles.every((role) => received.get(role)!.some((m) => m.seq === 4)));
    expect(received.get('public')!.find((m) => m.seq === 4)!.selection).toBeNull();
    expect(received.get('water')!.find((m) => m.seq === 4)!.selection).toEqual({ tileset: 'incidents', id: restricted.id });
    // Over REST, a state framing what the role may not see is a 403.
    expect((await call('POST', '/api/follow/wall', 'operator', framed)).status).toBe(200);
    expect((await call('GET', '/api/follow/wall', 'water')).status).toBe(403);
    expect((await call('GET', '/api/follow/wall', 'drainage')).status).toBe(200);
    for (const role of roles)
      for (const message of received.get(role)!) expect(message.leader, `${role} seq ${message.seq}`).toBe(role === 'public' ? null : leader);
    await Promise.all(clients.map((client) => client.endAsync()));
  });

  it('the list of sessions is for signed-in roles, with the leader; the public is asked to sign in', async () => {
    expect((await call('POST', '/api/follow/room-2', 'operator', update(null))).status).toBe(200);
    for (const role of ROLES) {
      const answer = await call('GET', '/api/follow', role);
      if (role === 'public') {
        expect(answer.status).toBe(401);
        expect(JSON.stringify(answer.body)).not.toContain('room-2');
        continue;
      }
      expect(answer.status, role).toBe(200);
      const listed = answer.body as FollowSessionSummary[];
      // Every session is listed: each role may follow each, and is sent what it may see of it.
      expect(listed.map((s) => s.session).sort()).toEqual(['room-2', 'wall']);
      expect(listed.every((s) => typeof s.leader === 'string' && s.leader.length > 0)).toBe(true);
    }
  });

  it('a signed-in read of a session’s state is audited (it names the selection); the public’s is not', async () => {
    await call('GET', '/api/follow/room-2', 'gas');
    await call('GET', '/api/follow/room-2', 'public');
    const entries = (await call('GET', '/api/audit?limit=1000', 'admin')).body as AuditEntry[];
    const reads = entries.filter((e) => e.action === 'data.read' && e.target === 'follow:room-2');
    expect(reads.map((e) => e.role)).toEqual(['gas']);
  });
});

describe('timeline marks, live statistics and sensor sites per data role', () => {
  it.each(ROLES)('%s: the timeline marks the incidents it reads, headlines as in its copy', async (role) => {
    const from = new Date(startedAt - 60_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const timeline = (await call('GET', `/api/history/timeline?from=${from}&to=${to}`, role)).body as HistoryTimeline;
    const ids = new Set(timeline.incidents.map((m) => m.id));
    expect([...ids].sort()).toEqual((role === 'public' ? [publicOne.id] : [restricted.id, publicOne.id, fromAlarm.id]).sort());
    for (const mark of timeline.incidents.filter((m) => m.id === restricted.id))
      expect(mark.headline).toBe(sees(role, 'JS') ? `爆管：${waterPipe}` : `爆管：${WITHHELD_TEXT}`);
  });

  it('/api/live/stats is the operations desk’s: operator and admin read it, other roles 403, no token 401', async () => {
    for (const role of ROLES) {
      const answer = await call('GET', '/api/live/stats', role);
      expect(answer.status, role).toBe(role === 'operator' || role === 'admin' ? 200 : role === 'public' ? 401 : 403);
      if (answer.status === 200) expect(answer.body).toHaveProperty('accepted');
    }
  });

  it.each(ROLES)('%s: the sensor sites hold the sites on no pipe and on the categories it sees', async (role) => {
    const answer = await call('GET', '/data/nankai-sensor-sites.geojson', role);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toContain('private');
    expect(answer.headers.get('vary')).toContain('Authorization');
    const body = (typeof answer.body === 'string' ? JSON.parse(answer.body) : answer.body) as {
      features: { properties: { id: string; category?: string } }[];
    };
    const all = server.live!.catalog;
    const expected = all.filter((e) => sees(role, e.category)).map((e) => e.thingId);
    expect(body.features.map((f) => f.properties.id).sort()).toEqual(expected.sort());
  });
});
