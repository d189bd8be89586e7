import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTestToken, unsignedToken } from '../harness/roleTokens.js';
import { type PostgresServer, postgresForTests, startPostgresServer } from '../harness/postgresServer.js';
import type { StoreLocation } from '../server/store/openStore.js';
import { ALARM_ACKS_TOPIC, type AlarmsDocument } from '../workers/formats/alarms.js';
import { ROLES, type Role } from '../workers/formats/dataAccess.js';
import type { HistoryTimeline } from '../workers/formats/history.js';
import type { LiveStateDocument } from '../workers/formats/liveState.js';
import { decodeObservationBatch, OPEN_FEED, observationFeedTopic } from '../workers/live/ObservationBatch.js';
import { observationsTopic } from '../workers/live/sensorTypes.js';
import { startDemoServer } from './support/demoServer.js';
import { sees } from './support/expectedRoleAccess.js';

/**
 * Data roles on the live data, against the running demo server (embedded broker, DuckDB, and a
 * real PostgreSQL): each role's answers from the SensorThings API, the live state, the history
 * API (state at T, changes, timeline) and the alarm list, and its MQTT subscriptions to every
 * feed — a forbidden sensor is a 403 or left out, a forbidden topic refused in the SUBACK with
 * nothing delivered; bad tokens refused (HTTP 401, CONNACK 4); a token's connection closed at
 * its expiry; reads of pipe sensors in the audit log.
 */

const ALL_FEEDS = [OPEN_FEED, 'JS', 'PS', 'RQ', 'RL', 'DL', 'TX', 'GY', 'ZH', 'QT'];

const publisher = { username: 'test-publisher', password: 'a-long-test-secret' };
const S = 1000;
/** Twenty minutes ago on a whole minute: in the raw retention, behind the broker's future limit. */
const T0 = Math.floor((Date.now() - 20 * 60_000) / 60_000) * 60_000;
const iso = (ms: number): string => new Date(ms).toISOString();

let server: Awaited<ReturnType<typeof startDemoServer>>;
/** One sensor per category the demo has sensors in (null: on no pipe asset), each driven into alarm. */
let chosen: { id: number; category: string | null }[] = [];
const tokens = new Map<Role, string>();

const wsUrl = (): string => `${server.url.replace('http', 'ws')}/mqtt`;
const tcpUrl = (): string => `mqtt://127.0.0.1:${server.live!.broker.tcpPort()}`;
async function get(path: string, role: Role | { token: string }): Promise<Response> {
  const token = typeof role === 'string' ? tokens.get(role) : role.token;
  return fetch(`${server.url}${path}`, token ? { headers: { Authorization: `Bearer ${token}` } } : {});
}
const json = async <T>(response: Response): Promise<T> => (await response.json()) as T;
const waitFor = async (check: () => boolean, timeoutMs = 5000): Promise<void> => {
  for (const started = Date.now(); !check(); await new Promise((resolve) => setTimeout(resolve, 20)))
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
};
function viewer(role: Role | { token: string }, options: mqtt.IClientOptions = {}): Promise<MqttClient> {
  const token = typeof role === 'string' ? tokens.get(role) : role.token;
  return mqtt.connectAsync(wsUrl(), { reconnectPeriod: 0, ...(token ? { username: 'bearer', password: token } : {}), ...options });
}

let postgres: PostgresServer | undefined;
const engines: { name: string; location: () => StoreLocation | undefined }[] = [
  { name: 'DuckDB (embedded)', location: () => undefined },
  ...(postgresForTests('sensorRoles.test: no PostgreSQL binaries (initdb): the PostgreSQL engine is skipped; apt-get install postgresql')
    ? [{ name: 'PostgreSQL', location: (): StoreLocation => ({ engine: 'postgres', url: postgres!.url }) }]
    : []),
];

describe.each(engines)('data roles on the live data, on $name', (engine) => {
  beforeAll(async () => {
    if (engine.name === 'PostgreSQL') postgres = await startPostgresServer();
    const storeLocation = engine.location();
    server = await startDemoServer({ live: { simulator: false, publisher }, ...(storeLocation ? { incidents: { storeLocation } } : {}) });
    for (const role of ROLES) if (role !== 'public') tokens.set(role, await server.token(role));
    const catalog = server.live!.catalog;
    const categories = [...new Set(catalog.map((e) => e.category))];
    // The seeds put sensors on drainage wells and inlets (PS), water nodes and hydrants (JS), power wells (DL) and on no pipe at all.
    expect(categories.sort()).toEqual(['DL', 'JS', 'PS', null].sort());
    chosen = categories.map((category) => {
      // The quickest to alarm of the category's sensors: in alarm well before the times asked about.
      const entry = catalog
        .filter((e) => e.category === category)
        .reduce((best, e) => (e.type.thresholds.minDurationSeconds < best.type.thresholds.minDurationSeconds ? e : best));
      return { id: entry.id, category };
    });
    // Each chosen sensor: a normal reading, then past its alarm limit for longer than it must hold.
    const device = await mqtt.connectAsync(tcpUrl(), { reconnectPeriod: 0, ...publisher });
    const before = server.live!.broker.counters.accepted;
    for (const { id } of chosen) {
      const { thresholds } = catalog[id - 1]!.type;
      const bad = thresholds.direction === 'above' ? thresholds.alarm * 2 : thresholds.alarm / 2;
      for (const [t, result] of [
        [0, thresholds.direction === 'above' ? 0 : thresholds.warning * 2],
        [10 * S, bad],
        [(thresholds.minDurationSeconds + 20) * S, bad],
      ] as const)
        await device.publishAsync(observationsTopic(id), JSON.stringify({ phenomenonTime: iso(T0 + t), result }), { qos: 1 });
    }
    await device.endAsync();
    await waitFor(() => server.live!.broker.counters.accepted === before + chosen.length * 3, 10_000);
    await server.live!.history.flush();
  }, 300_000);

  afterAll(async () => {
    await server?.close();
    await postgres?.stop();
    postgres = undefined;
  }, 60_000);

  it.each(ROLES)('%s: SensorThings lists and ids, the live state and its feeds hold only what the role may see', async (role) => {
    const catalog = server.live!.catalog;
    const visible = catalog.filter((e) => sees(role, e.category)).map((e) => e.id);
    expect(visible.length).toBeGreaterThan(0); // every role sees the open sensors (air, river)
    const datastreams = await json<{ '@iot.count': number; value: { '@iot.id': number }[] }>(await get('/v1.1/Datastreams?$top=10000', role));
    expect(datastreams['@iot.count']).toBe(visible.length);
    expect(datastreams.value.map((d) => d['@iot.id'])).toEqual(visible);
    const things = await json<{ '@iot.count': number }>(await get('/v1.1/Things?$top=1', role));
    expect(things['@iot.count']).toBe(visible.length);
    const state = await json<LiveStateDocument>(await get('/api/live/state', role));
    expect(state.ids).toEqual(visible);
    expect(state.count).toBe(visible.length);
    expect([state.names.length, state.lon.length, state.result.length]).toEqual([visible.length, visible.length, visible.length]);
    const feeds = ['DL', 'JS', 'PS', OPEN_FEED].filter((feed) => sees(role, feed === OPEN_FEED ? null : feed));
    expect([...state.feeds!].sort()).toEqual(feeds.map(observationFeedTopic).sort());

    for (const { id, category } of chosen) {
      const thingId = catalog[id - 1]!.thingId;
      const answers = await Promise.all([
        get(`/v1.1/Datastreams(${id})`, role),
        get(`/v1.1/Datastreams(${id})/Observations?$top=10`, role),
        get(`/v1.1/Things('${thingId}')`, role),
      ]);
      for (const answer of answers) {
        const body = await json<Record<string, unknown>>(answer);
        if (sees(role, category)) expect(answer.status).toBe(200);
        else {
          expect(answer.status).toBe(403);
          expect(Object.keys(body)).toEqual(['error']); // a reason, no values, no position
          expect(body['error']).toContain(`${category} pipe network`);
        }
      }
    }
  });

  it.each(ROLES)('%s: the history (state at T, changes, timeline) and the alarm list (now and at T) hold only its sensors', async (role) => {
    const at = T0 + 5 * 60_000;
    const state = decodeObservationBatch(new Uint8Array(await (await get(`/api/history/state?at=${iso(at)}`, role)).arrayBuffer()));
    const changes = decodeObservationBatch(new Uint8Array(await (await get(`/api/history/changes?from=${iso(T0 - 1)}&to=${iso(at)}`, role)).arrayBuffer()));
    const timeline = await json<HistoryTimeline>(await get(`/api/history/timeline?from=${iso(T0)}&to=${iso(at)}&buckets=1`, role));
    const alarmsNow = await json<AlarmsDocument>(await get('/api/alarms', role));
    const alarmsAt = await json<AlarmsDocument>(await get(`/api/alarms?at=${encodeURIComponent(iso(at))}`, role));
    const expected = chosen
      .filter((c) => sees(role, c.category))
      .map((c) => c.id)
      .sort((a, b) => a - b);
    const ours = (ids: Iterable<number>): number[] => [...new Set([...ids].filter((id) => chosen.some((c) => c.id === id)))].sort((a, b) => a - b);
    expect(ours(state.datastream)).toEqual(expected);
    expect(state.state).toBeDefined(); // the columnar document keeps its encoding (the state column)
    expect(ours(changes.datastream)).toEqual(expected);
    expect(changes.count).toBe(expected.length * 3);
    // Every chosen sensor entered its alarm once in the window: the timeline counts the role's.
    expect(timeline.alarms).toEqual([expected.length]);
    expect(ours(alarmsNow.alarms.map((a) => a.datastream))).toEqual(expected);
    expect(ours(alarmsAt.alarms.map((a) => a.datastream))).toEqual(expected);
    // Nothing else of a forbidden category slips in either.
    const catalog = server.live!.catalog;
    for (const id of [...state.datastream, ...changes.datastream, ...alarmsNow.alarms.map((a) => a.datastream)])
      expect(sees(role, catalog[id - 1]?.category ?? null)).toBe(true);
  });

  it('forged, expired and alg:none tokens get a 401 from every data route (never a quieter public answer)', async () => {
    const bad = {
      forged: await signTestToken('admin', { secret: 'another-secret-of-at-least-thirty-two-characters' }),
      expired: await signTestToken('admin', { expiresInSeconds: -60 }),
      none: unsignedToken('admin'),
      garbage: 'not-a-token',
    };
    const id = chosen.find((c) => c.category === 'PS')!.id;
    for (const [kind, token] of Object.entries(bad))
      for (const path of [
        '/v1.1/Datastreams',
        `/v1.1/Datastreams(${id})`,
        `/v1.1/Datastreams(${id})/Observations`,
        '/api/live/state',
        `/api/history/state?at=${iso(T0)}`,
        `/api/history/timeline?from=${iso(T0)}&to=${iso(T0 + 60_000)}`,
        '/api/alarms',
      ]) {
        const answer = await get(path, { token });
        expect(answer.status, `${kind} token on ${path}`).toBe(401);
        expect(answer.headers.get('www-authenticate')).toMatch(/invalid_token/);
      }
  });

  it("records reads of a pipe sensor's series and of a replay's pipe sensors in the audit log, once per user and target in 10 minutes", async () => {
    // The tests above read every chosen sensor's series and the history as every role, some several times.
    const ps = chosen.find((c) => c.category === 'PS')!.id;
    const open = chosen.find((c) => c.category === null)!.id;
    for (let i = 0; i < 3; i++) expect((await get(`/v1.1/Datastreams(${ps})/Observations?$top=5`, 'drainage')).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await get(`/api/history/state?at=${iso(T0 + 5 * 60_000 + i)}`, 'internal')).status).toBe(200);
    const entries = (await server.incidents.store.listAudit({ limit: 1000 })).filter((e) => e.action === 'data.read');
    const of = (actor: string, target: string) => entries.filter((e) => e.actor === actor && e.target === target);
    // Once per user and target however often it was read.
    expect(of('drainage', `datastream:${ps}`)).toHaveLength(1);
    expect(of('internal', 'history:replay')).toHaveLength(1);
    expect(JSON.parse(of('drainage', `datastream:${ps}`)[0]!.detail)).toMatchObject({ category: 'PS' });
    expect(JSON.parse(of('internal', 'history:replay')[0]!.detail)).toMatchObject({ categories: ['DL', 'JS', 'PS'] });
    expect(of('drainage', `datastream:${ps}`)[0]).toMatchObject({ role: 'drainage', source: expect.stringContaining('127.0.0.1') as unknown });
    // Each role that may read it, once; a refused read (403) and open sensors are not logged, nor the public's reads.
    const readers = ROLES.filter((role) => sees(role, 'PS') && role !== 'public');
    expect(
      entries
        .filter((e) => e.target === `datastream:${ps}`)
        .map((e) => e.actor)
        .sort(),
    ).toEqual([...readers].sort());
    expect(entries.filter((e) => e.target === `datastream:${open}`)).toEqual([]);
    expect(entries.filter((e) => e.actor === 'anonymous')).toEqual([]);
    // A replay is logged for the roles whose replay held pipe sensors (drainage's, water's…; not telecom's: it has none).
    expect(of('telecom', 'history:replay')).toEqual([]);
    expect(of('water', 'history:replay')).toHaveLength(1);
    expect(JSON.parse(of('water', 'history:replay')[0]!.detail)).toMatchObject({ categories: ['JS'] });
  });

  it.each(ROLES)('%s over MQTT: each feed topic granted or refused in the SUBACK (0x80); only granted categories deliver', async (role) => {
    const client = await viewer(role);
    const refusedBefore = server.live!.broker.counters.subscriptionsRefused;
    const topics = ALL_FEEDS.map(observationFeedTopic);
    // mqtt.js rejects a whole SUBSCRIBE when any of its topics is refused: one topic per request.
    const answers = new Map<string, number>();
    for (const topic of topics) {
      const answer = await client.subscribeAsync(topic, { qos: 1 }).then(
        (g) => g[0]!.qos,
        (error: { packet?: { granted?: number[] } }) => error.packet?.granted?.[0] ?? -1,
      );
      answers.set(topic, answer);
    }
    for (const feed of ALL_FEEDS)
      expect(answers.get(observationFeedTopic(feed)), `${role} ${feed}`).toBe(sees(role, feed === OPEN_FEED ? null : feed) ? 1 : 0x80);
    const refusals = ALL_FEEDS.filter((feed) => !sees(role, feed === OPEN_FEED ? null : feed)).length;
    expect(server.live!.broker.counters.subscriptionsRefused - refusedBefore).toBe(refusals);

    const received = new Map<string, number[]>();
    client.on('message', (topic, payload) => {
      const batch = decodeObservationBatch(payload);
      received.set(topic, [...(received.get(topic) ?? []), ...batch.datastream]);
    });
    const device = await mqtt.connectAsync(tcpUrl(), { reconnectPeriod: 0, ...publisher });
    const now = new Date().toISOString();
    for (const { id } of chosen) await device.publishAsync(observationsTopic(id), JSON.stringify({ phenomenonTime: now, result: 0.5 }), { qos: 1 });
    await device.endAsync();
    const allowed = chosen.filter((c) => sees(role, c.category));
    await waitFor(() => allowed.every((c) => received.get(observationFeedTopic(c.category ?? OPEN_FEED))?.includes(c.id)));
    await new Promise((resolve) => setTimeout(resolve, 300)); // a forbidden batch would have come by now
    const catalog = server.live!.catalog;
    for (const [topic, ids] of received) {
      expect(sees(role, topic.endsWith(`/${OPEN_FEED}`) ? null : topic.split('/').pop()!)).toBe(true);
      for (const id of ids) expect(sees(role, catalog[id - 1]?.category ?? null)).toBe(true);
    }
    await client.endAsync();
  });

  it('wildcards and per-datastream topics that would cover a forbidden category are refused; a role that sees all may use them', async () => {
    const ps = chosen.find((c) => c.category === 'PS')!.id;
    const js = chosen.find((c) => c.category === 'JS')!.id;
    const subscribe = async (client: MqttClient, topic: string): Promise<number> =>
      client.subscribeAsync(topic, { qos: 1 }).then(
        (g) => g[0]!.qos,
        (error: { packet?: { granted?: number[] } }) => error.packet?.granted?.[0] ?? -1,
      );
    const water = await viewer('water');
    const anonymous = await viewer('public');
    const internal = await viewer('internal');
    try {
      for (const topic of [observationFeedTopic('+'), 'v1.1/+/Observations', observationsTopic(ps)]) expect(await subscribe(water, topic), topic).toBe(0x80);
      expect(await subscribe(water, observationsTopic(js))).toBe(1);
      for (const topic of [observationFeedTopic('+'), 'v1.1/+/Observations', observationsTopic(ps), observationsTopic(js)])
        expect(await subscribe(anonymous, topic), topic).toBe(0x80);
      expect(await subscribe(anonymous, observationFeedTopic(OPEN_FEED))).toBe(1);
      for (const topic of [observationFeedTopic('+'), 'v1.1/+/Observations']) expect(await subscribe(internal, topic), topic).toBe(1);
      // The old single feed is gone: nobody reads every category through it.
      expect(await subscribe(internal, 'cimtwin/v1/Observations')).toBe(0x80);
      // A refused subscription leaves the connection up.
      expect(water.connected && anonymous.connected).toBe(true);

      // Acknowledgements of a forbidden sensor's alarm are not delivered either.
      const acks = { water: [] as number[], anonymous: [] as number[], internal: [] as number[] };
      for (const [name, client] of Object.entries({ water, anonymous, internal })) {
        expect(await subscribe(client, ALARM_ACKS_TOPIC)).toBe(1);
        client.on('message', (topic, payload) => topic === ALARM_ACKS_TOPIC && acks[name as keyof typeof acks].push(JSON.parse(payload.toString()).datastream));
      }
      for (const datastream of [ps, js])
        server.live!.broker.broker.publish(
          {
            cmd: 'publish',
            topic: ALARM_ACKS_TOPIC,
            payload: Buffer.from(JSON.stringify({ datastream, since: iso(T0), by: 'operator', role: 'operator', at: iso(Date.now()) })),
            qos: 1,
            retain: false,
            dup: false,
          },
          () => undefined,
        );
      await waitFor(() => acks.internal.length === 2 && acks.water.length === 1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(acks).toEqual({ water: [js], anonymous: [], internal: [ps, js] });
    } finally {
      await Promise.all([water.endAsync(), anonymous.endAsync(), internal.endAsync()]);
    }
  });

  it('refuses forged, expired and alg:none tokens at CONNECT (return code 4) and counts them', async () => {
    const before = server.live!.broker.counters.tokensRefused;
    for (const token of [
      await signTestToken('admin', { secret: 'another-secret-of-at-least-thirty-two-characters' }),
      await signTestToken('admin', { expiresInSeconds: -60 }),
      unsignedToken('admin'),
    ]) {
      const refused = await viewer({ token }).catch((error: { code?: number }) => error);
      expect(refused).toMatchObject({ code: 4 });
    }
    expect(server.live!.broker.counters.tokensRefused - before).toBe(3);
  });

  it('disconnects a viewer when its token expires; a fresh token connects again', async () => {
    const expired = server.live!.broker.counters.tokensExpired;
    const client = await viewer({ token: await server.token('drainage', { expiresInSeconds: 2 }) });
    expect(await client.subscribeAsync(observationFeedTopic('PS'), { qos: 1 })).toMatchObject([{ qos: 1 }]);
    const closed = new Promise<number>((resolve) => client.once('close', () => resolve(Date.now())));
    const at = await closed;
    expect(server.live!.broker.counters.tokensExpired - expired).toBe(1);
    expect(at).toBeLessThan(Date.now() + 1); // closed, not hanging on
    client.end(true);
    const again = await viewer('drainage');
    expect(again.connected).toBe(true);
    await again.endAsync();
  }, 15_000);
});
