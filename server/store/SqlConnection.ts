/** A row as both drivers give it back: column name → plain JS value (bigints made numbers). */
export type SqlRow = Record<string, string | number | boolean | null>;
export type SqlValue = string | number | boolean | null;

/** Statements inside one transaction, `$1 … $n` placeholders on both engines. */
export interface SqlExecutor {
  query(sql: string, params?: readonly SqlValue[]): Promise<SqlRow[]>;
  /** Runs a statement; returns how many rows it changed. */
  execute(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

/**
 * What SqlStore needs from an engine: statements, transactions, closing. The SQL it sends is
 * the common subset of DuckDB and PostgreSQL (TEXT, INTEGER, BIGINT, DOUBLE PRECISION,
 * sequences), so one store serves both.
 */
export interface SqlConnection extends SqlExecutor {
  readonly description: string;
  /** Runs `work` in a transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
