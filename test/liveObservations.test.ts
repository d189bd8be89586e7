import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { SqlObservationHistory } from '../server/history/SqlObservationHistory.js';
import { LiveObservations } from '../server/live/LiveObservations.js';
import { DuckDbConnection } from '../server/store/DuckDbConnection.js';
import { SensorState, type Thresholds } from '../workers/live/alarmStateMachine.js';

/** Late readings (older than the one held) into a real history on DuckDB: each is stored with its own threshold level. */
const dir = mkdtempSync(join(tmpdir(), 'cimtwin-live-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('stores a late reading with its own threshold level, not the sensor’s current alarm state', async () => {
  const T0 = Date.parse('2026-11-30T00:00:00Z');
  const database = await DuckDbConnection.open(join(dir, 'live.duckdb'));
  const history = await SqlObservationHistory.open(database, { flushIntervalMs: 0, maintenanceIntervalMs: 0, now: () => T0 + 60_000 });
  try {
    const thresholds: Thresholds = { direction: 'above', warning: 10, alarm: 20, hysteresis: 1, minDurationSeconds: 0 };
    const live = new LiveObservations(1, () => thresholds, history);
    live.add({ datastream: 1, time: T0 + 30_000, result: 25 }, T0 + 30_000); // alarm now
    live.add({ datastream: 1, time: T0 + 10_000, result: 5 }, T0 + 31_000); // late, normal
    live.add({ datastream: 1, time: T0 + 20_000, result: 15 }, T0 + 32_000); // late, warning
    expect(live.states[1]).toBe(SensorState.alarm);
    const stored = await history.changes(T0, T0 + 60_000, 10);
    expect(Array.from(stored.time, (t) => t - T0)).toEqual([10_000, 20_000, 30_000]);
    expect(Array.from(stored.state)).toEqual([SensorState.normal, SensorState.warning, SensorState.alarm]);
  } finally {
    await history.close();
    await database.close();
  }
}, 60_000);
