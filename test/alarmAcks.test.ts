import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresServer, postgresForTests, startPostgresServer } from '../harness/postgresServer.js';
import { SqlObservationHistory } from '../server/history/SqlObservationHistory.js';
import { LiveObservations } from '../server/live/LiveObservations.js';
import { DuckDbConnection } from '../server/store/DuckDbConnection.js';
import { openStore, type StoreLocation } from '../server/store/openStore.js';
import { PostgresConnection } from '../server/store/PostgresConnection.js';
import type { SqlConnection } from '../server/store/SqlConnection.js';
import type { AuditEntryInput } from '../server/store/Store.js';
import type { AlarmAcknowledgement } from '../workers/formats/alarms.js';
import { SensorState, type Thresholds } from '../workers/live/alarmStateMachine.js';

/**
 * The alarm list at T and its acknowledgements, on both engines (DuckDB in a file, a real
 * PostgreSQL started here): alarmsAt gives each alarm's start (the last transition by T), a
 * late reading does not end an alarm, a restart does not raise a going-on alarm anew; the
 * store keeps one acknowledgement per alarm with its audit entry, gives those made by T, and
 * a database of schema version 2 (before alarm_acks) opens and is migrated.
 */
const MINUTE = 60_000;
const T0 = Date.parse('2026-11-30T08:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString();
const thresholds: Thresholds = { direction: 'above', warning: 10, alarm: 20, hysteresis: 1, minDurationSeconds: 60 };

let postgres: PostgresServer | undefined;
const hasPostgres = postgresForTests('alarmAcks.test: no PostgreSQL binaries (initdb): the PostgreSQL engine is skipped; apt-get install postgresql');
const dir = mkdtempSync(join(tmpdir(), 'cimtwin-alarm-acks-'));
let databases = 0;

interface Engine {
  name: string;
  available: boolean;
  /** A fresh database: its store location and a raw connection to it. */
  fresh(): Promise<{ location: StoreLocation; connect(): Promise<SqlConnection> }>;
}
const engines: Engine[] = [
  {
    name: 'DuckDB',
    available: true,
    fresh: async () => {
      const path = join(dir, `acks-${++databases}.duckdb`);
      return { location: { engine: 'duckdb', path }, connect: () => DuckDbConnection.open(path) };
    },
  },
  {
    name: 'PostgreSQL',
    available: hasPostgres,
    fresh: async () => {
      const name = `acks_${++databases}`;
      const admin = await PostgresConnection.open(postgres!.url);
      await admin.execute(`CREATE DATABASE ${name}`);
      await admin.close();
      const url = postgres!.url.replace(/\/postgres$/, `/${name}`);
      return { location: { engine: 'postgres', url }, connect: () => PostgresConnection.open(url) };
    },
  },
];

beforeAll(async () => {
  if (hasPostgres) postgres = await startPostgresServer();
}, 120_000);

afterAll(() => {
  postgres?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const audit = (target: string): AuditEntryInput => ({
  at: iso(T0 + 10 * MINUTE),
  actor: 'li.na',
  role: 'operator',
  action: 'alarm.acknowledge',
  target,
  detail: '{}',
  source: '127.0.0.1',
});

describe.each(engines)('alarms at T on $name', (engine) => {
  it.skipIf(!engine.available)(
    'gives each alarm its start, keeps it through late readings and a restart, and a new start after it cleared',
    async () => {
      const place = await engine.fresh();
      const clock = { now: T0 + 60 * MINUTE };
      const open = async () => {
        const database = await place.connect();
        const history = await SqlObservationHistory.open(database, { flushIntervalMs: 0, maintenanceIntervalMs: 0, now: () => clock.now });
        return { database, history, live: new LiveObservations(3, () => thresholds, history) };
      };
      let { database, history, live } = await open();
      try {
        const read = (datastream: number, minutes: number, result: number) => live.add({ datastream, time: T0 + minutes * MINUTE, result });
        // 1: normal, warning from minute 2 (held a minute: raised at 3), alarm from 5 (raised at 6).
        for (const [minute, value] of [
          [0, 5],
          [2, 12],
          [3, 12],
          [5, 25],
          [6, 25],
          [7, 25],
        ] as const)
          read(1, minute, value);
        // 2: alarm at 4 (raised at 5), then a late normal reading dated 4.5 arrives after the one at 5.
        read(2, 4, 25);
        read(2, 5, 25);
        read(2, 4.5, 3);
        read(2, 6, 25);
        // 3: alarm at 2 (raised at 3), cleared at 8, raised again at 9 and 10.
        for (const [minute, value] of [
          [2, 30],
          [3, 30],
          [8, 1],
          [9, 30],
          [10, 30],
        ] as const)
          read(3, minute, value);
        await history.flush();

        const at = async (minutes: number) => (await history.alarmsAt(T0 + minutes * MINUTE)).map((a) => [a.datastream, a.state, (a.since - T0) / MINUTE]);
        expect(await at(1)).toEqual([]);
        expect(await at(3)).toEqual([
          [1, SensorState.warning, 3],
          [3, SensorState.alarm, 3],
        ]);
        expect(await at(5.5)).toEqual([
          [1, SensorState.warning, 3],
          [3, SensorState.alarm, 3],
          [2, SensorState.alarm, 5],
        ]);
        expect(await at(7)).toEqual([
          [3, SensorState.alarm, 3],
          [2, SensorState.alarm, 5], // the late normal reading dated 4.5 did not end it
          [1, SensorState.alarm, 6],
        ]);
        expect(await at(8.5)).toEqual([
          [2, SensorState.alarm, 5],
          [1, SensorState.alarm, 6],
        ]);
        expect(await at(10)).toEqual([
          [2, SensorState.alarm, 5],
          [1, SensorState.alarm, 6],
          [3, SensorState.alarm, 10], // cleared and raised again: a new alarm
        ]);

        // A restart while 1, 2 and 3 are in alarm: the machine starts from the stored states, so
        // their readings go on in alarm at once and no alarm gets a new start.
        await history.close();
        await database.close();
        ({ database, history, live } = await open());
        expect([1, 2, 3].map((d) => history.lastStateOf(d))).toEqual([SensorState.alarm, SensorState.alarm, SensorState.alarm]);
        read(1, 11, 25);
        read(2, 11, 20.5); // within the hysteresis band: still the alarm
        read(3, 11, 5); // cleared
        await history.flush();
        expect(await at(12)).toEqual([
          [2, SensorState.alarm, 5],
          [1, SensorState.alarm, 6],
        ]);
        expect(await at(10)).toEqual([
          [2, SensorState.alarm, 5],
          [1, SensorState.alarm, 6],
          [3, SensorState.alarm, 10],
        ]);
      } finally {
        await history.close();
        await database.close();
      }
    },
    60_000,
  );
});

describe.each(engines)('alarm acknowledgements on $name', (engine) => {
  const ack: AlarmAcknowledgement = { datastream: 7, since: iso(T0 + 5 * MINUTE), at: iso(T0 + 10 * MINUTE), by: 'li.na', role: 'operator', note: '阀门已关' };

  it.skipIf(!engine.available)('keeps one acknowledgement per alarm with its audit entry, and gives those made by T', async () => {
    const place = await engine.fresh();
    const store = await openStore(place.location);
    try {
      expect(await store.acknowledgeAlarm(ack, audit('alarm:7'))).toEqual({ ack, created: true });
      const later = { ...ack, at: iso(T0 + 11 * MINUTE), by: 'wang.wei' };
      expect(await store.acknowledgeAlarm(later, audit('alarm:7'))).toEqual({ ack, created: false });
      const other: AlarmAcknowledgement = { datastream: 8, since: ack.since, at: iso(T0 + 12 * MINUTE), by: 'li.na', role: 'operator' };
      expect(await store.acknowledgeAlarm(other, audit('alarm:8'))).toEqual({ ack: other, created: true });
      const entries = await store.listAudit({ limit: 10 });
      expect(entries.map((e) => [e.action, e.target])).toEqual([
        ['alarm.acknowledge', 'alarm:8'],
        ['alarm.acknowledge', 'alarm:7'],
      ]);

      const alarms = [
        { datastream: 7, since: ack.since },
        { datastream: 8, since: ack.since },
        { datastream: 9, since: ack.since },
      ];
      expect(await store.alarmAcknowledgements(alarms, T0 + 9 * MINUTE)).toEqual([]);
      expect(await store.alarmAcknowledgements(alarms, T0 + 10 * MINUTE)).toEqual([ack]);
      const both = await store.alarmAcknowledgements(alarms, T0 + 60 * MINUTE);
      expect(both.sort((a, b) => a.datastream - b.datastream)).toEqual([ack, other]);
      // The same datastream's next alarm (another start) is not acknowledged by the first one's ack.
      expect(await store.alarmAcknowledgements([{ datastream: 7, since: iso(T0 + 20 * MINUTE) }], T0 + 60 * MINUTE)).toEqual([]);
      expect(await store.alarmAcknowledgements([], T0 + 60 * MINUTE)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it.skipIf(!engine.available)('opens a database of schema version 2 and keeps acknowledgements from then on', async () => {
    const place = await engine.fresh();
    await (await openStore(place.location)).close();
    // Make the database what CIM Twin wrote before alarm_acks existed.
    const raw = await place.connect();
    await raw.execute('DROP TABLE alarm_acks');
    await raw.execute('UPDATE store_schema SET version = 2');
    await raw.close();

    const store = await openStore(place.location);
    try {
      expect(await store.alarmAcknowledgements([{ datastream: 7, since: ack.since }], T0 + 60 * MINUTE)).toEqual([]);
      expect((await store.acknowledgeAlarm(ack, audit('alarm:7'))).created).toBe(true);
      expect(await store.alarmAcknowledgements([{ datastream: 7, since: ack.since }], T0 + 60 * MINUTE)).toEqual([ack]);
    } finally {
      await store.close();
    }
    const check = await place.connect();
    expect(Number((await check.query('SELECT max(version) AS version FROM store_schema'))[0]!['version'])).toBe(3);
    await check.close();
  });
});
