import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDbConnection } from '../server/store/DuckDbConnection.js';
import { storeLocationFromEnv } from '../server/store/openStore.js';
import { StoreError } from '../server/store/StoreError.js';

const dir = mkdtempSync(join(tmpdir(), 'cimtwin-duckdb-memory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** DuckDB's memory_limit setting in MiB, as it reports it. */
async function limitOf(db: DuckDbConnection): Promise<number> {
  const [row] = await db.query("SELECT current_setting('memory_limit') AS limit_text");
  return Number.parseFloat(String(row?.['limit_text']));
}

describe('the embedded store’s memory', () => {
  it('caps DuckDB’s buffer pool (32MB for a file by default, CIM_DUCKDB_MEMORY_LIMIT otherwise) so a long-running server does not grow with its history file', async () => {
    for (const [limit, expected] of [
      [undefined, 30.5],
      ['1GB', 953],
    ] as const) {
      const path = join(dir, `limit-${limit ?? 'default'}.duckdb`);
      const location = storeLocationFromEnv(limit ? { CIM_DUCKDB_MEMORY_LIMIT: limit, CIM_STORE_PATH: path } : { CIM_STORE_PATH: path }, '/tmp');
      const db = await DuckDbConnection.open(path, location.engine === 'duckdb' ? location : {});
      const mib = await limitOf(db);
      await db.close();
      expect(mib).toBeCloseTo(expected, -1); // DuckDB reports MiB
    }
  });

  it('gives an in-memory database (no file to evict to) room for the data it holds', async () => {
    const db = await DuckDbConnection.open(':memory:');
    expect(await limitOf(db)).toBeCloseTo(488, -1);
    await db.close();
  });

  it('holds, scans and sorts more than its pool in a file store: blocks are evicted, the sort spills, the pool stays within its limit', async () => {
    const path = join(dir, 'larger-than-pool.duckdb');
    const db = await DuckDbConnection.open(path);
    const held = async (): Promise<number> => Number((await db.query('SELECT sum(memory_usage_bytes) AS held FROM duckdb_memory()'))[0]?.['held']);
    // 8 million rows (~100 MB in the pool uncapped; 77 MB measured at 512MB), three times the pool.
    await db.execute('CREATE TABLE readings AS SELECT range AS i, hash(range) % 1000003 AS v, random() AS r FROM range(8000000)');
    const [row] = await db.query('SELECT i, v FROM readings ORDER BY v, i LIMIT 1 OFFSET 4000000');
    const [sums] = await db.query('SELECT count(*) AS n, sum(r) AS total FROM readings');
    const afterScan = await held();
    await db.close();
    expect(row?.['v']).toBeDefined();
    expect(Number(sums?.['n'])).toBe(8_000_000);
    expect(afterScan).toBeLessThanOrEqual(32e6);
  });

  it('refuses a limit it cannot read with a sentence naming the variable', async () => {
    const error = await DuckDbConnection.open(':memory:', { memoryLimit: 'lots' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(String((error as Error).message)).toMatch(/CIM_DUCKDB_MEMORY_LIMIT.*'lots'|'lots'.*CIM_DUCKDB_MEMORY_LIMIT/);
  });
});
