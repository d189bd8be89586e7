import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSensorSource } from '../layers/sensors/LiveSensorSource.js';
import type { LiveStateDocument } from '../workers/formats/liveState.js';
import { observationsTopic } from '../workers/live/sensorTypes.js';
import { SensorState } from '../workers/live/alarmStateMachine.js';
import {
  decodeObservationBatch,
  encodeObservationBatch,
  OBSERVATION_BATCH_TOPIC,
  observationFeedTopic,
  type ObservationBatch,
} from '../workers/live/ObservationBatch.js';
import { startDemoServer } from './support/demoServer.js';

let server: Awaited<ReturnType<typeof startDemoServer>>;
const publisher = { username: 'test-publisher', password: 'a-long-test-secret' };
/** These tests read as a role that sees every sensor (test/sensorRoles.test.ts tries each role). */
let token = '';
const asViewer = (): { username: string; password: string } => ({ username: 'bearer', password: token });
const get = (path: string): Promise<Response> => fetch(`${server.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });

beforeAll(async () => {
  server = await startDemoServer({ live: { simulator: false, publisher } });
  token = await server.token('internal');
}, 300_000);

afterAll(async () => {
  await server?.close();
}, 30_000);

const tcpUrl = (): string => `mqtt://127.0.0.1:${server.live!.broker.tcpPort()}`;
const wsUrl = (): string => `${server.url.replace('http', 'ws')}/mqtt`;
const observation = (result: unknown, time = new Date()): string => JSON.stringify({ phenomenonTime: time.toISOString(), result });
const waitFor = async (check: () => boolean, timeoutMs = 5000): Promise<void> => {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};
async function history(datastream: number): Promise<{ phenomenonTime: string; result: number }[]> {
  const response = await get(`/v1.1/Datastreams(${datastream})/Observations?$top=10&$orderby=phenomenonTime desc`);
  if (!response.ok) throw new Error(`Observations of ${datastream}: HTTP ${response.status} ${await response.text()}`);
  return ((await response.json()) as { value: { phenomenonTime: string; result: number }[] }).value;
}

describe('live backbone: embedded broker, SensorThings API', () => {
  it('serves the catalogue as SensorThings Things and Datastreams (thresholds in properties)', async () => {
    const datastreams = (await (await get('/v1.1/Datastreams?$top=2')).json()) as { '@iot.count': number; value: Record<string, unknown>[] };
    expect(datastreams['@iot.count']).toBe(server.live!.catalog.length);
    expect(datastreams.value[0]).toMatchObject({
      '@iot.id': 1,
      unitOfMeasurement: { symbol: expect.any(String) },
      properties: { thresholds: expect.any(Object) },
    });
    const thing = (await (await get("/v1.1/Things('S00001')")).json()) as { Locations: { location: { coordinates: number[] } }[] };
    expect(thing.Locations[0]!.location.coordinates[0]).toBeCloseTo(117.16, 1);
  });

  it('accepts observations only from the publisher; browsers (WebSocket, a sign-in token) read but cannot publish', async () => {
    const reader = await mqtt.connectAsync(wsUrl(), { reconnectPeriod: 0, ...asViewer() });
    const received: string[] = [];
    reader.on('message', (_topic, payload) => received.push(payload.toString()));
    await reader.subscribeAsync('v1.1/+/Observations', { qos: 1 });
    // $SYS and other trees are not readable.
    await expect(reader.subscribeAsync('$SYS/#')).rejects.toThrow(/Subscribe error/);
    expect(reader.connected).toBe(true);

    // A browser that tries to publish is refused and cut off (MQTT 3.1.1 has no other answer).
    const browser = await mqtt.connectAsync(wsUrl(), { reconnectPeriod: 0 });
    const before = server.live!.broker.counters.unauthorised;
    await browser.publishAsync(observationsTopic(2), observation(99)).catch(() => undefined);
    await waitFor(() => server.live!.broker.counters.unauthorised > before && !browser.connected);
    await browser.endAsync();

    const intruder = await mqtt.connectAsync(tcpUrl(), { reconnectPeriod: 0, username: 'test-publisher', password: 'wrong' }).catch((error: Error) => error);
    expect(intruder).toBeInstanceOf(Error);

    const device = await mqtt.connectAsync(tcpUrl(), { reconnectPeriod: 0, ...publisher });
    await device.publishAsync(observationsTopic(2), observation(0.42), { qos: 1 });
    await waitFor(() => received.length > 0);
    expect(JSON.parse(received[0]!)).toMatchObject({ result: 0.42 });
    // Stored through the ingest queue (flushed every second): asked until it is there.
    let stored = await history(2);
    for (let tries = 0; tries < 50 && stored[0]?.result !== 0.42; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      stored = await history(2);
    }
    expect(stored[0]?.result).toBe(0.42);
    expect(received.some((m) => m.includes('99'))).toBe(false);
    await device.endAsync();
    await reader.endAsync();
  });

  it('drops and counts malformed and oversized payloads without disconnecting the device or crashing', async () => {
    const counters = server.live!.broker.counters;
    const { malformed, oversized } = counters;
    const device = await mqtt.connectAsync(tcpUrl(), { reconnectPeriod: 0, ...publisher });
    const reader = await mqtt.connectAsync(wsUrl(), { reconnectPeriod: 0, ...asViewer() });
    const received: string[] = [];
    reader.on('message', (_topic, payload) => received.push(payload.toString()));
    await reader.subscribeAsync(observationsTopic(3), { qos: 1 });
    for (const bad of ['not json', '{"result": "high"}', '{"phenomenonTime": "yesterday", "result": 1}', '\u00ff\u00fe'])
      await device.publishAsync(observationsTopic(3), bad, { qos: 1 });
    await device.publishAsync(observationsTopic(3), JSON.stringify({ phenomenonTime: new Date().toISOString(), result: 1, pad: 'x'.repeat(5000) }), { qos: 1 });
    await device.publishAsync(observationsTopic(3), observation(7), { qos: 1 });
    await waitFor(() => received.length >= 1);
    expect(counters.malformed - malformed).toBe(4);
    expect(counters.oversized - oversized).toBe(1);
    expect(received.map((m) => JSON.parse(m).result)).toEqual([7]);
    expect(device.connected).toBe(true);
    await device.endAsync();
    await reader.endAsync();
  });

  it('keeps the newest observation by phenomenonTime: a late, older reading does not overwrite it', async () => {
    const device = await mqtt.connectAsync(tcpUrl(), { reconnectPeriod: 0, ...publisher });
    const now = Date.now();
    await device.publishAsync(observationsTopic(4), observation(10, new Date(now)), { qos: 1 });
    await device.publishAsync(observationsTopic(4), observation(5, new Date(now - 60_000)), { qos: 1 });
    await device.publishAsync(observationsTopic(4), observation(10, new Date(now)), { qos: 1 }); // duplicate
    const state = (await (await get('/api/live/state')).json()) as LiveStateDocument;
    expect(state.result[state.ids.indexOf(4)]).toBe(10);
    expect(state.time[state.ids.indexOf(4)]).toBe(now);
    expect((await history(4)).map((o) => o.result)).toEqual([10, 5]);
    const stats = (await (await fetch(`${server.url}/api/live/stats`, { headers: { Authorization: `Bearer ${await server.token('operator')}` } })).json()) as {
      history: { rows: number; bytes: number };
    };
    expect(stats.history.rows).toBeGreaterThanOrEqual(2); // the duplicate is not stored twice
    expect(stats.history.bytes).toBeGreaterThan(0);
    await device.endAsync();
  });

  it("the state document carries each sensor's alarm state: a client shows a standing alarm at once", async () => {
    const before = (await (await get('/api/live/state')).json()) as LiveStateDocument;
    // A sensor whose type alarms above a threshold, unused by the other tests.
    const k = before.ids.findIndex((id, i) => id > 20 && before.types[before.type[i]!]!.thresholds.direction === 'above');
    const id = before.ids[k]!;
    const { alarm, minDurationSeconds } = before.types[before.type[k]!]!.thresholds;
    const device = await mqtt.connectAsync(tcpUrl(), { reconnectPeriod: 0, ...publisher });
    const now = Date.now();
    // Over the alarm level for longer than the type's minimum duration: raised on the server.
    for (const ago of [minDurationSeconds * 1000 + 2000, 1000, 0])
      await device.publishAsync(observationsTopic(id), observation(alarm * 2 + 1, new Date(now - ago)), { qos: 1 });
    await device.endAsync();
    let state = before;
    for (let tries = 0; state.result[k] !== alarm * 2 + 1 && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      state = (await (await get('/api/live/state')).json()) as LiveStateDocument;
    }
    expect(state.state?.[k]).toBe(SensorState.alarm);
    expect(state.state).toHaveLength(state.count);
  });

  it("/api/live/stats shows the broker's protection counters (test/liveBrokerLimits.test.ts attacks them)", async () => {
    const device = await mqtt.connectAsync(tcpUrl(), { reconnectPeriod: 0, ...publisher });
    await device.publishAsync(observationsTopic(12), observation(1, new Date('2999-01-01T00:00:00Z')), { qos: 1 });
    await device.endAsync();
    const stats = (await (
      await fetch(`${server.url}/api/live/stats`, { headers: { Authorization: `Bearer ${await server.token('operator')}` } })
    ).json()) as Record<string, unknown>;
    const counter = expect.any(Number) as unknown;
    expect(stats).toMatchObject({
      futureReadings: 1,
      expiredReadings: counter,
      oversizedPackets: counter,
      slowClientsDropped: counter,
      persistentSessionsRefused: counter,
      failedLogins: counter,
      loginsLockedOut: counter,
    });
  });

  it('viewers read one batched message per window on the feed topic; nobody but the broker publishes there', async () => {
    const reader = await mqtt.connectAsync(wsUrl(), { reconnectPeriod: 0, ...asViewer() });
    const batches: ObservationBatch[] = [];
    reader.on('message', (_topic, payload) => batches.push(decodeObservationBatch(payload)));
    // Three sensors on one feed (each pipe category has its own): 6 and the next two on its feed.
    const { access } = server.live!;
    const ids = [6];
    for (let id = 7; ids.length < 3 && id < 100_000; id++) if (access.feedOf(id) === access.feedOf(6)) ids.push(id);
    const feed = observationFeedTopic(access.feedOf(6));
    await reader.subscribeAsync(feed, { qos: 1 });
    const device = await mqtt.connectAsync(tcpUrl(), { reconnectPeriod: 0, ...publisher });
    const time = new Date();
    await Promise.all(ids.map((id) => device.publishAsync(observationsTopic(id), observation(id / 10, time), { qos: 1 })));
    const ours = (): ObservationBatch[] => batches.filter((b) => b.time.includes(time.getTime()));
    await waitFor(() => ours().reduce((n, b) => n + b.count, 0) >= 3);
    const received = ours()
      .flatMap((b) => [...b.datastream].map((id, i) => [id, b.result[i], b.time[i]]))
      .filter(([id]) => ids.includes(id!)); // readings of other tests may share the window
    expect(received.sort()).toEqual(ids.map((id) => [id, id / 10, time.getTime()]).sort());
    expect(ours().length).toBeLessThanOrEqual(2); // one window (two if it straddled a window's end)
    // The device may not publish on the feed, a browser neither.
    const before = server.live!.broker.counters.unauthorised;
    await device.publishAsync(feed, Buffer.from(batches[0]!.datastream.buffer)).catch(() => undefined);
    await waitFor(() => server.live!.broker.counters.unauthorised > before);
    await device.endAsync();
    await reader.endAsync();
  });

  it('a client without the batched feed (an external SensorThings broker) reads the per-datastream topics', async () => {
    const values = new Map<number, number>();
    const source = new LiveSensorSource({
      mqttUrl: wsUrl(),
      apiUrl: server.url,
      token,
      // A server that names no feeds in its state document (an external SensorThings server).
      fetch: async (url, init) => {
        const state = (await (await fetch(url, init)).json()) as LiveStateDocument;
        delete state.feeds;
        return Response.json(state);
      },
      onObservation: (id, _time, result) => values.set(id, result),
      onState: () => undefined,
      onConnection: () => undefined,
    });
    source.start();
    await waitFor(() => source.resyncs === 1);
    const device = await mqtt.connectAsync(tcpUrl(), { reconnectPeriod: 0, ...publisher });
    await device.publishAsync(observationsTopic(9), observation(4.25), { qos: 1 });
    await waitFor(() => values.get(9) === 4.25);
    expect(source.malformed).toBe(0);
    await device.endAsync();
    source.stop();
  });

  it('a viewer that misses a feed batch (a gap in the sequence) reloads the current state', async () => {
    const values = new Map<number, number>();
    const source = new LiveSensorSource({
      mqttUrl: wsUrl(),
      apiUrl: server.url,
      token,
      feedTopic: OBSERVATION_BATCH_TOPIC,
      onObservation: (id, _time, result) => values.set(id, result),
      onState: () => undefined,
      onConnection: () => undefined,
    });
    source.start();
    await waitFor(() => source.resyncs === 1);
    // Batches as the broker itself sends them; number 501 never arrives.
    const send = (sequence: number, datastream: number, result: number): Promise<void> =>
      new Promise((resolve) => {
        const bytes = encodeObservationBatch(sequence, Date.now(), [datastream], [Date.now()], [result], 1);
        server.live!.broker.broker.publish(
          {
            cmd: 'publish',
            topic: observationFeedTopic(server.live!.access.feedOf(datastream)),
            payload: Buffer.from(bytes),
            qos: 1,
            retain: false,
            dup: false,
          },
          () => resolve(),
        );
      });
    // Let any real batch still in flight from earlier tests pass first: then only ours arrive.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await send(500, 10, 1.5);
    await waitFor(() => values.get(10) === 1.5);
    // A resync the first batch set off (when a real batch came before it) ends before the counts are taken.
    for (let stable = 0, last = source.resyncs; stable < 3; stable = source.resyncs === last ? stable + 1 : 0, last = source.resyncs)
      await new Promise((resolve) => setTimeout(resolve, 150));
    const { gaps, resyncs } = source;
    // Each feed numbers its own batches: the next one must be on datastream 10's feed to be a gap.
    const access = server.live!.access;
    let sameFeed = 11;
    while (access.feedOf(sameFeed) !== access.feedOf(10) && sameFeed < 100_000) sameFeed++;
    await send(502, sameFeed, 2.5);
    await waitFor(() => source.resyncs > resyncs, 15_000);
    expect(source.gaps).toBe(gaps + 1);
    expect(values.get(sameFeed)).toBe(2.5); // the batch after the gap is still applied
    source.stop();
  });

  it('a client resyncs after the broker restarts and shows what was published during the outage', async () => {
    const values = new Map<number, number>();
    const states: string[] = [];
    const source = new LiveSensorSource({
      mqttUrl: wsUrl(),
      apiUrl: server.url,
      token,
      feedTopic: OBSERVATION_BATCH_TOPIC,
      onObservation: (id, _time, result) => values.set(id, result),
      onState: (state) => state.ids.forEach((id, i) => state.result[i] !== null && values.set(id, state.result[i]!)),
      onConnection: (state) => states.push(state),
    });
    source.start();
    await waitFor(() => source.resyncs === 1);
    // The broker restarts; a device publishes while the client is still backing off.
    await server.live!.restartBroker();
    const device = await mqtt.connectAsync(tcpUrl(), { reconnectPeriod: 0, ...publisher });
    await device.publishAsync(observationsTopic(5), observation(123.5), { qos: 1 });
    await waitFor(() => source.resyncs >= 2, 15_000);
    expect(states).toContain('reconnecting');
    expect(states.at(-1)).toBe('live');
    expect(values.get(5)).toBe(123.5);
    await device.endAsync();
    source.stop();
  }, 30_000);
});
