import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gaussian, normalReading } from '../../server/live/sensorReading.js';
import { DuckDbConnection } from '../../server/store/DuckDbConnection.js';
import { openStore, type StoreLocation } from '../../server/store/openStore.js';
import { PostgresConnection } from '../../server/store/PostgresConnection.js';
import { type PostgresServer, postgresBinDir, startPostgresServer } from '../../harness/postgresServer.js';
import type { Incident } from '../../workers/formats/incident.js';
import { addIncidentNote, openIncident } from '../../workers/incidents/incidentLifecycle.js';
import { SENSOR_TYPES } from '../../workers/live/sensorTypes.js';
import { Random } from '../../workers/random/Random.js';

/**
 * `npx tsx bench/store/benchStore.ts`: what the store costs, on both engines.
 * 1. Sensor history (for the history-and-replay issue): ROWS observation-like rows — SENSORS
 *    sensors of the demo's types, readings as the simulator draws them (3 decimals), in time
 *    order at 5,000 obs/s — written in one-second batches (DuckDB: appender; PostgreSQL: one
 *    INSERT … unnest per batch; time as ms since the epoch in a BIGINT, as the live store keeps
 *    it), then rows/s, bytes per row on disk, and "latest value of every
 *    sensor at time T" (T = the middle of the data).
 * 2. Incidents: store write (a note: read + versioned update + journal + audit in one
 *    transaction) and read latency, p50/p95 over 200 operations.
 * PostgreSQL runs on its own cluster in a temp folder when initdb is installed.
 */
const ROWS = Number(process.env['ROWS'] ?? 1_000_000);
const SENSORS = Number(process.env['SENSORS'] ?? 2000);
const RATE = 5000;

interface HistoryResult {
  engine: string;
  rowsPerSecond: number;
  bytesPerRow: number;
  latestAtMs: number;
}

interface ObservationColumns {
  datastream: Uint32Array;
  time: Float64Array;
  result: Float64Array;
}

/** Drawn once before any timing, so the rates below are the engines' alone. */
let drawn: ObservationColumns[] | undefined;
function observationBatches(): ObservationColumns[] {
  return (drawn ??= [...drawObservations()]);
}

function* drawObservations(): Generator<ObservationColumns> {
  const random = new Random(42);
  const start = Date.parse('2026-11-30T00:00:00Z');
  for (let done = 0; done < ROWS; done += RATE) {
    const n = Math.min(RATE, ROWS - done);
    const batch = { datastream: new Uint32Array(n), time: new Float64Array(n), result: new Float64Array(n) };
    for (let i = 0; i < n; i++) {
      const row = done + i;
      const datastream = (row % SENSORS) + 1;
      const time = start + Math.floor((row * 1000) / RATE);
      batch.datastream[i] = datastream;
      batch.time[i] = time;
      batch.result[i] = normalReading(
        SENSOR_TYPES[datastream % SENSOR_TYPES.length]!,
        time,
        gaussian(() => random.next()),
      );
    }
    yield batch;
  }
}

const middle = (): string => new Date(Date.parse('2026-11-30T00:00:00Z') + (ROWS / RATE / 2) * 1000).toISOString();

async function historyOnDuckDb(dir: string): Promise<HistoryResult> {
  const path = join(dir, 'history.duckdb');
  const batches = observationBatches();
  const db = await DuckDbConnection.open(path);
  await db.execute('CREATE TABLE observations (datastream UINTEGER NOT NULL, time BIGINT NOT NULL, result DOUBLE NOT NULL)');
  const started = performance.now();
  await db.withConnection(async (connection) => {
    const appender = await connection.createAppender('observations');
    for (const batch of batches) {
      for (let i = 0; i < batch.datastream.length; i++) {
        appender.appendUInteger(batch.datastream[i]!);
        appender.appendBigInt(BigInt(batch.time[i]!));
        appender.appendDouble(batch.result[i]!);
        appender.endRow();
      }
      appender.flushSync(); // one second of feed is durable before the next
    }
    appender.closeSync();
  });
  await db.execute('CHECKPOINT');
  const seconds = (performance.now() - started) / 1000;
  const latestAtMs = await timeQuery(() =>
    db.query('SELECT datastream, arg_max(result, time) AS result FROM observations WHERE time <= $1 GROUP BY datastream', [Date.parse(middle())]),
  );
  await db.close();
  return { engine: 'DuckDB (embedded)', rowsPerSecond: ROWS / seconds, bytesPerRow: statSync(path).size / ROWS, latestAtMs };
}

async function historyOnPostgres(url: string): Promise<HistoryResult> {
  const batches = observationBatches();
  const db = await PostgresConnection.open(url);
  await db.execute(
    'CREATE TABLE observations (datastream INTEGER NOT NULL, time TIMESTAMPTZ NOT NULL, result DOUBLE PRECISION NOT NULL, PRIMARY KEY (datastream, time))',
  );
  const started = performance.now();
  for (const batch of batches)
    await db.execute(
      'INSERT INTO observations SELECT d, to_timestamp(t / 1000.0), r FROM unnest($1::int[], $2::float8[], $3::float8[]) AS u(d, t, r) ON CONFLICT DO NOTHING',
      [`{${batch.datastream.join(',')}}`, `{${batch.time.join(',')}}`, `{${batch.result.join(',')}}`],
    );
  await db.execute('VACUUM ANALYZE observations');
  const seconds = (performance.now() - started) / 1000;
  const [size] = await db.query("SELECT pg_total_relation_size('observations') AS bytes");
  const latestAtMs = await timeQuery(() =>
    db.query('SELECT DISTINCT ON (datastream) datastream, result FROM observations WHERE time <= $1 ORDER BY datastream, time DESC', [middle()]),
  );
  await db.close();
  return { engine: 'PostgreSQL (PK datastream, time)', rowsPerSecond: ROWS / seconds, bytesPerRow: Number(size!['bytes']) / ROWS, latestAtMs };
}

/** Best of three: the first run also warms caches. */
async function timeQuery(query: () => Promise<unknown>): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    await query();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

async function incidentLatency(location: StoreLocation): Promise<{ write: [number, number]; read: [number, number] }> {
  const store = await openStore(location);
  const audit = {
    at: new Date().toISOString(),
    actor: 'bench',
    role: 'operator',
    action: 'incident.note',
    target: 'incident:BENCH',
    detail: '{}',
    source: 'bench',
  };
  let incident: Incident = openIncident(
    {
      event: '供水管道爆管',
      headline: 'bench',
      classification: { category: 'accident', subType: 'public-facility', level: 'II' },
      footprint: { kind: 'point', at: [117.16, 39.11] },
    },
    { id: `BENCH-${Date.now()}`, sender: 'bench', by: 'bench', at: new Date().toISOString(), deadlines: {} },
  );
  await store.saveIncident(incident, undefined, audit);
  const writes: number[] = [];
  const reads: number[] = [];
  for (let i = 0; i < 200; i++) {
    let started = performance.now();
    const previous = (await store.getIncident(incident.id))!;
    reads.push(performance.now() - started);
    const next = addIncidentNote(previous, `note ${i}`, { by: 'bench', at: new Date().toISOString(), noteId: `N${i + 1}` });
    if (!('incident' in next)) throw new Error(next.message);
    started = performance.now();
    if (!(await store.saveIncident(next.incident, previous, audit))) throw new Error('write refused');
    writes.push(performance.now() - started);
    incident = next.incident;
  }
  await store.close();
  const percentiles = (samples: number[]): [number, number] => {
    samples.sort((a, b) => a - b);
    return [samples[Math.floor(samples.length * 0.5)]!, samples[Math.floor(samples.length * 0.95)]!];
  };
  return { write: percentiles(writes), read: percentiles(reads) };
}

const dir = mkdtempSync(join(tmpdir(), 'cimtwin-bench-store-'));
let postgres: PostgresServer | undefined;
try {
  if (postgresBinDir()) postgres = await startPostgresServer();
  else console.log('(no PostgreSQL binaries: PostgreSQL rows skipped)');
  console.log(`Sensor history: ${ROWS.toLocaleString('en')} rows, ${SENSORS} sensors, written in 1-second batches of ${RATE}`);
  const history = [await historyOnDuckDb(dir), ...(postgres ? [await historyOnPostgres(postgres.url)] : [])];
  console.log('| engine | rows/s | bytes/row on disk | latest of every sensor at T |');
  console.log('|---|---:|---:|---:|');
  for (const h of history)
    console.log(`| ${h.engine} | ${Math.round(h.rowsPerSecond).toLocaleString('en')} | ${h.bytesPerRow.toFixed(1)} | ${h.latestAtMs.toFixed(0)} ms |`);

  console.log('\nIncident store, 200 notes on one incident (ms):');
  console.log('| engine | write p50 | write p95 | read p50 | read p95 |');
  console.log('|---|---:|---:|---:|---:|');
  const engines: [string, StoreLocation][] = [['DuckDB (embedded)', { engine: 'duckdb', path: join(dir, 'incidents.duckdb') }]];
  if (postgres) engines.push(['PostgreSQL', { engine: 'postgres', url: postgres.url }]);
  for (const [name, location] of engines) {
    const { write, read } = await incidentLatency(location);
    console.log(`| ${name} | ${write[0].toFixed(1)} | ${write[1].toFixed(1)} | ${read[0].toFixed(1)} | ${read[1].toFixed(1)} |`);
  }
} finally {
  postgres?.destroy();
  rmSync(dir, { recursive: true, force: true });
}
