/**
 * Rows of the history API's documents (an ObservationBatch with its state column): what a
 * replay applies. Equal-length columns; `state` is the server's SensorStateCode after the row.
 */
export interface ReplayRows {
  count: number;
  datastream: ArrayLike<number>;
  time: ArrayLike<number>;
  result: ArrayLike<number>;
  state: ArrayLike<number>;
}

/** What the replay needs from the server next: the state at a time, or a window of changes. */
export type ReplayRequest = { kind: 'state'; epoch: number; at: number } | { kind: 'changes'; epoch: number; from: number; to: number; limit: number };

/** Where the replay writes: every sensor at once (a seek) or one change in order (playback). */
export interface ReplaySink {
  replaceAll(rows: ReplayRows, at: number): void;
  applyChange(datastream: number, time: number, result: number, state: number): void;
}

/** Rows per changes request: ~1 MB, a request every few seconds at 60× with 20,000 sensors. */
export const CHANGES_LIMIT = 50_000;
/** Wall seconds of data fetched ahead of the clock (60× → 5 min, 3,600× → 5 h, cut by `limit`). */
const LOOKAHEAD_WALL_MS = 5_000;
/** Fetched ahead at least this much replay time (paused, 1×). */
const MIN_LOOKAHEAD_MS = 30_000;
/** The data may trail a clock at now (nothing newer to fetch in bulk) by this much before it is asked for. */
const MAX_LAG_MS = 1_000;
/** A clock set back by less than this continues (the main thread and the worker read the wall clock apart). */
const BACKWARD_TOLERANCE_MS = 1_000;

/** How far ahead of the clock to hold changes at a speed (0 while paused). */
export function lookaheadMs(speed: number): number {
  return Math.max(MIN_LOOKAHEAD_MS, speed * LOOKAHEAD_WALL_MS);
}

/**
 * The replay's bookkeeping, pure (no I/O, no clock of its own): a seek asks for the state at
 * T and replaces every sensor with it; then windows of changes are asked for ahead of the
 * clock (one request in flight, bounded in size, continued where `limit` cut one) and applied
 * in order as the clock passes them. Every seek starts a new epoch: a response to an older
 * epoch's request never applies. Seeks coalesce: while a request is in flight (the caller
 * aborts it) no other is issued, and the state then asked for is the latest seek's — a burst
 * of seeks (an arrow key held on the timeline) costs two state requests, not one each. When the clock runs further ahead of the data than a whole
 * window (a fast speed over dense data), it seeks to the clock instead of falling behind.
 */
export class ReplayPlayback {
  /** Bumped by every seek; requests carry it. */
  epoch = 0;
  /** Replay time the sink shows (every change at or before it applied); NaN before the first state. */
  appliedTo = Number.NaN;
  /** Changes are held (applied or queued) up to here. */
  private bufferedTo = Number.NaN;
  private inFlight: ReplayRequest | undefined;
  /** Fetched windows not applied yet, oldest first, and the next row of the first. */
  private queue: ReplayRows[] = [];
  private row = 0;
  /** The latest seek's time until its state arrives. */
  private seekingTo: number | undefined;

  /** Whether the state at the last seek is still on its way. */
  get loading(): boolean {
    return this.seekingTo !== undefined;
  }

  /**
   * Starts over at `at`: what is queued is dropped; `next` asks for the state at `at` once the
   * request in flight (now stale: the caller aborts it) has settled through `failed` or `accept*`.
   */
  seek(at: number): void {
    at = Math.floor(at); // whole milliseconds, as the URLs carry them
    this.epoch++;
    this.queue = [];
    this.row = 0;
    this.seekingTo = at;
    this.appliedTo = Number.NaN;
    this.bufferedTo = Number.NaN;
    // `inFlight` stays until it settles: at most one request at a time, whatever the seek rate.
  }

  /**
   * Whether the clock moving to `time` (a pause, a speed change, a small step forward) can
   * continue from what is applied; otherwise the caller seeks.
   */
  continues(time: number, speed: number): boolean {
    const from = this.seekingTo ?? this.appliedTo;
    if (!Number.isFinite(from)) return false;
    const held = Number.isFinite(this.bufferedTo) ? Math.max(from, this.bufferedTo) : from;
    return time >= from - BACKWARD_TOLERANCE_MS && time <= held + lookaheadMs(speed);
  }

  /**
   * What to fetch next for the clock at `time` playing at `speed` (0 paused), or undefined
   * (one request at a time; nothing past `serverNow`). May seek when the data fell a whole
   * window behind the clock.
   */
  next(time: number, speed: number, serverNow: number): ReplayRequest | undefined {
    if (this.inFlight) return undefined;
    if (this.seekingTo !== undefined) return (this.inFlight = { kind: 'state', epoch: this.epoch, at: this.seekingTo });
    const ahead = lookaheadMs(speed);
    if (time - this.bufferedTo > ahead) {
      this.seek(time);
      return this.next(time, speed, serverNow);
    }
    const to = Math.floor(Math.min(time + ahead, serverNow));
    // Refilled by half a window at a time (not a sliver per frame); data behind the clock by a second is always asked for.
    if (to - this.bufferedTo < ahead / 2 && time - this.bufferedTo < MAX_LAG_MS) return undefined;
    return (this.inFlight = { kind: 'changes', epoch: this.epoch, from: this.bufferedTo, to, limit: CHANGES_LIMIT });
  }

  /** A request failed: it may be asked again by the next `next`. */
  failed(request: ReplayRequest): void {
    if (this.inFlight === request) this.inFlight = undefined;
  }

  /** The state at a seek's time arrived: replaces every sensor (false when a later seek made it stale). */
  acceptState(request: ReplayRequest, rows: ReplayRows, sink: ReplaySink): boolean {
    if (this.inFlight === request) this.inFlight = undefined;
    if (request.kind !== 'state' || request.epoch !== this.epoch || this.seekingTo !== request.at) return false;
    sink.replaceAll(rows, request.at);
    this.seekingTo = undefined;
    this.appliedTo = request.at;
    this.bufferedTo = request.at;
    return true;
  }

  /**
   * A window of changes arrived (`sentAt`: complete up to there). Queued for `advance`; false
   * when stale. Where `limit` cut the window, the rows at its last time are left for the next
   * request (from one millisecond earlier), so a cut between rows of the same time loses none.
   */
  acceptChanges(request: ReplayRequest, rows: ReplayRows, sentAt: number): boolean {
    if (this.inFlight === request) this.inFlight = undefined;
    if (request.kind !== 'changes' || request.epoch !== this.epoch || request.from !== this.bufferedTo) return false;
    let count = rows.count;
    let complete = sentAt;
    if (sentAt < request.to && count > 0) {
      let k = count;
      while (k > 0 && rows.time[k - 1] === sentAt) k--;
      // A window of one time only is taken whole (nothing else would make progress).
      if (k > 0) {
        count = k;
        complete = sentAt - 1;
      }
    }
    if (count > 0) this.queue.push(count === rows.count ? rows : { ...rows, count });
    this.bufferedTo = Math.max(this.bufferedTo, complete);
    return true;
  }

  /** Applies, in order, the queued changes at or before `time` (never past what is fetched); returns how many. */
  advance(time: number, sink: ReplaySink): number {
    if (this.seekingTo !== undefined || !Number.isFinite(this.appliedTo)) return 0;
    let applied = 0;
    while (this.queue.length) {
      const rows = this.queue[0]!;
      while (this.row < rows.count && rows.time[this.row]! <= time) {
        const k = this.row++;
        sink.applyChange(rows.datastream[k]!, rows.time[k]!, rows.result[k]!, rows.state[k]!);
        applied++;
      }
      if (this.row < rows.count) break;
      this.queue.shift();
      this.row = 0;
    }
    this.appliedTo = Math.max(this.appliedTo, Math.min(time, this.bufferedTo));
    return applied;
  }
}
