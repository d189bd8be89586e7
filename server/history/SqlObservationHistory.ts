import type { SqlConnection } from '../store/SqlConnection.js';
import { SensorState } from '../../workers/live/alarmStateMachine.js';
import { type HistoryEngine, historyEngine } from './HistoryEngine.js';
import { DEFAULT_HISTORY_SETTINGS, type HistorySettings } from './historySettingsFromEnv.js';
import { type IngestBatch, IngestQueue } from './IngestQueue.js';
import {
  type ActiveAlarmRow,
  type Aggregate,
  type HistoryCounters,
  type HistoryRetention,
  MAX_PENDING_READS,
  type ObservationColumns,
  type ObservationHistory,
  type SeriesQuery,
} from './ObservationHistory.js';

/**
 * A stretch of time held in tables of its own, dropped whole. `raw` chunks (CIM_HISTORY_CHUNK_MINUTES)
 * hold observations (history_raw_<start>, on PostgreSQL a range partition of history_raw) and,
 * once closed, each datastream's last observation in them (history_last_<start>: what
 * state-at-T reads instead of the chunk). `day` chunks hold the aggregates of dropped raw
 * chunks (history_agg_<start>) and the alarm transitions (history_transitions_<start>).
 */
interface Chunk {
  kind: 'raw' | 'day';
  start: number;
  end: number;
  /** raw: history_last_<start> is up to date (a late reading into a closed chunk clears it). */
  summarised: boolean;
  /** raw, DuckDB: rewritten in (datastream, time) order once closed. */
  sorted: boolean;
  /** raw: observations held (counted on open, then kept). */
  rows: number;
}

export interface SqlObservationHistoryOptions extends Partial<HistorySettings> {
  /** Milliseconds between writes of the queue (default 1 s). */
  flushIntervalMs?: number;
  /** Milliseconds between summaries, aggregation and drops of chunks (default 10 s); 0: only when `maintain` is called. */
  maintenanceIntervalMs?: number;
  /** Length of a `day` chunk (default 24 h). */
  dayMs?: number;
  /** The clock (tests move it). */
  now?: () => number;
  /** Where write errors go (default console.warn). */
  log?: (line: string) => void;
  /** Reads in progress at most across the APIs (default MAX_PENDING_READS). */
  maxPendingReads?: number;
}

const UNKNOWN_STATE = 255;

/** ObservationHistory on the deployment's store: DuckDB (appender, compressed columns) or PostgreSQL (partitions, unnest). */
export class SqlObservationHistory implements ObservationHistory {
  readonly retention: HistoryRetention;
  private readonly queue: IngestQueue;
  private readonly chunkMs: number;
  private readonly dayMs: number;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  /** Per datastream, the alarm state of its last queued observation (transitions are the changes). */
  private lastState = new Uint8Array(1024).fill(UNKNOWN_STATE);
  /**
   * Per datastream, the newest phenomenonTime queued (at start: its last transition's). An older
   * reading arriving later is stored but is no transition: its state would otherwise end the
   * alarm at its (earlier) time and raise it again at the next reading's, making a new alarm.
   */
  private lastTime = new Float64Array(1024).fill(Number.NEGATIVE_INFINITY);
  private chunks: Chunk[] = [];
  private readonly tally = { queued: 0, written: 0, overflow: 0, expired: 0, lost: 0, bytes: 0 };
  /** A queue write waiting for its turn: the interval never stacks a second one behind it while the database stalls. */
  private pendingFlush: Promise<void> | undefined;
  /** A write failed and no write has succeeded since (one log line per burst of failures). */
  private failing = false;
  /** Writes, maintenance and reads take turns: a chunk is never dropped under a read or a write. */
  private turn: Promise<unknown> = Promise.resolve();
  private readonly timers: ReturnType<typeof setInterval>[] = [];
  private closed = false;
  private bytesMeasuredAt = Number.NEGATIVE_INFINITY;
  /** The highest datastream id written (PostgreSQL's state at T probes ids 0 … this). */
  private maxDatastream = 0;
  private readonly maxPendingReads: number;
  private pendingReads = 0;

  private constructor(
    private readonly engine: HistoryEngine,
    options: SqlObservationHistoryOptions,
  ) {
    this.retention = { ...DEFAULT_HISTORY_SETTINGS.retention, ...options.retention };
    this.chunkMs = options.chunkMs ?? DEFAULT_HISTORY_SETTINGS.chunkMs;
    this.dayMs = options.dayMs ?? 86_400_000;
    this.queue = new IngestQueue(options.queueCapacity ?? DEFAULT_HISTORY_SETTINGS.queueCapacity);
    this.now = options.now ?? Date.now;
    this.log = options.log ?? ((line) => console.warn(line));
    this.maxPendingReads = options.maxPendingReads ?? MAX_PENDING_READS;
    for (const [name, value] of Object.entries({ ...this.retention, chunkMs: this.chunkMs, dayMs: this.dayMs }))
      if (!Number.isInteger(value) || value <= 0) throw new RangeError(`history: ${name} must be a positive whole number of ms, not ${value}`);
  }

  static async open(database: SqlConnection, options: SqlObservationHistoryOptions = {}): Promise<SqlObservationHistory> {
    const history = new SqlObservationHistory(await historyEngine(database), options);
    await history.load();
    const flushIntervalMs = options.flushIntervalMs ?? 1000;
    const maintenanceIntervalMs = options.maintenanceIntervalMs ?? 10_000;
    const every = (ms: number, work: () => Promise<void>, what: string): void => {
      const timer = setInterval(
        () => void work().catch((error: unknown) => history.log(`history: ${what} failed: ${error instanceof Error ? error.message : String(error)}`)),
        ms,
      );
      timer.unref();
      history.timers.push(timer);
    };
    if (flushIntervalMs > 0) every(flushIntervalMs, () => history.flush(), 'writing the queue');
    if (maintenanceIntervalMs > 0) every(maintenanceIntervalMs, () => history.maintain(), 'maintenance');
    return history;
  }

  add(datastream: number, time: number, result: number, state: number): boolean {
    if (
      !Number.isInteger(datastream) ||
      datastream < 0 ||
      datastream > 0xffffffff ||
      !Number.isFinite(time) ||
      !Number.isFinite(result) ||
      !(state in SENSOR_STATE_CODES)
    )
      throw new RangeError(`history: not an observation: datastream ${datastream}, time ${time}, result ${result}, state ${state}`);
    if (datastream >= this.lastState.length) this.growStates(datastream);
    if (datastream > this.maxDatastream) this.maxDatastream = datastream;
    const late = time < this.lastTime[datastream]!;
    const transition = !late && this.lastState[datastream] !== state && !(this.lastState[datastream] === UNKNOWN_STATE && state === SensorState.normal);
    if (!this.queue.push(datastream, Math.round(time), result, state, transition)) {
      this.tally.overflow++;
      return false;
    }
    if (!late) {
      this.lastState[datastream] = state;
      this.lastTime[datastream] = time;
    }
    this.tally.queued++;
    return true;
  }

  admitRead(): (() => void) | undefined {
    if (this.pendingReads >= this.maxPendingReads) return undefined;
    this.pendingReads++;
    let done = false;
    return () => {
      if (!done) this.pendingReads--;
      done = true;
    };
  }

  flush(): Promise<void> {
    this.pendingFlush ??= this.inTurn(() => {
      this.pendingFlush = undefined;
      return this.writeQueued();
    });
    return this.pendingFlush;
  }

  /** Summarises closed chunks, aggregates and drops raw chunks past retention, drops day chunks past theirs, and measures the bytes. */
  maintain(): Promise<void> {
    return this.inTurn(async () => {
      const now = this.now();
      for (const chunk of this.raw()) if (chunk.end <= now - this.retention.rawMs) await this.retire(chunk);
      for (const chunk of this.days()) if (chunk.end <= now - this.retention.downsampledMs) await this.dropDay(chunk);
      await this.summarise(now);
      this.tally.bytes = await this.engine.bytes();
    });
  }

  async stateAt(at: number, staleAfterMs: ArrayLike<number>): Promise<ObservationColumns> {
    finite('at', at);
    return this.inTurn(async () => {
      await this.writeQueuedUpTo(at);
      const chunks = this.raw().filter((c) => c.start <= at);
      const current = chunks.find((c) => at < c.end);
      // In a gap (no chunk holds T) only the chunks ended by T: a read never summarises or rewrites the open chunk.
      await this.summarise(current?.start ?? at);
      // T's own chunk up to T, and the summary up to the end of the chunk before it.
      const previous = chunks.filter((c) => c !== current).pop();
      const upTo = Math.floor(at);
      // Two reads merged here rather than one aggregate over their union (which costs DuckDB more than both).
      const inChunk = current
        ? await this.engine.rows(
            this.engine.dialect === 'duckdb'
              ? `SELECT datastream, max(time) AS time, arg_max(result, time) AS result, arg_max(state, time) AS state FROM ${rawTable(current)} WHERE time <= ${upTo} GROUP BY datastream`
              : // PostgreSQL: one probe of the (datastream, time) index per datastream id, not a scan and sort of the chunk.
                `SELECT r.datastream, r.time, r.result, r.state FROM generate_series(0, ${this.maxDatastream}) AS d(id) CROSS JOIN LATERAL (SELECT datastream, time, result, state FROM ${rawTable(current)} WHERE datastream = d.id AND time <= ${upTo} ORDER BY time DESC LIMIT 1) r`,
          )
        : [];
      const before = previous ? await this.engine.rows(`SELECT datastream, time, result, state FROM ${lastTable(previous)}`) : [];
      const latest = new Map<number, number[]>();
      for (const row of before) latest.set(row[0]!, row);
      for (const row of inChunk) if (row[1]! >= (latest.get(row[0]!)?.[1] ?? Number.NEGATIVE_INFINITY)) latest.set(row[0]!, row);
      const rows = [...latest.values()].sort((a, b) => a[0]! - b[0]!);
      const out = columns(rows.length);
      rows.forEach(([datastream, time, result, state], i) => {
        out.datastream[i] = datastream!;
        out.time[i] = time!;
        out.result[i] = result!;
        const silence = staleAfterMs[datastream!];
        out.state[i] = silence !== undefined && at - time! > silence ? SensorState.offline : state!;
      });
      return out;
    });
  }

  async alarmsAt(at: number): Promise<ActiveAlarmRow[]> {
    finite('at', at);
    return this.inTurn(async () => {
      await this.writeQueuedUpTo(at);
      const upTo = Math.floor(at);
      const sources = this.days()
        .filter((c) => c.start <= upTo)
        .map((c) => `SELECT datastream, time, state FROM ${transitionTable(c)} WHERE time <= ${upTo}`);
      if (sources.length === 0) return [];
      const union = sources.join(' UNION ALL ');
      // Each datastream's last transition by then; ties (one ms) go to the higher state.
      const rows = await this.engine.rows(
        this.engine.dialect === 'duckdb'
          ? `SELECT datastream, state, time FROM (SELECT datastream, arg_max(state, time * 4 + state) AS state, max(time) AS time FROM (${union}) u GROUP BY datastream) l WHERE state IN (${SensorState.warning}, ${SensorState.alarm}) ORDER BY time, datastream`
          : `SELECT datastream, state, time FROM (SELECT DISTINCT ON (datastream) datastream, state, time FROM (${union}) u ORDER BY datastream, time DESC, state DESC) l WHERE state IN (${SensorState.warning}, ${SensorState.alarm}) ORDER BY time, datastream`,
      );
      return rows.map(([datastream, state, since]) => ({ datastream: datastream!, state: state!, since: since! }));
    });
  }

  lastStateOf(datastream: number): number | undefined {
    const state = this.lastState[datastream];
    return state === undefined || state === UNKNOWN_STATE ? undefined : state;
  }

  async changes(from: number, to: number, limit: number): Promise<ObservationColumns> {
    finite('from', from);
    finite('to', to);
    count('limit', limit);
    return this.inTurn(async () => {
      await this.writeQueuedUpTo(to);
      const found: number[][] = [];
      for (const chunk of this.raw()) {
        if (found.length >= limit) break;
        if (chunk.end <= from || chunk.start > to) continue;
        const rows = await this.engine.rows(
          `SELECT datastream, time, result, state FROM ${rawTable(chunk)} WHERE time > ${Math.floor(from)} AND time <= ${Math.floor(to)} ORDER BY time, datastream LIMIT ${limit - found.length}`,
        );
        found.push(...rows);
      }
      const out = columns(found.length);
      found.forEach(([datastream, time, result, state], i) => {
        out.datastream[i] = datastream!;
        out.time[i] = time!;
        out.result[i] = result!;
        out.state[i] = state!;
      });
      return out;
    });
  }

  async series(query: SeriesQuery): Promise<{ time: number; result: number }[]> {
    count('datastream', query.datastream);
    count('limit', query.limit);
    if (query.from) finite('from', query.from.time);
    if (query.to) finite('to', query.to.time);
    return this.inTurn(async () => {
      await this.writeQueued();
      const conditions = [`datastream = ${query.datastream}`];
      if (query.from) conditions.push(`time ${query.from.inclusive ? '>=' : '>'} ${Math.floor(query.from.time)}`);
      if (query.to) conditions.push(`time ${query.to.inclusive ? '<=' : '<'} ${Math.floor(query.to.time)}`);
      const lowest = query.from?.time ?? Number.NEGATIVE_INFINITY;
      const highest = query.to?.time ?? Number.POSITIVE_INFINITY;
      const chunks = this.raw().filter((c) => c.end > lowest && c.start <= highest);
      if (query.newestFirst) chunks.reverse();
      const found: { time: number; result: number }[] = [];
      // Chunks in the order read, in groups of 1, 2, 4…: a page ends in the first chunks it needs
      // (a keyset page deep in the window costs what the first does), a whole day takes a few queries.
      for (let next = 0, size = 1; next < chunks.length && found.length < query.limit; next += size, size *= 2) {
        const union = chunks
          .slice(next, next + size)
          .map((c) => `SELECT time, result FROM ${rawTable(c)} WHERE ${conditions.join(' AND ')}`)
          .join(' UNION ALL ');
        const rows = await this.engine.rows(
          `SELECT time, result FROM (${union}) u ORDER BY time ${query.newestFirst ? 'DESC' : 'ASC'} LIMIT ${query.limit - found.length}`,
        );
        for (const [time, result] of rows) found.push({ time: time!, result: result! });
      }
      return found;
    });
  }

  async aggregates(datastream: number, from: number, to: number): Promise<Aggregate[]> {
    count('datastream', datastream);
    finite('from', from);
    finite('to', to);
    const bucketMs = this.retention.bucketMs;
    const first = Math.floor(from / bucketMs) * bucketMs;
    return this.inTurn(async () => {
      await this.writeQueued();
      const window = (column: string): string => `datastream = ${datastream} AND ${column} >= ${first} AND ${column} < ${Math.ceil(to)}`;
      const sources = [
        ...this.days()
          .filter((c) => c.end + this.chunkMs > first && c.start <= to)
          .map((c) => `SELECT bucket, value_min, value_max, value_sum, value_count FROM ${aggregateTable(c)} WHERE ${window('bucket')}`),
        ...this.raw()
          .filter((c) => c.end > first && c.start < to)
          .map(
            (c) =>
              `SELECT time - time % ${bucketMs} AS bucket, min(result) AS value_min, max(result) AS value_max, sum(result) AS value_sum, count(*) AS value_count FROM ${rawTable(c)} WHERE ${window('time')} GROUP BY 1`,
          ),
      ];
      if (sources.length === 0) return [];
      const rows = await this.engine.rows(
        `SELECT bucket, min(value_min) AS value_min, sum(value_sum) / sum(value_count) AS value_mean, max(value_max) AS value_max, sum(value_count) AS value_count FROM (${sources.join(' UNION ALL ')}) u GROUP BY bucket ORDER BY bucket`,
      );
      return rows.map(([time, min, mean, max, n]) => ({ time: time!, min: min!, mean: mean!, max: max!, count: n! }));
    });
  }

  async transitionCounts(from: number, to: number, bucketMs: number, datastreams?: readonly number[]): Promise<{ alarms: number[]; warnings: number[] }> {
    finite('from', from);
    finite('to', to);
    for (const datastream of datastreams ?? []) count('datastream', datastream);
    // Integers checked above: safe to write into the query.
    const only = datastreams === undefined ? '' : ` AND datastream IN (${datastreams.length > 0 ? datastreams.join(',') : 'NULL'})`;
    if (!(bucketMs > 0) || !Number.isFinite(bucketMs)) throw new RangeError(`history: bucketMs must be positive, not ${bucketMs}`);
    const buckets = Math.max(0, Math.ceil((to - from) / bucketMs));
    if (buckets > 100_000) throw new RangeError(`history: ${buckets} buckets asked for; at most 100,000`);
    return this.inTurn(async () => {
      await this.writeQueued();
      const alarms = new Array<number>(buckets).fill(0);
      const warnings = new Array<number>(buckets).fill(0);
      const sources = this.days()
        .filter((c) => c.end > from && c.start < to)
        .map(
          (c) =>
            `SELECT datastream, time, state FROM ${transitionTable(c)} WHERE time >= ${Math.ceil(from)} AND time < ${Math.ceil(to)} AND state IN (${SensorState.warning}, ${SensorState.alarm})${only}`,
        );
      if (buckets === 0 || sources.length === 0) return { alarms, warnings };
      const rows = await this.engine.rows(
        `SELECT floor((time - ${from}) / ${bucketMs}) AS bucket, state, count(DISTINCT datastream) AS sensors FROM (${sources.join(' UNION ALL ')}) u GROUP BY 1, 2`,
      );
      for (const [bucket, state, sensors] of rows) (state === SensorState.alarm ? alarms : warnings)[bucket!] = sensors!;
      return { alarms, warnings };
    });
  }

  range(): Promise<{ rawFrom: number | null; downsampledFrom: number | null }> {
    return this.inTurn(async () => {
      await this.writeQueued();
      const earliest = async (tables: string[], column: string): Promise<number | null> => {
        for (const table of tables) {
          const [[value] = []] = await this.engine.rows(`SELECT min(${column}) FROM ${table}`);
          if (value !== undefined && Number.isFinite(value)) return value;
        }
        return null;
      };
      return {
        rawFrom: await earliest(this.raw().map(rawTable), 'time'),
        downsampledFrom: await earliest(this.days().map(aggregateTable), 'bucket'),
      };
    });
  }

  counters(): HistoryCounters {
    const { queued, written, overflow, lost, bytes } = this.tally;
    return { queued, written, overflow, lost, pending: this.queue.pending, rows: this.raw().reduce((sum, c) => sum + c.rows, 0), bytes };
  }

  /** Readings refused because their time lies before the raw retention (not counted in `written`). */
  get expired(): number {
    return this.tally.expired;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    await this.flush();
    await this.inTurn(() => this.engine.close());
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const result = this.turn.then(work);
    this.turn = result.catch(() => undefined);
    return result;
  }

  private raw(): Chunk[] {
    return this.chunks.filter((c) => c.kind === 'raw');
  }

  private days(): Chunk[] {
    return this.chunks.filter((c) => c.kind === 'day');
  }

  private growStates(datastream: number): void {
    const length = Math.max(datastream + 1, this.lastState.length * 2);
    const grown = new Uint8Array(length).fill(UNKNOWN_STATE);
    grown.set(this.lastState);
    this.lastState = grown;
    const times = new Float64Array(length).fill(Number.NEGATIVE_INFINITY);
    times.set(this.lastTime);
    this.lastTime = times;
  }

  /** The catalogue of chunks, their row counts and each datastream's last alarm state. */
  private async load(): Promise<void> {
    await this.engine.run(
      // `rows` is counted as batches are written (counting a day of rows on PostgreSQL at start would scan it).
      'CREATE TABLE IF NOT EXISTS history_chunks (kind TEXT NOT NULL, start_ms BIGINT NOT NULL, end_ms BIGINT NOT NULL, summarised BOOLEAN NOT NULL, rows BIGINT NOT NULL, PRIMARY KEY (kind, start_ms))',
    );
    await this.engine.run('ALTER TABLE history_chunks ADD COLUMN IF NOT EXISTS sorted BOOLEAN DEFAULT false');
    const rows = await this.engine.rows(
      "SELECT CASE WHEN kind = 'raw' THEN 0 ELSE 1 END AS raw, start_ms, end_ms, CASE WHEN summarised THEN 1 ELSE 0 END AS summarised, rows, CASE WHEN sorted THEN 1 ELSE 0 END AS sorted FROM history_chunks ORDER BY start_ms",
    );
    this.chunks = rows.map(([kind, start, end, summarised, count, sorted]) => ({
      kind: kind === 0 ? 'raw' : 'day',
      start: start!,
      end: end!,
      summarised: summarised === 1,
      sorted: sorted === 1,
      rows: count!,
    }));
    if (this.engine.dialect === 'postgres' && this.raw().length > 0) {
      // The highest id from the end of the (datastream, time) indexes: no scan.
      const [[highest] = []] = await this.engine.rows('SELECT coalesce(max(datastream), 0) AS highest FROM history_raw');
      this.maxDatastream = highest ?? 0;
    }
    const transitions = this.days().map((c) => `SELECT datastream, time, state FROM ${transitionTable(c)}`);
    if (transitions.length > 0) {
      const union = transitions.join(' UNION ALL ');
      const states = await this.engine.rows(
        this.engine.dialect === 'duckdb'
          ? `SELECT datastream, arg_max(state, time * 4 + state) AS state, max(time) AS time FROM (${union}) u GROUP BY datastream`
          : `SELECT DISTINCT ON (datastream) datastream, state, time FROM (${union}) u ORDER BY datastream, time DESC, state DESC`,
      );
      for (const [datastream, state, time] of states) {
        if (datastream! >= this.lastState.length) this.growStates(datastream!);
        this.lastState[datastream!] = state!;
        this.lastTime[datastream!] = time!;
      }
    }
  }

  /**
   * Before a read of the history up to `time`: writes the queue when it holds a reading at or
   * before `time` (one the broker accepted is in every answer that can hold it). Readings all
   * later than `time` cannot change that answer, so a read of the past — a seek — does not wait
   * for the live feed's last second to be written (15–250 ms of a state at T under load).
   */
  private async writeQueuedUpTo(time: number): Promise<void> {
    if (this.queue.earliest <= time) await this.writeQueued();
  }

  /**
   * Writes what the queue holds. A failed write's readings are lost (counted in `lost`, logged
   * once per burst): add() has already moved on, and keeping them would block the queue behind
   * a database that keeps failing.
   */
  private async writeQueued(): Promise<void> {
    const batch = this.queue.take();
    const storedBefore = this.tally.written + this.tally.expired;
    try {
      await this.write(batch);
      if (batch.count > 0 && this.failing) {
        this.failing = false;
        this.log('history: writing the queue works again');
      }
    } catch (error) {
      this.tally.lost += batch.count - (this.tally.written + this.tally.expired - storedBefore);
      if (!this.failing)
        this.log(`history: writing the queue failed, its readings are lost (counted in lost): ${error instanceof Error ? error.message : String(error)}`);
      this.failing = true;
    }
  }

  /** Writes a batch: raw rows time-ordered into their chunks (they compress), transitions into their days. */
  private async write(batch: IngestBatch): Promise<void> {
    const n = batch.count;
    if (n === 0) return;
    const now = this.now();
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => batch.time[a]! - batch.time[b]!);
    const rawColumns = [
      { values: batch.datastream, type: 'integer' },
      { values: batch.time, type: 'bigint' },
      { values: batch.result, type: 'double' },
      { values: batch.state, type: 'state' },
    ] as const;
    for (let begin = 0; begin < n;) {
      const time = batch.time[order[begin]!]!;
      const chunk = await this.chunkFor('raw', time, now);
      let end = begin + 1;
      const limit = chunk?.end ?? Math.floor(time / this.chunkMs) * this.chunkMs + this.chunkMs;
      while (end < n && batch.time[order[end]!]! < limit) end++;
      if (!chunk) this.tally.expired += end - begin;
      else {
        await this.engine.append(rawTable(chunk), rawColumns, order.subarray(begin, end));
        chunk.rows += end - begin;
        this.tally.written += end - begin;
        // One small update per chunk and batch: the count survives a restart, and a late reading into a summarised chunk marks it for a new summary.
        await this.engine.run(`UPDATE history_chunks SET rows = ${chunk.rows}, summarised = false WHERE kind = 'raw' AND start_ms = ${chunk.start}`);
        chunk.summarised = false;
      }
      begin = end;
    }
    // The size on disk, at most every 5 s (a cheap catalogue read on both engines).
    if (this.tally.bytes === 0 || now - this.bytesMeasuredAt > 5000) {
      this.tally.bytes = await this.engine.bytes();
      this.bytesMeasuredAt = now;
    }
    const changed: number[] = [];
    for (let k = 0; k < n; k++) if (batch.transition[order[k]!]) changed.push(order[k]!);
    for (let begin = 0; begin < changed.length;) {
      const time = batch.time[changed[begin]!]!;
      const day = await this.chunkFor('day', time, now);
      let end = begin + 1;
      const limit = day?.end ?? Math.floor(time / this.dayMs) * this.dayMs + this.dayMs;
      while (end < changed.length && batch.time[changed[end]!]! < limit) end++;
      if (day)
        await this.engine.append(
          transitionTable(day),
          [
            { values: batch.datastream, type: 'integer' },
            { values: batch.time, type: 'bigint' },
            { values: batch.state, type: 'state' },
          ],
          changed.slice(begin, end),
        );
      begin = end;
    }
  }

  /** The chunk holding `time`, created when missing; undefined when that time is past the kind's retention. */
  private async chunkFor(kind: Chunk['kind'], time: number, now: number): Promise<Chunk | undefined> {
    const existing = this.chunks.find((c) => c.kind === kind && c.start <= time && time < c.end);
    if (existing) return existing;
    const length = kind === 'raw' ? this.chunkMs : this.dayMs;
    const retention = kind === 'raw' ? this.retention.rawMs : this.retention.downsampledMs;
    let start = Math.floor(time / length) * length;
    let end = start + length;
    if (end <= now - retention) return undefined;
    // A chunk length changed between runs: the new chunk fills the gap between its neighbours.
    for (const c of this.chunks) {
      if (c.kind !== kind) continue;
      if (c.end <= time && c.end > start) start = c.end;
      if (c.start > time && c.start < end) end = c.start;
    }
    const chunk: Chunk = { kind, start, end, summarised: false, sorted: false, rows: 0 };
    if (kind === 'raw') await this.engine.createRawChunk(rawTable(chunk), start, end);
    else {
      await this.engine.run(
        `CREATE TABLE IF NOT EXISTS ${aggregateTable(chunk)} (datastream INTEGER NOT NULL, bucket BIGINT NOT NULL, value_min DOUBLE PRECISION NOT NULL, value_max DOUBLE PRECISION NOT NULL, value_sum DOUBLE PRECISION NOT NULL, value_count BIGINT NOT NULL)`,
      );
      await this.engine.run(
        `CREATE TABLE IF NOT EXISTS ${transitionTable(chunk)} (datastream INTEGER NOT NULL, time BIGINT NOT NULL, state ${this.engine.stateType} NOT NULL)`,
      );
    }
    await this.engine.run(`INSERT INTO history_chunks (kind, start_ms, end_ms, summarised, rows) VALUES ('${kind}', ${start}, ${end}, false, 0)`);
    this.chunks.push(chunk);
    this.chunks.sort((a, b) => a.start - b.start);
    return chunk;
  }

  /**
   * (Re)writes the summaries of the raw chunks that ended by `before` and changed since: each
   * datastream's last observation up to the chunk's end (the chunk's own rows and the summary
   * before it, so a state at T reads one summary however many hours are kept). A rewritten
   * summary makes every later one stale. On DuckDB a chunk is also rewritten once, sorted by
   * (datastream, time): its zone maps then let one sensor's series read a row group per chunk.
   */
  private async summarise(before: number): Promise<void> {
    const chunks = this.raw();
    for (const [i, chunk] of chunks.entries()) {
      const closed = chunk.end <= this.now();
      const unsorted = this.engine.dialect === 'duckdb' && !chunk.sorted && closed;
      if ((chunk.summarised && !unsorted) || chunk.end > before) continue;
      const previous = i > 0 ? chunks[i - 1] : undefined;
      const source = `SELECT datastream, time, result, state FROM ${rawTable(chunk)}${previous ? ` UNION ALL SELECT datastream, time, result, state FROM ${lastTable(previous)}` : ''}`;
      const select =
        this.engine.dialect === 'duckdb'
          ? `SELECT datastream, max(time) AS time, arg_max(result, time) AS result, arg_max(state, time) AS state FROM (${source}) u GROUP BY datastream`
          : `SELECT DISTINCT ON (datastream) datastream, time, result, state FROM (${source}) u ORDER BY datastream, time DESC`;
      const sort =
        // Only a chunk the clock has closed: later appends to a sorted open chunk would stay unsorted.
        unsorted
          ? [
              `CREATE TABLE history_sorting AS SELECT * FROM ${rawTable(chunk)} ORDER BY datastream, time`,
              `DROP TABLE ${rawTable(chunk)}`,
              `ALTER TABLE history_sorting RENAME TO ${rawTable(chunk)}`,
            ]
          : [];
      await this.engine.transaction([
        ...sort,
        `DROP TABLE IF EXISTS ${lastTable(chunk)}`,
        `CREATE TABLE ${lastTable(chunk)} AS ${select}`,
        `UPDATE history_chunks SET summarised = true, sorted = ${sort.length > 0 || chunk.sorted} WHERE kind = 'raw' AND start_ms = ${chunk.start}`,
        `UPDATE history_chunks SET summarised = false WHERE kind = 'raw' AND start_ms > ${chunk.start}`,
      ]);
      chunk.summarised = true;
      chunk.sorted ||= sort.length > 0;
      for (const later of chunks.slice(i + 1)) later.summarised = false;
    }
  }

  /** Aggregates a raw chunk into its day's buckets and drops it, in one transaction. */
  private async retire(chunk: Chunk): Promise<void> {
    const day = await this.chunkFor('day', chunk.start, this.now());
    const bucketMs = this.retention.bucketMs;
    await this.engine.transaction([
      ...(day
        ? [
            `INSERT INTO ${aggregateTable(day)} SELECT datastream, time - time % ${bucketMs} AS bucket, min(result), max(result), sum(result), count(*) FROM ${rawTable(chunk)} GROUP BY 1, 2`,
          ]
        : []),
      `DROP TABLE IF EXISTS ${lastTable(chunk)}`,
      `DROP TABLE ${rawTable(chunk)}`,
      `DELETE FROM history_chunks WHERE kind = 'raw' AND start_ms = ${chunk.start}`,
    ]);
    this.chunks = this.chunks.filter((c) => c !== chunk);
  }

  private async dropDay(chunk: Chunk): Promise<void> {
    await this.engine.transaction([
      `DROP TABLE IF EXISTS ${aggregateTable(chunk)}`,
      `DROP TABLE IF EXISTS ${transitionTable(chunk)}`,
      `DELETE FROM history_chunks WHERE kind = 'day' AND start_ms = ${chunk.start}`,
    ]);
    this.chunks = this.chunks.filter((c) => c !== chunk);
  }
}

const SENSOR_STATE_CODES: Record<number, true> = {
  [SensorState.normal]: true,
  [SensorState.warning]: true,
  [SensorState.alarm]: true,
  [SensorState.offline]: true,
};

// Chunk starts are whole ms since the epoch (possibly negative in tests): a table name's suffix.
const suffix = (chunk: Chunk): string => (chunk.start < 0 ? `m${-chunk.start}` : String(chunk.start));
const rawTable = (chunk: Chunk): string => `history_raw_${suffix(chunk)}`;
const lastTable = (chunk: Chunk): string => `history_last_${suffix(chunk)}`;
const aggregateTable = (chunk: Chunk): string => `history_agg_${suffix(chunk)}`;
const transitionTable = (chunk: Chunk): string => `history_transitions_${suffix(chunk)}`;

function columns(count: number): ObservationColumns {
  return { count, datastream: new Uint32Array(count), time: new Float64Array(count), result: new Float64Array(count), state: new Uint8Array(count) };
}

function finite(name: string, value: number): void {
  if (!Number.isFinite(value)) throw new RangeError(`history: ${name} must be a finite time in ms, not ${value}`);
}

function count(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`history: ${name} must be a whole number ≥ 0, not ${value}`);
}
