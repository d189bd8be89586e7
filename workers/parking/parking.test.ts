import { describe, expect, it } from 'vitest';
import type { ParkingForecast, ParkingSite, ParkingState } from '../formats/parking.js';
import { LocalPlane } from '../spatial/LocalPlane.js';
import { buildRoadGraph } from '../routing/buildRoadGraph.js';
import { roadGraph } from '../routing/RoadGraph.js';
import { roadLinesFromGeoJson } from '../routing/RoadLines.js';
import { backtestParking } from './backtest.js';
import { FiwareParkingError, parkingFromFiware, parkingToFiware, type NgsiEntity } from './fiware.js';
import { forecastParking, freeOnArrival, FORECAST_STEPS } from './forecast.js';
import { GAT1302_FIELDS, gaT1302Time, parkingStateFromGaT1302, parkingToGaT1302 } from './gat1302.js';
import { ParkingGuide } from './guidance.js';
import { levelOccupancy, occupiedAt, simulateOccupancy } from './occupancyModel.js';
import { parkingStatus } from './parkingStatus.js';
import { ParkingSitesError, parkingSitesFromGeoJson } from './parkingSites.js';

const MINUTE = 60_000;
/** Monday 2026-11-30 00:00 China Standard Time. */
const MONDAY = Date.UTC(2026, 10, 29, 16, 0);
const at = (day: number, hour: number, minute = 0): number => MONDAY + ((day * 24 + hour) * 60 + minute) * MINUTE;

const garage: ParkingSite = {
  id: 'PPOI0054',
  name: '宾水西道地下停车库1',
  kind: 'underground',
  lon: 117.1510776,
  lat: 39.0981067,
  capacity: 330,
  levels: [
    { id: 'B1', name: '地下1层', storey: -1, capacity: 165 },
    { id: 'B2', name: '地下2层', storey: -2, capacity: 165 },
  ],
  openingHours: { opens: 7 * 60, closes: 23 * 60 },
  tariff: { freeMinutes: 30, firstHourYuan: 5, perHourAfterYuan: 3, nightCapYuan: 15, nightFrom: 19 * 60, nightTo: 7 * 60 },
  pattern: 'mall',
  occupancyDetectionType: 'balancing',
  poi: 'POI0054',
};
const garageState: ParkingState = {
  siteId: garage.id,
  observedAt: at(0, 10, 3),
  availableSpotNumber: 120,
  levels: [
    { levelId: 'B1', availableSpotNumber: 20 },
    { levelId: 'B2', availableSpotNumber: 100 },
  ],
};

describe('parking status rules', () => {
  const lot = { capacity: 100, openingHours: garage.openingHours };
  const state = (available: number, minutesAgo: number, now = at(0, 12)): ParkingState => ({
    siteId: 'x',
    observedAt: now - minutesAgo * MINUTE,
    availableSpotNumber: available,
  });

  it('reads free, almost full and full from the count', () => {
    expect(parkingStatus(lot, state(50, 1), at(0, 12)).status).toBe('free');
    expect(parkingStatus(lot, state(9, 1), at(0, 12)).status).toBe('almostFull');
    expect(parkingStatus({ capacity: 8 }, state(2, 1), at(0, 12)).status).toBe('almostFull');
    expect(parkingStatus(lot, state(0, 1), at(0, 12))).toEqual({ status: 'full', outdated: false, occupancy: 1, availableSpotNumber: 0 });
  });

  it('marks a count older than 30 minutes outdated: unknown, its value not shown as current', () => {
    expect(parkingStatus(lot, state(50, 30), at(0, 12)).status).toBe('free');
    const old = parkingStatus(lot, state(50, 31), at(0, 12));
    expect(old).toEqual({ status: 'unknown', outdated: true, occupancy: null, availableSpotNumber: null });
    expect(parkingStatus(lot, null, at(0, 12)).status).toBe('unknown');
  });

  it('is closed outside the opening hours whatever was counted, and hours may run past midnight', () => {
    expect(parkingStatus(lot, state(50, 1, at(0, 23, 30)), at(0, 23, 30)).status).toBe('closed');
    expect(parkingStatus(lot, state(50, 1, at(1, 6, 59)), at(1, 6, 59)).status).toBe('closed');
    expect(parkingStatus(lot, state(50, 1, at(1, 7)), at(1, 7)).status).toBe('free');
    const night = { capacity: 10, openingHours: { opens: 22 * 60, closes: 6 * 60 } };
    expect(parkingStatus(night, state(5, 1, at(0, 2)), at(0, 2)).status).toBe('free');
    expect(parkingStatus(night, state(5, 1, at(0, 12)), at(0, 12)).status).toBe('closed');
  });
});

describe('FIWARE NGSI-LD (normalized)', () => {
  it('round-trips a garage with its floors and its counts', () => {
    const now = at(0, 10, 5);
    const entities = parkingToFiware(garage, garageState, now);
    expect(entities.map((e) => e.type)).toEqual(['OffStreetParking', 'ParkingGroup', 'ParkingGroup']);
    const [site, b1] = entities as [NgsiEntity, NgsiEntity];
    expect(site['totalSpotNumber']).toEqual({ type: 'Property', value: 330 });
    expect(site['availableSpotNumber']).toEqual({ type: 'Property', value: 120, observedAt: '2026-11-30T02:03:00.000Z' });
    expect(site['occupancy']).toMatchObject({ value: 0.6364 });
    expect(site['status']).toMatchObject({ value: ['open', 'spacesAvailable'] });
    expect(site['occupancyDetectionType']).toEqual({ type: 'Property', value: ['balancing'] });
    expect(b1['refParentParking']).toEqual({ type: 'Relationship', object: 'urn:ngsi-ld:OffStreetParking:PPOI0054' });
    expect(b1['availableSpotNumber']).toMatchObject({ value: 20 });
    // Through JSON, as it travels, and in another order.
    const back = parkingFromFiware(JSON.parse(JSON.stringify(entities.reverse())) as NgsiEntity[]);
    expect(back).toEqual({ site: garage, state: garageState });
  });

  it('round-trips an on-street berth group never counted (no state, status unknown)', () => {
    const berths: ParkingSite = {
      ...garage,
      id: 'PPOI0078',
      kind: 'onStreet',
      name: '华坪路路侧泊位',
      capacity: 26,
      levels: [{ id: 'A', name: '路侧', storey: 0, capacity: 26 }],
      occupancyDetectionType: 'singleSpaceDetection',
    };
    delete berths.openingHours;
    const entities = parkingToFiware(berths, null, at(0, 10));
    expect(entities[0]!.type).toBe('OnStreetParking');
    expect(entities[0]!['status']).toMatchObject({ value: ['unknown'] });
    expect(parkingFromFiware(entities)).toEqual({ site: berths, state: null });
  });

  it('reports an outdated count as unknown, and names what a malformed entity lacks', () => {
    expect(parkingToFiware(garage, garageState, garageState.observedAt + 31 * MINUTE)[0]!['status']).toMatchObject({ value: ['unknown'] });
    const [site, ...groups] = parkingToFiware(garage, garageState, at(0, 10, 5));
    const broken = { ...site!, totalSpotNumber: { type: 'Property', value: -3 } } as NgsiEntity;
    expect(() => parkingFromFiware([broken, ...groups])).toThrow(
      new FiwareParkingError('urn:ngsi-ld:OffStreetParking:PPOI0054: attribute totalSpotNumber is missing or malformed'),
    );
    expect(() => parkingFromFiware([site!])).toThrow(/ParkingGroup urn:ngsi-ld:ParkingGroup:PPOI0054:B1 is not among the entities/);
  });
});

describe('GA/T 1302 mapping', () => {
  it('maps every field of the table and reads the count back', () => {
    const record = parkingToGaT1302(garage, garageState, at(0, 10, 5));
    expect(record).toEqual({
      停车场编号: 'PPOI0054',
      停车场名称: '宾水西道地下停车库1',
      停车场类型: '地下停车库',
      经度: 117.1510776,
      纬度: 39.0981067,
      泊位总数: 330,
      空闲泊位数: 120,
      更新时间: '2026-11-30 10:03:00',
      营业时间: '07:00-23:00',
      收费标准: '30分钟内免费，首小时5元，之后每小时3元，夜间(19:00-07:00)封顶15元',
      运行状态: '空闲',
    });
    expect(GAT1302_FIELDS.map((f) => f.field).sort()).toEqual(Object.keys(record).sort());
    expect(parkingStateFromGaT1302(record)).toEqual({ siteId: garage.id, observedAt: garageState.observedAt, availableSpotNumber: 120 });
    expect(parkingToGaT1302(garage, null, at(0, 10)).运行状态).toBe('未知');
    expect(() => parkingStateFromGaT1302({ ...record, 更新时间: '2026/11/30 10:03' })).toThrow(/更新时间/);
    expect(gaT1302Time(Date.UTC(2026, 11, 31, 16, 0, 0))).toBe('2027-01-01 00:00:00');
  });
});

describe('occupancy model', () => {
  const site = { id: 'PPOI0100', capacity: 200, pattern: 'office' as const };
  it('is deterministic per seed, and differs between seeds and sites', () => {
    const a = simulateOccupancy(site, MONDAY, 5 * MINUTE, 2016, 7);
    expect(simulateOccupancy(site, MONDAY, 5 * MINUTE, 2016, 7)).toEqual(a);
    expect(simulateOccupancy(site, MONDAY, 5 * MINUTE, 2016, 8)).not.toEqual(a);
    expect(simulateOccupancy({ ...site, id: 'PPOI0101' }, MONDAY, 5 * MINUTE, 2016, 7)).not.toEqual(a);
    expect(a.every((v) => v >= 0 && v <= 200)).toBe(true);
  });

  it('follows its neighbourhood: offices full on weekday mornings, homes at night, malls on Saturday afternoons', () => {
    expect(occupiedAt(site, at(1, 10), 7)).toBeGreaterThan(150);
    expect(occupiedAt(site, at(1, 3), 7)).toBeLessThan(50);
    expect(occupiedAt(site, at(5, 10), 7)).toBeLessThan(80);
    const home = { ...site, pattern: 'residential' as const };
    expect(occupiedAt(home, at(2, 2), 7)).toBeGreaterThan(occupiedAt(home, at(2, 11), 7));
    const mall = { ...site, pattern: 'mall' as const };
    expect(occupiedAt(mall, at(5, 15), 7)).toBeGreaterThan(occupiedAt(mall, at(1, 15), 7));
  });

  it('fills the nearest level first', () => {
    expect(Array.from(levelOccupancy(garage.levels, 100))).toEqual([100, 0]);
    expect(Array.from(levelOccupancy(garage.levels, 200))).toEqual([156, 44]);
    expect(Array.from(levelOccupancy(garage.levels, 330))).toEqual([165, 165]);
  });
});

describe('forecast', () => {
  it('gives 12 five-minute steps with lo ≤ mean ≤ hi inside [0, capacity]', () => {
    const site = { id: 'PPOI0200', capacity: 40, pattern: 'school' as const };
    const count = 14 * 288;
    const time = Float64Array.from({ length: count }, (_, i) => MONDAY + i * 5 * MINUTE);
    const occupied = simulateOccupancy(site, MONDAY, 5 * MINUTE, count, 3);
    const forecast = forecastParking(time, occupied, 40, time[count - 1]!);
    expect(forecast.mean.length).toBe(FORECAST_STEPS);
    for (let k = 0; k < FORECAST_STEPS; k++) {
      expect(forecast.lo[k]!).toBeLessThanOrEqual(forecast.mean[k]!);
      expect(forecast.mean[k]!).toBeLessThanOrEqual(forecast.hi[k]!);
      expect(forecast.lo[k]!).toBeGreaterThanOrEqual(0);
      expect(forecast.hi[k]!).toBeLessThanOrEqual(40);
    }
    expect(() => forecastParking(time, occupied.subarray(1), 40, 0)).toThrow(/times but/);
  });

  it('beats persistence at 30 and 60 minutes in a backtest on a short simulated span', () => {
    const sites = (['residential', 'office', 'mall', 'hospital', 'school', 'stadium', 'mixed'] as const).map((pattern, i) => ({
      id: `T${i}`,
      capacity: 30 + 40 * i,
      pattern,
    }));
    const result = backtestParking(sites, { from: MONDAY, trainingDays: 14, testDays: 2, seed: 11, originEvery: 2 });
    expect(result.horizons).toEqual([15, 30, 60]);
    expect(result.forecasts).toBeGreaterThan(1000);
    expect(result.forecast.spaces[1]!).toBeLessThan(result.persistence.spaces[1]!);
    expect(result.forecast.spaces[2]!).toBeLessThan(result.persistence.spaces[2]!);
    expect(result.forecast.spaces[2]!).toBeLessThan(result.profile.spaces[2]!);
  });
});

/** Hand-made streets drawn in metres east/north of this point. */
const plane = new LocalPlane(117.15, 39.1);
const lonLat = (x: number, y: number): [number, number] => [plane.lon(x), plane.lat(y)];
const streets = (lines: [number, number][][]): ReturnType<typeof roadGraph> => {
  const collection = {
    type: 'FeatureCollection',
    features: lines.map((line) => ({
      type: 'Feature',
      properties: { class: 'local', name: '' },
      geometry: { type: 'LineString', coordinates: line.map(([x, y]) => lonLat(x, y)) },
    })),
  };
  return roadGraph(buildRoadGraph(roadLinesFromGeoJson(collection).lines).parts);
};
const forecastWith = (capacity: number, occupied: number, now: number): ParkingForecast => ({
  from: now,
  stepMs: 5 * MINUTE,
  capacity,
  mean: new Float32Array(12).fill(occupied),
  lo: new Float32Array(12).fill(Math.max(0, occupied - 1)),
  hi: new Float32Array(12).fill(Math.min(capacity, occupied + 1)),
  sigma: new Float32Array(12).fill(0.8),
});
const site = (id: string, x: number, y: number): Pick<ParkingSite, 'id' | 'name' | 'lon' | 'lat'> => {
  const [lon, lat] = lonLat(x, y);
  return { id, name: id, lon, lat };
};

describe('parking guidance', () => {
  const now = at(0, 9);
  // A 3 × 3 grid of streets 400 m apart.
  const grid = streets([
    ...[0, 400, 800].map((y): [number, number][] => [
      [0, y],
      [800, y],
    ]),
    ...[0, 400, 800].map((x): [number, number][] => [
      [x, 0],
      [x, 800],
    ]),
  ]);

  it('sends a driver to a free site a little farther away rather than a full one at the door', () => {
    const sites = [site('near-full', 420, 410), site('farther-free', 560, 410), site('far-free', 800, 790)];
    const guide = new ParkingGuide(grid, sites);
    const forecasts = [forecastWith(20, 20, now), forecastWith(20, 5, now), forecastWith(20, 0, now)];
    const destination = { lon: lonLat(400, 405)[0], lat: lonLat(400, 405)[1] };
    const ranked = guide.guide(destination, { arriveInMinutes: 10, forecasts, from: { lon: lonLat(0, 0)[0], lat: lonLat(0, 0)[1] } });
    // The free site 800 m walk away comes last: a walk that long costs more than the risk at the door.
    expect(ranked.map((r) => r.siteId)).toEqual(['farther-free', 'near-full', 'far-free']);
    const [free, full] = ranked as [(typeof ranked)[0], (typeof ranked)[0]];
    expect(full.walkMeters).toBeLessThan(free.walkMeters);
    expect(full.probabilityFree).toBeLessThan(0.5);
    expect(free.probabilityFree).toBeGreaterThan(0.99);
    expect(free.expectedFree).toBe(15);
    // Walked over the streets: 400 → 560 along y = 400, plus the two 5 m and 10 m legs off the street.
    expect(free.walkMeters).toBeGreaterThan(170);
    expect(free.walkMeters).toBeLessThan(180);
    // Driven from (0, 0): 800 m of streets to (400, 400), then 160 m: about 960 m.
    expect(free.route.lengthMeters).toBeGreaterThan(955);
    expect(free.route.lengthMeters).toBeLessThan(965);
    expect(free.driveSeconds).toBeGreaterThan(100);
  });

  it('draws routes whose every vertex lies on a street', () => {
    const sites = [site('a', 780, 30), site('b', 210, 790), site('c', 405, 600)];
    const guide = new ParkingGuide(grid, sites);
    const forecasts = sites.map(() => forecastWith(30, 10, now));
    const destination = { lon: lonLat(500, 500)[0], lat: lonLat(500, 500)[1] };
    const ranked = guide.guide(destination, { arriveInMinutes: 0, forecasts, from: { lon: lonLat(10, 10)[0], lat: lonLat(10, 10)[1] }, maxWalkMeters: 2000 });
    expect(ranked).toHaveLength(3);
    for (const entry of ranked) {
      expect(entry.route.coordinates.length).toBeGreaterThan(2);
      for (const [lon, lat] of entry.route.coordinates) {
        const x = plane.x(lon);
        const y = plane.y(lat);
        // On the grid: on a line x ∈ {0, 400, 800} or y ∈ {0, 400, 800}, within 5 cm.
        const offStreet = Math.min(...[0, 400, 800].map((v) => Math.abs(x - v)), ...[0, 400, 800].map((v) => Math.abs(y - v)));
        expect(offStreet).toBeLessThan(0.05);
      }
    }
  });

  it('leaves out sites beyond the walking limit and refuses a bad arrival time', () => {
    const sites = [site('door', 400, 410), site('far', 800, 800)];
    const guide = new ParkingGuide(grid, sites);
    const forecasts = sites.map(() => forecastWith(10, 2, now));
    const destination = { lon: lonLat(400, 400)[0], lat: lonLat(400, 400)[1] };
    expect(guide.guide(destination, { arriveInMinutes: 5, forecasts, maxWalkMeters: 300 }).map((r) => r.siteId)).toEqual(['door']);
    expect(() => guide.guide(destination, { arriveInMinutes: -1, forecasts })).toThrow(/arriveInMinutes/);
  });

  it('reads the chance of a free space from the band', () => {
    expect(freeOnArrival(forecastWith(20, 20, now), 10).probabilityFree).toBeLessThan(0.5);
    expect(freeOnArrival(forecastWith(20, 10, now), 10)).toEqual({ expectedFree: 10, probabilityFree: expect.closeTo(1, 6) });
  });
});

describe('parking sites file', () => {
  it('refuses a file of another format and names a site with a bad field', () => {
    expect(() => parkingSitesFromGeoJson({ type: 'FeatureCollection', features: [] })).toThrow(ParkingSitesError);
    const { lon, lat, ...properties } = garage;
    const file = (p: object): unknown => ({
      format: 'cim-twin-parking-sites',
      version: 1,
      features: [{ type: 'Feature', properties: p, geometry: { type: 'Point', coordinates: [lon, lat] } }],
    });
    expect(parkingSitesFromGeoJson(file(properties))).toEqual([garage]);
    expect(() => parkingSitesFromGeoJson(file({ ...properties, capacity: 331 }))).toThrow(
      'feature 0 (PPOI0054): the levels’ capacities do not add up to the capacity',
    );
    expect(() => parkingSitesFromGeoJson(file({ ...properties, kind: 'garage' }))).toThrow(/kind garage is not one of/);
  });
});
