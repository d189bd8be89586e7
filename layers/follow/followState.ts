import { createStore, type StoreApi } from 'zustand/vanilla';
import type { FollowMessage } from '../../workers/formats/followSession.js';

/** This screen's part in linked screens: the session it follows and what it shows of it, the one it leads. */
export interface FollowSlice {
  /** The session this screen follows, or none. */
  following: string | null;
  /** The last state applied from it; null until one arrives or when nobody leads it. */
  current: FollowMessage | null;
  /** The followed session's feed. */
  connection: 'off' | 'connecting' | 'live' | 'reconnecting';
  /** States applied since the page opened. */
  applied: number;
  /** When the feed last became live and when a state was last applied (ms, the page's performance.now()). */
  liveAt: number | null;
  appliedAt: number | null;
  /** The session this screen leads, or none. */
  leading: string | null;
  /** The last state the server took from this leader. */
  sent: { seq: number; at: string } | null;
  /** Updates sent (accepted by the server) while leading. */
  sentCount: number;
  /** The last refusal or failure, in words (a lost sign-in, no broker). */
  error: string | null;
}

export type FollowStore = StoreApi<FollowSlice>;

export function createFollowStore(): FollowStore {
  return createStore<FollowSlice>()(() => ({
    following: null,
    current: null,
    connection: 'off',
    applied: 0,
    liveAt: null,
    appliedAt: null,
    leading: null,
    sent: null,
    sentCount: 0,
    error: null,
  }));
}
