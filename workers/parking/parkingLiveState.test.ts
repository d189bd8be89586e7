import { describe, expect, it } from 'vitest';
import type { ParkingSite } from '../formats/parking.js';
import { ParkingDatastreams, ParkingLiveState, parkingHistoryDocument } from './parkingLiveState.js';
import { silentParkingSites, simulatedLevelFree } from './simulatedParking.js';

const site = (id: string, capacities: number[]): ParkingSite => ({
  id,
  name: id,
  kind: capacities.length > 1 ? 'underground' : 'onStreet',
  lon: 117.15,
  lat: 39.1,
  capacity: capacities.reduce((a, b) => a + b, 0),
  levels: capacities.map((capacity, i) => ({ id: `L${i}`, name: `L${i}`, storey: -i, capacity })),
  tariff: { freeMinutes: 15, firstHourYuan: 5, perHourAfterYuan: 2 },
  pattern: 'office',
  occupancyDetectionType: capacities.length > 1 ? 'balancing' : 'singleSpaceDetection',
});
const garage = site('PG', [100, 50, 30]);
const street = site('PS', [8]);
const streams = new ParkingDatastreams([garage, street], 101);

describe('parking datastreams', () => {
  it('number every level after the sensors, site by site', () => {
    expect(streams.count).toBe(4);
    expect([streams.datastream(0, 0), streams.datastream(0, 2), streams.datastream(1, 0)]).toEqual([101, 103, 104]);
    expect(streams.last).toBe(104);
    expect([streams.slot(100), streams.slot(101), streams.slot(104), streams.slot(105), streams.slot(101.5)]).toEqual([-1, 0, 3, -1, -1]);
    expect([streams.siteOfSlot(3), streams.levelOfSlot(2)]).toEqual([1, 2]);
    expect(() => new ParkingDatastreams([garage], 0)).toThrow(/first id/);
  });
});

describe('parking live state', () => {
  it('has a site state once every level is heard: the sum, as old as its stalest level', () => {
    const state = new ParkingLiveState(streams);
    expect(state.observe(101, 1000, 40)).toBe(true);
    expect(state.observe(102, 3000, 10)).toBe(true);
    expect(state.stateOf(0)).toBeNull();
    expect(state.observe(103, 2000, 5)).toBe(true);
    expect(state.stateOf(0)).toEqual({
      siteId: 'PG',
      observedAt: 1000,
      availableSpotNumber: 55,
      levels: [
        { levelId: 'L0', availableSpotNumber: 40 },
        { levelId: 'L1', availableSpotNumber: 10 },
        { levelId: 'L2', availableSpotNumber: 5 },
      ],
    });
    expect(state.stateOf(1)).toBeNull();
  });

  it('ignores other datastreams and older readings; refuses counts that are not whole spaces within capacity', () => {
    const state = new ParkingLiveState(streams);
    expect(state.observe(7, 1000, 3)).toBe(false);
    expect(state.observe(104, 2000, 3)).toBe(true);
    expect(state.observe(104, 1000, 5)).toBe(false);
    expect(state.observe(104, 2000, 5)).toBe(false);
    for (const bad of [-1, 9, 2.5, Number.NaN]) expect(state.observe(104, 3000, bad)).toBe(false);
    expect(state.refused).toBe(4);
    expect(state.stateOf(1)).toMatchObject({ observedAt: 2000, availableSpotNumber: 3 });
  });

  it('hands out the sites changed since the last take, once', () => {
    const state = new ParkingLiveState(streams);
    state.observe(104, 1000, 3);
    state.observe(101, 1000, 3); // the garage is not complete: left out
    expect(state.takeChanged().map((s) => s.siteId)).toEqual(['PS']);
    expect(state.takeChanged()).toEqual([]);
    state.observe(104, 2000, 4);
    expect(state.takeChanged()).toEqual([{ siteId: 'PS', observedAt: 2000, availableSpotNumber: 4, levels: [{ levelId: 'L0', availableSpotNumber: 4 }] }]);
  });

  it('remembers the recent whole-site counts oldest first, once per time, at most 64', () => {
    const state = new ParkingLiveState(streams);
    for (let k = 0; k < 70; k++) state.observe(104, 1000 * (k + 1), k % 9);
    const { time, occupied } = state.recent(1);
    expect(time).toHaveLength(64);
    expect(time[0]).toBe(7000);
    expect(time[63]).toBe(70_000);
    expect(occupied[63]).toBe(8 - (69 % 9));
    // The garage's levels reporting the same second count once, with the last sum.
    state.observe(101, 5000, 100);
    state.observe(102, 5000, 50);
    state.observe(103, 5000, 30);
    state.observe(101, 6000, 90);
    expect(Array.from(state.recent(0).time)).toEqual([5000, 6000]);
    expect(Array.from(state.recent(0).occupied)).toEqual([0, 10]);
  });
});

describe('parking history document', () => {
  it('sums the levels at every change once all are heard, clamped and rounded', () => {
    const doc = parkingHistoryDocument(garage, [
      [
        { time: 10, result: 40 },
        { time: 30, result: 120 },
      ],
      [{ time: 20, result: 10.4 }],
      [
        { time: 5, result: 5 },
        { time: 30, result: -3 },
      ],
    ]);
    expect(doc).toEqual({
      siteId: 'PG',
      capacity: 180,
      time: [20, 30],
      available: [55, 110],
      levels: [
        { levelId: 'L0', available: [40, 100] },
        { levelId: 'L1', available: [10, 10] },
        { levelId: 'L2', available: [5, 0] },
      ],
    });
    expect(() => parkingHistoryDocument(garage, [[]])).toThrow(/1 series for the 3 levels/);
  });
});

describe('simulated parking counters', () => {
  it('count within each level’s capacity, and silence the same few sites for a seed', () => {
    let seed = 1;
    const random = (): number => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    for (let t = Date.UTC(2026, 10, 30); t < Date.UTC(2026, 11, 1); t += 3_600_000) {
      const free = simulatedLevelFree(garage, t, 15, random);
      free.forEach((f, i) => expect(f >= 0 && f <= garage.levels[i]!.capacity).toBe(true));
    }
    const many = Array.from({ length: 2000 }, (_, i) => ({ id: `P${i}` }));
    const silent = silentParkingSites(many, 15, 0.01);
    expect(silent.size).toBeGreaterThan(5);
    expect(silent.size).toBeLessThan(40);
    expect([...silentParkingSites(many, 15, 0.01)]).toEqual([...silent]);
  });
});
