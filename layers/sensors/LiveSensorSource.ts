import mqtt, { type MqttClient } from 'mqtt';
import { backoffDelay } from '../../workers/live/backoffSchedule.js';
import { decodeObservationBatch } from '../../workers/live/ObservationBatch.js';
import { datastreamOfTopic } from '../../workers/live/sensorTypes.js';
import type { LiveFeedConfig } from '../../workers/formats/viewerConfig.js';
import type { LiveStateDocument } from '../../workers/formats/liveState.js';
import type { LiveConnectionState } from '../../workers/protocol/WorkerRequests.js';

export type { LiveConnectionState };

/** Where the live feed comes from: the broker's absolute ws(s):// URL, the API base and the feed topic. */
export type LiveFeed = LiveFeedConfig;

export interface LiveSensorSourceOptions extends LiveFeed {
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
 * Reads the live feed: subscribes to every datastream's observations (read-only), reloads the
 * current state over HTTP after every (re)connect so nothing published during a gap is
 * missed, and reconnects with jittered exponential backoff (mqtt.js's own reconnect is a fixed
 * period and is off). Runs in a Web Worker in the viewer, and in Node in tests.
 */
export class LiveSensorSource {
  private client: MqttClient | undefined;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private staleTimer: ReturnType<typeof setInterval> | undefined;
  private lastMessage = 0;
  private state: LiveConnectionState = 'connecting';
  private stopped = false;
  private lastSequence: number | undefined;
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
    const client = mqtt.connect(this.options.mqttUrl, { reconnectPeriod: 0, connectTimeout: 10_000, clean: true, protocolVersion: 4 });
    this.client = client;
    client.on('connect', () => {
      this.attempt = 0;
      this.lastSequence = undefined;
      client.subscribe(this.options.feedTopic ?? 'v1.1/+/Observations', { qos: 1 }, (error) => {
        if (error) return client.end(true);
        void this.resync();
      });
    });
    client.on('message', (topic, payload) => {
      this.lastMessage = Date.now();
      if (this.state === 'stale') this.setState('live');
      if (topic === this.options.feedTopic) return this.readBatch(payload);
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
    client.on('error', () => client.end(true));
  }

  private readBatch(payload: Uint8Array): void {
    try {
      const batch = decodeObservationBatch(payload);
      // A missed batch (the broker dropped it for this client): the HTTP state fills the hole.
      if (this.lastSequence !== undefined && (batch.sequence - this.lastSequence) >>> 0 !== 1) {
        this.gaps++;
        void this.resync();
      }
      this.lastSequence = batch.sequence;
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

  /** Reloads the current state over HTTP (after subscribing, so nothing falls between). */
  private async resync(): Promise<void> {
    try {
      const response = await (this.options.fetch ?? fetch)(`${this.options.apiUrl}/api/live/state`);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      this.options.onState((await response.json()) as LiveStateDocument);
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
