import { describe, expect, it } from 'vitest';
import { DuckDbConnection } from '../server/store/DuckDbConnection.js';
import { storeLocationFromEnv } from '../server/store/openStore.js';
import { StoreError } from '../server/store/StoreError.js';

describe('the embedded store’s memory', () => {
  it('caps DuckDB’s buffer pool (32MB by default, CIM_DUCKDB_MEMORY_LIMIT otherwise) so a long-running server does not grow with its history file', async () => {
    for (const [limit, expected] of [
      [undefined, 30.5],
      ['1GB', 953],
    ] as const) {
      const location = storeLocationFromEnv(limit ? { CIM_DUCKDB_MEMORY_LIMIT: limit, CIM_STORE_PATH: ':memory:' } : { CIM_STORE_PATH: ':memory:' }, '/tmp');
      const db = await DuckDbConnection.open(':memory:', location.engine === 'duckdb' ? location : {});
      const [row] = await db.query("SELECT current_setting('memory_limit') AS limit_text");
      await db.close();
      expect(Number.parseFloat(String(row?.['limit_text']))).toBeCloseTo(expected, -1); // DuckDB reports MiB
    }
  });

  it('refuses a limit it cannot read with a sentence naming the variable', async () => {
    const error = await DuckDbConnection.open(':memory:', { memoryLimit: 'lots' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(String((error as Error).message)).toMatch(/CIM_DUCKDB_MEMORY_LIMIT.*'lots'|'lots'.*CIM_DUCKDB_MEMORY_LIMIT/);
  });
});
