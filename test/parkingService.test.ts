import { parkingSite } from './support/parkingSite.js';
import { describe, expect, it } from 'vitest';
import { PARKING_TOPIC, type ParkingSite, type ParkingUpdate } from '../workers/formats/parking.js';
import { ParkingDatastreams } from '../workers/parking/parkingLiveState.js';
import { SqlObservationHistory } from '../server/history/SqlObservationHistory.js';
import { startParkingService } from '../server/parking/startParkingService.js';
import { DuckDbConnection } from '../server/store/DuckDbConnection.js';

const site = (id: string, capacities: number[]): ParkingSite => parkingSite(id, capacities, 'mall');

/**
 * The parking service over a real store (DuckDB in memory): a restart reads the sites' last
 * counts back from the history, and the live feed goes out at most once a second with only
 * the sites that changed.
 */
describe('parking service', () => {
  it('reads the last counts back from the store at start, and publishes changes at most once a second', async () => {
    const database = await DuckDbConnection.open(':memory:');
    const history = await SqlObservationHistory.open(database);
    const sites = [site('PA', [20, 30]), site('PB', [6]), site('PC', [10])];
    const streams = new ParkingDatastreams(sites, 51);
    const now = Date.now();
    // What the broker had stored before the restart: PA's floors, PB twice; a sensor's reading beside them.
    history.add(51, now - 60_000, 12, 0);
    history.add(52, now - 50_000, 7, 0);
    history.add(53, now - 120_000, 6, 0);
    history.add(53, now - 40_000, 2, 0);
    history.add(3, now - 10_000, 0.3, 0);
    await history.flush();
    const messages: { topic: string; update: ParkingUpdate; at: number }[] = [];
    const service = startParkingService({
      sites,
      streams,
      history,
      publish: (topic, payload) => messages.push({ topic, update: JSON.parse(payload.toString()) as ParkingUpdate, at: performance.now() }),
      profileDelayMs: 3_600_000,
    });
    try {
      await service.restored;
      expect(service.live.states()).toEqual([
        {
          siteId: 'PA',
          observedAt: now - 60_000,
          availableSpotNumber: 19,
          levels: [
            { levelId: 'F1', availableSpotNumber: 12 },
            { levelId: 'F2', availableSpotNumber: 7 },
          ],
        },
        { siteId: 'PB', observedAt: now - 40_000, availableSpotNumber: 2, levels: [{ levelId: 'F1', availableSpotNumber: 2 }] },
        null,
      ]);
      // Ten counts of PC in quick succession: one message a second at most, each with only what changed.
      for (let k = 0; k < 10; k++) {
        service.observe({ datastream: 54, time: now + k, result: k });
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect(messages.every((m) => m.topic === PARKING_TOPIC)).toBe(true);
      const withPc = messages.filter((m) => m.update.states.some((s) => s.siteId === 'PC'));
      expect(withPc.length).toBeGreaterThanOrEqual(1);
      expect(withPc.length).toBeLessThanOrEqual(3);
      for (let i = 1; i < messages.length; i++) expect(messages[i]!.at - messages[i - 1]!.at).toBeGreaterThan(900);
      expect(withPc.at(-1)!.update.states.find((s) => s.siteId === 'PC')).toMatchObject({ observedAt: now + 9, availableSpotNumber: 9 });
      expect(service.counters().refused).toBe(0);
    } finally {
      service.close();
      await history.close();
      await database.close();
    }
  }, 30_000);
});
