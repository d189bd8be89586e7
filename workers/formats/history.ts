/**
 * History and replay: what the server's history API answers and what the viewer's clock and
 * layers read. One home for these shapes; written by server/history/, read by viewer/ and
 * layers/ (and harness/, test/, bench/).
 *
 * Binary documents reuse the batched feed's encoding (workers/live/ObservationBatch.ts) with
 * its optional state column, so the same decoder reads the live feed, the state at a time T
 * and the changes that playback applies:
 *
 *   GET /api/history/state?at=<ISO 8601>      → application/octet-stream, an ObservationBatch:
 *       one row per datastream heard at or before T (its last observation by phenomenonTime at
 *       or before T, whenever it arrived), `sentAt` = T, with the state column: the sensor's
 *       SensorStateCode at T (normal / warning / alarm from the server's alarm transitions,
 *       offline when its last reading is older than its type's silence limit at T). Datastreams
 *       never heard before T are absent (the client shows them offline).
 *   GET /api/history/changes?from=<ISO>&to=<ISO>[&limit=n]
 *                                             → an ObservationBatch of the observations with
 *       from < phenomenonTime ≤ to, ordered by phenomenonTime (then datastream), each with the
 *       sensor's alarm state after it (state column). `sentAt` = the time up to which the batch
 *       is complete: `to`, or — when `limit` cut it short — the last row's time (ask again from
 *       there). Playback applies these in order as the clock passes them.
 *   GET /api/history/timeline?from=<ISO>&to=<ISO>&buckets=<n> → HistoryTimeline (JSON).
 *   GET /api/history/range                    → HistoryRange (JSON).
 *   GET /api/incidents?at=<ISO>               → Incident[] as they were at T (their versions).
 *   GET /v1.1/Datastreams(id)/Observations    → from the store, any window inside retention:
 *       `$filter=phenomenonTime ge|gt|le|lt <ISO>` (joined by `and`), `$top`, `$orderby`,
 *       `$skip`, and `@iot.nextLink` pages that continue from the last row's time (keyset
 *       paging: page 1,000 costs what page 1 does).
 *
 * Times are ms since the epoch in documents; ISO 8601 UTC in URLs.
 */

/** What the store holds: raw observations and the downsampled (bucketed min / mean / max) window. */
export interface HistoryRange {
  /** The server's clock (ms). */
  now: number;
  /** Earliest raw observation kept (ms), null when none yet. */
  rawFrom: number | null;
  /** Earliest downsampled bucket kept (ms), null when none. */
  downsampledFrom: number | null;
  /** Configured retention (ms). */
  rawRetentionMs: number;
  downsampledRetentionMs: number;
}

/** One incident change, for marks on the timeline. */
export interface TimelineIncidentMark {
  id: string;
  /** When it happened (ms): the incident's `sent` for `created`, the step's time otherwise. */
  time: number;
  headline: string;
  /** GB/T 35561 level 1–4 (Ⅰ is the most severe). */
  level: number;
  /** The state the incident entered (`reported` for a new one). */
  state: string;
}

/**
 * The timeline strip's content for [from, to]: alarm density by bucket (how many sensors
 * entered warning or alarm in each, so 24 hours of a busy district still draws as one strip)
 * and every incident change as a mark.
 */
export interface HistoryTimeline {
  from: number;
  to: number;
  bucketMs: number;
  /** Per bucket: sensors that entered `alarm` / `warning` in it. */
  alarms: number[];
  warnings: number[];
  incidents: TimelineIncidentMark[];
}

/** The viewer's one clock (ViewerState.clock). `time` is ms since the epoch. */
export type ClockState =
  | { mode: 'live' }
  | {
      mode: 'replay';
      /** Replay time at `anchorWallMs` (ms). */
      time: number;
      /** Wall-clock time (ms, Date.now()) when `time` was set; playing advances from there. */
      anchorWallMs: number;
      /** Replay seconds per wall second: 1 … 3,600. */
      speed: number;
      playing: boolean;
    };

/** What `cimTwin.clock.get()` returns and the `clock` event carries. */
export interface ClockReading {
  mode: 'live' | 'replay';
  /** ISO 8601 UTC: now in live mode, the replay time otherwise. */
  time: string;
  /** 1 in live mode; replay speed (0 while paused). */
  speed: number;
}

export const MIN_REPLAY_SPEED = 1;
export const MAX_REPLAY_SPEED = 3600;

/** The replay time the clock shows at wall time `nowMs` (pure: the viewer and tests share it). */
export function clockTimeAt(clock: ClockState, nowMs: number): number {
  if (clock.mode === 'live') return nowMs;
  return clock.playing ? clock.time + (nowMs - clock.anchorWallMs) * clock.speed : clock.time;
}
