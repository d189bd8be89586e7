import mqtt, { type MqttClient } from 'mqtt';
import { backoffDelay } from '../../workers/live/backoffSchedule.js';
import { decodeObservationBatch, feedOfTopic } from '../../workers/live/ObservationBatch.js';
import { datastreamOfTopic } from '../../workers/live/sensorTypes.js';
import type { LiveFeedConfig } from '../../workers/formats/viewerConfig.js';
import type { LiveStateDocument } from '../../workers/formats/liveState.js';
import type { LiveConnectionState } from '../../workers/protocol/WorkerRequests.js';

export type { LiveConnectionState };

/** Where the live feed comes from: the broker's absolute ws(s):// URL, the API base and the feed topic. */
export type LiveFeed = LiveFeedConfig;

export interface LiveSensorSourceOptions extends LiveFeed {
  /**
   * The viewer's sign-in token: the broker's password (user name `bearer`) and the state's
   * Authorization, so the server sends the sensors of the sign-in's data role. None: public.
   */
  token?: string;
  /** Called with each observation (datastream id, phenomenonTime ms, result). */
  onObservation(datastream: number, timeMs: number, result: number): void;
  /** Called with the full current state after connecting and after every reconnect. */
  onState(state: LiveStateDocument): void;
  onConnection(state: LiveConnectionState, since: number): void;
  /** No message for this long while connected = stale (the feed stopped, the socket did not). */
  staleAfterMs?: number;
  fetch?: typeof fetch;
}

/**
 * Reads the live feed: subscribes to the feeds the server's state document names for this
 * sign-in (one per pipe category the role may see, and the open one; the configured feed topic
 * from a server that names none), reloads the current state over HTTP after every (re)connect
 * so nothing published during a gap is missed, and reconnects with jittered exponential
 * backoff (mqtt.js's own reconnect is a fixed period and is off). A token the server refuses
 * (CONNACK 4/5, HTTP 401) stops it in `refused`: retrying would only lock the address out; a
 * new sign-in starts a new source. Runs in a Web Worker in the viewer, and in Node in tests.
 */
export class LiveSensorSource {
  private client: MqttClient | undefined;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private staleTimer: ReturnType<typeof setInterval> | undefined;
  private lastMessage = 0;
  private state: LiveConnectionState = 'connecting';
  private stopped = false;
  /** The last batch sequence per feed topic (each feed numbers its own). */
  private readonly lastSequence = new Map<string, number>();
  /** Topics subscribed on this connection. */
  private subscribed = new Set<string>();
  /** The topics to read, once a state document said (its feeds, or the configured topic): undefined before. */
  private topics: readonly string[] | undefined;
  resyncs = 0;
  malformed = 0;
  /** Batches missed on the feed (each one reloads the state). */
  gaps = 0;

  constructor(private readonly options: LiveSensorSourceOptions) {}

  start(): void {
    this.connect();
    const staleAfter = this.options.staleAfterMs ?? 15_000;
    this.staleTimer = setInterval(() => {
      if (this.state === 'live' && Date.now() - this.lastMessage > staleAfter) this.setState('stale');
    }, 1000);
  }

  private setState(state: LiveConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    this.options.onConnection(state, Date.now());
  }

  private connect(): void {
    if (this.stopped) return;
    const { token } = this.options;
    const client = mqtt.connect(this.options.mqttUrl, {
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      clean: true,
      protocolVersion: 4,
      ...(token ? { username: 'bearer', password: token } : {}),
    });
    this.client = client;
    client.on('connect', () => {
      this.attempt = 0;
      this.lastSequence.clear();
      this.subscribed = new Set();
      // The first time, the state document says what to read: resync subscribes, then loads it again.
      if (!this.topics) return void this.resync();
      void this.subscribeTo(client, this.topics).then((ok) => {
        if (ok) void this.resync();
        else client.end(true);
      });
    });
    client.on('message', (topic, payload) => {
      this.lastMessage = Date.now();
      if (this.state === 'stale') this.setState('live');
      if (topic === this.options.feedTopic || feedOfTopic(topic) !== undefined) return this.readBatch(topic, payload);
      const datastream = datastreamOfTopic(topic);
      try {
        const { phenomenonTime, result } = JSON.parse(new TextDecoder().decode(payload)) as { phenomenonTime?: unknown; result?: unknown };
        const time = typeof phenomenonTime === 'string' ? Date.parse(phenomenonTime) : Number.NaN;
        if (datastream === undefined || !Number.isFinite(time) || typeof result !== 'number') throw new Error('not an observation');
        this.options.onObservation(datastream, time, result);
      } catch {
        this.malformed++; // counted and dropped: one bad message never stops the feed
      }
    });
    client.on('close', () => this.scheduleReconnect());
    client.on('error', (error) => {
      // CONNACK 4 (bad user name or password) or 5 (not authorised): the token is refused.
      const code = (error as { code?: unknown }).code;
      if (code === 4 || code === 5) this.refuse();
      client.end(true);
    });
  }

  /** The topics a state document says to read: its feeds, else the configured feed (or every datastream's topic). */
  private topicsOf(state: LiveStateDocument): string[] {
    return state.feeds ?? [this.options.feedTopic ?? 'v1.1/+/Observations'];
  }

  /** Subscribes to the topics not subscribed yet and leaves the others; false when the request failed. */
  private async subscribeTo(client: MqttClient, wanted: readonly string[]): Promise<boolean> {
    const gone = [...this.subscribed].filter((topic) => !wanted.includes(topic));
    const added = wanted.filter((topic) => !this.subscribed.has(topic));
    try {
      if (gone.length > 0) await client.unsubscribeAsync(gone);
      for (const topic of gone) this.subscribed.delete(topic);
      if (added.length > 0) await client.subscribeAsync(added, { qos: 1 });
    } catch (error) {
      // A topic refused in the SUBACK (0x80; the role changed meanwhile) is not read, the others are.
      const granted = (error as { packet?: { granted?: unknown } }).packet?.granted;
      if (!Array.isArray(granted) || !granted.includes(0x80)) return false;
    }
    for (const topic of added) this.subscribed.add(topic);
    return true;
  }

  /** The server refused the token: no retries (a new sign-in starts a new source). */
  private refuse(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.client?.removeAllListeners();
    this.client?.end(true);
    this.setState('refused');
  }

  private readBatch(topic: string, payload: Uint8Array): void {
    try {
      const batch = decodeObservationBatch(payload);
      // A missed batch (the broker dropped it for this client): the HTTP state fills the hole.
      const last = this.lastSequence.get(topic);
      if (last !== undefined && (batch.sequence - last) >>> 0 !== 1) {
        this.gaps++;
        void this.resync();
      }
      this.lastSequence.set(topic, batch.sequence);
      for (let i = 0; i < batch.count; i++) this.options.onObservation(batch.datastream[i]!, batch.time[i]!, batch.result[i]!);
    } catch {
      this.malformed++;
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.timer) return;
    this.setState('reconnecting');
    this.client?.removeAllListeners();
    this.client?.end(true);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connect();
    }, backoffDelay(this.attempt++));
  }

  /** Reloads the current state over HTTP (back from a replay); a no-op until connected. */
  reload(): void {
    if (this.client?.connected) void this.resync();
  }

  /**
   * Reloads the current state over HTTP (after subscribing, so nothing falls between). A state
   * naming other feeds than those subscribed (the first connect, a changed role) subscribes to
   * them and loads the state once more, for what came before the subscription.
   */
  private async resync(again = true): Promise<void> {
    try {
      const { token } = this.options;
      const response = await (this.options.fetch ?? fetch)(
        `${this.options.apiUrl}/api/live/state`,
        token ? { headers: { Authorization: `Bearer ${token}` } } : {},
      );
      if (response.status === 401) return this.refuse();
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const state = (await response.json()) as LiveStateDocument;
      const client = this.client;
      const wanted = this.topicsOf(state);
      if (client && again && !sameTopics(wanted, [...this.subscribed])) {
        this.topics = wanted;
        if (!(await this.subscribeTo(client, wanted))) throw new Error('subscribing to the feeds failed');
        return this.resync(false);
      }
      this.options.onState(state);
      this.resyncs++;
      this.lastMessage = Date.now();
      this.setState('live');
    } catch {
      this.client?.end(true); // try again through the backoff
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.staleTimer);
    this.client?.removeAllListeners();
    this.client?.end(true);
  }
}

function sameTopics(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((topic) => b.includes(topic));
}
