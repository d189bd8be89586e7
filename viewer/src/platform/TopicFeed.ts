import type { MqttClient } from 'mqtt';
import { backoffDelay } from '../../../workers/live/backoffSchedule.js';

export type TopicFeedConnection = 'connecting' | 'live' | 'reconnecting';

export interface TopicFeedOptions {
  /** ws:// or wss:// URL of the broker's MQTT-over-WebSocket endpoint. */
  mqttUrl: string;
  /** A topic or filter of retained messages the server writes (incidents, follow sessions). */
  topic: string;
  /** Each message's bytes (an empty payload: the retained message was cleared). */
  onPayload(payload: Uint8Array, topic: string): void;
  onConnection(state: TopicFeedConnection): void;
  /** After each (re)connect and subscribe: reload what the topic may have missed meanwhile. */
  onSubscribed?(): void;
  /** The sign-in's bearer token, read at each (re)connect (user name `bearer`): the broker delivers what its role may read. None: public. */
  token?: () => string | undefined;
}

/**
 * A read-only subscription to retained topics, as plugins of the server's own state need it: a
 * (re)connect delivers each current message at once, then every change. Reconnects with the
 * sensors feed's jittered backoff; mqtt.js is loaded on first use, so a page without these
 * plugins does not carry it.
 */
export class TopicFeed {
  private client: MqttClient | undefined;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(private readonly options: TopicFeedOptions) {}

  start(): void {
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.options.onConnection(this.attempt === 0 ? 'connecting' : 'reconnecting');
    const { default: mqtt } = await import('mqtt');
    if (this.stopped) return;
    const token = this.options.token?.();
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
      client.subscribe(this.options.topic, { qos: 1 }, (error, granted) => {
        if (error || granted?.[0]?.qos === 128) return client.end(true);
        this.options.onConnection('live');
        this.options.onSubscribed?.();
      });
    });
    client.on('message', (topic, payload) => this.options.onPayload(payload, topic));
    client.on('close', () => this.scheduleReconnect());
    client.on('error', () => client.end(true));
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.timer) return;
    this.options.onConnection('reconnecting');
    this.client?.removeAllListeners();
    this.client?.end(true);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.connect();
    }, backoffDelay(this.attempt++));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.client?.removeAllListeners();
    this.client?.end(true);
  }
}
