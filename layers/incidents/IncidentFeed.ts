import type { MqttClient } from 'mqtt';
import { INCIDENTS_SUBSCRIPTION, type Incident, type IncidentChangeMessage } from '../../workers/formats/incident.js';
import { backoffDelay } from '../../workers/live/backoffSchedule.js';

export interface IncidentFeedOptions {
  /** ws:// or wss:// URL of the broker's MQTT-over-WebSocket endpoint. */
  mqttUrl: string;
  onIncident(incident: Incident, change: IncidentChangeMessage['change'] | 'loaded'): void;
  onConnection(state: 'connecting' | 'live' | 'reconnecting'): void;
  /** Loads every incident over HTTP (after each connect, so nothing published during a gap is missed). */
  loadAll(): Promise<Incident[]>;
}

/**
 * Incident changes as they happen: subscribes (read-only) to every incident's retained topic —
 * a (re)connect delivers each current record at once, then every change — and reloads the list
 * over HTTP after each connect. Reconnects with the same jittered backoff as the sensors feed.
 * mqtt.js is loaded on first use: a page without incidents does not carry it.
 */
export class IncidentFeed {
  private client: MqttClient | undefined;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(private readonly options: IncidentFeedOptions) {}

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
      client.subscribe(INCIDENTS_SUBSCRIPTION, { qos: 1 }, (error) => {
        if (error) return client.end(true);
        this.options.onConnection('live');
        void this.options
          .loadAll()
          .then((list) => list.forEach((incident) => this.options.onIncident(incident, 'loaded')))
          .catch(() => undefined); // the retained messages carry the same records
      });
    });
    client.on('message', (_topic, payload) => {
      try {
        const message = JSON.parse(new TextDecoder().decode(payload)) as IncidentChangeMessage;
        if (message?.incident?.id) this.options.onIncident(message.incident, message.change);
      } catch {
        // not an incident message: dropped, the feed goes on
      }
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
