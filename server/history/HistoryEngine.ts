import { BIGINT, DOUBLE, type DuckDBConnection, DuckDBDataChunk, type DuckDBVector, INTEGER, UTINYINT } from '@duckdb/node-api';
import { DuckDbConnection } from '../store/DuckDbConnection.js';
import type { SqlConnection } from '../store/SqlConnection.js';

/** A column to append: its values (indexed by the rows' positions) and its SQL type. */
export interface AppendColumn {
  values: ArrayLike<number>;
  type: 'integer' | 'bigint' | 'double' | 'state';
}

/**
 * What the history needs from an engine, below SQL the two share: numeric rows back, bulk
 * appends (DuckDB's appender; PostgreSQL's INSERT … SELECT FROM unnest of one array per
 * column, one statement per batch), a chunk table's DDL and the bytes on disk. Every value the
 * history reads is a number, so rows come back as number arrays in the SELECT's order.
 */
export interface HistoryEngine {
  readonly dialect: 'duckdb' | 'postgres';
  /** The type of the state column (DuckDB has a one-byte unsigned integer; PostgreSQL's smallest is SMALLINT). */
  readonly stateType: string;
  rows(sql: string): Promise<number[][]>;
  run(sql: string): Promise<void>;
  /** Runs `statements` in one transaction (a chunk is aggregated and dropped at once, or not at all). */
  transaction(statements: readonly string[]): Promise<void>;
  /** Appends rows `indices` of `columns` (in that order) to `table`. */
  append(table: string, columns: readonly AppendColumn[], indices: ArrayLike<number>): Promise<void>;
  /** A raw chunk table for [start, end): on PostgreSQL a range partition of history_raw with its (datastream, time) index. */
  createRawChunk(table: string, start: number, end: number): Promise<void>;
  /** Bytes the database holds (DuckDB: its used blocks and WAL, incidents included; PostgreSQL: the history's relations). */
  bytes(): Promise<number>;
  close(): Promise<void>;
}

export async function historyEngine(database: SqlConnection): Promise<HistoryEngine> {
  return database instanceof DuckDbConnection ? new DuckDbHistoryEngine(await database.connect()) : new PostgresHistoryEngine(database);
}

/** DuckDB's vector size: a data chunk holds at most this many rows. */
const VECTOR_SIZE = 2048;
const DUCKDB_TYPES = { integer: INTEGER, bigint: BIGINT, double: DOUBLE, state: UTINYINT } as const;

class DuckDbHistoryEngine implements HistoryEngine {
  readonly dialect = 'duckdb';
  readonly stateType = 'UTINYINT';
  /** One statement at a time on this connection (appends and reads take turns). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly connection: DuckDBConnection) {}

  rows(sql: string): Promise<number[][]> {
    return this.inTurn(async () => {
      const reader = await this.connection.runAndReadAll(sql);
      return reader.getRows().map((row) => row.map((value) => (value === null ? Number.NaN : Number(value))));
    });
  }

  run(sql: string): Promise<void> {
    return this.inTurn(async () => void (await this.connection.run(sql)));
  }

  transaction(statements: readonly string[]): Promise<void> {
    return this.inTurn(async () => {
      await this.connection.run('BEGIN TRANSACTION');
      try {
        for (const statement of statements) await this.connection.run(statement);
        await this.connection.run('COMMIT');
      } catch (error) {
        await this.connection.run('ROLLBACK');
        throw error;
      }
    });
  }

  append(table: string, columns: readonly AppendColumn[], indices: ArrayLike<number>): Promise<void> {
    return this.inTurn(async () => {
      const appender = await this.connection.createAppender(table);
      try {
        // Column by column into data chunks of DuckDB's vector size: a typed-array write per
        // value and one copy per vector (a per-value appender call costs ~10× more).
        const chunk = DuckDBDataChunk.create(columns.map((column) => DUCKDB_TYPES[column.type]));
        for (let offset = 0; offset < indices.length; offset += VECTOR_SIZE) {
          const rows = Math.min(VECTOR_SIZE, indices.length - offset);
          chunk.rowCount = rows;
          columns.forEach((column, c) => {
            const vector = chunk.getColumnVector(c) as DuckDBVector<number | bigint>;
            if (column.type === 'bigint') for (let k = 0; k < rows; k++) vector.setItem(k, BigInt(column.values[indices[offset + k]!]!));
            else for (let k = 0; k < rows; k++) vector.setItem(k, column.values[indices[offset + k]!]!);
            vector.flush();
          });
          appender.appendDataChunk(chunk);
        }
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
    });
  }

  async createRawChunk(table: string): Promise<void> {
    // No index: a chunk is scanned by its zone maps (time-ordered, so time filters skip row groups).
    await this.run(`CREATE TABLE IF NOT EXISTS ${table} (datastream INTEGER NOT NULL, time BIGINT NOT NULL, result DOUBLE NOT NULL, state UTINYINT NOT NULL)`);
  }

  async bytes(): Promise<number> {
    const [row] = await this.inTurn(async () => (await this.connection.runAndReadAll('PRAGMA database_size')).getRowObjects());
    if (!row) return 0;
    return Number(row['block_size']) * Number(row['used_blocks']) + parseSize(String(row['wal_size']));
  }

  async close(): Promise<void> {
    await this.inTurn(async () => this.connection.closeSync());
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/** DuckDB prints sizes as "1.2 MiB". */
function parseSize(text: string): number {
  const match = /^([\d.]+)\s*([KMGT]?i?B)?/i.exec(text.trim());
  if (!match) return 0;
  const units: Record<string, number> = { B: 1, KIB: 1024, MIB: 1024 ** 2, GIB: 1024 ** 3, TIB: 1024 ** 4, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12 };
  return Number(match[1]) * (units[(match[2] ?? 'B').toUpperCase()] ?? 1);
}

class PostgresHistoryEngine implements HistoryEngine {
  readonly dialect = 'postgres';
  readonly stateType = 'SMALLINT';

  constructor(private readonly database: SqlConnection) {}

  async rows(sql: string): Promise<number[][]> {
    // pg returns BIGINT and NUMERIC as text: every value the history reads is a number.
    return (await this.database.query(sql)).map((row) => Object.values(row).map((value) => (value === null ? Number.NaN : Number(value))));
  }

  async run(sql: string): Promise<void> {
    await this.database.execute(sql);
  }

  async transaction(statements: readonly string[]): Promise<void> {
    await this.database.transaction(async (tx) => {
      for (const statement of statements) await tx.execute(statement);
    });
  }

  async append(table: string, columns: readonly AppendColumn[], indices: ArrayLike<number>): Promise<void> {
    const types = { integer: 'int', bigint: 'bigint', double: 'float8', state: 'smallint' } as const;
    const arrays = columns.map((column) => {
      const parts = new Array<string>(indices.length);
      for (let k = 0; k < indices.length; k++) parts[k] = String(column.values[indices[k]!]!);
      return `{${parts.join(',')}}`;
    });
    await this.database.execute(
      `INSERT INTO ${table} SELECT * FROM unnest(${columns.map((column, i) => `$${i + 1}::${types[column.type]}[]`).join(', ')})`,
      arrays,
    );
  }

  async createRawChunk(table: string, start: number, end: number): Promise<void> {
    await this.run(
      `CREATE TABLE IF NOT EXISTS history_raw (datastream INTEGER NOT NULL, time BIGINT NOT NULL, result DOUBLE PRECISION NOT NULL, state SMALLINT NOT NULL) PARTITION BY RANGE (time)`,
    );
    await this.run(`CREATE TABLE IF NOT EXISTS ${table} PARTITION OF history_raw FOR VALUES FROM (${start}) TO (${end})`);
    await this.run(`CREATE INDEX IF NOT EXISTS ${table}_datastream_time ON ${table} (datastream, time)`);
  }

  async bytes(): Promise<number> {
    const [row] = await this.rows(
      "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname LIKE 'history\\_%'",
    );
    return row?.[0] ?? 0;
  }

  async close(): Promise<void> {
    // The pool is the store's: its owner closes it.
  }
}
