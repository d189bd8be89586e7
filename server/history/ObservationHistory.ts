/**
 * The sensor history in the deployment's store (the same database as incidents: DuckDB in a
 * file by default, PostgreSQL by CIM_DATABASE_URL). This file is the contract between the
 * storage engine (server/history/SqlObservationHistory.ts) and its users (the broker's
 * ingest, the history and SensorThings APIs, the rules, benchmarks); see
 * workers/formats/history.ts for the documents the API makes of it.
 */

/** Columns of observations (equal lengths): what state-at-T and changes queries return. */
export interface ObservationColumns {
  count: number;
  datastream: Uint32Array;
  /** phenomenonTime (ms). */
  time: Float64Array;
  result: Float64Array;
  /** SensorStateCode (workers/live/alarmStateMachine.ts) after this observation / at T. */
  state: Uint8Array;
}

/** A datastream in warning or alarm at some T, and since when (ms). */
export interface ActiveAlarmRow {
  datastream: number;
  /** SensorState.warning or SensorState.alarm. */
  state: number;
  since: number;
}

export interface HistoryRetention {
  /** Raw observations are kept this long (ms); default 24 h. */
  rawMs: number;
  /** Aggregates (min / mean / max / count per bucket) are kept this long (ms); default 30 days. */
  downsampledMs: number;
  /** The aggregates' bucket (ms); default 15 minutes (a 60 s sensor gains nothing from 1-minute buckets). */
  bucketMs: number;
}

export interface HistoryCounters {
  /** Accepted into the ingest queue. */
  queued: number;
  /** Written to the store. */
  written: number;
  /** Refused because the queue was full (the broker never waits for the store). */
  overflow: number;
  /** Taken from the queue but not stored because the write failed (logged once per burst of failures). */
  lost: number;
  /** Observations waiting in the queue now. */
  pending: number;
  /** Raw observations held (approximate where the engine counts lazily). */
  rows: number;
  /** Bytes the history takes on disk (database file or relation sizes). */
  bytes: number;
}

export interface SeriesQuery {
  datastream: number;
  /** Bounds on phenomenonTime (ms); each optional, inclusive or exclusive as named. */
  from?: { time: number; inclusive: boolean };
  to?: { time: number; inclusive: boolean };
  newestFirst: boolean;
  limit: number;
}

export interface Aggregate {
  /** Start of the bucket (ms). */
  time: number;
  min: number;
  mean: number;
  max: number;
  count: number;
}

/**
 * Reads answered at once or waiting at most, across every API that reads the history (the
 * history API, SensorThings Observations, parking): the store takes reads in turn with its
 * writes, so a client scrubbing fast (30 reads/s) would otherwise starve the ingest queue.
 */
export const MAX_PENDING_READS = 4;

export interface ObservationHistory {
  readonly retention: HistoryRetention;
  /**
   * A place among the reads waiting for the store: a function to call when the read is done, or
   * undefined when MAX_PENDING_READS (or the configured cap) wait already — answer 503 with
   * Retry-After then, do not queue.
   */
  admitRead(): (() => void) | undefined;
  /**
   * Queues one accepted observation and the sensor's alarm state after it; never waits.
   * Returns false (and counts an overflow) when the bounded queue is full.
   */
  add(datastream: number, time: number, result: number, state: number): boolean;
  /**
   * Every datastream's last observation at or before `at` (by phenomenonTime, however late it
   * arrived) and its alarm state then; `staleAfterMs[datastream]` (index = datastream id)
   * decides offline. Datastreams with no observation at or before `at` are absent.
   */
  stateAt(at: number, staleAfterMs: ArrayLike<number>): Promise<ObservationColumns>;
  /** Observations with from < time ≤ to, by time then datastream, at most `limit`. */
  changes(from: number, to: number, limit: number): Promise<ObservationColumns>;
  /** One datastream's raw observations in a window (keyset paging: pass the last time as the next bound). */
  series(query: SeriesQuery): Promise<{ time: number; result: number }[]>;
  /** Bucketed aggregates of one datastream (buckets still inside raw retention are aggregated on the fly). */
  aggregates(datastream: number, from: number, to: number): Promise<Aggregate[]>;
  /**
   * Every datastream in warning or alarm at `at` (ms), with the time that state began: its last
   * alarm transition at or before `at` (a reading's phenomenonTime). The alarm list at T; an
   * alarm is named by (datastream, since). Silence is not considered (stateAt says offline).
   */
  alarmsAt(at: number): Promise<ActiveAlarmRow[]>;
  /**
   * The alarm state of a datastream's newest reading as this history recorded it (loaded from
   * the transitions at start), or undefined when unknown: the live alarm machine starts from it
   * after a restart, so an alarm that goes on is not cleared and raised again.
   */
  lastStateOf(datastream: number): number | undefined;
  /** Alarm transitions in [from, to): how many sensors (of `datastreams` when given, else all) entered each state, bucketed. */
  transitionCounts(from: number, to: number, bucketMs: number, datastreams?: readonly number[]): Promise<{ alarms: number[]; warnings: number[] }>;
  /** Earliest raw and downsampled times kept. */
  range(): Promise<{ rawFrom: number | null; downsampledFrom: number | null }>;
  /** Writes what is queued now (tests, shutdown). */
  flush(): Promise<void>;
  counters(): HistoryCounters;
  /** Flushes and stops the timers; the database itself is closed by its owner. */
  close(): Promise<void>;
}
