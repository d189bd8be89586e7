import initSqlJs, { type Database, type Statement } from 'sql.js';
import { LatestObservations } from '../../workers/live/LatestObservations.js';

export interface Observation {
  datastream: number;
  /** phenomenonTime, ms since the epoch. */
  time: number;
  result: number;
}

/**
 * Observations of the last hour in an embedded SQLite (sql.js: SQLite compiled to WebAssembly,
 * so nothing compiles at install time), written in batches, plus the latest value per
 * datastream in typed arrays for "current state" reads. Older readings than the one held never
 * overwrite it; the history keeps every distinct (datastream, time) once.
 * For a city-scale history, PostgreSQL/TimescaleDB is the documented scale-out (README).
 */
export class ObservationStore {
  readonly latest: LatestObservations;
  private pending: Observation[] = [];
  private readonly insert: Statement;
  private flushTimer: ReturnType<typeof setInterval>;
  /** Rows in the history table (kept by counting inserts and deletes: COUNT(*) would scan it). */
  private rows = 0;

  private constructor(
    private readonly db: Database,
    readonly datastreams: number,
    /** How long observations are kept (ms). */
    readonly retentionMs: number,
  ) {
    this.latest = new LatestObservations(datastreams + 1);
    db.run(
      'CREATE TABLE observations (datastream INTEGER NOT NULL, time INTEGER NOT NULL, result REAL NOT NULL, PRIMARY KEY (datastream, time)) WITHOUT ROWID',
    );
    this.insert = db.prepare('INSERT OR IGNORE INTO observations VALUES (?, ?, ?)');
    this.flushTimer = setInterval(() => this.flush(), 250);
    this.flushTimer.unref();
  }

  static async open(datastreams: number, retentionMs = 3_600_000): Promise<ObservationStore> {
    const SQL = await initSqlJs();
    return new ObservationStore(new SQL.Database(), datastreams, retentionMs);
  }

  /** Takes an observation; false when its datastream is unknown. */
  add(observation: Observation, receivedMs = Date.now()): boolean {
    if (observation.datastream < 1 || observation.datastream > this.datastreams) return false;
    this.latest.offer(observation.datastream, observation.time, observation.result, receivedMs);
    this.pending.push(observation);
    return true;
  }

  /** Writes what is pending in one transaction and drops history older than the retention. */
  flush(now = Date.now()): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.db.run('BEGIN');
    for (const o of batch) {
      this.insert.run([o.datastream, o.time, o.result]);
      this.rows += this.db.getRowsModified();
    }
    this.db.run('DELETE FROM observations WHERE time < ?', [now - this.retentionMs]);
    this.rows -= this.db.getRowsModified();
    this.db.run('COMMIT');
  }

  /** A datastream's observations, newest first (or oldest first), optionally since a time. */
  history(datastream: number, top: number, newestFirst: boolean, sinceMs?: number): Observation[] {
    this.flush();
    const rows = this.db.exec(
      `SELECT time, result FROM observations WHERE datastream = ? AND time >= ? ORDER BY time ${newestFirst ? 'DESC' : 'ASC'} LIMIT ?`,
      [datastream, sinceMs ?? 0, Math.max(0, Math.min(top, 10_000))],
    );
    return (rows[0]?.values ?? []).map(([time, result]) => ({ datastream, time: Number(time), result: Number(result) }));
  }

  /** The history's size: rows, and the database's pages in bytes (what it holds in memory). */
  size(): { rows: number; bytes: number } {
    const pages = this.db.exec('PRAGMA page_count')[0]?.values[0]?.[0];
    const pageSize = this.db.exec('PRAGMA page_size')[0]?.values[0]?.[0];
    return { rows: this.rows, bytes: Number(pages) * Number(pageSize) };
  }

  close(): void {
    clearInterval(this.flushTimer);
    this.flush();
    this.insert.free();
    this.db.close();
  }
}
