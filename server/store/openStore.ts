import { isAbsolute, join } from 'node:path';
import { DuckDbConnection } from './DuckDbConnection.js';
import { PostgresConnection } from './PostgresConnection.js';
import { SqlStore } from './SqlStore.js';

/** Where the store lives: a DuckDB file (embedded) or a PostgreSQL server. */
export type StoreLocation = { engine: 'duckdb'; path: string; memoryLimit?: string } | { engine: 'postgres'; url: string };

/**
 * The deployment's choice: CIM_DATABASE_URL (postgres://user:password@host:5432/db) selects
 * PostgreSQL; otherwise DuckDB in CIM_STORE_PATH, by default data/cimtwin.duckdb under `root`
 * (kept across restarts and rebuilds; `data/` is not in git), its buffer pool capped by
 * CIM_DUCKDB_MEMORY_LIMIT (a DuckDB size such as '256MB'; default 32MB).
 */
export function storeLocationFromEnv(env: Record<string, string | undefined>, root: string): StoreLocation {
  const url = env['CIM_DATABASE_URL'];
  if (url) return { engine: 'postgres', url };
  const path = env['CIM_STORE_PATH'] ?? join('data', 'cimtwin.duckdb');
  const memoryLimit = env['CIM_DUCKDB_MEMORY_LIMIT'];
  return { engine: 'duckdb', path: isAbsolute(path) || path === ':memory:' ? path : join(root, path), ...(memoryLimit ? { memoryLimit } : {}) };
}

export async function openStore(location: StoreLocation): Promise<SqlStore> {
  return SqlStore.open(location.engine === 'postgres' ? await PostgresConnection.open(location.url) : await DuckDbConnection.open(location.path, location));
}
