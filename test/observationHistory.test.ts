import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresServer, postgresForTests, startPostgresServer } from '../harness/postgresServer.js';
import type { ObservationColumns } from '../server/history/ObservationHistory.js';
import { SqlObservationHistory, type SqlObservationHistoryOptions } from '../server/history/SqlObservationHistory.js';
import { DuckDbConnection } from '../server/store/DuckDbConnection.js';
import { PostgresConnection } from '../server/store/PostgresConnection.js';
import type { SqlConnection } from '../server/store/SqlConnection.js';
import { SensorState } from '../workers/live/alarmStateMachine.js';
import { Random } from '../workers/random/Random.js';

/**
 * The sensor history's contract on both engines (DuckDB in a file, a real PostgreSQL started
 * here), each answer checked against a brute-force reading of the observations that were
 * added: state at T, changes, series paging, aggregates and drops at the retention
 * boundaries with a moved clock, a reopen, and the queue's overflow.
 */
const MINUTE = 60_000;
const DAY = 86_400_000;
const T0 = Date.parse('2026-11-30T00:00:00Z');

interface Reading {
  datastream: number;
  time: number;
  result: number;
  state: number;
}

let postgres: PostgresServer | undefined;
const hasPostgres = postgresForTests('observationHistory.test: no PostgreSQL binaries (initdb): the PostgreSQL engine is skipped; apt-get install postgresql');
const dir = mkdtempSync(join(tmpdir(), 'cimtwin-history-'));
let databases = 0;

/** A fresh database of the engine: a new file, or a new database on the test server. */
interface Engine {
  name: string;
  fresh(): Promise<{ open(): Promise<SqlConnection> }>;
}
const engines: Engine[] = [
  {
    name: 'DuckDB',
    fresh: async () => {
      const path = join(dir, `history-${++databases}.duckdb`);
      return { open: () => DuckDbConnection.open(path) };
    },
  },
  ...(hasPostgres
    ? [
        {
          name: 'PostgreSQL',
          fresh: async () => {
            const name = `history_${++databases}`;
            const admin = await PostgresConnection.open(postgres!.url);
            await admin.execute(`CREATE DATABASE ${name}`);
            await admin.close();
            return { open: () => PostgresConnection.open(postgres!.url.replace(/\/postgres$/, `/${name}`)) };
          },
        },
      ]
    : []),
];

beforeAll(async () => {
  if (hasPostgres) postgres = await startPostgresServer();
}, 120_000);

afterAll(() => {
  postgres?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

/** A history with no timers (the test flushes and maintains) on a clock it moves. */
async function openHistory(engine: Engine, options: SqlObservationHistoryOptions & { clock: { now: number } }) {
  const place = await engine.fresh();
  const database = await place.open();
  const history = await SqlObservationHistory.open(database, { flushIntervalMs: 0, maintenanceIntervalMs: 0, now: () => options.clock.now, ...options });
  return {
    history,
    place,
    database,
    close: async () => {
      await history.close();
      await database.close();
    },
  };
}

function rowsOf(columns: ObservationColumns): Reading[] {
  return Array.from({ length: columns.count }, (_, i) => ({
    datastream: columns.datastream[i]!,
    time: columns.time[i]!,
    result: columns.result[i]!,
    state: columns.state[i]!,
  }));
}

/** Readings of `sensors` sensors over [start, start + span): random times (unique per sensor), 3-decimal results, random states. */
function generate(random: Random, sensors: number, start: number, span: number, perSensor: number): Reading[] {
  const readings: Reading[] = [];
  for (let datastream = 1; datastream <= sensors; datastream++) {
    const times = new Set<number>();
    // Some sensors report only early, some often, some not at all.
    const n = datastream % 7 === 0 ? 0 : datastream % 5 === 0 ? 2 : perSensor;
    const end = datastream % 3 === 0 ? start + span / 4 : start + span;
    while (times.size < n) times.add(start + Math.floor(random.next() * (end - start)));
    for (const time of times) readings.push({ datastream, time, result: Math.round(random.next() * 100_000) / 1000, state: Math.floor(random.next() * 3) });
  }
  return readings;
}

function shuffle<T>(random: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

function bruteStateAt(readings: readonly Reading[], at: number, staleAfterMs: ArrayLike<number>): Reading[] {
  const last = new Map<number, Reading>();
  for (const r of readings) if (r.time <= at && r.time > (last.get(r.datastream)?.time ?? -Infinity)) last.set(r.datastream, r);
  return [...last.values()]
    .sort((a, b) => a.datastream - b.datastream)
    .map((r) => ({ ...r, state: at - r.time > staleAfterMs[r.datastream]! ? SensorState.offline : r.state }));
}

describe.each(engines)('sensor history on $name', (engine) => {
  it('answers state at T as a brute-force read does: out-of-order and late readings, silent sensors, T on chunk boundaries', async () => {
    const random = new Random(7);
    const clock = { now: T0 + 70 * MINUTE };
    const { history, close } = await openHistory(engine, { chunkMs: 10 * MINUTE, clock });
    try {
      const readings = generate(random, 60, T0, 60 * MINUTE, 40);
      const [first, late] = [readings.filter((_, i) => i % 10 !== 0), readings.filter((_, i) => i % 10 === 0)];
      for (const [i, r] of shuffle(random, first).entries()) {
        expect(history.add(r.datastream, r.time, r.result, r.state)).toBe(true);
        if (i % 500 === 0) await history.flush();
      }
      await history.flush();
      await history.maintain(); // closed chunks summarised: the late readings below must update them
      for (const r of late) history.add(r.datastream, r.time, r.result, r.state);
      await history.flush();
      const staleAfterMs = Array.from({ length: 61 }, (_, i) => (i % 2 === 0 ? 3 * MINUTE : 20 * MINUTE));
      const times = [T0 - 1, T0, T0 + 10 * MINUTE, T0 + 10 * MINUTE - 1, T0 + 30 * MINUTE, T0 + 60 * MINUTE, T0 + 90 * MINUTE];
      for (let i = 0; i < 8; i++) times.push(T0 + Math.floor(random.next() * 60 * MINUTE));
      for (const at of times) {
        const expected = bruteStateAt(readings, at, staleAfterMs);
        const actual = rowsOf(await history.stateAt(at, staleAfterMs));
        expect(actual, `state at T0 + ${(at - T0) / MINUTE} min`).toEqual(expected);
      }
      expect(rowsOf(await history.stateAt(T0 + 30 * MINUTE, staleAfterMs)).some((r) => r.state === SensorState.offline)).toBe(true);
      expect(history.counters()).toMatchObject({ queued: readings.length, written: readings.length, overflow: 0, pending: 0, rows: readings.length });
    } finally {
      await close();
    }
  }, 60_000);

  it('gives changes in time order (then datastream) up to the limit, and series pages that join into the full read', async () => {
    const random = new Random(11);
    const clock = { now: T0 + 70 * MINUTE };
    const { history, close } = await openHistory(engine, { chunkMs: 10 * MINUTE, clock });
    try {
      const readings = generate(random, 30, T0, 60 * MINUTE, 50);
      // Same times on several sensors: the datastream orders them.
      readings.push({ datastream: 2, time: T0 + 25 * MINUTE, result: 1, state: 0 }, { datastream: 1, time: T0 + 25 * MINUTE, result: 2, state: 0 });
      for (const r of readings.filter((r) => r.datastream > 2 || r.time !== T0 + 25 * MINUTE)) history.add(r.datastream, r.time, r.result, r.state);
      history.add(2, T0 + 25 * MINUTE, 1, 0);
      history.add(1, T0 + 25 * MINUTE, 2, 0);
      await history.flush();
      const unique = new Map(readings.map((r) => [`${r.datastream}/${r.time}`, r]));
      const ordered = [...unique.values()].sort((a, b) => a.time - b.time || a.datastream - b.datastream);
      const from = T0 + 5 * MINUTE;
      const to = T0 + 35 * MINUTE;
      const window = ordered.filter((r) => r.time > from && r.time <= to);
      expect(rowsOf(await history.changes(from, to, 100_000))).toEqual(window);
      expect(rowsOf(await history.changes(from, to, 37))).toEqual(window.slice(0, 37));
      expect(rowsOf(await history.changes(to, to + 1, 10))).toEqual(ordered.filter((r) => r.time === to + 1));

      for (const newestFirst of [false, true]) {
        const datastream = 4;
        const full = ordered
          .filter((r) => r.datastream === datastream)
          .map((r) => ({ time: r.time, result: r.result }))
          .sort((a, b) => (newestFirst ? b.time - a.time : a.time - b.time));
        expect(await history.series({ datastream, newestFirst, limit: 10_000 })).toEqual(full);
        const pages: { time: number; result: number }[][] = [];
        let bound: number | undefined;
        for (;;) {
          const page = await history.series({
            datastream,
            newestFirst,
            limit: 7,
            ...(bound === undefined ? {} : newestFirst ? { to: { time: bound, inclusive: false } } : { from: { time: bound, inclusive: false } }),
          });
          if (page.length === 0) break;
          pages.push(page);
          bound = page[page.length - 1]!.time;
        }
        expect(pages.length).toBe(Math.ceil(full.length / 7));
        expect(pages.flat()).toEqual(full);
        const [low, high] = [full[3]!.time, full[9]!.time].sort((a, b) => a - b);
        const inclusive = await history.series({
          datastream,
          newestFirst,
          limit: 10_000,
          from: { time: low!, inclusive: true },
          to: { time: high!, inclusive: true },
        });
        expect(inclusive.length).toBe(7);
      }
      await expect(history.changes(from, to, -1)).rejects.toThrow(/limit/);
      expect(() => history.add(1, Number.NaN, 1, 0)).toThrow(/not an observation/);
    } finally {
      await close();
    }
  }, 60_000);

  it('drops a raw chunk past retention after aggregating it (right to the bucket), then drops the aggregates past theirs', async () => {
    const clock = { now: T0 + 39 * MINUTE }; // the first chunk ends at T0 + 10 min, inside the 30 min retention
    const retention = { rawMs: 30 * MINUTE, downsampledMs: 2 * DAY, bucketMs: 15 * MINUTE };
    const { history, close } = await openHistory(engine, { chunkMs: 10 * MINUTE, retention, clock });
    try {
      const readings: Reading[] = [];
      for (let t = T0; t < T0 + 40 * MINUTE; t += 10_000)
        for (const datastream of [1, 2]) readings.push({ datastream, time: t, result: Math.round(Math.sin(t / 1e6 + datastream) * 1000) / 10, state: 0 });
      // Sensor 3: warning at 12 min, alarm at 13, back to normal at 14; sensor 4: alarm at 13.
      const marks: Reading[] = [
        { datastream: 3, time: T0 + 11 * MINUTE, result: 0, state: SensorState.normal },
        { datastream: 3, time: T0 + 12 * MINUTE, result: 5, state: SensorState.warning },
        { datastream: 3, time: T0 + 13 * MINUTE, result: 9, state: SensorState.alarm },
        { datastream: 3, time: T0 + 14 * MINUTE, result: 0, state: SensorState.normal },
        { datastream: 4, time: T0 + 13 * MINUTE + 5, result: 9, state: SensorState.alarm },
        { datastream: 4, time: T0 + 13 * MINUTE + 6, result: 9, state: SensorState.alarm },
      ];
      for (const r of [...readings, ...marks]) history.add(r.datastream, r.time, r.result, r.state);
      await history.flush();
      expect(await history.transitionCounts(T0, T0 + 20 * MINUTE, 5 * MINUTE)).toEqual({ alarms: [0, 0, 2, 0], warnings: [0, 0, 1, 0] });
      // Only some sensors' (a role's timeline): 4's alarm alone; none of them.
      expect(await history.transitionCounts(T0, T0 + 20 * MINUTE, 5 * MINUTE, [1, 2, 4])).toEqual({ alarms: [0, 0, 1, 0], warnings: [0, 0, 0, 0] });
      expect(await history.transitionCounts(T0, T0 + 20 * MINUTE, 5 * MINUTE, [])).toEqual({ alarms: [0, 0, 0, 0], warnings: [0, 0, 0, 0] });
      await expect(history.transitionCounts(T0, T0 + MINUTE, MINUTE, [1.5])).rejects.toThrow(/datastream/);

      const bucketsOf = (datastream: number, from: number, to: number) => {
        const buckets = new Map<number, number[]>();
        for (const r of readings)
          if (r.datastream === datastream && r.time >= from && r.time < to) {
            const start = r.time - (r.time % retention.bucketMs);
            buckets.set(start, [...(buckets.get(start) ?? []), r.result]);
          }
        return [...buckets.entries()].map(([time, values]) => ({
          time,
          min: Math.min(...values),
          mean: values.reduce((a, b) => a + b, 0) / values.length,
          max: Math.max(...values),
          count: values.length,
        }));
      };
      const expectAggregates = async (datastream: number, from: number, to: number) => {
        const actual = await history.aggregates(datastream, from, to);
        const expected = bucketsOf(datastream, from, to);
        expect(actual.map(({ mean: _mean, ...rest }) => rest)).toEqual(expected.map(({ mean: _mean, ...rest }) => rest));
        actual.forEach((a, i) => expect(a.mean).toBeCloseTo(expected[i]!.mean, 9));
      };
      await expectAggregates(1, T0, T0 + 40 * MINUTE); // all raw, on the fly
      expect(await history.range()).toEqual({ rawFrom: T0, downsampledFrom: null });

      clock.now = T0 + 55 * MINUTE; // chunks [0, 10) and [10, 20) end before now - 30 min
      await history.maintain();
      expect(await history.range()).toEqual({ rawFrom: T0 + 20 * MINUTE, downsampledFrom: T0 });
      expect((await history.series({ datastream: 1, newestFirst: false, limit: 1 }))[0]!.time).toBe(T0 + 20 * MINUTE);
      expect(rowsOf(await history.changes(T0 - 1, T0 + 20 * MINUTE - 1, 10))).toEqual([]);
      // Bucket [15, 30) is half aggregated (15–20, dropped) and half raw (20–30): merged right.
      await expectAggregates(1, T0, T0 + 40 * MINUTE);
      await expectAggregates(2, T0 + 15 * MINUTE, T0 + 30 * MINUTE);
      expect(history.counters().rows).toBe(readings.filter((r) => r.time >= T0 + 20 * MINUTE).length);
      expect(await history.transitionCounts(T0, T0 + 20 * MINUTE, 5 * MINUTE)).toEqual({ alarms: [0, 0, 2, 0], warnings: [0, 0, 1, 0] });

      // A reading for the dropped window is refused (counted), not written into a new chunk.
      history.add(1, T0 + 5 * MINUTE, 1, 0);
      await history.flush();
      expect(history.expired).toBe(1);
      await expectAggregates(1, T0, T0 + 15 * MINUTE);

      clock.now = T0 + 3 * DAY; // every raw chunk retired, then its day past the 2-day retention
      await history.maintain();
      expect(await history.range()).toEqual({ rawFrom: null, downsampledFrom: null });
      expect(await history.aggregates(1, T0, T0 + 40 * MINUTE)).toEqual([]);
      expect(history.counters().rows).toBe(0);
    } finally {
      await close();
    }
  }, 60_000);

  it('keeps its history, row count and alarm states across a reopen of the same database', async () => {
    const clock = { now: T0 + 30 * MINUTE };
    const { history, place, close } = await openHistory(engine, { chunkMs: 10 * MINUTE, clock });
    const random = new Random(3);
    const readings = generate(random, 20, T0, 25 * MINUTE, 30);
    for (const r of readings) history.add(r.datastream, r.time, r.result, 0);
    history.add(100, T0 + MINUTE, 9, SensorState.alarm);
    await close();

    const database = await place.open();
    const reopened = await SqlObservationHistory.open(database, { chunkMs: 10 * MINUTE, flushIntervalMs: 0, maintenanceIntervalMs: 0, now: () => clock.now });
    try {
      expect(reopened.counters().rows).toBeGreaterThan(readings.length * 0.9); // PostgreSQL's count is the planner's estimate
      if (engine.name === 'DuckDB') expect(reopened.counters().rows).toBe(readings.length + 1);
      const stale = new Array<number>(101).fill(DAY);
      expect(rowsOf(await reopened.stateAt(T0 + 20 * MINUTE, stale)).filter((r) => r.datastream !== 100)).toEqual(
        bruteStateAt(
          readings.map((r) => ({ ...r, state: 0 })),
          T0 + 20 * MINUTE,
          stale,
        ),
      );
      // Sensor 100 is still in alarm: another alarm reading is no new transition.
      reopened.add(100, T0 + 2 * MINUTE, 9, SensorState.alarm);
      await reopened.flush();
      expect((await reopened.transitionCounts(T0, T0 + 10 * MINUTE, 10 * MINUTE)).alarms).toEqual([1]);
    } finally {
      await reopened.close();
      await database.close();
    }
  }, 60_000);

  it('counts what a full queue refuses; add never waits', async () => {
    const clock = { now: T0 };
    const { history, close } = await openHistory(engine, { queueCapacity: 10, clock });
    try {
      const accepted = Array.from({ length: 15 }, (_, i) => history.add(1, T0 + i, i, 0));
      expect(accepted).toEqual([...new Array<boolean>(10).fill(true), ...new Array<boolean>(5).fill(false)]);
      expect(history.counters()).toMatchObject({ queued: 10, overflow: 5, pending: 10, written: 0 });
      await history.flush();
      expect(history.counters()).toMatchObject({ queued: 10, overflow: 5, pending: 0, written: 10, rows: 10 });
      expect(history.add(1, T0 + 20, 20, 0)).toBe(true);
    } finally {
      await close();
    }
  }, 60_000);

  it('writes the queue before a read only when it holds a reading at or before the time read (a seek does not wait for the live write)', async () => {
    const clock = { now: T0 + 10 * MINUTE };
    const { history, close } = await openHistory(engine, { chunkMs: 15 * MINUTE, clock });
    try {
      const at = T0 + 2 * MINUTE;
      history.add(1, T0 + MINUTE, 1, SensorState.normal);
      await history.flush();
      history.add(1, T0 + 5 * MINUTE, 2, SensorState.normal); // after T: cannot change the state at T
      const first = { datastream: 1, time: T0 + MINUTE, result: 1, state: SensorState.normal };
      expect(rowsOf(await history.stateAt(at, [0, DAY, DAY]))).toEqual([first]);
      expect((await history.alarmsAt(at)).length).toBe(0);
      expect(rowsOf(await history.changes(T0, at, 10))).toEqual([first]);
      expect(history.counters()).toMatchObject({ pending: 1, written: 1 });
      history.add(2, at, 3, SensorState.warning); // at T (another sensor's, arriving after the later one): written first
      const second = { datastream: 2, time: at, result: 3, state: SensorState.warning };
      expect(rowsOf(await history.stateAt(at, [0, DAY, DAY]))).toEqual([first, second]);
      expect(history.counters()).toMatchObject({ pending: 0, written: 3 });
      history.add(2, at + 1, 4, SensorState.alarm);
      expect(await history.alarmsAt(at + 1)).toEqual([{ datastream: 2, state: SensorState.alarm, since: at + 1 }]);
      history.add(1, at + 2, 5, SensorState.normal);
      expect(rowsOf(await history.changes(at, at + 2, 10)).map((r) => r.time)).toEqual([at + 1, at + 2]);
      expect(history.counters()).toMatchObject({ pending: 0, written: 5 });
    } finally {
      await close();
    }
  }, 60_000);

  it('reads a state at T in a gap between chunks without summarising (or rewriting) the open chunk', async () => {
    const chunkMs = 15 * MINUTE;
    const clock = { now: T0 + 3 * chunkMs + 10 };
    const { history, database, close } = await openHistory(engine, { chunkMs, clock });
    try {
      history.add(1, T0 + 1, 1.5, SensorState.warning);
      history.add(1, T0 + 3 * chunkMs + 5, 2.5, SensorState.normal); // the open chunk
      await history.flush();
      const state = await history.stateAt(T0 + 1.5 * chunkMs, [0, DAY]);
      expect(rowsOf(state)).toEqual([{ datastream: 1, time: T0 + 1, result: 1.5, state: SensorState.warning }]);
      const [open] = await database.query(`SELECT summarised, sorted FROM history_chunks WHERE kind = 'raw' AND start_ms = ${T0 + 3 * chunkMs}`);
      expect(open).toMatchObject({ summarised: false, sorted: false });
    } finally {
      await close();
    }
  }, 60_000);

  it('counts a failed write as lost and logs it once per burst of failures', async () => {
    const clock = { now: T0 + 10 };
    const lines: string[] = [];
    const { history, database, close } = await openHistory(engine, { clock, log: (line) => lines.push(line) });
    try {
      history.add(1, T0, 1, SensorState.normal);
      await history.flush();
      await database.execute(`DROP TABLE history_raw_${T0}`); // every later write into that chunk fails
      history.add(1, T0 + 1, 2, SensorState.normal);
      history.add(2, T0 + 2, 3, SensorState.normal);
      await history.flush();
      history.add(1, T0 + 3, 4, SensorState.normal);
      await history.flush();
      expect(history.counters()).toMatchObject({ queued: 4, written: 1, lost: 3, pending: 0 });
      expect(lines).toEqual([expect.stringMatching(/writing the queue failed.*lost/)]);
    } finally {
      await close().catch(() => undefined);
    }
  }, 60_000);
});
