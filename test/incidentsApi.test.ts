import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../server/store/Store.js';
import { INCIDENTS_SUBSCRIPTION, type Incident, type IncidentChangeMessage, type IncidentDraft } from '../workers/formats/incident.js';
import { observationsTopic } from '../workers/live/sensorTypes.js';
import { validateCap } from './support/validateCap.js';
import { writeAccountsFile } from './support/accountsFile.js';
import { startDemoServer } from './support/demoServer.js';
import { apiCall } from './support/apiCall.js';

/**
 * The incidents API against the running demo server (DuckDB store in a temp folder, the
 * embedded broker, real accounts with hashed passwords): lifecycle, who may write, audit,
 * CAP export, MQTT push, alarm → incident, and the sign-in throttle.
 */
let server: Awaited<ReturnType<typeof startDemoServer>>;
const accountsDir = mkdtempSync(join(tmpdir(), 'cimtwin-accounts-'));
const publisher = { username: 'test-publisher', password: 'a-long-test-secret' };
const passwords = { 'li.na': 'operator-password-1', 'zhao.viewer': 'viewer-password-1', 'chief.admin': 'admin-password-1' };
const tokens: Record<string, string> = {};

beforeAll(async () => {
  const accountsFile = await writeAccountsFile(accountsDir, [
    { username: 'li.na', role: 'operator', password: passwords['li.na'] },
    { username: 'zhao.viewer', role: 'viewer', password: passwords['zhao.viewer'] },
    { username: 'chief.admin', role: 'admin', password: passwords['chief.admin'] },
  ]);
  server = await startDemoServer({ live: { simulator: false, publisher }, incidents: { env: { CIM_ACCOUNTS_FILE: accountsFile } } });
  for (const [username, password] of Object.entries(passwords)) tokens[username] = ((await login(username, password)).body as { token: string }).token;
}, 300_000);

afterAll(async () => {
  await server?.close();
  rmSync(accountsDir, { recursive: true, force: true });
}, 30_000);

const call = (method: string, path: string, options: Parameters<typeof apiCall>[3] = {}) => apiCall(server.url, method, path, options);
const login = (username: string, password: string) => call('POST', '/api/auth/login', { body: { username, password } });
const operator = (): string => tokens['li.na']!;
const draft: IncidentDraft = {
  event: '供水管道爆管',
  headline: 'Burst <script>alert("x")</script> & co',
  description: "Pressure fell at 3 sensors; it's <b>bad</b>",
  classification: { category: 'accident', subType: 'public-facility', level: 'II' },
  footprint: { kind: 'point', at: [117.1623, 39.1086] },
  area: {
    areaDesc: '南开区 <west>',
    polygons: [
      [
        [117.15, 39.1],
        [117.17, 39.1],
        [117.17, 39.12],
        [117.15, 39.12],
      ],
    ],
    circles: [],
  },
  assets: [{ kind: 'pipe', id: 'JS-0042' }],
};
const create = async (body: IncidentDraft = draft): Promise<Incident> => {
  const response = await call('POST', '/api/incidents', { token: operator(), body });
  expect(response.status).toBe(201);
  return response.body as Incident;
};
/** Reads as the standalone viewer does: signed in (zhao.viewer reads as `internal`, every incident whole; test/incidentRoles.test.ts has the other roles). */
const reader = (): { token: string } => ({ token: tokens['zhao.viewer']! });
const snapshot = async () => ({
  incidents: (await call('GET', '/api/incidents', reader())).body,
  audit: await server.incidents.store.listAudit({ limit: 1000 }),
});

describe('incidents API', () => {
  it('opens an incident for an operator: 201 with the record in state reported, readable by a signed-in viewer', async () => {
    const incident = await create();
    expect(incident).toMatchObject({ state: 'reported', version: 1, createdBy: 'li.na', headline: draft.headline, overdue: false });
    expect(incident.history).toEqual([{ at: incident.sent, by: 'li.na', from: null, to: 'reported' }]);
    expect((await call('GET', `/api/incidents/${incident.id}`, reader())).body).toEqual(incident);
    const list = (await call('GET', '/api/incidents', reader())).body as Incident[];
    expect(Array.isArray(list) && list.some((i) => i.id === incident.id)).toBe(true);
    expect((await call('GET', '/api/incidents/INC-NOPE', reader())).status).toBe(404);
  });

  it('refuses anonymous (401), bad tokens (401) and viewer (403) writes, and nothing changes', async () => {
    const target = await create();
    const before = await snapshot();
    const writes: [string, unknown][] = [
      ['/api/incidents', draft],
      [`/api/incidents/${target.id}/transitions`, { to: 'verified' }],
      [`/api/incidents/${target.id}/notes`, { text: 'hello' }],
      [`/api/incidents/${target.id}/dispatches`, { unitId: 'F1', unitKind: 'fire' }],
      ['/api/incidents/from-alarm', { datastream: 1 }],
    ];
    for (const [path, body] of writes) {
      const anonymous = await call('POST', path, { body });
      expect(anonymous.status, path).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect((await call('POST', path, { body, token: 'not.a.token' })).status, path).toBe(401);
      const forged = operator().slice(0, -4) + (operator().endsWith('AAAA') ? 'BBBB' : 'AAAA');
      expect((await call('POST', path, { body, token: forged })).status, path).toBe(401);
      const viewer = await call('POST', path, { body, token: tokens['zhao.viewer']! });
      expect(viewer.status, path).toBe(403);
      expect((viewer.body as { error: string }).error).toMatch(/operator/);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('validates the body: 400 naming the field, 415 for non-JSON, nothing stored', async () => {
    const before = await snapshot();
    const cases: [unknown, string][] = [
      [{ ...draft, headline: '' }, 'headline'],
      [{ ...draft, classification: { ...draft.classification, level: 'V' } }, 'classification.level'],
      [{ ...draft, footprint: { kind: 'point', at: [117.1, 95] } }, 'footprint.at[1]'],
      ['{"event": ', 'body'],
    ];
    for (const [body, field] of cases) {
      const response = await call('POST', '/api/incidents', { token: operator(), body });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ field });
    }
    expect((await call('POST', '/api/incidents', { token: operator(), body: 'event=x', contentType: 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses an illegal transition with 409 and changes nothing; legal steps record who and when', async () => {
    const incident = await create();
    const before = await snapshot();
    const illegal = await call('POST', `/api/incidents/${incident.id}/transitions`, { token: operator(), body: { to: 'closed' } });
    expect(illegal.status).toBe(409);
    expect((illegal.body as { error: string }).error).toMatch(/reported to closed/);
    expect(await snapshot()).toEqual(before);

    let current = incident;
    for (const to of ['verified', 'responding', 'contained', 'closed'] as const) {
      const step = await call('POST', `/api/incidents/${incident.id}/transitions`, { token: operator(), body: { to, note: `now ${to}` } });
      expect(step.status).toBe(200);
      current = step.body as Incident;
      expect(current.state).toBe(to);
    }
    expect(current.version).toBe(5);
    expect(current.history.map((s) => [s.from, s.to, s.by])).toEqual([
      [null, 'reported', 'li.na'],
      ['reported', 'verified', 'li.na'],
      ['verified', 'responding', 'li.na'],
      ['responding', 'contained', 'li.na'],
      ['contained', 'closed', 'li.na'],
    ]);
    expect((await call('POST', `/api/incidents/${incident.id}/transitions`, { token: operator(), body: { to: 'cancelled' } })).status).toBe(409);
    expect((await call('POST', '/api/incidents/INC-NOPE/transitions', { token: operator(), body: { to: 'verified' } })).status).toBe(404);
  });

  it('keeps notes as text (markup included) and dispatches units through their states', async () => {
    const incident = await create();
    const markup = '<img src=x onerror=alert(1)> & "quotes"';
    const noted = await call('POST', `/api/incidents/${incident.id}/notes`, { token: operator(), body: { text: markup } });
    expect(noted.status).toBe(201);
    expect((noted.body as Incident).notes).toEqual([{ id: 'N1', at: expect.any(String), by: 'li.na', text: markup }]);

    const sent = await call('POST', `/api/incidents/${incident.id}/dispatches`, {
      token: operator(),
      body: { unitId: 'POI-FIRE-2', unitKind: 'fire', unitName: '消防二站', etaSeconds: 290 },
    });
    expect(sent.status).toBe(201);
    const dispatch = (sent.body as Incident).dispatches[0]!;
    expect(dispatch).toMatchObject({ id: 'D1', state: 'assigned', unitId: 'POI-FIRE-2', etaSeconds: 290 });
    const skip = await call('POST', `/api/incidents/${incident.id}/dispatches/D1/transitions`, { token: operator(), body: { to: 'on-scene' } });
    expect(skip.status).toBe(409);
    for (const to of ['en-route', 'on-scene', 'released'])
      expect((await call('POST', `/api/incidents/${incident.id}/dispatches/D1/transitions`, { token: operator(), body: { to } })).status).toBe(200);
    const final = (await call('GET', `/api/incidents/${incident.id}`, reader())).body as Incident;
    expect(final.dispatches[0]!.history.map((s) => s.to)).toEqual(['assigned', 'en-route', 'on-scene', 'released']);
    expect((await call('POST', `/api/incidents/${incident.id}/dispatches/D7/transitions`, { token: operator(), body: { to: 'released' } })).status).toBe(404);
  });

  it('exports CAP 1.2 XML valid against the OASIS schema, markup escaped', async () => {
    const incident = await create({ ...draft, exercise: true });
    await call('POST', `/api/incidents/${incident.id}/transitions`, { token: operator(), body: { to: 'cancelled' } });
    const cap = await call('GET', `/api/incidents/${incident.id}/cap`, reader());
    expect(cap.status).toBe(200);
    expect(cap.headers.get('content-type')).toMatch(/^application\/cap\+xml/);
    const xml = cap.body as string;
    expect(validateCap(xml)).toEqual({ valid: true, errors: '' });
    expect(xml).toContain('<headline>Burst &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co</headline>');
    expect(xml).not.toContain('<script>');
    expect(xml).toMatch(/<status>Exercise<\/status>[\s\S]*<msgType>Cancel<\/msgType>/);
    expect(xml).toContain('<polygon>39.1,117.15 39.1,117.17 39.12,117.17 39.12,117.15 39.1,117.15</polygon>');
  });

  it('writes every change to the audit log (who, what, when, target), readable by admins only', async () => {
    const incident = await create();
    await call('POST', `/api/incidents/${incident.id}/transitions`, { token: operator(), body: { to: 'verified' } });
    await call('POST', `/api/incidents/${incident.id}/notes`, { token: operator(), body: { text: 'checked' } });
    expect((await call('GET', '/api/audit')).status).toBe(401);
    expect((await call('GET', '/api/audit', { token: operator() })).status).toBe(403);
    const audit = await call('GET', '/api/audit?limit=3', { token: tokens['chief.admin']! });
    expect(audit.status).toBe(200);
    const entries = audit.body as AuditEntry[];
    expect(entries.map((e) => [e.action, e.actor, e.target])).toEqual([
      ['incident.note', 'li.na', `incident:${incident.id}`],
      ['incident.transition', 'li.na', `incident:${incident.id}`],
      ['incident.create', 'li.na', `incident:${incident.id}`],
    ]);
    expect(JSON.parse(entries[1]!.detail)).toEqual({ from: 'reported', to: 'verified' });
    expect(Date.now() - Date.parse(entries[0]!.at)).toBeLessThan(60_000);
    expect(entries[0]!.source).toMatch(/127\.0\.0\.1/);
    // Sign-ins are there too.
    const all = await server.incidents.store.listAudit({ limit: 1000 });
    expect(all.some((e) => e.action === 'login' && e.actor === 'chief.admin')).toBe(true);
  });

  it('pushes every change over MQTT; a viewer connecting later receives the open incidents, not the closed ones', async () => {
    const tcp = `mqtt://127.0.0.1:${server.live!.broker.tcpPort()}`;
    const ws = `${server.url.replace('http', 'ws')}/mqtt`;
    const viewer = await mqtt.connectAsync(ws, { reconnectPeriod: 0, username: 'bearer', password: reader().token });
    const received: IncidentChangeMessage[] = [];
    viewer.on('message', (_topic, payload) => {
      if (payload.length > 0) received.push(JSON.parse(payload.toString()) as IncidentChangeMessage);
    });
    await viewer.subscribeAsync(INCIDENTS_SUBSCRIPTION, { qos: 1 });
    received.length = 0; // retained records of earlier tests' open incidents
    const incident = await create();
    await call('POST', `/api/incidents/${incident.id}/transitions`, { token: operator(), body: { to: 'verified' } });
    const closedOne = await create();
    await call('POST', `/api/incidents/${closedOne.id}/transitions`, { token: operator(), body: { to: 'cancelled' } });
    await waitFor(() => received.filter((m) => m.incident.id === closedOne.id).length >= 2);
    expect(received.filter((m) => m.incident.id === incident.id).map((m) => [m.change, m.incident.state, m.incident.version, m.by])).toEqual([
      ['created', 'reported', 1, 'li.na'],
      ['transition', 'verified', 2, 'li.na'],
    ]);
    await viewer.endAsync();

    // Reconnecting: the retained records are the open incidents, the latest version of each.
    const later = await mqtt.connectAsync(tcp, { reconnectPeriod: 0, username: 'bearer', password: reader().token });
    const retained = new Map<string, IncidentChangeMessage>();
    later.on('message', (_topic, payload) => {
      if (payload.length > 0) {
        const message = JSON.parse(payload.toString()) as IncidentChangeMessage;
        retained.set(message.incident.id, message);
      }
    });
    await later.subscribeAsync(INCIDENTS_SUBSCRIPTION, { qos: 1 });
    await waitFor(() => retained.has(incident.id));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(retained.get(incident.id)!.incident.version).toBe(2);
    expect(retained.has(closedOne.id)).toBe(false);
    const open = ((await call('GET', '/api/incidents', reader())).body as Incident[]).filter((i) => !['closed', 'cancelled'].includes(i.state));
    expect([...retained.keys()].sort()).toEqual(open.map((i) => i.id).sort());
    await later.endAsync();
  });

  it('opens an incident from a sensor alarm: type, place, sensor and time from the alarm', async () => {
    const sensor = server.live!.catalog.find((e) => e.type.id === 'gas_in_well')!;
    const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${server.live!.broker.tcpPort()}`, { ...publisher, reconnectPeriod: 0 });
    const time = new Date(Date.now() - 1000);
    await device.publishAsync(observationsTopic(sensor.id), JSON.stringify({ phenomenonTime: time.toISOString(), result: 42.5 }), { qos: 1 });
    await device.endAsync();
    await waitFor(() => server.live!.store.latest.value[sensor.id] === 42.5);

    const preview = await call('GET', `/api/incidents/from-alarm?datastream=${sensor.id}`, { token: operator() });
    expect(preview.status).toBe(200);
    const opened = await call('POST', '/api/incidents/from-alarm', { token: operator(), body: { datastream: sensor.id } });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({
      event: '燃气泄漏',
      state: 'reported',
      footprint: { kind: 'point', at: [sensor.lon, sensor.lat] },
      source: { kind: 'alarm', datastreamId: sensor.id, sensorType: 'gas_in_well', sensorName: sensor.name, phenomenonTime: time.toISOString(), value: 42.5 },
      assets: [{ kind: 'sensor', id: String(sensor.id) }],
    });
    expect((await call('POST', '/api/incidents/from-alarm', { token: operator(), body: { datastream: 999_999 } })).status).toBe(404);
    expect((await call('POST', '/api/incidents/from-alarm', { token: operator(), body: { datastream: 'x' } })).status).toBe(400);
  });

  it("takes a rule's proposal once per situation: the same rule and key return the open incident", async () => {
    const proposal = {
      ...draft,
      event: '疑似爆管',
      headline: 'Suspected burst on JS-0042',
      source: { kind: 'rule' as const, ruleId: 'pressure-drop', datastreamIds: [3, 4, 5], at: new Date().toISOString() },
      dedupeKey: 'burst:JS-0042',
    };
    const first = await server.incidents.service.propose(proposal);
    expect(first.created).toBe(true);
    expect(first.incident).toMatchObject({ state: 'reported', createdBy: 'rule:pressure-drop', certainty: 'Likely', dedupeKey: 'burst:JS-0042' });
    const again = await server.incidents.service.propose({ ...proposal, headline: 'again' });
    expect(again).toMatchObject({ created: false, incident: { id: first.incident.id, headline: proposal.headline } });
    const other = await server.incidents.service.propose({ ...proposal, dedupeKey: 'burst:JS-0043' });
    expect(other.created).toBe(true);
    // Once the first is closed or cancelled, the same situation opens a new incident.
    await call('POST', `/api/incidents/${first.incident.id}/transitions`, { token: operator(), body: { to: 'cancelled' } });
    const reopened = await server.incidents.service.propose(proposal);
    expect(reopened.created).toBe(true);
    expect(reopened.incident.id).not.toBe(first.incident.id);
    const audit = await server.incidents.store.listAudit({ limit: 1000 });
    expect(audit.some((e) => e.action === 'incident.propose' && e.actor === 'rule:pressure-drop' && e.target === `incident:${first.incident.id}`)).toBe(true);
  });

  it('measures request latency: writes and reads', async () => {
    const incident = await create();
    const time = async (work: () => Promise<unknown>, n: number): Promise<{ p50: number; p95: number }> => {
      const samples: number[] = [];
      for (let i = 0; i < n; i++) {
        const started = performance.now();
        await work();
        samples.push(performance.now() - started);
      }
      samples.sort((a, b) => a - b);
      return { p50: samples[Math.floor(n * 0.5)]!, p95: samples[Math.floor(n * 0.95)]! };
    };
    const write = await time(() => call('POST', `/api/incidents/${incident.id}/notes`, { token: operator(), body: { text: 'latency probe' } }), 100);
    const read = await time(() => call('GET', `/api/incidents/${incident.id}`, reader()), 100);
    const list = await time(() => call('GET', '/api/incidents', reader()), 20);
    console.log(
      `incidents API on DuckDB (ms): write (note) p50 ${write.p50.toFixed(1)} p95 ${write.p95.toFixed(1)}; ` +
        `read one p50 ${read.p50.toFixed(1)} p95 ${read.p95.toFixed(1)}; list p50 ${list.p50.toFixed(1)} p95 ${list.p95.toFixed(1)}`,
    );
    // Generous bounds for a shared 2-core machine: an operator's click must not wait.
    expect(write.p95).toBeLessThan(250);
    expect(read.p95).toBeLessThan(250);
  });

  it('throttles failed sign-ins per source: 401 each, then 429 unchecked, and other endpoints keep working', async () => {
    const bad = await login('li.na', 'wrong-password');
    expect(bad.status).toBe(401);
    expect((await login('nobody', 'whatever')).status).toBe(401);
    for (let i = 0; i < 8; i++) await login('li.na', `wrong-${i}`);
    const locked = await login('li.na', passwords['li.na']);
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('60');
    // Tokens given before still work: the throttle guards guessing, not the session.
    expect((await call('POST', '/api/incidents', { token: operator(), body: draft })).status).toBe(201);
    const failures = (await server.incidents.store.listAudit({ limit: 1000 })).filter((e) => e.action === 'login.failed');
    expect(failures.length).toBeGreaterThanOrEqual(10);
  });
});

async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
