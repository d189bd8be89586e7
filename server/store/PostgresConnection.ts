import pg from 'pg';
import type { SqlConnection, SqlExecutor, SqlRow, SqlValue } from './SqlConnection.js';
import { StoreError } from './StoreError.js';

/**
 * The scale-out engine: a PostgreSQL server reached through a pool (`pg`). Several CIM Twin
 * servers may share one database; SqlStore's version check keeps their writes from
 * overwriting each other.
 */
export class PostgresConnection implements SqlConnection {
  private constructor(
    private readonly pool: pg.Pool,
    readonly description: string,
  ) {}

  static async open(connectionString: string, options: { maxConnections?: number } = {}): Promise<PostgresConnection> {
    const pool = new pg.Pool({ connectionString, max: options.maxConnections ?? 10, connectionTimeoutMillis: 10_000 });
    // An idle client's error (the server restarted) must not take the process down; the next query reconnects.
    pool.on('error', () => undefined);
    const shown = redactPassword(connectionString);
    try {
      await pool.query('SELECT 1');
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw new StoreError(`cannot reach PostgreSQL at ${shown} (CIM_DATABASE_URL): ${error instanceof Error ? error.message : String(error)}`);
    }
    return new PostgresConnection(pool, `PostgreSQL ${shown}`);
  }

  async query(sql: string, params: readonly SqlValue[] = []): Promise<SqlRow[]> {
    return (await this.pool.query(sql, params as SqlValue[])).rows.map(plainRow);
  }

  async execute(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return (await this.pool.query(sql, params as SqlValue[])).rowCount ?? 0;
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work({
        query: async (sql, params = []) => (await client.query(sql, params as SqlValue[])).rows.map(plainRow),
        execute: async (sql, params = []) => (await client.query(sql, params as SqlValue[])).rowCount ?? 0,
      });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** pg returns BIGINT as text (it may exceed 2^53); our sequences stay far below. */
function plainRow(row: Record<string, unknown>): SqlRow {
  const plain: SqlRow = {};
  for (const [name, value] of Object.entries(row))
    plain[name] = value === null || typeof value === 'number' || typeof value === 'boolean' ? value : typeof value === 'string' ? value : String(value);
  return plain;
}

function redactPassword(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(a connection string that is not a URL)';
  }
}
