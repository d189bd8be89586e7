import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import type { SqlConnection, SqlExecutor, SqlRow, SqlValue } from './SqlConnection.js';
import { StoreError } from './StoreError.js';

/**
 * The embedded engine: DuckDB in one file, inside the server process. One connection, and
 * calls take turns (a write transaction and a read never interleave on it); the incident load
 * is a few writes a minute, and the sensor history it will also hold is written in batches
 * through DuckDB's appender, which this turn-taking does not slow.
 */
/**
 * The embedded store's buffer pool by default (CIM_DUCKDB_MEMORY_LIMIT overrides it). The pool
 * caches the file's blocks, which the OS page cache holds anyway: with 512MB it grew with the
 * data held (9 → 107 MB over bench:history's 1-hour fill, most of the server's RSS growth),
 * while 32MB answers the queries as fast (state at T of 20,000 sensors over 24 h: 85 ms; one
 * sensor's day: 49 ms) and a larger sort spills to the file's .tmp folder.
 */
export const DEFAULT_DUCKDB_MEMORY_LIMIT = '32MB';
/** An in-memory database has no file to evict to: its pool is the data held (tests, a server without a store). */
const IN_MEMORY_DUCKDB_MEMORY_LIMIT = '512MB';

export class DuckDbConnection implements SqlConnection {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    readonly description: string,
  ) {}

  /**
   * `memoryLimit` caps DuckDB's buffer pool (a DuckDB size, e.g. '32MB'): its default, 80 % of
   * the machine's memory, lets a server that runs for weeks grow with its history file.
   */
  static async open(path: string, options: { memoryLimit?: string } = {}): Promise<DuckDbConnection> {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, {
        memory_limit: options.memoryLimit ?? (path === ':memory:' ? IN_MEMORY_DUCKDB_MEMORY_LIMIT : DEFAULT_DUCKDB_MEMORY_LIMIT),
        // DuckDB's allocator keeps what a finished task freed up to 128 MiB (512 MiB after bulk
        // frees) before handing it back: on a server that ingests and summarises all day, peaks of
        // RSS held for nothing. Returned sooner, on background threads (bench:history's fill:
        // steady RSS −9 %/+17 % of its mean before, −9 %/+10 % after).
        allocator_flush_threshold: '16MB',
        allocator_bulk_deallocation_flush_threshold: '64MB',
        allocator_background_threads: 'true',
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // DuckDB allows one writing process per file: a second server on the same file is the usual cause.
      if (/lock/i.test(message))
        throw new StoreError(
          `the database file ${path} is in use by another process (another CIM Twin?): set CIM_STORE_PATH to another file. ${message}`,
          true,
        );
      if (/config/i.test(message))
        throw new StoreError(
          `the DuckDB memory limit '${options.memoryLimit}' (CIM_DUCKDB_MEMORY_LIMIT) is not a size DuckDB reads, such as 512MB or 2GB: ${message}`,
        );
      throw new StoreError(`cannot open the database file ${path}: ${message}`);
    }
    return new DuckDbConnection(instance, await instance.connect(), `DuckDB ${path}`);
  }

  query(sql: string, params: readonly SqlValue[] = []): Promise<SqlRow[]> {
    return this.inTurn(() => this.queryNow(sql, params));
  }

  execute(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.inTurn(() => this.executeNow(sql, params));
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.inTurn(async () => {
      await this.connection.run('BEGIN TRANSACTION');
      try {
        const result = await work({ query: (sql, params = []) => this.queryNow(sql, params), execute: (sql, params = []) => this.executeNow(sql, params) });
        await this.connection.run('COMMIT');
        return result;
      } catch (error) {
        await this.connection.run('ROLLBACK');
        throw error;
      }
    });
  }

  /** The raw DuckDB connection, in turn with every other call (bulk loads through the appender). */
  withConnection<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.inTurn(() => work(this.connection));
  }

  /** Another connection to the same database, for a user with its own turn-taking (the sensor history's writes and reads never wait for incidents, nor they for it). Its owner closes it before this one. */
  connect(): Promise<DuckDBConnection> {
    return this.instance.connect();
  }

  async close(): Promise<void> {
    await this.inTurn(async () => {
      this.connection.closeSync();
      this.instance.closeSync();
    });
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async queryNow(sql: string, params: readonly SqlValue[]): Promise<SqlRow[]> {
    const reader = await this.connection.runAndReadAll(sql, params as DuckDBValue[]);
    return reader.getRowObjects().map(plainRow);
  }

  private async executeNow(sql: string, params: readonly SqlValue[]): Promise<number> {
    return (await this.connection.run(sql, params as DuckDBValue[])).rowsChanged;
  }
}

function plainRow(row: Record<string, DuckDBValue>): SqlRow {
  const plain: SqlRow = {};
  for (const [name, value] of Object.entries(row)) {
    plain[name] =
      value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? value
        : typeof value === 'bigint'
          ? Number(value)
          : String(value);
  }
  return plain;
}
