import {
  FOLLOW_FORMAT_VERSION,
  FOLLOW_MAX_UPDATES_PER_SECOND,
  type FollowMessage,
  type FollowSessionSummary,
  type FollowUpdate,
  followTopic,
} from '../../workers/formats/followSession.js';
import type { AuditEntryInput } from '../store/Store.js';

/** Who sends an update: the signed-in account and where the request came from. */
export interface FollowLeader {
  username: string;
  role: string;
  source: string;
}

/** A session's state as the server keeps it: the leader always named (only a role's copy leaves it out). */
type KeptFollowMessage = FollowMessage & { leader: string };

export type FollowUpdateResult = { message: FollowMessage } | { status: 429; retryAfterSeconds: number } | { status: 409 | 503; reason: string };

/** Sessions a server keeps at once (a command centre has a few walls and rooms; this bounds memory). */
export const MAX_FOLLOW_SESSIONS = 100;

/** A token bucket per leader and session: `FOLLOW_MAX_UPDATES_PER_SECOND` a second, as many at once after a pause. */
interface Bucket {
  tokens: number;
  at: number;
}

/**
 * The follow sessions of this server: the last message of each, who leads it, and the leaders'
 * rate. An update is stamped (leader, sequence number, time) and published retained on the
 * session's topic, so a screen that subscribes later gets it at once; the broker keeps it in
 * memory, as this does. The audit log records who took the lead, what they selected and which
 * layers they showed, and who stopped — not every camera move (a leader sends up to 5 a second).
 */
export class FollowSessions {
  private readonly sessions = new Map<string, KeptFollowMessage>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxPerSecond: number;
  private readonly now: () => number;

  constructor(
    private readonly options: {
      /** Publishes on the broker; false when there is none (no live backbone on this server). */
      publish(topic: string, payload: Buffer, retain: boolean): boolean;
      audit(entry: AuditEntryInput): Promise<void>;
      maxPerSecond?: number;
      now?: () => number;
    },
  ) {
    this.maxPerSecond = options.maxPerSecond ?? FOLLOW_MAX_UPDATES_PER_SECOND;
    this.now = options.now ?? Date.now;
  }

  list(): FollowSessionSummary[] {
    return [...this.sessions.values()].map((m) => ({ session: m.session, leader: m.leader, seq: m.seq, updatedAt: m.at }));
  }

  get(session: string): FollowMessage | undefined {
    return this.sessions.get(session);
  }

  async update(session: string, update: FollowUpdate, leader: FollowLeader): Promise<FollowUpdateResult> {
    const now = this.now();
    const wait = this.take(`${session}\u0000${leader.username}`, now);
    if (wait > 0) return { status: 429, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };
    const previous = this.sessions.get(session);
    if (!previous && this.sessions.size >= MAX_FOLLOW_SESSIONS)
      return { status: 409, reason: `this server already has ${MAX_FOLLOW_SESSIONS} follow sessions: stop one first (DELETE /api/follow/{session})` };
    const message: KeptFollowMessage = {
      version: FOLLOW_FORMAT_VERSION,
      session,
      seq: (previous?.seq ?? 0) + 1,
      leader: leader.username,
      at: new Date(now).toISOString(),
      ...update,
    };
    if (!this.options.publish(followTopic(session), Buffer.from(JSON.stringify(message)), true))
      return { status: 503, reason: 'no broker on this server: screens cannot follow (the live backbone is off)' };
    this.sessions.set(session, message);
    const base = { at: message.at, actor: leader.username, role: leader.role, target: `follow:${session}`, source: leader.source };
    if (previous?.leader !== leader.username)
      await this.options.audit({ ...base, action: 'follow.lead', detail: JSON.stringify({ from: previous?.leader ?? null, seq: message.seq }) });
    if (!previous || !sameShown(previous, message)) await this.options.audit({ ...base, action: 'follow.update', detail: JSON.stringify(shownOf(message)) });
    return { message };
  }

  /** Ends a session: its retained message is cleared (an empty retained payload), followers are told nobody leads. */
  async stop(session: string, by: FollowLeader): Promise<boolean> {
    const previous = this.sessions.get(session);
    if (!previous) return false;
    this.options.publish(followTopic(session), Buffer.alloc(0), true);
    this.sessions.delete(session);
    for (const key of this.buckets.keys()) if (key.startsWith(`${session}\u0000`)) this.buckets.delete(key);
    await this.options.audit({
      at: new Date(this.now()).toISOString(),
      actor: by.username,
      role: by.role,
      action: 'follow.stop',
      target: `follow:${session}`,
      detail: JSON.stringify({ leader: previous.leader, seq: previous.seq }),
      source: by.source,
    });
    return true;
  }

  /** Takes a token from the bucket: 0 when there was one, else the ms until the next. */
  private take(key: string, now: number): number {
    const bucket = this.buckets.get(key) ?? { tokens: this.maxPerSecond, at: now };
    bucket.tokens = Math.min(this.maxPerSecond, bucket.tokens + ((now - bucket.at) / 1000) * this.maxPerSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return ((1 - bucket.tokens) / this.maxPerSecond) * 1000;
  }
}

/** What the audit log records of a state (the camera moves too often to log). */
function shownOf(message: FollowMessage): object {
  return {
    selection: message.selection,
    visibleLayers: Object.entries(message.layers)
      .filter(([, layer]) => layer.visible)
      .map(([id]) => id),
    underground: message.underground,
    ...('feature' in message.view ? { frame: message.view.feature } : {}),
  };
}

function sameShown(a: FollowMessage, b: FollowMessage): boolean {
  return JSON.stringify(shownOf(a)) === JSON.stringify(shownOf(b));
}
