import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { createServer, type Server as NetServer } from 'node:net';
import type { Duplex } from 'node:stream';
import { Aedes, type Client } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { datastreamOfTopic } from '../../layers/sensors/sensorTypes.js';
import { requestTarget } from '../requestTarget.js';
import { OBSERVATION_BATCH_TOPIC, ObservationBatcher } from '../../workers/live/ObservationBatch.js';
import { MQTT_WEBSOCKET_PATH } from './mqttWebSocketPath.js';
import type { ObservationStore } from './ObservationStore.js';
import { MAX_PAYLOAD_BYTES, parseObservationPayload } from './parseObservationPayload.js';

export interface PublisherCredentials {
  username: string;
  password: string;
}

export interface LiveBrokerCounters {
  accepted: number;
  /** Publishes refused: no or wrong credentials, or a topic outside the observations tree. */
  unauthorised: number;
  malformed: number;
  oversized: number;
  /** Observations for datastreams that don't exist. */
  unknownDatastream: number;
  /** Slow WebSocket clients cut off (their send buffer passed the limit). */
  slowClientsDropped: number;
  /** Batches published on the viewers' feed topic. */
  batches: number;
}

export interface LiveBroker {
  broker: Aedes;
  counters: LiveBrokerCounters;
  /** The TCP listener for devices (MQTT_PORT). */
  tcp: NetServer;
  tcpPort(): number;
  close(): Promise<void>;
}

/** A browser may read every observation topic and the batched feed; nothing else (no $SYS, no other trees). */
const READABLE_TOPICS = /^(v1\.1\/(Datastreams\(\d+\)|\+)\/Observations|cimtwin\/v1\/Observations)$/;
/** Per WebSocket client: past this many bytes waiting to be sent, the client is too slow and is dropped. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/**
 * The embedded MQTT broker (aedes): TCP for devices on `tcpPort`, WebSocket at `/mqtt` on the
 * viewer's own HTTP server for browsers. Publishing needs the publisher's credentials and a
 * SensorThings observations topic; everybody else connects read-only. Payloads are checked and
 * stored; malformed, oversized and unauthorised ones are counted and dropped.
 */
export async function createLiveBroker(options: {
  http: HttpServer;
  tcpPort: number;
  tcpHost?: string;
  publisher: PublisherCredentials;
  store: ObservationStore;
  /** How long the viewers' feed gathers observations before publishing a batch (ms). */
  feedWindowMs?: number;
}): Promise<LiveBroker> {
  const counters: LiveBrokerCounters = {
    accepted: 0,
    unauthorised: 0,
    malformed: 0,
    oversized: 0,
    unknownDatastream: 0,
    slowClientsDropped: 0,
    batches: 0,
  };
  const publishers = new WeakSet<Client>();
  const dropped = new WeakSet<Buffer>();
  const expectedUser = Buffer.from(options.publisher.username);
  const expectedPassword = Buffer.from(options.publisher.password);
  const same = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b);
  // The viewers' feed: one message per window for every browser (see ObservationBatch).
  const batcher = new ObservationBatcher();
  function publishBatch(): void {
    const bytes = batcher.take(Date.now());
    if (!bytes) return;
    counters.batches++;
    const payload = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    broker.publish({ cmd: 'publish', topic: OBSERVATION_BATCH_TOPIC, payload, qos: 1, retain: false, dup: false }, () => {});
  }

  const broker = await Aedes.createBroker({
    drainTimeout: 5000,
    queueLimit: 200,
    authenticate: (client, username, password, done) => {
      if (username === undefined && password === undefined) return done(null, true); // read-only viewer
      if (username !== undefined && password !== undefined && same(Buffer.from(username), expectedUser) && same(password, expectedPassword)) {
        publishers.add(client);
        return done(null, true);
      }
      const error = Object.assign(new Error('bad user name or password'), { returnCode: 4 as const });
      done(error as never, false);
    },
    authorizePublish: (client, packet, callback) => {
      if (!client) return callback(null); // the broker's own messages
      const datastream = datastreamOfTopic(packet.topic);
      if (!publishers.has(client) || datastream === undefined) {
        counters.unauthorised++;
        return callback(new Error('publishing needs the publisher role and an observations topic'));
      }
      const parsed = packet.payload.length > MAX_PAYLOAD_BYTES ? { error: 'oversized' } : parseObservationPayload(packet.payload as Buffer);
      if ('error' in parsed) {
        if (parsed.error === 'oversized') counters.oversized++;
        else counters.malformed++;
        // Dropped (not forwarded, see authorizeForward) without disconnecting the device: one
        // bad reading must not cut a sensor off.
        dropped.add(packet.payload as Buffer);
        return callback(null);
      }
      if (!options.store.add({ datastream, time: parsed.time, result: parsed.result })) {
        counters.unknownDatastream++;
        dropped.add(packet.payload as Buffer);
        return callback(null);
      }
      counters.accepted++;
      batcher.add(datastream, parsed.time, parsed.result);
      if (batcher.isFull()) publishBatch();
      callback(null);
    },
    authorizeForward: (_client, packet) => (dropped.has(packet.payload as Buffer) ? null : packet),
    authorizeSubscribe: (client, subscription, callback) => {
      if (READABLE_TOPICS.test(subscription.topic)) return callback(null, subscription);
      callback(null, null); // refused in the SUBACK (0x80), the connection stays
    },
  });

  const feedTimer = setInterval(publishBatch, options.feedWindowMs ?? 100);

  const sockets = new Set<Duplex>();
  const tcp = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(options.tcpPort, options.tcpHost ?? '127.0.0.1', () => resolve());
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES * 4 });
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // The target was parsed by the HTTP server's boundary, which also refuses paths nobody serves.
    if (requestTarget(request).path !== MQTT_WEBSOCKET_PATH) return;
    wss.handleUpgrade(request, socket, head, (websocket) => {
      const stream = createWebSocketStream(websocket);
      stream.on('error', () => websocket.terminate());
      const watchdog = setInterval(() => {
        if (websocket.bufferedAmount > MAX_BUFFERED_BYTES) {
          counters.slowClientsDropped++;
          websocket.terminate();
        }
      }, 500);
      websocket.on('close', () => clearInterval(watchdog));
      broker.handle(stream, request);
    });
  };
  options.http.on('upgrade', onUpgrade);

  return {
    broker,
    counters,
    tcp,
    tcpPort: () => (tcp.address() as { port: number }).port,
    close: async () => {
      clearInterval(feedTimer);
      options.http.off('upgrade', onUpgrade);
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
}
