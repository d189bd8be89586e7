import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALARM_ACKS_TOPIC, type AlarmAcknowledgement, type AlarmsDocument, parseAlarmAcknowledgement } from '../workers/formats/alarms.js';
import { observationsTopic } from '../workers/live/sensorTypes.js';
import { writeAccountsFile } from './support/accountsFile.js';
import { startDemoServer } from './support/demoServer.js';
import { apiCall } from './support/apiCall.js';

/**
 * Sensor alarms and their acknowledgements against the running demo server (embedded broker,
 * DuckDB store): readings published over MQTT raise an alarm; who may acknowledge it (401, 403,
 * 400 naming the field, 404, 409); an operator's acknowledgement is stored, audited and pushed
 * on cimtwin/v1/alarms/acks (which clients read but cannot write); the alarm list at T shows it
 * only from the acknowledgement on; a cleared and raised-again alarm is a new, unacknowledged one.
 */
let server: Awaited<ReturnType<typeof startDemoServer>>;
const accountsDir = mkdtempSync(join(tmpdir(), 'cimtwin-alarms-accounts-'));
const publisher = { username: 'test-publisher', password: 'a-long-test-secret' };
const passwords = { 'li.na': 'operator-password-1', 'wang.wei': 'operator-password-2', 'zhao.viewer': 'viewer-password-1', 'chief.admin': 'admin-password-1' };
const tokens: Record<string, string> = {};
const S = 1000;
/** Ten minutes ago on a whole second: readings up to 3 minutes after it are all in the past. */
const T0 = Math.floor((Date.now() - 10 * 60_000) / 1000) * 1000;
const iso = (ms: number): string => new Date(ms).toISOString();
/** A pressure sensor (alarm below 0.1, held 20 s): low from 40 s, so in alarm from 60 s. */
let A = 0;

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
  A = server.live!.catalog.find((e) => e.type.id === 'network_pressure')!.id;
}, 300_000);

afterAll(async () => {
  await server?.close();
  rmSync(accountsDir, { recursive: true, force: true });
}, 30_000);

const call = (method: string, path: string, options: Parameters<typeof apiCall>[3] = {}) => apiCall(server.url, method, path, options);

/** Publishes A's readings [seconds after T0, value] as a device and waits until the history has them. */
async function publish(readings: [number, number][]): Promise<void> {
  const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${server.live!.broker.tcpPort()}`, { reconnectPeriod: 0, ...publisher });
  const before = server.live!.broker.counters.accepted;
  for (const [t, result] of readings) await device.publishAsync(observationsTopic(A), JSON.stringify({ phenomenonTime: iso(T0 + t * S), result }), { qos: 1 });
  await device.endAsync();
  for (const started = Date.now(); server.live!.broker.counters.accepted < before + readings.length;) {
    if (Date.now() - started > 10_000) throw new Error('the broker did not accept the readings');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await server.live!.history.flush();
}

async function alarmsAt(at?: number): Promise<AlarmsDocument['alarms']> {
  // Read as the viewer account (internal: every sensor); test/sensorRoles.test.ts tries each role.
  const answer = await call('GET', `/api/alarms${at === undefined ? '' : `?at=${iso(at)}`}`, { token: tokens['zhao.viewer']! });
  expect(answer.status).toBe(200);
  return (answer.body as AlarmsDocument).alarms.filter((a) => a.datastream === A);
}

describe('sensor alarms and acknowledgements', () => {
  let ack: AlarmAcknowledgement;

  it('lists the alarm raised by readings over MQTT, since its first reading in alarm, unacknowledged', async () => {
    await publish([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((t) => [t, t >= 40 ? 0.05 : 0.3]));
    expect(await alarmsAt(T0 + 59 * S)).toEqual([]);
    const expected = [{ datastream: A, state: 'alarm', since: iso(T0 + 60 * S), acknowledged: null }];
    expect(await alarmsAt(T0 + 60 * S)).toEqual(expected);
    expect(await alarmsAt()).toEqual(expected);
    const bad = await call('GET', '/api/alarms?at=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ field: 'at' });
  });

  it('refuses an acknowledgement without an operator, naming a bad field, for an unknown sensor or an alarm not active now', async () => {
    const body = { datastream: A, since: iso(T0 + 60 * S) };
    expect((await call('POST', '/api/alarms/acks', { body })).status).toBe(401);
    expect((await call('POST', '/api/alarms/acks', { body, token: 'a.b.c' })).status).toBe(401);
    const viewer = await call('POST', '/api/alarms/acks', { body, token: tokens['zhao.viewer']! });
    expect(viewer.status).toBe(403);
    expect((viewer.body as { error: string }).error).toMatch(/operator/);
    const token = tokens['li.na']!;
    for (const [wrong, field] of [
      [{ ...body, datastream: 'A' }, 'datastream'],
      [{ ...body, since: 'at noon' }, 'since'],
      [{ ...body, since: '2026-11-30T08:00:00' }, 'since'],
      [{ ...body, note: 'x'.repeat(201) }, 'note'],
      [[body], 'body'],
    ] as const) {
      const refused = await call('POST', '/api/alarms/acks', { body: wrong, token });
      expect(refused.status, JSON.stringify(wrong)).toBe(400);
      expect(refused.body).toMatchObject({ field });
    }
    expect((await call('POST', '/api/alarms/acks', { body: { ...body, datastream: 9_999_999 }, token })).status).toBe(404);
    const notNow = await call('POST', '/api/alarms/acks', { body: { ...body, since: iso(T0 + 50 * S) }, token });
    expect(notNow.status).toBe(409);
    expect((notNow.body as { error: string }).error).toContain(iso(T0 + 60 * S));
    expect((await call('GET', '/api/alarms/acks')).status).toBe(405);
    expect(await alarmsAt()).toEqual([{ datastream: A, state: 'alarm', since: iso(T0 + 60 * S), acknowledged: null }]);
  });

  it('stores an operator’s acknowledgement, audits it and pushes it on the topic clients read but cannot write', async () => {
    // A signed-in screen (the broker withholds acknowledgements of sensors a role may not see; this one sees all).
    const listener = await mqtt.connectAsync(`mqtt://127.0.0.1:${server.live!.broker.tcpPort()}`, {
      reconnectPeriod: 0,
      username: 'bearer',
      password: tokens['zhao.viewer']!,
    });
    const received: unknown[] = [];
    listener.on('message', (_topic, payload) => received.push(JSON.parse(payload.toString())));
    const granted = await listener.subscribeAsync(ALARM_ACKS_TOPIC, { qos: 1 });
    expect(granted[0]!.qos).toBe(1);
    // A client's own publish there is refused (never delivered).
    const intruder = await mqtt.connectAsync(`mqtt://127.0.0.1:${server.live!.broker.tcpPort()}`, { reconnectPeriod: 0 });
    await intruder
      .publishAsync(ALARM_ACKS_TOPIC, JSON.stringify({ datastream: A, since: iso(T0), by: 'mallory', role: 'admin', at: iso(T0) }), { qos: 0 })
      .catch(() => undefined);
    await intruder.endAsync(true);

    const before = Date.now();
    const answer = await call('POST', '/api/alarms/acks', { body: { datastream: A, since: iso(T0 + 60 * S), note: '  已派人检查 ' }, token: tokens['li.na']! });
    expect(answer.status).toBe(201);
    ack = answer.body as AlarmAcknowledgement;
    expect(ack).toMatchObject({ datastream: A, since: iso(T0 + 60 * S), by: 'li.na', role: 'operator', note: '已派人检查' });
    expect(Date.parse(ack.at)).toBeGreaterThanOrEqual(before - 1);

    for (const started = Date.now(); received.length === 0 && Date.now() - started < 5000;) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await listener.endAsync();
    expect(received).toEqual([ack]);
    expect(parseAlarmAcknowledgement(received[0])).toEqual({ value: ack });

    const audit = (await call('GET', '/api/audit', { token: tokens['chief.admin']! })).body as {
      action: string;
      actor: string;
      target: string;
      detail: string;
    }[];
    const entry = audit.find((e) => e.action === 'alarm.acknowledge')!;
    expect(entry).toMatchObject({ actor: 'li.na', target: `datastream:${A}` });
    expect(JSON.parse(entry.detail)).toEqual({ since: iso(T0 + 60 * S), state: 'alarm', note: '已派人检查' });

    // Acknowledged once: the next one gets the first back.
    const again = await call('POST', '/api/alarms/acks', { body: { datastream: A, since: iso(T0 + 60 * S) }, token: tokens['wang.wei']! });
    expect(again.status).toBe(409);
    expect((again.body as { acknowledgement: AlarmAcknowledgement }).acknowledgement).toEqual(ack);
  });

  it('shows the acknowledgement in the alarm list from its time on, not before', async () => {
    const acknowledged = { by: 'li.na', role: 'operator', at: ack.at, note: '已派人检查' };
    expect(await alarmsAt(Date.parse(ack.at) - 1)).toEqual([{ datastream: A, state: 'alarm', since: iso(T0 + 60 * S), acknowledged: null }]);
    expect(await alarmsAt(Date.parse(ack.at))).toEqual([{ datastream: A, state: 'alarm', since: iso(T0 + 60 * S), acknowledged }]);
    expect(await alarmsAt()).toEqual([{ datastream: A, state: 'alarm', since: iso(T0 + 60 * S), acknowledged }]);
  });

  it('makes a cleared and raised-again alarm a new, unacknowledged one', async () => {
    // Back to normal at 110 s, low again from 130 s: in alarm from 150 s.
    await publish([110, 120, 130, 140, 150, 160].map((t) => [t, t >= 130 ? 0.05 : 0.3]));
    expect(await alarmsAt(T0 + 115 * S)).toEqual([]);
    expect(await alarmsAt()).toEqual([{ datastream: A, state: 'alarm', since: iso(T0 + 150 * S), acknowledged: null }]);
    // The first alarm, no longer active, cannot be acknowledged again: its acknowledgement is given back.
    const old = await call('POST', '/api/alarms/acks', { body: { datastream: A, since: iso(T0 + 60 * S) }, token: tokens['wang.wei']! });
    expect(old.status).toBe(409);
    expect((old.body as { acknowledgement: AlarmAcknowledgement }).acknowledgement).toEqual(ack);
    const admin = await call('POST', '/api/alarms/acks', { body: { datastream: A, since: iso(T0 + 150 * S) }, token: tokens['chief.admin']! });
    expect(admin.status).toBe(201);
    expect(await alarmsAt()).toEqual([
      {
        datastream: A,
        state: 'alarm',
        since: iso(T0 + 150 * S),
        acknowledged: { by: 'chief.admin', role: 'admin', at: (admin.body as AlarmAcknowledgement).at },
      },
    ]);
  });
});
