import { describe, expect, it } from 'vitest';
import type { ParkingSite, ParkingState } from '../../workers/formats/parking.js';
import { FiwareParkingError, parkingToFiware } from '../../workers/parking/fiware.js';
import { ParkingModel, parkingEntriesFromFiware, type ParkingModelChange } from './ParkingModel.js';

const MINUTE = 60_000;
/** Monday 2026-11-30 12:00 China Standard Time. */
const NOON = Date.UTC(2026, 10, 30, 4, 0);

const garage: ParkingSite = {
  id: 'PPOI0054',
  name: '<b>宾水西道</b>地下停车库',
  kind: 'underground',
  lon: 117.151,
  lat: 39.098,
  capacity: 330,
  levels: [
    { id: 'B1', name: '地下1层', storey: -1, capacity: 165 },
    { id: 'B2', name: '地下2层', storey: -2, capacity: 165 },
  ],
  openingHours: { opens: 7 * 60, closes: 23 * 60 },
  tariff: { freeMinutes: 30, firstHourYuan: 5, perHourAfterYuan: 3 },
  pattern: 'mall',
  occupancyDetectionType: 'balancing',
};
const berths: ParkingSite = {
  id: 'PB0001',
  name: '红旗路路侧泊位',
  kind: 'onStreet',
  lon: 117.16,
  lat: 39.1,
  capacity: 8,
  levels: [{ id: 'A', name: 'A', storey: 0, capacity: 8 }],
  tariff: { freeMinutes: 15, firstHourYuan: 4, perHourAfterYuan: 4 },
  pattern: 'office',
  occupancyDetectionType: 'singleSpaceDetection',
};
const garageState = (available: number, b1: number, minutesAgo = 1): ParkingState => ({
  siteId: garage.id,
  observedAt: NOON - minutesAgo * MINUTE,
  availableSpotNumber: available,
  levels: [
    { levelId: 'B1', availableSpotNumber: b1 },
    { levelId: 'B2', availableSpotNumber: available - b1 },
  ],
});

function loaded(): { model: ParkingModel; changes: ParkingModelChange[] } {
  const model = new ParkingModel(NOON);
  const changes: ParkingModelChange[] = [];
  model.subscribe((change) => changes.push(change));
  model.replaceAll([
    { site: garage, state: garageState(120, 0) },
    { site: berths, state: null },
  ]);
  return { model, changes };
}

describe('ParkingModel', () => {
  it('holds the sites and judges each site and floor by the one status rule', () => {
    const { model, changes } = loaded();
    expect(changes).toEqual([{ kind: 'replaced' }]);
    expect(model.size).toBe(2);
    expect(model.statusOf(garage.id)?.status).toBe('free');
    expect(model.levelStatusOf(garage.id, 'B1')).toMatchObject({ status: 'full', availableSpotNumber: 0 });
    expect(model.levelStatusOf(garage.id, 'B2')).toMatchObject({ status: 'free', availableSpotNumber: 120 });
    expect(model.statusOf(berths.id)).toMatchObject({ status: 'unknown', outdated: true });
    expect(model.statusOf('nope')).toBeUndefined();
  });

  it('hands the page API plain views, the floors included', () => {
    const { model } = loaded();
    const view = model.view(garage.id);
    expect(view).toEqual({
      siteId: garage.id,
      name: garage.name,
      kind: 'underground',
      lon: garage.lon,
      lat: garage.lat,
      capacity: 330,
      available: 120,
      status: 'free',
      outdated: false,
      observedAt: NOON - MINUTE,
      levels: [
        { levelId: 'B1', name: '地下1层', storey: -1, capacity: 165, available: 0, status: 'full' },
        { levelId: 'B2', name: '地下2层', storey: -2, capacity: 165, available: 120, status: 'free' },
      ],
    });
    expect(JSON.parse(JSON.stringify(model.views()))).toEqual(model.views());
  });

  it('applies newer live states, skips older ones and unknown sites, and says which changed', () => {
    const { model, changes } = loaded();
    const changed = model.apply({
      at: NOON,
      states: [
        { siteId: berths.id, observedAt: NOON, availableSpotNumber: 1 },
        { siteId: garage.id, observedAt: NOON - 5 * MINUTE, availableSpotNumber: 3 },
        { siteId: 'PX', observedAt: NOON, availableSpotNumber: 3 },
      ],
    });
    expect(changed).toEqual([berths.id]);
    expect(changes.at(-1)).toEqual({ kind: 'updated', siteIds: [berths.id] });
    expect(model.statusOf(berths.id)?.status).toBe('almostFull');
    // One zone, no per-level counts: the zone is the site.
    expect(model.view(berths.id)?.levels[0]).toMatchObject({ available: 1, status: 'almostFull' });
    expect(model.statusOf(garage.id)?.availableSpotNumber).toBe(120);
    expect(model.apply({ at: NOON, states: [] })).toEqual([]);
    expect(changes).toHaveLength(2);
  });

  it('ages a count into outdated as the clock moves, and a replay seek replaces everything', () => {
    const { model, changes } = loaded();
    model.setTime(NOON + 31 * MINUTE);
    expect(changes.at(-1)).toEqual({ kind: 'time' });
    expect(model.view(garage.id)).toMatchObject({ status: 'unknown', outdated: true, available: null });
    model.replaceAll([{ site: garage, state: garageState(0, 0, 0) }], NOON);
    expect(model.time).toBe(NOON);
    expect(model.size).toBe(1);
    expect(model.statusOf(garage.id)?.status).toBe('full');
    expect(() => model.replaceAll([{ site: garage, state: { ...garageState(1, 0), siteId: berths.id } }])).toThrow(RangeError);
    expect(() => model.setTime(Number.NaN)).toThrow(RangeError);
  });

  it('stops telling a listener once it unsubscribes', () => {
    const model = new ParkingModel(NOON);
    const seen: ParkingModelChange[] = [];
    const unsubscribe = model.subscribe((change) => seen.push(change));
    model.setTime(NOON + 1);
    unsubscribe();
    model.setTime(NOON + 2);
    expect(seen).toEqual([{ kind: 'time' }]);
  });
});

describe('parkingEntriesFromFiware', () => {
  it('reads the API body back into sites and states, whatever the order of the entities', () => {
    const body = [...parkingToFiware(garage, garageState(120, 20), NOON), ...parkingToFiware(berths, null, NOON)].reverse();
    const entries = parkingEntriesFromFiware(JSON.parse(JSON.stringify(body)));
    expect(entries.map((e) => e.site.id).sort()).toEqual([berths.id, garage.id].sort());
    const read = entries.find((e) => e.site.id === garage.id)!;
    expect(read.site.levels.map((l) => l.id)).toEqual(['B1', 'B2']);
    expect(read.site.name).toBe(garage.name);
    expect(read.state).toEqual(garageState(120, 20));
    expect(entries.find((e) => e.site.id === berths.id)!.state).toBeNull();
  });

  it('refuses a body that is not an entity array, naming what is wrong', () => {
    expect(() => parkingEntriesFromFiware({} as never)).toThrow(/not a JSON array/);
    const [site] = parkingToFiware(berths, null, NOON);
    const broken = { ...site!, totalSpotNumber: { type: 'Property' as const, value: -1 } };
    expect(() => parkingEntriesFromFiware([broken, ...parkingToFiware(berths, null, NOON).slice(1)])).toThrow(FiwareParkingError);
  });
});
