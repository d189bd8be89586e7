import { type FollowMessage, followTopic, parseFollowMessage } from '../../workers/formats/followSession.js';
import { TopicFeed, type TopicFeedConnection } from '../../viewer/src/platform/TopicFeed.js';

export interface FollowFeedOptions {
  /** ws:// or wss:// URL of the broker's MQTT-over-WebSocket endpoint. */
  mqttUrl: string;
  session: string;
  /** A state of the session (null: nobody leads it now, its retained state was cleared). */
  onMessage(message: FollowMessage | null): void;
  onConnection(state: TopicFeedConnection): void;
  /** A message that is not a follow state, with the reason (dropped; the feed goes on). */
  onRefused?(reason: string): void;
  /** The sign-in's token, read at each (re)connect: the broker sends the role's copy (a selection it may not see left out). */
  token?: () => string | undefined;
}

/** One follow session's states as the leader sends them: its retained topic, so a (re)connect delivers the current state at once. */
export class FollowFeed {
  private readonly feed: TopicFeed;

  constructor(options: FollowFeedOptions) {
    this.feed = new TopicFeed({
      mqttUrl: options.mqttUrl,
      topic: followTopic(options.session),
      onConnection: options.onConnection,
      ...(options.token ? { token: options.token } : {}),
      onPayload: (payload) => {
        if (payload.length === 0) return options.onMessage(null);
        let body: unknown;
        try {
          body = JSON.parse(new TextDecoder().decode(payload));
        } catch {
          return options.onRefused?.('not JSON');
        }
        const parsed = parseFollowMessage(body);
        if ('value' in parsed) options.onMessage(parsed.value);
        else options.onRefused?.(`${parsed.field}: ${parsed.message}`);
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
