import { INCIDENTS_SUBSCRIPTION, type Incident, type IncidentChangeMessage } from '../../workers/formats/incident.js';
import { TopicFeed, type TopicFeedConnection } from '../../viewer/src/platform/TopicFeed.js';

export interface IncidentFeedOptions {
  /** ws:// or wss:// URL of the broker's MQTT-over-WebSocket endpoint. */
  mqttUrl: string;
  onIncident(incident: Incident, change: IncidentChangeMessage['change'] | 'loaded'): void;
  onConnection(state: TopicFeedConnection): void;
  /** Loads every incident over HTTP (after each connect, so nothing published during a gap is missed). */
  loadAll(): Promise<Incident[]>;
  /** The sign-in's token, read at each (re)connect: the broker sends the role's copy of each incident (none: the public's). */
  token?: () => string | undefined;
}

/**
 * Incident changes as they happen: every incident's retained topic — a (re)connect delivers each
 * current record at once, then every change — and the list reloaded over HTTP after each connect.
 */
export class IncidentFeed {
  private readonly feed: TopicFeed;

  constructor(options: IncidentFeedOptions) {
    this.feed = new TopicFeed({
      mqttUrl: options.mqttUrl,
      topic: INCIDENTS_SUBSCRIPTION,
      onConnection: options.onConnection,
      ...(options.token ? { token: options.token } : {}),
      onSubscribed: () =>
        void options
          .loadAll()
          .then((list) => list.forEach((incident) => options.onIncident(incident, 'loaded')))
          .catch(() => undefined), // the retained messages carry the same records
      onPayload: (payload) => {
        try {
          const message = JSON.parse(new TextDecoder().decode(payload)) as IncidentChangeMessage;
          if (message?.incident?.id) options.onIncident(message.incident, message.change);
        } catch {
          // not an incident message (or a cleared retained one): dropped, the feed goes on
        }
      },
    });
  }

  start(): void {
    this.feed.start();
  }

  stop(): void {
    this.feed.stop();
  }
}
