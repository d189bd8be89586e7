import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parkingSite } from './support/parkingSite.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresServer, postgresForTests, startPostgresServer } from '../harness/postgresServer.js';
import { DEFAULT_HISTORY_SETTINGS } from '../server/history/historySettingsFromEnv.js';
import { SqlObservationHistory } from '../server/history/SqlObservationHistory.js';
import { startParkingService } from '../server/parking/startParkingService.js';
import { storedProfiles } from '../server/parking/storedProfiles.js';
import { DuckDbConnection } from '../server/store/DuckDbConnection.js';
import { PostgresConnection } from '../server/store/PostgresConnection.js';
import type { SqlConnection } from '../server/store/SqlConnection.js';
import type { ParkingSite } from '../workers/formats/parking.js';
import { profileAt } from '../workers/parking/forecast.js';
import { ParkingDatastreams } from '../workers/parking/parkingLiveState.js';

/**
 * The forecast learns from stored occupancy (issue 15): a garage's counts written through the
 * history store for eight days (raw for the last day, 15-minute means before — the store's own
 * retention), then the parking service's profile of that garage is its stored pattern, a silent
 * site gets the stand-in, and with under a week stored the stand-in serves. DuckDB and PostgreSQL.
 */
const MINUTE = 60_000;
const DAY = 86_400_000;
/** A Monday 00:00 in Tianjin (UTC+8). */
const MONDAY = Date.parse('2026-11-16T00:00:00+08:00');
const STEP = 5 * MINUTE;

/** The garage's pattern: 45 of 50 spaces taken 08:00–18:00 local, 5 otherwise — nothing like the simulator's. */
const occupiedAt = (t: number): number => {
  const hour = new Date(t + 8 * 3_600_000).getUTCHours();
  return hour >= 8 && hour < 18 ? 45 : 5;
};

const site = (id: string, capacities: number[]): ParkingSite => parkingSite(id, capacities, 'office');

let postgres: PostgresServer | undefined;
const hasPostgres = postgresForTests('parkingProfiles.test: no PostgreSQL binaries (initdb): the PostgreSQL engine is skipped; apt-get install postgresql');
const dir = mkdtempSync(join(tmpdir(), 'cimtwin-profiles-'));
let databases = 0;
const engines: { name: string; open(): Promise<SqlConnection> }[] = [
  { name: 'DuckDB', open: () => DuckDbConnection.open(join(dir, `profiles-${++databases}.duckdb`)) },
  ...(hasPostgres
    ? [
        {
          name: 'PostgreSQL',
          open: async () => {
            const name = `profiles_${++databases}`;
            const admin = await PostgresConnection.open(postgres!.url);
            await admin.execute(`CREATE DATABASE ${name}`);
            await admin.close();
            return PostgresConnection.open(postgres!.url.replace(/\/postgres$/, `/${name}`));
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

/** `days` of the garage's two floors (20 + 30 spaces) every 5 minutes through the store, the clock moving with them. */
async function fill(database: SqlConnection, streams: ParkingDatastreams, days: number) {
  const clock = { now: MONDAY };
  const history = await SqlObservationHistory.open(database, {
    flushIntervalMs: 0,
    maintenanceIntervalMs: 0,
    now: () => clock.now,
    retention: { ...DEFAULT_HISTORY_SETTINGS.retention, rawMs: DAY },
  });
  for (let day = 0; day < days; day++) {
    clock.now = MONDAY + (day + 1) * DAY;
    for (let t = MONDAY + day * DAY; t < MONDAY + (day + 1) * DAY; t += STEP) {
      const occupied = occupiedAt(t);
      const lower = Math.round((occupied * 20) / 50);
      expect(history.add(streams.datastream(0, 0), t, 20 - lower, 0)).toBe(true);
      expect(history.add(streams.datastream(0, 1), t, 30 - (occupied - lower), 0)).toBe(true);
    }
    await history.flush();
    await history.maintain(); // the day before is aggregated into 15-minute means and its raw readings dropped
  }
  return { history, clock };
}

describe.each(engines)('parking forecast profiles from the store on $name', (engine) => {
  it('learns a garage’s profile from eight stored days (means past the raw retention); a silent site gets the stand-in', async () => {
    const sites = [site('PA', [20, 30]), site('PB', [10])];
    const streams = new ParkingDatastreams(sites, 101);
    const database = await engine.open();
    const { history, clock } = await fill(database, streams, 8);
    try {
      expect((await history.range()).rawFrom).toBeGreaterThan(MONDAY); // the early days are kept only as means
      const [garage, silent] = await storedProfiles(history, sites, streams, clock.now);
      expect(silent).toBeUndefined();
      // Every slot of the week is the stored pattern (a step at 08:00 and 18:00 blurs only the slots at the step).
      for (let t = MONDAY; t < MONDAY + 7 * DAY; t += 15 * MINUTE) {
        const hour = new Date(t + 8 * 3_600_000).getUTCHours();
        if (hour === 7 || hour === 8 || hour === 17 || hour === 18) continue;
        expect(Math.abs(profileAt(garage!, t + 7.5 * MINUTE) - occupiedAt(t))).toBeLessThan(0.5);
      }

      const logs: string[] = [];
      const service = startParkingService({
        sites,
        streams,
        history,
        publish: () => undefined,
        now: () => clock.now,
        standIn: 'persistence',
        profileDelayMs: DAY,
        log: (line) => logs.push(line),
      });
      try {
        const forecasts = await service.forecasts();
        expect(service.counters().profileSources).toEqual({ store: 1, simulated: 0, persistence: 1 });
        expect(logs.join('\n')).toMatch(/1 site\(s\) from their stored occupancy/);
        // Tuesday 00:00 now, no live counts: the garage's next hour is its night-time 5, from the stored profile.
        const garageForecast = forecasts.sites.find((s) => s.siteId === 'PA')!;
        for (const mean of garageForecast.mean) expect(Math.abs(mean - 5)).toBeLessThan(0.5);
      } finally {
        service.close();
      }
    } finally {
      await history.close();
      await database.close();
    }
  }, 120_000);

  it('serves the stand-in while the store holds under a week', async () => {
    const sites = [site('PA', [20, 30])];
    const streams = new ParkingDatastreams(sites, 101);
    const database = await engine.open();
    const { history, clock } = await fill(database, streams, 3);
    try {
      expect(await storedProfiles(history, sites, streams, clock.now)).toEqual([undefined]);
      const service = startParkingService({
        sites,
        streams,
        history,
        publish: () => undefined,
        now: () => clock.now,
        standIn: 'simulated',
        profileDelayMs: DAY,
        log: () => undefined,
      });
      try {
        await service.forecasts();
        expect(service.counters().profileSources).toEqual({ store: 0, simulated: 1, persistence: 0 });
      } finally {
        service.close();
      }
    } finally {
      await history.close();
      await database.close();
    }
  }, 120_000);
});
