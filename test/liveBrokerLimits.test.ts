import { once } from 'node:events';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect as connectTcp } from 'node:net';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { observationsTopic } from '../workers/live/sensorTypes.js';
import { ANONYMOUS_CLIENT_ID_PREFIX, createLiveBroker, type LiveBroker } from '../server/live/createLiveBroker.js';
import { LiveObservations } from '../server/live/LiveObservations.js';
import { SqlObservationHistory } from '../server/history/SqlObservationHistory.js';
import { DuckDbConnection } from '../server/store/DuckDbConnection.js';
import { decodeObservationBatch, observationFeedTopic } from '../workers/live/ObservationBatch.js';
import { startNonReaders, streamHugePublish } from '../harness/mqttAttacks.js';
import { connectPacket, publishHeader } from '../harness/rawMqttPackets.js';

/**
 * The embedded broker under attack, for real: aedes over TCP and WebSocket, mqtt.js clients,
 * and hand-written packets for clients no library would be (one that never reads, one that
 * announces a 100 MB PUBLISH).
 */
const publisher = { username: 'test-publisher', password: 'a-long-test-secret' };
const SENSORS = 4000;

interface Fixture {
  live: LiveBroker;
  store: LiveObservations;
  tcpUrl: string;
  wsUrl: string;
  logged: string[];
  close(): Promise<void>;
}

async function startBroker(options: Partial<Parameters<typeof createLiveBroker>[0]> = {}): Promise<Fixture> {
  const http: HttpServer = createHttpServer();
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const database = await DuckDbConnection.open(':memory:');
  const history = await SqlObservationHistory.open(database);
  const store = new LiveObservations(SENSORS, () => undefined, history);
  const logged: string[] = [];
  const live = await createLiveBroker({ http, tcpPort: 0, publisher, store, log: (line) => logged.push(line), ...options });
  return {
    live,
    store,
    tcpUrl: `mqtt://127.0.0.1:${live.tcpPort()}`,
    wsUrl: `ws://127.0.0.1:${(http.address() as { port: number }).port}/mqtt`,
    logged,
    close: async () => {
      await live.close();
      await history.close();
      await database.close();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

const observation = (result: number, time: number | string = Date.now()): string =>
  JSON.stringify({ phenomenonTime: typeof time === 'string' ? time : new Date(time).toISOString(), result });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await sleep(20);
  }
}
const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

/** An MQTT client over TCP from a chosen local address (127.0.0.x: another source on loopback). */
function connectFrom(localAddress: string, port: number, options: IClientOptions): Promise<MqttClient> {
  const client = new mqtt.MqttClient(() => connectTcp({ host: '127.0.0.1', port, localAddress }), { reconnectPeriod: 0, ...options });
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', (error) => {
      client.end(true);
      reject(error);
    });
  });
}

/** Publishes `rate` observations/s at QoS 1 (as the simulator does) until stopped; counts what it sent. */
function startPublishing(device: MqttClient, rate: number): { sent(): number; stop(): void } {
  const started = Date.now();
  let sent = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    for (const due = Math.floor(((now - started) / 1000) * rate); sent < due; sent++)
      device.publish(observationsTopic((sent % SENSORS) + 1), observation(sent, now), { qos: 1 });
  }, 10);
  return { sent: () => sent, stop: () => clearInterval(timer) };
}

describe('live broker: slow readers cost only themselves', () => {
  let fixture: Fixture;
  beforeAll(async () => void (fixture = await startBroker()));
  afterAll(async () => fixture?.close());

  it('4 subscribers that never read (1 TCP, 3 WebSocket) are cut off and counted; the feed and the ingest go on at 3,000 obs/s', async () => {
    const rate = 3000;
    const { live } = fixture;
    const reader = await mqtt.connectAsync(fixture.wsUrl, { reconnectPeriod: 0 });
    const latencies: number[] = [];
    const arrivals: number[] = [];
    let received = 0;
    reader.on('message', (_topic, payload) => {
      const now = Date.now();
      arrivals.push(now);
      const batch = decodeObservationBatch(payload);
      received += batch.count;
      for (let i = 0; i < batch.count; i++) latencies.push(now - batch.time[i]!);
    });
    await reader.subscribeAsync(observationFeedTopic('+'), { qos: 1 }); // every feed (this broker has no pipe sensors: all open)
    const device = await mqtt.connectAsync(fixture.tcpUrl, { reconnectPeriod: 0, ...publisher });
    const publishing = startPublishing(device, rate);
    await sleep(2000); // warm-up, not measured
    // The same reader without the attack, for comparison: the machine's own p99 (2 cores, shared).
    latencies.length = 0;
    await sleep(5000);
    const quiet = percentile(
      latencies.sort((a, b) => a - b),
      0.99,
    );
    latencies.length = 0;
    arrivals.length = 0;
    const nonReaders = await startNonReaders({ tcpPort: live.tcpPort(), webSocketUrl: fixture.wsUrl }, 1, 3);
    // The kernel's socket buffers (several MB per connection) fill first (~10 s here); then each
    // non-reader's unsent bytes pass the limit. Before the fix the feed and the ingest stopped
    // here until aedes' drain timeout cut the non-readers off, uncounted.
    await waitFor(() => live.counters.slowClientsDropped === 4, 60_000);
    await sleep(3000);
    publishing.stop();
    const sent = publishing.sent();
    await waitFor(() => live.counters.accepted >= sent, 5000);
    await waitFor(() => received >= sent, 2000);

    expect(live.counters.slowClientsDropped).toBe(4);
    expect(live.broker.connectedClients).toBe(2); // the reader and the device
    expect(device.connected && reader.connected).toBe(true);
    expect(live.counters.accepted).toBe(sent);
    expect(received).toBe(sent); // the reader got every observation on the feed
    const gaps = arrivals.slice(1).map((time, i) => time - arrivals[i]!);
    expect(Math.max(...gaps)).toBeLessThan(2000); // the feed never stalled (a batch every 100 ms)
    // Within the target (p99 < 250 ms), unless the shared machine's own p99 without the attack
    // is already worse: then within twice that.
    const attacked = percentile(
      latencies.sort((a, b) => a - b),
      0.99,
    );
    expect(attacked, `p99 ${attacked} ms under attack, ${quiet} ms without`).toBeLessThan(Math.max(250, 2 * quiet));
    nonReaders.close();
    await device.endAsync();
    await reader.endAsync();
  }, 90_000);
});

describe('live broker: packet size is capped in the protocol layer', () => {
  let fixture: Fixture;
  beforeAll(async () => void (fixture = await startBroker()));
  afterAll(async () => fixture?.close());

  it('a 50 MB and then 2 × 100 MB PUBLISH over TCP are refused on their header: connection closed, counted, memory flat', async () => {
    const { live } = fixture;
    const port = live.tcpPort();
    let peak = process.memoryUsage.rss();
    const baseline = peak;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
    try {
      const anonymous = await streamHugePublish(port, 50 * 1024 * 1024);
      expect(anonymous.closed).toBe(true);
      expect(live.counters.oversizedPackets).toBe(1);
      // Even the publisher's credentials don't buy a bigger packet.
      const both = await Promise.all([streamHugePublish(port, 100 * 1024 * 1024, publisher), streamHugePublish(port, 100 * 1024 * 1024)]);
      for (const attempt of both) {
        expect(attempt.closed).toBe(true);
        expect(attempt.sentBytes).toBeLessThan(20 * 1024 * 1024); // what the kernel's buffers took before the close
      }
      expect(live.counters.oversizedPackets).toBe(3);
    } finally {
      clearInterval(sampler);
    }
    expect((peak - baseline) / 1048576).toBeLessThan(20);
  }, 60_000);

  it('over WebSocket: a 1 MB frame and a 1 MB PUBLISH in small frames from the publisher are refused and counted', async () => {
    const { live } = fixture;
    const send = async (frames: Buffer[]): Promise<void> => {
      const websocket = new WebSocket(fixture.wsUrl, 'mqtt');
      websocket.on('error', () => undefined);
      await once(websocket, 'open');
      websocket.send(connectPacket('ws-publisher', publisher));
      for (const frame of frames) websocket.send(frame);
      await Promise.race([new Promise((resolve) => websocket.once('close', resolve)), sleep(5000)]);
      expect(websocket.readyState).toBe(WebSocket.CLOSED);
    };
    const megabyte = 1024 * 1024;
    const before = live.counters.oversizedPackets;
    await send([Buffer.concat([publishHeader(observationsTopic(1), megabyte), Buffer.alloc(megabyte)])]);
    expect(live.counters.oversizedPackets).toBe(before + 1); // ws: over maxPayload
    await send([publishHeader(observationsTopic(1), megabyte), ...Array.from({ length: 64 }, () => Buffer.alloc(megabyte / 64))]);
    expect(live.counters.oversizedPackets).toBe(before + 2); // the MQTT header announced 1 MB
    // An ordinary reading over WebSocket still goes through.
    const device = await mqtt.connectAsync(fixture.wsUrl, { reconnectPeriod: 0, ...publisher });
    await device.publishAsync(observationsTopic(7), observation(7.5), { qos: 1 });
    expect(fixture.store.latest.value[7]).toBe(7.5);
    await device.endAsync();
  });
});

describe('live broker: sessions and client ids of anonymous viewers', () => {
  let fixture: Fixture;
  beforeAll(async () => void (fixture = await startBroker()));
  afterAll(async () => fixture?.close());

  it('refuses a persistent session (clean=false) to an anonymous client; nothing is queued for it', async () => {
    const { live } = fixture;
    const refused = await mqtt.connectAsync(fixture.wsUrl, { reconnectPeriod: 0, clean: false, clientId: 'wall-1' }).catch((error: Error) => error);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).toMatch(/Not authorized/);
    expect(live.counters.persistentSessionsRefused).toBe(1);
    // A clean session is fine.
    const viewer = await mqtt.connectAsync(fixture.wsUrl, { reconnectPeriod: 0, clientId: 'wall-1' });
    expect(viewer.connected).toBe(true);
    await viewer.endAsync();
  });

  it("an anonymous client reusing a device's client id gets its own namespace: the device stays connected", async () => {
    const { live } = fixture;
    const device = await mqtt.connectAsync(fixture.tcpUrl, { reconnectPeriod: 0, clientId: 'cim-twin-simulator-1', ...publisher });
    let deviceClosed = 0;
    device.on('close', () => deviceClosed++);
    const ids: string[] = [];
    live.broker.on('client', (client) => ids.push(client.id));
    for (let i = 0; i < 10; i++) {
      const intruder = await mqtt.connectAsync(fixture.wsUrl, { reconnectPeriod: 0, clientId: 'cim-twin-simulator-1' });
      await intruder.endAsync();
    }
    expect(ids).toEqual(Array(10).fill(`${ANONYMOUS_CLIENT_ID_PREFIX}cim-twin-simulator-1`));
    expect(deviceClosed).toBe(0);
    expect(device.connected).toBe(true);
    await device.publishAsync(observationsTopic(4), observation(4.5), { qos: 1 });
    expect(fixture.store.latest.value[4]).toBe(4.5);
    await device.endAsync();
  });
});

describe('live broker: failed logins are throttled per source address', () => {
  let fixture: Fixture;
  const windowMs = 4000;
  beforeAll(async () => void (fixture = await startBroker({ loginThrottle: { maxFailures: 10, windowMs } })));
  afterAll(async () => fixture?.close());

  it('300 wrong passwords: 10 are checked, the rest refused unchecked, one log line; another source logs in at once', async () => {
    const { live } = fixture;
    const port = live.tcpPort();
    const started = Date.now();
    const answers: string[] = [];
    for (let i = 0; i < 300; i++) {
      const error = await connectFrom('127.0.0.1', port, { username: publisher.username, password: `guess-${i}` }).then(
        (client) => (client.end(true), 'accepted'),
        (error: Error) => error.message,
      );
      answers.push(error);
    }
    expect(Date.now() - started).toBeLessThan(windowMs); // all inside one window
    expect(answers.filter((answer) => /Bad username or password/.test(answer))).toHaveLength(10);
    expect(answers.filter((answer) => /Not authorized/.test(answer))).toHaveLength(290);
    expect(live.counters.failedLogins).toBe(10);
    expect(live.counters.loginsLockedOut).toBe(290);
    // Locked out: even the right password is refused from there until the window ends...
    await expect(connectFrom('127.0.0.1', port, publisher)).rejects.toThrow(/Not authorized/);
    // ...while another source logs in at once.
    const asked = Date.now();
    const elsewhere = await connectFrom('127.0.0.2', port, publisher);
    expect(Date.now() - asked).toBeLessThan(500);
    await elsewhere.endAsync();
    // One line for the source and the window, not one per attempt.
    await waitFor(() => fixture.logged.length > 0, 3 * windowMs);
    expect(fixture.logged).toHaveLength(1);
    expect(fixture.logged[0]).toMatch(/10 failed MQTT login\(s\) from 127\.0\.0\.1 .*291 more attempt\(s\) refused/);
    // After the window the source may try again.
    const device = await connectFrom('127.0.0.1', port, publisher);
    await device.endAsync();
  });
});

describe('live broker: readings dated in the future or past the retention', () => {
  let fixture: Fixture;
  beforeAll(async () => void (fixture = await startBroker()));
  afterAll(async () => fixture?.close());

  it('refuses and counts a reading beyond now + 5 min (the year 2999) and one older than the retention; a little clock skew passes', async () => {
    const { live, store } = fixture;
    const device = await mqtt.connectAsync(fixture.tcpUrl, { reconnectPeriod: 0, ...publisher });
    const now = Date.now();
    await device.publishAsync(observationsTopic(5), observation(1, now), { qos: 1 });
    await device.publishAsync(observationsTopic(5), observation(2999, '2999-01-01T00:00:00Z'), { qos: 1 });
    await device.publishAsync(observationsTopic(5), observation(10, now + 10 * 60_000), { qos: 1 });
    await device.publishAsync(observationsTopic(5), observation(-1, now - store.retentionMs - 60_000), { qos: 1 });
    expect(live.counters.futureReadings).toBe(2);
    expect(live.counters.expiredReadings).toBe(1);
    expect(store.latest.value[5]).toBe(1);
    // Two minutes ahead is within the default tolerance (a device clock a little fast), and later readings still count.
    await device.publishAsync(observationsTopic(5), observation(2, now + 2 * 60_000), { qos: 1 });
    expect(store.latest.value[5]).toBe(2);
    expect(live.counters.accepted).toBe(2);
    expect(device.connected).toBe(true); // dropped, not disconnected
    await device.endAsync();
  });

  it('the tolerance is configurable', async () => {
    const strict = await startBroker({ futureToleranceMs: 10_000 });
    const device = await mqtt.connectAsync(strict.tcpUrl, { reconnectPeriod: 0, ...publisher });
    await device.publishAsync(observationsTopic(6), observation(1, Date.now() + 60_000), { qos: 1 });
    await device.publishAsync(observationsTopic(6), observation(2, Date.now() + 5_000), { qos: 1 });
    expect(strict.live.counters.futureReadings).toBe(1);
    expect(strict.store.latest.value[6]).toBe(2);
    await device.endAsync();
    await strict.close();
  });
});
