import { clockTimeAt, type ClockState } from '../../workers/formats/history.js';
import { backoffDelay } from '../../workers/live/backoffSchedule.js';
import { decodeObservationBatch } from '../../workers/live/ObservationBatch.js';
import { ReplayPlayback, type ReplayRequest, type ReplayRows, type ReplaySink } from './ReplayPlayback.js';

export type ReplayClock = Extract<ClockState, { mode: 'replay' }>;

export interface ReplaySensorSourceOptions {
  /** The server's origin (the history API's base). */
  apiUrl: string;
  /** Where the sensors are shown; `sweepStale(replay time)` marks the silent ones offline. */
  sink: ReplaySink & { sweepStale(timeMs: number): void };
  /** The sign-in's bearer token now (none: public): the history holds the sensors its role may read. */
  token?: () => string | undefined;
  fetch?: typeof fetch;
}

/** What the replay shows now: the replay time applied, and whether a seek's state is on its way. */
export interface ReplayProgress {
  time: number;
  loading: boolean;
  /** Requests answered and failed since the start (for tests and the status). */
  requests: number;
  failures: number;
}

/**
 * Replays the sensors from the server's history (workers/formats/history.ts) as the viewer's
 * clock says: a seek loads `/api/history/state?at=T` (every sensor at T, one columnar document),
 * then windows of `/api/history/changes` are loaded ahead of the clock and applied in order as
 * it passes them (ReplayPlayback: one request at a time, stale answers dropped). The caller
 * hands over each new ClockState (`follow`) and calls `pump` once per frame. Runs in the
 * sensors worker, and in Node in tests.
 */
export class ReplaySensorSource {
  private readonly playback = new ReplayPlayback();
  private clock: ReplayClock | undefined;
  private stopped = false;
  private attempt = 0;
  private retryAt = 0;
  private lastSweep = Number.NaN;
  private requests = 0;
  private failures = 0;
  /** Aborts the request in flight: a seek makes its answer stale. */
  private inFlight: AbortController | undefined;
  /** Resolves the pending `follow`. */
  private settled: (() => void) | undefined;

  constructor(private readonly options: ReplaySensorSourceOptions) {}

  /**
   * A new clock: continues from what is shown (pause, speed, a step forward) or seeks. Resolves
   * when what it asked for is in the sink (a seek's state applied), or when a later clock, a
   * failure or `stop` supersedes it — so the caller can pull the frame at once, not a frame later.
   */
  follow(clock: ReplayClock, wallNow: number): Promise<void> {
    this.settle();
    const time = clockTimeAt(clock, wallNow);
    if (!this.clock || !this.playback.continues(time, speedOf(clock))) {
      markSeek('clock in worker');
      this.seek(time);
    }
    this.clock = clock;
    const settled = new Promise<void>((resolve) => (this.settled = resolve));
    this.pump(wallNow);
    return settled;
  }

  private settle(): void {
    this.settled?.();
    this.settled = undefined;
  }

  /** Loads the state at the clock's time again (the catalogue changed, the sink was reset). */
  reload(wallNow: number): void {
    if (!this.clock) return;
    this.seek(clockTimeAt(this.clock, wallNow));
    this.pump(wallNow);
  }

  private seek(time: number): void {
    this.playback.seek(time);
    // The answer would be dropped anyway; aborting frees the connection and the server's read at once.
    this.inFlight?.abort();
    this.attempt = 0;
    this.retryAt = 0;
    this.lastSweep = Number.NaN;
  }

  /** Applies the changes the clock passed, sweeps silence at the replay time, asks for what comes next. */
  pump(wallNow: number): void {
    const clock = this.clock;
    if (!clock || this.stopped) return;
    const time = clockTimeAt(clock, wallNow);
    const { sink } = this.options;
    this.playback.advance(time, sink);
    const shown = this.playback.appliedTo;
    // Silence is judged at the replay time: once per replayed second while playing (not per frame), exactly when paused.
    if (Number.isFinite(shown) && shown !== this.lastSweep && (!clock.playing || !(Math.abs(shown - this.lastSweep) < 1000))) {
      sink.sweepStale(shown);
      this.lastSweep = shown;
    }
    if (!this.playback.loading) this.settle();
    if (wallNow < this.retryAt) return;
    const request = this.playback.next(time, speedOf(clock), wallNow);
    if (request) void this.load(request);
  }

  private async load(request: ReplayRequest): Promise<void> {
    const { apiUrl, sink } = this.options;
    const url =
      request.kind === 'state'
        ? `${apiUrl}/api/history/state?at=${iso(request.at)}`
        : `${apiUrl}/api/history/changes?from=${iso(request.from)}&to=${iso(request.to)}&limit=${request.limit}`;
    let rows: ReplayRows & { sentAt: number };
    const controller = new AbortController();
    this.inFlight = controller;
    const seeking = request.kind === 'state';
    if (seeking) markSeek('state requested');
    try {
      const token = this.options.token?.();
      const response = await (this.options.fetch ?? fetch)(url, {
        signal: controller.signal,
        ...(token ? { headers: { Authorization: `Bearer ${token}` } } : {}),
      });
      if (!response.ok) throw new HttpError(url, response);
      const body = new Uint8Array(await response.arrayBuffer());
      if (seeking) markSeek('state received');
      const batch = decodeObservationBatch(body);
      if (!batch.state) throw new Error(`${url}: the document has no state column`);
      rows = { count: batch.count, datastream: batch.datastream, time: batch.time, result: batch.result, state: batch.state, sentAt: batch.sentAt };
    } catch (error) {
      if (this.inFlight === controller) this.inFlight = undefined;
      this.playback.failed(request);
      if (controller.signal.aborted) {
        // Superseded by a seek: not a failure; the latest seek's state is asked for now.
        this.pump(Date.now());
        return;
      }
      this.failures++;
      this.settle(); // the caller's frames go on; the retry shows when it comes
      // Asked again after a growing pause (a server restarting, a history not ready yet, a 503 when too many reads wait).
      const retryAfter = error instanceof HttpError ? error.retryAfterMs : 0;
      this.retryAt = Date.now() + Math.max(retryAfter, backoffDelay(this.attempt++));
      if (this.failures === 1 || this.failures % 20 === 0) console.warn('sensors replay:', (error as Error).message);
      return;
    }
    if (this.inFlight === controller) this.inFlight = undefined;
    if (this.stopped) return;
    this.requests++;
    this.attempt = 0;
    if (request.kind === 'state') {
      if (this.playback.acceptState(request, rows, sink)) {
        this.lastSweep = request.at;
        markSeek('state replaced');
      }
    } else this.playback.acceptChanges(request, rows, rows.sentAt);
    this.pump(Date.now());
  }

  progress(): ReplayProgress {
    const time = this.playback.appliedTo;
    return {
      time: Number.isFinite(time) ? time : this.clock ? clockTimeAt(this.clock, Date.now()) : Number.NaN,
      loading: this.playback.loading,
      requests: this.requests,
      failures: this.failures,
    };
  }

  stop(): void {
    this.stopped = true;
    this.inFlight?.abort();
    this.settle();
  }
}

/** A response that was not 2xx; a 503's Retry-After (seconds) is kept as the least wait before asking again. */
class HttpError extends Error {
  readonly retryAfterMs: number;
  constructor(url: string, response: Response) {
    super(`${url}: HTTP ${response.status}`);
    const seconds = Number(response.headers.get('Retry-After'));
    this.retryAfterMs = response.status === 503 && Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 60) * 1000 : 0;
  }
}

/** A seek's steps on the worker's performance timeline (bench:replay reads them; a few per seek, never per frame). */
function markSeek(step: string): void {
  performance.mark(`seek: ${step}`);
}

function speedOf(clock: ReplayClock): number {
  return clock.playing ? clock.speed : 0;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
