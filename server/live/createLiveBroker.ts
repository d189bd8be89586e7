import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { createServer, type Server as NetServer } from 'node:net';
import type { Duplex } from 'node:stream';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { type WebSocket, WebSocketServer } from 'ws';
import { datastreamOfTopic } from '../../workers/live/sensorTypes.js';
import { requestTarget } from '../requestTarget.js';
import { feedOfTopic, observationFeedTopic, ObservationBatcher } from '../../workers/live/ObservationBatch.js';
import { ALARM_ACKS_TOPIC } from '../../workers/formats/alarms.js';
import type { Role } from '../../workers/formats/dataAccess.js';
import type { Authenticator } from '../auth/Authenticator.js';
import { SensorAccess } from './SensorAccess.js';
import { BoundedMqttConnection, type ConnectionLimitEvents, type ConnectionLimits } from './BoundedMqttConnection.js';
import { LoginThrottle } from './LoginThrottle.js';
import { MQTT_WEBSOCKET_PATH } from './mqttWebSocketPath.js';
import type { LiveObservations, Observation } from './LiveObservations.js';
import { MAX_PAYLOAD_BYTES, type ObservationPayloadError, parseObservationPayload } from './parseObservationPayload.js';

export interface PublisherCredentials {
  username: string;
  password: string;
}

export interface LiveBrokerCounters {
  accepted: number;
  /** Publishes refused: no or wrong credentials, or a topic outside the observations tree. */
  unauthorised: number;
  malformed: number;
  /** Observation payloads over 2 kB, dropped (the device stays connected). */
  oversized: number;
  /** Readings dated beyond now + the tolerance (a device clock far ahead), dropped. */
  futureReadings: number;
  /** Readings older than the store's retention, dropped. */
  expiredReadings: number;
  /** Observations for datastreams that don't exist. */
  unknownDatastream: number;
  /** Connections closed on the header of an MQTT packet over the size limit, or of a WebSocket frame over maxPayload. */
  oversizedPackets: number;
  /** Slow clients cut off (TCP or WebSocket): what they had not read yet passed the limit. */
  slowClientsDropped: number;
  /** Anonymous clients refused for asking for a persistent session (clean=false). */
  persistentSessionsRefused: number;
  /** Logins with wrong credentials. */
  failedLogins: number;
  /** Logins refused unchecked because their source address had too many failures in the window. */
  loginsLockedOut: number;
  /** Batches published on the viewers' feed topics. */
  batches: number;
  /** Viewers refused at CONNECT for a token that is forged, expired, `alg: none` or of an account gone (return code 4). */
  tokensRefused: number;
  /** Topics refused in a SUBACK (0x80): outside what browsers may read, or of a pipe category the client's role may not see (wildcards that would cover one included). */
  subscriptionsRefused: number;
  /** Viewers disconnected when their token expired. */
  tokensExpired: number;
  /** Messages not delivered to a subscriber whose role may not read them (a second check behind the subscriptions). */
  deliveriesWithheld: number;
}

export interface LiveBroker {
  broker: Aedes;
  counters: LiveBrokerCounters;
  /** The TCP listener for devices (MQTT_PORT). */
  tcp: NetServer;
  tcpPort(): number;
  close(): Promise<void>;
}

/**
 * A browser may read the observation topics, the batched feeds (one or all), the incidents, the
 * follow sessions (one or all), the parking feed and the alarm acknowledgements; nothing else
 * (no $SYS, no other trees). Which observations its role may read is checked apart (`mayRead`).
 */
const READABLE_TOPICS =
  /^(v1\.1\/(Datastreams\(\d+\)|\+)\/Observations|cimtwin\/v1\/Observations\/(\+|[A-Za-z]{2,8})|cimtwin\/v1\/incidents\/(\+|[A-Za-z0-9-]{1,64})|cimtwin\/v1\/follow\/(\+|[A-Za-z0-9_-]{1,64})|cimtwin\/v1\/parking|cimtwin\/v1\/alarms\/acks)$/;
/**
 * The largest MQTT packet a client may send. An observation is at most ~2.1 kB on the wire; 8 kB
 * leaves room for a SUBSCRIBE of ~200 datastream topics, and a reading between 2 and 8 kB is
 * still dropped and counted as `oversized` with the device kept connected.
 */
export const MAX_PACKET_BYTES = 4 * MAX_PAYLOAD_BYTES;
/** ws reads a WebSocket message whole (it may carry several MQTT packets): this bounds it. */
const MAX_WEBSOCKET_MESSAGE_BYTES = 8 * MAX_PACKET_BYTES;
/** Per client: past this many bytes it has not read yet, it is too slow and is cut off (5 s of the feed at 10,000 obs/s). */
export const MAX_UNSENT_BYTES = 1024 * 1024;
/** Anonymous clients' ids live here, apart from the ids of clients with credentials. */
export const ANONYMOUS_CLIENT_ID_PREFIX = 'anonymous/';
/** Signed-in viewers' ids live here: apart from devices' ids too. */
export const VIEWER_CLIENT_ID_PREFIX = 'viewer/';
/**
 * The user name a viewer connects with to read as its sign-in's role; the password is the
 * bearer token (the JWT the server issued). Without credentials a viewer reads as `public`.
 */
export const TOKEN_USERNAME = 'bearer';
/** setTimeout's longest delay (about 24.8 days): a later expiry is checked again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Who a connection reads as: a data role, or the device publisher (which reads what it may write: everything). */
type Reader = Role | 'publisher';

/** A subscriber's copy of a message on `topic`: undefined, not this hook's topic; null, nothing. */
export type PayloadForReader = (topic: string, payload: Buffer, role: Role) => Buffer | null | undefined;

/**
 * The embedded MQTT broker (aedes): TCP for devices on `tcpPort`, WebSocket at `/mqtt` on the
 * viewer's own HTTP server for browsers. Publishing needs the publisher's credentials and a
 * SensorThings observations topic; everybody else connects read-only, with a clean session and
 * a client id in its own namespace. Payloads are checked and stored; malformed, oversized,
 * mis-dated and unauthorised ones are counted and dropped. Every connection has bounded buffers
 * both ways (`BoundedMqttConnection`): a slow reader or a huge packet costs only its own
 * connection. Failed logins are throttled per source address.
 *
 * Viewers read per data role (docs/live-data.md, "Who reads what"): anonymous is `public`; a
 * viewer that connects with user name `bearer` and its sign-in token as password reads as its
 * account's role, until the token expires (then it is disconnected). A subscription to a topic
 * of a pipe category the role may not see — or a wildcard that would cover one — is refused in
 * the SUBACK and counted; deliveries are checked once more per subscriber.
 */
export async function createLiveBroker(options: {
  http: HttpServer;
  tcpPort: number;
  tcpHost?: string;
  publisher: PublisherCredentials;
  /** Where accepted observations go (latest values, alarm states, the history's queue). */
  store: Pick<LiveObservations, 'add' | 'retentionMs'>;
  /** How long the viewers' feed gathers observations before publishing a batch (ms). */
  feedWindowMs?: number;
  /** How far ahead of its arrival a reading may be dated (ms; default 5 minutes of clock skew). */
  futureToleranceMs?: number;
  /** Failed logins per source address: after `maxFailures` in a window, locked out until it ends (default 10 a minute). */
  loginThrottle?: { maxFailures: number; windowMs: number };
  /** Per-connection limits (default MAX_PACKET_BYTES, MAX_UNSENT_BYTES). */
  limits?: Partial<ConnectionLimits>;
  /** Where warnings go (one line per source and window for failed logins); default console.warn. */
  log?: (line: string) => void;
  /** Each observation accepted, once stored, with its arrival time (ms): the rules runner listens here. */
  onObservation?: (observation: Observation, receivedMs: number) => void;
  /** Which roles read which datastreams and feeds (default: a catalogue with no pipe categories, all open). */
  access?: SensorAccess;
  /** Verifies viewers' bearer tokens; without it a token is refused (no accounts: everyone reads as public). */
  auth?: Pick<Authenticator, 'principalOfToken'>;
  /**
   * Each subscriber's copy of a server message (incidents, follow sessions: their JSON per data
   * role, server/incidents/IncidentAccess.ts): undefined for a topic it does not decide (sent
   * as published), null to send nothing. Called per delivery: it caches per message and profile.
   */
  payloadFor?: PayloadForReader;
}): Promise<LiveBroker> {
  if (options.publisher.username === TOKEN_USERNAME)
    throw new Error(`the device publisher cannot be named "${TOKEN_USERNAME}": that user name is the viewers' token login`);
  const access = options.access ?? new SensorAccess([]);
  const counters: LiveBrokerCounters = {
    accepted: 0,
    unauthorised: 0,
    malformed: 0,
    oversized: 0,
    futureReadings: 0,
    expiredReadings: 0,
    unknownDatastream: 0,
    oversizedPackets: 0,
    slowClientsDropped: 0,
    persistentSessionsRefused: 0,
    failedLogins: 0,
    loginsLockedOut: 0,
    batches: 0,
    tokensRefused: 0,
    subscriptionsRefused: 0,
    tokensExpired: 0,
    deliveriesWithheld: 0,
  };
  const payloadErrorCounter: Record<ObservationPayloadError, keyof LiveBrokerCounters> = {
    oversized: 'oversized',
    malformed: 'malformed',
    future: 'futureReadings',
    expired: 'expiredReadings',
  };
  const futureToleranceMs = options.futureToleranceMs ?? 5 * 60_000;
  const log = options.log ?? ((line: string) => console.warn(line));
  const limits: ConnectionLimits = { maxPacketBytes: MAX_PACKET_BYTES, maxUnsentBytes: MAX_UNSENT_BYTES, ...options.limits };
  const limitEvents: ConnectionLimitEvents = {
    oversizedPacket: () => counters.oversizedPackets++,
    slowClient: () => counters.slowClientsDropped++,
  };
  const throttle = new LoginThrottle(options.loginThrottle?.maxFailures ?? 10, options.loginThrottle?.windowMs ?? 60_000);
  const logLoginFailures = (now: number): void => {
    for (const { source, failures, refused } of throttle.takeEnded(now))
      log(
        `live: ${failures} failed MQTT login(s) from ${source} within ${throttle.windowMs / 1000} s` +
          (refused > 0 ? `; locked out after ${throttle.maxFailures}, ${refused} more attempt(s) refused unchecked` : ''),
      );
  };
  const loginLogTimer = setInterval(() => logLoginFailures(Date.now()), throttle.windowMs);
  loginLogTimer.unref();
  const publishers = new WeakSet<Client>();
  const readers = new WeakMap<Client, Reader>();
  const expiryTimers = new Map<Client, NodeJS.Timeout>();
  /** Closes a token's connection when the token expires (a later sign-in connects anew). */
  const closeAtExpiry = (client: Client, expiresAt: number): void => {
    const timer = setTimeout(
      () => {
        expiryTimers.delete(client);
        if (Date.now() < expiresAt) return closeAtExpiry(client, expiresAt);
        counters.tokensExpired++;
        client.close();
      },
      Math.min(MAX_TIMER_MS, Math.max(0, expiresAt - Date.now())),
    );
    timer.unref();
    expiryTimers.set(client, timer);
  };
  /** The datastream an alarm acknowledgement is about (read once per message, not per subscriber). */
  const ackDatastreams = new WeakMap<Buffer, number | undefined>();
  const ackDatastream = (payload: Buffer): number | undefined => {
    if (ackDatastreams.has(payload)) return ackDatastreams.get(payload);
    let datastream: number | undefined;
    try {
      const value = (JSON.parse(payload.toString('utf8')) as { datastream?: unknown }).datastream;
      datastream = typeof value === 'number' ? value : undefined;
    } catch {
      datastream = undefined;
    }
    ackDatastreams.set(payload, datastream);
    return datastream;
  };
  /** Whether a reader may subscribe to (or receive) a readable topic: observations by the role's categories, the rest as before. */
  const mayRead = (reader: Reader, topic: string): boolean => {
    if (reader === 'publisher') return true;
    const feed = feedOfTopic(topic);
    if (feed !== undefined) return access.mayReadFeed(reader, feed);
    const datastream = datastreamOfTopic(topic);
    if (datastream !== undefined) return access.maySee(reader, datastream);
    // Wildcards over every feed or every datastream: only for a role that reads them all.
    if (topic === observationFeedTopic('+') || topic === 'v1.1/+/Observations') return access.seesAll(reader);
    return true;
  };
  const dropped = new WeakSet<Buffer>();
  const expectedUser = Buffer.from(options.publisher.username);
  const expectedPassword = Buffer.from(options.publisher.password);
  const same = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b);
  // The viewers' feeds: one message per window and feed (pipe category, or open) for every browser (see ObservationBatch).
  const batchers = new Map<string, ObservationBatcher>();
  function publishFeed(feed: string, batcher: ObservationBatcher, now: number): void {
    const bytes = batcher.take(now);
    if (!bytes) return;
    counters.batches++;
    const payload = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    broker.publish({ cmd: 'publish', topic: observationFeedTopic(feed), payload, qos: 1, retain: false, dup: false }, () => {});
  }
  function publishBatches(): void {
    const now = Date.now();
    for (const [feed, batcher] of batchers) publishFeed(feed, batcher, now);
  }

  const broker = await Aedes.createBroker({
    queueLimit: 200,
    // MQTT 3.1 allows client ids of 23 characters: the anonymous prefix comes on top.
    maxClientsIdLength: 23 + ANONYMOUS_CLIENT_ID_PREFIX.length,
    preConnect: (_client, packet, callback) => {
      // A client id belongs to its credentials: an anonymous client's id is put in its own
      // namespace, so reusing a device's id cannot take the device's session over (MQTT's
      // takeover rule would otherwise cut the device off).
      if (packet.username === undefined && packet.password === undefined) packet.clientId = ANONYMOUS_CLIENT_ID_PREFIX + (packet.clientId || randomUUID());
      else if (packet.username === TOKEN_USERNAME) packet.clientId = VIEWER_CLIENT_ID_PREFIX + (packet.clientId || randomUUID());
      callback(null, true);
    },
    authenticate: (client, username, password, done) => {
      const refuse = (returnCode: 4 | 5, message: string): void => done(Object.assign(new Error(message), { returnCode }) as AuthenticateError, false);
      if (username === undefined && password === undefined) {
        // A read-only viewer. A persistent session would queue every QoS 1 message for it while
        // it is away, without limit: its session ends with its connection.
        if (!client.clean) {
          counters.persistentSessionsRefused++;
          return refuse(5, 'a persistent session (clean session 0) needs credentials');
        }
        readers.set(client, 'public');
        return done(null, true);
      }
      const now = Date.now();
      const source = LoginThrottle.sourceOf(client.conn instanceof BoundedMqttConnection ? client.conn.remoteAddress : '');
      if (throttle.isLockedOut(source, now)) {
        counters.loginsLockedOut++;
        throttle.recordRefusal(source, now);
        return refuse(5, 'too many failed logins from this address: try again later');
      }
      if (username !== undefined && password !== undefined && same(Buffer.from(username), expectedUser) && same(password, expectedPassword)) {
        publishers.add(client);
        readers.set(client, 'publisher');
        return done(null, true);
      }
      if (username === TOKEN_USERNAME && password !== undefined && options.auth) {
        void options.auth.principalOfToken(password.toString('utf8')).then(
          (principal) => {
            if (principal === 'invalid') {
              counters.tokensRefused++;
              throttle.recordFailure(source, Date.now());
              return refuse(4, 'the token is invalid or expired: sign in again');
            }
            if (!client.clean) {
              counters.persistentSessionsRefused++;
              return refuse(5, 'a viewer reads with a clean session (clean session 1)');
            }
            readers.set(client, principal.role);
            if (principal.expiresAt !== undefined) closeAtExpiry(client, principal.expiresAt);
            done(null, true);
          },
          (error: unknown) => done(error as AuthenticateError, false),
        );
        return;
      }
      if (username === TOKEN_USERNAME) counters.tokensRefused++;
      else counters.failedLogins++;
      throttle.recordFailure(source, now);
      refuse(4, 'bad user name or password');
    },
    authorizePublish: (client, packet, callback) => {
      if (!client) return callback(null); // the broker's own messages
      const datastream = datastreamOfTopic(packet.topic);
      if (!publishers.has(client) || datastream === undefined) {
        counters.unauthorised++;
        return callback(new Error('publishing needs the publisher role and an observations topic'));
      }
      const parsed = parseObservationPayload(packet.payload as Buffer, { now: Date.now(), futureToleranceMs, maxAgeMs: options.store.retentionMs });
      if ('error' in parsed) {
        counters[payloadErrorCounter[parsed.error]]++;
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
      options.onObservation?.({ datastream, time: parsed.time, result: parsed.result }, Date.now());
      const feed = access.feedOf(datastream);
      let batcher = batchers.get(feed);
      if (!batcher) batchers.set(feed, (batcher = new ObservationBatcher()));
      batcher.add(datastream, parsed.time, parsed.result);
      if (batcher.isFull()) publishFeed(feed, batcher, Date.now());
      callback(null);
    },
    authorizeForward: (client, packet) => {
      if (dropped.has(packet.payload as Buffer)) return null;
      if (!client) return packet;
      // Behind the subscription check: a message of a category the subscriber's role may not see is never sent.
      const reader = readers.get(client) ?? 'public';
      const datastream = packet.topic === ALARM_ACKS_TOPIC ? ackDatastream(packet.payload as Buffer) : undefined;
      if (mayRead(reader, packet.topic) && (datastream === undefined || reader === 'publisher' || access.maySee(reader, datastream))) {
        const payload = reader === 'publisher' ? undefined : options.payloadFor?.(packet.topic, packet.payload as Buffer, reader);
        if (payload === undefined) return packet;
        if (payload !== null) return payload === packet.payload ? packet : { ...packet, payload };
      }
      counters.deliveriesWithheld++;
      return null;
    },
    authorizeSubscribe: (client, subscription, callback) => {
      const reader = (client && readers.get(client)) ?? 'public';
      if (READABLE_TOPICS.test(subscription.topic) && mayRead(reader, subscription.topic)) return callback(null, subscription);
      counters.subscriptionsRefused++;
      callback(null, null); // refused in the SUBACK (0x80), the connection stays
    },
  });
  broker.on('clientDisconnect', (client) => {
    clearTimeout(expiryTimers.get(client));
    expiryTimers.delete(client);
  });

  const feedTimer = setInterval(publishBatches, options.feedWindowMs ?? 100);

  const sockets = new Set<Duplex>();
  const tcp = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    broker.handle(BoundedMqttConnection.overTcp(socket, limits, limitEvents));
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(options.tcpPort, options.tcpHost ?? '127.0.0.1', () => resolve());
  });

  // No per-message compression: a small compressed frame could inflate past every limit.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WEBSOCKET_MESSAGE_BYTES, perMessageDeflate: false });
  const acceptWebSocket = (websocket: WebSocket, request: IncomingMessage): void => {
    broker.handle(BoundedMqttConnection.overWebSocket(websocket, request.socket, limits, limitEvents), request);
  };
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // The target was parsed by the HTTP server's boundary, which also refuses paths nobody serves.
    if (requestTarget(request).path !== MQTT_WEBSOCKET_PATH) return;
    wss.handleUpgrade(request, socket, head, (websocket) => acceptWebSocket(websocket, request));
  };
  options.http.on('upgrade', onUpgrade);

  return {
    broker,
    counters,
    tcp,
    tcpPort: () => (tcp.address() as { port: number }).port,
    close: async () => {
      clearInterval(feedTimer);
      clearInterval(loginLogTimer);
      for (const timer of expiryTimers.values()) clearTimeout(timer);
      expiryTimers.clear();
      logLoginFailures(Number.POSITIVE_INFINITY);
      options.http.off('upgrade', onUpgrade);
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
}
