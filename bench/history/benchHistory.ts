import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PostgresServer, postgresBinDir, startPostgresServer } from '../../harness/postgresServer.js';
import type { HistorySettings } from '../../server/history/historySettingsFromEnv.js';
import { SqlObservationHistory } from '../../server/history/SqlObservationHistory.js';
import { startIncidents } from '../../server/incidents/startIncidents.js';
import { gaussian, normalReading } from '../../server/live/sensorReading.js';
import { startLiveBackbone } from '../../server/live/startLiveBackbone.js';
import { demoPaths } from '../../server/prepareDemo.js';
import { DuckDbConnection } from '../../server/store/DuckDbConnection.js';
import { storeLocationFromEnv } from '../../server/store/openStore.js';
import { PostgresConnection } from '../../server/store/PostgresConnection.js';
import type { SqlConnection } from '../../server/store/SqlConnection.js';
import { SENSOR_TYPES, staleAfterSeconds } from '../../workers/live/sensorTypes.js';
import { Random } from '../../workers/random/Random.js';

/**
 * `npm run bench:history`: the sensor history store (server/history/SqlObservationHistory.ts).
 * (a) Queries (PART=queries): HOURS (24) of synthetic history for SENSORS (20,000) sensors at
 *     the demo's natural rate (each sensor at its type's period, readings as the simulator
 *     draws them), bulk-loaded in time order through the store's own queue into a temp
 *     DuckDB file (and PG_HOURS (1) of it into a temp PostgreSQL when initdb is installed),
 *     then: state of every sensor at random T (target < 200 ms) against a baseline in the same
 *     run — the same answer from one scan of the raw rows without the chunk summaries; one
 *     sensor's series over the whole window (< 100 ms); a deep keyset page (90 % in) against
 *     the first; a sensor's aggregates; bytes per observation on disk.
 * (b) Fill (PART=fill): the real server path — the live backbone (embedded broker, the
 *     simulator at RATE=5000/s over MQTT in a process of its own as a city's devices are —
 *     SIMULATOR=in-process puts it in this one —, 20,000 sensors, alarm states, the history in a
 *     DuckDB file with the server's settings) — with a raw retention of RAW_MINUTES (10), run for 1.3× that
 *     (FULL=1: 60 minutes); every minute: accepted rate, overflow, process CPU %, RSS, disk
 *     bytes and bytes/observation; flat = the last third's mean over the first third's.
 * PART=all (default) runs both.
 */
const PART = process.env['PART'] ?? 'all';
const SENSORS = Number(process.env['SENSORS'] ?? 20_000);
const HOURS = Number(process.env['HOURS'] ?? 24);
const PG_HOURS = Number(process.env['PG_HOURS'] ?? 1);
const RATE = Number(process.env['RATE'] ?? 5000);
const RAW_MINUTES = process.env['FULL'] === '1' ? 60 : Number(process.env['RAW_MINUTES'] ?? 10);
const FILL_MINUTES = Number(process.env['FILL_MINUTES'] ?? Math.ceil(RAW_MINUTES * 1.3));
const HOUR = 3_600_000;
/** SIMULATOR=in-process: the sensors in the server's process, as `npm start` runs them (CPU and RSS then include theirs). */
const SIMULATOR_IN_PROCESS = process.env['SIMULATOR'] === 'in-process';

const ms = (value: number): string => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
const mb = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(1)} MB`;
const count = (value: number): string => Math.round(value).toLocaleString('en');

/** Best of `runs`: the first also warms caches. */
async function best(runs: number, work: () => Promise<unknown>): Promise<number> {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

/** Sensor i's type (as the scaled-up catalogue cycles them) and its phase within its period (s). */
const typeOf = (datastream: number) => SENSOR_TYPES[datastream % SENSOR_TYPES.length]!;

/**
 * Loads `hours` of the natural-rate feed ending at `end`, second by second in time order: at
 * second s, every sensor whose phase is s mod its period reports.
 */
async function load(history: SqlObservationHistory, end: number, hours: number): Promise<number> {
  const random = new Random(42);
  const byPhase = new Map<number, number[][]>(); // period → sensors by phase
  for (let datastream = 1; datastream <= SENSORS; datastream++) {
    const period = typeOf(datastream).periodSeconds;
    const phases = byPhase.get(period) ?? Array.from({ length: period }, () => []);
    phases[datastream % period]!.push(datastream);
    byPhase.set(period, phases);
  }
  const start = end - hours * HOUR;
  let rows = 0;
  for (let second = 0; second < hours * 3600; second++) {
    const time = start + second * 1000;
    for (const [period, phases] of byPhase)
      for (const datastream of phases[second % period]!) {
        const type = typeOf(datastream);
        const result =
          Math.round(
            normalReading(
              type,
              time,
              gaussian(() => random.next()),
            ) * 1000,
          ) / 1000;
        const state = result > type.thresholds.alarm && type.thresholds.direction === 'above' ? 2 : 0;
        while (!history.add(datastream, time + (datastream % 997), result, state)) await history.flush();
        rows++;
      }
    if (second % 300 === 299) await history.flush();
  }
  await history.flush();
  return rows;
}

async function queries(engine: string, database: SqlConnection, hours: number): Promise<void> {
  const end = Math.floor(Date.parse('2026-11-30T12:00:00Z') / HOUR) * HOUR;
  const history = await SqlObservationHistory.open(database, {
    flushIntervalMs: 0,
    maintenanceIntervalMs: 0,
    queueCapacity: 2_000_000,
    now: () => end + 60_000,
  });
  let started = performance.now();
  const rows = await load(history, end, hours);
  const loadSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  await history.maintain(); // the closed chunks' summaries
  const summariseSeconds = (performance.now() - started) / 1000;
  if (engine === 'DuckDB') await database.execute('CHECKPOINT');
  else await database.execute('VACUUM ANALYZE');
  await history.maintain();
  const bytes = history.counters().bytes;

  const staleAfterMs = new Float64Array(SENSORS + 1);
  for (let datastream = 1; datastream <= SENSORS; datastream++) staleAfterMs[datastream] = staleAfterSeconds(typeOf(datastream)) * 1000;
  const random = new Random(7);
  const times = Array.from({ length: 5 }, () => end - Math.floor(random.next() * hours * HOUR));
  let stateAtMs = 0;
  let heard = 0;
  for (const at of times)
    stateAtMs = Math.max(
      stateAtMs,
      await best(2, async () => {
        heard = (await history.stateAt(at, staleAfterMs)).count;
      }),
    );
  // Baseline: the same answer from one scan of every raw row up to T (no summaries).
  const tables = (await database.query("SELECT start_ms FROM history_chunks WHERE kind = 'raw' ORDER BY start_ms")).map(
    (row) => `history_raw_${Number(row['start_ms'])}`,
  );
  const union = tables.map((table) => `SELECT datastream, time, result, state FROM ${table}`).join(' UNION ALL ');
  const at = times[0]!;
  const scanMs = await best(2, () =>
    database.query(
      engine === 'DuckDB'
        ? `SELECT datastream, max(time), arg_max(result, time), arg_max(state, time) FROM (${union}) u WHERE time <= ${at} GROUP BY datastream`
        : `SELECT DISTINCT ON (datastream) datastream, time, result, state FROM (${union}) u WHERE time <= ${at} ORDER BY datastream, time DESC`,
    ),
  );
  const sensor = 4; // a 10 s sensor: the longest series
  let seriesRows = 0;
  const seriesMs = await best(3, async () => {
    seriesRows = (await history.series({ datastream: sensor, newestFirst: false, limit: 1_000_000 })).length;
  });
  const firstPageMs = await best(3, () => history.series({ datastream: sensor, newestFirst: false, limit: 100 }));
  const deep = end - hours * HOUR * 0.1;
  const deepPageMs = await best(3, () => history.series({ datastream: sensor, newestFirst: false, limit: 100, from: { time: deep, inclusive: false } }));
  const aggregatesMs = await best(3, () => history.aggregates(sensor, end - hours * HOUR, end));
  await history.close();

  console.log(
    `\n(a) ${engine}: ${count(rows)} observations, ${SENSORS.toLocaleString('en')} sensors, ${hours} h at the natural rate (${count(rows / hours / 3600)}/s)`,
  );
  console.log(
    `    loaded through the queue in ${loadSeconds.toFixed(0)} s (${count(rows / loadSeconds)} obs/s); closed chunks summarised in ${summariseSeconds.toFixed(1)} s`,
  );
  console.log('| query | time | baseline / target | ratio |');
  console.log('|---|---:|---:|---:|');
  console.log(
    `| state at T (${count(heard)} sensors, worst of 5 random T) | ${ms(stateAtMs)} | one scan of the raw rows ${ms(scanMs)} | ${(stateAtMs / scanMs).toFixed(2)} |`,
  );
  console.log(`| series of one 10 s sensor over ${hours} h (${count(seriesRows)} rows) | ${ms(seriesMs)} | target 100 ms | ${(seriesMs / 100).toFixed(2)} |`);
  console.log(`| series page of 100, 90 % in (keyset) | ${ms(deepPageMs)} | first page ${ms(firstPageMs)} | ${(deepPageMs / firstPageMs).toFixed(2)} |`);
  console.log(`| aggregates of one sensor over ${hours} h (on the fly) | ${ms(aggregatesMs)} | | |`);
  console.log(`| disk | ${mb(bytes)} | ${(bytes / rows).toFixed(1)} bytes/observation${engine === 'DuckDB' ? ' (target ≤ 16)' : ''} | |`);
}

async function fill(): Promise<void> {
  const root = join(import.meta.dirname, '../..');
  const paths = demoPaths(root);
  // Built in a child process: the pipeline's peak memory would otherwise stay in this process's RSS.
  execFileSync(process.execPath, ['--import', 'tsx', join(root, 'bench/prepareDemoMain.ts')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const dir = mkdtempSync(join(tmpdir(), 'cimtwin-bench-history-'));
  const http = createServer((_request, response) => response.writeHead(404).end());
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  // The server's own store settings (CIM_DUCKDB_MEMORY_LIMIT), in a temp file.
  const storeLocation = storeLocationFromEnv(
    { CIM_STORE_PATH: join(dir, 'store.duckdb'), CIM_DUCKDB_MEMORY_LIMIT: process.env['CIM_DUCKDB_MEMORY_LIMIT'] },
    root,
  );
  const incidents = await startIncidents({ env: {}, root, storeLocation, log: () => undefined });
  const settings: HistorySettings = {
    retention: { rawMs: RAW_MINUTES * 60_000, downsampledMs: 30 * 86_400_000, bucketMs: 15 * 60_000 },
    chunkMs: Math.max(60_000, Math.floor(RAW_MINUTES / 4) * 60_000),
    queueCapacity: 100_000,
  };
  const live = await startLiveBackbone({
    http,
    generatedDir: paths.groundDir,
    mqttPort: 0,
    sensors: SENSORS,
    database: incidents.database,
    history: settings,
    ...(SIMULATOR_IN_PROCESS ? { simulator: { rate: RATE } } : { simulator: false, publisher }),
  });
  const devices = SIMULATOR_IN_PROCESS ? undefined : await startSimulatorProcess(live.broker.tcpPort(), join(paths.groundDir, 'nankai-sensor-sites.geojson'));
  console.log(
    `\n(b) fill: live backbone + simulator at ${count(RATE)}/s (${SIMULATOR_IN_PROCESS ? 'in this process' : 'in its own process: CPU and RSS are the server’s'}), ${live.catalog.length.toLocaleString('en')} sensors, raw retention ${RAW_MINUTES} min in ${settings.chunkMs / 60_000}-min chunks, ${FILL_MINUTES} min`,
  );
  console.log('| minute | accepted/s | overflow | CPU % | RSS mean | RSS max | V8 heap | DuckDB | disk | bytes/obs held | raw rows held |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  // RSS moves with every flush and GC: one reading a minute is noise, so it is sampled every 5 s.
  let rssSamples: number[] = [];
  const sampler = setInterval(() => rssSamples.push(process.memoryUsage().rss), 5_000);
  /** What DuckDB itself holds (its buffer pool and allocations), to tell it from the process's other memory. */
  const duckDbBytes = async (): Promise<number> =>
    Number((await incidents.database.query('SELECT sum(memory_usage_bytes) AS bytes FROM duckdb_memory()'))[0]?.['bytes'] ?? 0);
  const samples: { rate: number; cpu: number; rss: number; rssMax: number; heap: number; duckDb: number; bytes: number }[] = [];
  let accepted = live.broker.counters.accepted;
  let cpu = process.cpuUsage();
  let wall = performance.now();
  for (let minute = 1; minute <= FILL_MINUTES; minute++) {
    await new Promise((resolve) => setTimeout(resolve, 60_000));
    const used = process.cpuUsage(cpu);
    const now = performance.now();
    const counters = live.history.counters();
    const sample = {
      rate: (live.broker.counters.accepted - accepted) / ((now - wall) / 1000),
      cpu: ((used.user + used.system) / 1000 / (now - wall)) * 100,
      rss: rssSamples.reduce((sum, v) => sum + v, 0) / Math.max(1, rssSamples.length),
      rssMax: Math.max(0, ...rssSamples),
      heap: process.memoryUsage().heapUsed,
      duckDb: await duckDbBytes(),
      bytes: counters.bytes,
    };
    rssSamples = [];
    samples.push(sample);
    accepted = live.broker.counters.accepted;
    cpu = process.cpuUsage();
    wall = now;
    console.log(
      `| ${minute} | ${count(sample.rate)} | ${count(counters.overflow)} | ${sample.cpu.toFixed(0)} | ${mb(sample.rss)} | ${mb(sample.rssMax)} | ${mb(sample.heap)} | ${mb(sample.duckDb)} | ${mb(counters.bytes)} | ${counters.rows > 0 ? (counters.bytes / counters.rows).toFixed(1) : '-'} | ${count(counters.rows)} |`,
    );
  }
  clearInterval(sampler);
  const third = Math.max(1, Math.floor(samples.length / 3));
  const mean = (part: typeof samples, key: keyof (typeof samples)[number]): number => part.reduce((sum, s) => sum + s[key], 0) / part.length;
  const first = samples.slice(0, third);
  const last = samples.slice(-third);
  console.log(
    `flat (last third / first third): accepted ${(mean(last, 'rate') / mean(first, 'rate')).toFixed(2)}, CPU ${(mean(last, 'cpu') / mean(first, 'cpu')).toFixed(2)}, RSS ${(mean(last, 'rss') / mean(first, 'rss')).toFixed(2)}, disk ${(mean(last, 'bytes') / mean(first, 'bytes')).toFixed(2)}; overflow ${live.history.counters().overflow}, range ${JSON.stringify(await live.history.range())}`,
  );
  /** The minute means' spread about their mean: what "RSS flat within ±10 %" is judged by. */
  const rssSpread = (part: typeof samples): string => {
    const rss = part.map((s) => s.rss);
    const rssMean = mean(part, 'rss');
    return `RSS ${mb(Math.min(...rss))}–${mb(Math.max(...rss))}, ${((Math.min(...rss) / rssMean - 1) * 100).toFixed(1)} % / +${((Math.max(...rss) / rssMean - 1) * 100).toFixed(1)} % of its mean (target ±10 %); accepted ${count(Math.min(...part.map((s) => s.rate)))}–${count(Math.max(...part.map((s) => s.rate)))}/s`;
  };
  console.log(`whole fill (minutes 1–${samples.length}): ${rssSpread(samples)}`);
  // Once the raw window is full and its first chunk dropped, the data held stops growing: the spread from there on.
  const steady = samples.slice(Math.ceil((settings.retention.rawMs + settings.chunkMs) / 60_000));
  if (steady.length > 1) console.log(`steady (minutes ${samples.length - steady.length + 1}–${samples.length}, window full): ${rssSpread(steady)}`);
  devices?.kill('SIGTERM');
  await live.close();
  await incidents.close();
  http.close();
  rmSync(dir, { recursive: true, force: true });
}

const publisher = { username: 'bench-devices', password: randomBytes(18).toString('base64url') };

/** The sensors in a child process (bench/history/simulatorProcess.ts), publishing to the server's broker. */
async function startSimulatorProcess(mqttPort: number, sitesFile: string): Promise<ChildProcess> {
  const child = fork(
    join(import.meta.dirname, 'simulatorProcess.ts'),
    [JSON.stringify({ brokerUrl: `mqtt://127.0.0.1:${mqttPort}`, ...publisher, sitesFile, sensors: SENSORS, rate: RATE })],
    {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`the simulator process exited (${code}) before it was ready`)));
  });
  return child;
}

if (PART === 'all' || PART === 'queries') {
  const dir = mkdtempSync(join(tmpdir(), 'cimtwin-bench-history-'));
  let postgres: PostgresServer | undefined;
  try {
    const duck = await DuckDbConnection.open(join(dir, 'history.duckdb'), { memoryLimit: process.env['CIM_DUCKDB_MEMORY_LIMIT'] });
    await queries('DuckDB', duck, HOURS);
    await duck.close();
    if (postgresBinDir() && PG_HOURS > 0) {
      postgres = await startPostgresServer();
      const pg = await PostgresConnection.open(postgres.url);
      await queries('PostgreSQL', pg, PG_HOURS);
      await pg.close();
    } else console.log('(no PostgreSQL binaries or PG_HOURS=0: PostgreSQL skipped)');
  } finally {
    postgres?.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}
if (PART === 'all' || PART === 'fill') await fill();
