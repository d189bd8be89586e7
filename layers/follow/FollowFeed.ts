import type { MqttClient } from 'mqtt';
import { type FollowMessage, followTopic, parseFollowMessage } from '../../workers/formats/followSession.js';
import { backoffDelay } from '../../workers/live/backoffSchedule.js';

export interface FollowFeedOptions {
  /** ws:// or wss:// URL of the broker's MQTT-over-WebSocket endpoint. */
  mqttUrl: string;
  session: string;
  /** A state of the session (null: nobody leads it now, its retained state was cleared). */
  onMessage(message: FollowMessage | null): void;
  onConnection(state: 'connecting' | 'live' | 'reconnecting'): void;
  /** A message that is not a follow state, with the reason (dropped; the feed goes on). */
  onRefused?(reason: string): void;
}

/**
 * One follow session's states as the leader sends them: subscribes (read-only) to the session's
 * retained topic, so a (re)connect delivers the current state at once. Reconnects with the
 * jittered backoff of the other feeds; mqtt.js is loaded on first use, as by the incidents feed.
 */
export class FollowFeed {
  private client: MqttClient | undefined;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(private readonly options: FollowFeedOptions) {}

  start(): void {
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.options.onConnection(this.attempt === 0 ? 'connecting' : 'reconnecting');
    const { default: mqtt } = await import('mqtt');
    if (this.stopped) return;
    const client = mqtt.connect(this.options.mqttUrl, { reconnectPeriod: 0, connectTimeout: 10_000, clean: true, protocolVersion: 4 });
    this.client = client;
    client.on('connect', () => {
      this.attempt = 0;
      client.subscribe(followTopic(this.options.session), { qos: 1 }, (error, granted) => {
        if (error || granted?.[0]?.qos === 128) return client.end(true);
        this.options.onConnection('live');
      });
    });
    client.on('message', (_topic, payload) => {
      if (payload.length === 0) return this.options.onMessage(null);
      let body: unknown;
      try {
        body = JSON.parse(new TextDecoder().decode(payload));
      } catch {
        return this.options.onRefused?.('not JSON');
      }
      const parsed = parseFollowMessage(body);
      if ('value' in parsed) this.options.onMessage(parsed.value);
      else this.options.onRefused?.(`${parsed.field}: ${parsed.message}`);
    });
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
