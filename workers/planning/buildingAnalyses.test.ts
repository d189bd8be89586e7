import { describe, expect, it } from 'vitest';
import { type BuildingFootprintsDocument, buildingFootprintsFromDocument } from '../formats/buildingFootprints.js';
import { metresPerDegree } from '../geometry/geodesy.js';
import { facadeSunlight } from './facadeSunlight.js';
import { heightLimit } from './heightLimit.js';
import { planningBuildingsFrom, type PlanningBuildings } from './planningBuildings.js';
import { solarTermDate } from './solarTerms.js';
import { sunlight } from './sunlight.js';
import { viewshed } from './viewshed.js';

const LON = 117.17;
const LAT = 39.1;
const scale = metresPerDegree(LAT);

/** A rectangle `west…east` × `south…north` metres from (LON, LAT), counter-clockwise. */
function rectangle(west: number, south: number, east: number, north: number): number[] {
  const at = (x: number, y: number): number[] => [LON + x / scale.lon, LAT + y / scale.lat];
  return [...at(west, south), ...at(east, south), ...at(east, north), ...at(west, north)];
}

function district(blocks: { id: string; rect: [number, number, number, number]; top: number; base?: number }[]): PlanningBuildings {
  const document: BuildingFootprintsDocument = {
    format: 'cim-twin-building-footprints',
    version: 1,
    count: blocks.length,
    ids: blocks.map((b) => b.id),
    base: blocks.map((b) => b.base ?? 0),
    top: blocks.map((b) => b.top),
    ringOffsets: blocks.map((_, i) => i).concat(blocks.length),
    pointOffsets: blocks.map((_, i) => i * 4).concat(blocks.length * 4),
    holes: blocks.map(() => 0),
    lonLat: blocks.flatMap((b) => rectangle(...b.rect)),
  };
  return planningBuildingsFrom(buildingFootprintsFromDocument(document));
}

/**
 * Day length from the sunrise equation with Spencer's (1971) declination — independent of
 * suncalc: the sun's centre 0.833° below the horizon (refraction and its radius), solar day at
 * the place (the equation of time moves sunrise and sunset together, not the length).
 */
function referenceDayLengthHours(date: string, lat: number): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const dayOfYear = (Date.UTC(y, m - 1, d) - Date.UTC(y, 0, 1)) / 86_400_000;
  // Spencer's fractional year at local noon (04:12 UTC at 117° E).
  const g = ((2 * Math.PI) / 365) * (dayOfYear + (12 - 117 / 15 - 12) / 24);
  const declination =
    0.006918 -
    0.399912 * Math.cos(g) +
    0.070257 * Math.sin(g) -
    0.006758 * Math.cos(2 * g) +
    0.000907 * Math.sin(2 * g) -
    0.002697 * Math.cos(3 * g) +
    0.00148 * Math.sin(3 * g);
  const phi = (lat * Math.PI) / 180;
  const cosOmega = (Math.sin((-0.833 * Math.PI) / 180) - Math.sin(phi) * Math.sin(declination)) / (Math.cos(phi) * Math.cos(declination));
  return (2 * ((Math.acos(cosOmega) * 180) / Math.PI)) / 15;
}

describe('solar terms', () => {
  it('大寒 and 冬至 fall on their published days (China Standard Time)', () => {
    // Published: 大寒 2026-01-20 09:45, 2027-01-20 15:30; 冬至 2025-12-21 23:03, 2026-12-22 04:50 (Beijing time).
    expect(solarTermDate(2026, 'dahan')).toBe('2026-01-20');
    expect(solarTermDate(2027, 'dahan')).toBe('2027-01-20');
    expect(solarTermDate(2025, 'dongzhi')).toBe('2025-12-21');
    expect(solarTermDate(2026, 'dongzhi')).toBe('2026-12-22');
  });
});

describe('sunlight', () => {
  const empty = district([]);

  it('at a point with nothing around equals the astronomical day length (within 5 minutes)', () => {
    for (const [day, date] of [
      ['dahan', '2027-01-20'],
      ['dongzhi', '2026-12-22'],
    ] as const) {
      const result = sunlight(empty, { lon: LON, lat: LAT, height: 1.5 }, { date: '2027-06-01', day });
      expect(result.date).toBe(day === 'dahan' ? '2027-01-20' : '2027-12-22');
      const reference = referenceDayLengthHours(result.date, LAT);
      expect(Math.abs(result.sunlitHours - reference) * 60, `${day} ${date}`).toBeLessThan(5);
      expect(result.sunlitHours).toBeCloseTo(result.sunriseToSunsetHours, 2);
      // The whole window is sunny: 8 h on 大寒日 (8:00–16:00), 6 h on 冬至日 (9:00–15:00).
      expect(result.effectiveHours).toBeCloseTo(day === 'dahan' ? 8 : 6, 2);
    }
  });

  it('on a date of its own, in summer the day is long', () => {
    const result = sunlight(empty, { lon: LON, lat: LAT, height: 0 }, { date: '2027-06-21', day: 'date' });
    expect(result.date).toBe('2027-06-21');
    expect(Math.abs(result.sunlitHours - referenceDayLengthHours('2027-06-21', LAT)) * 60).toBeLessThan(5);
    expect(result.sunlitHours).toBeGreaterThan(14.5);
    expect(result.meetsStandard).toBeNull(); // the standard counts on 大寒日 in zone II
  });

  it('drops to 0 in the shadow of a tall block, and meets the standard in the open', () => {
    // A 100 m block 200 m wide, its north face 10 m south of the point.
    const block = district([{ id: 'tower', rect: [-100, -40, 100, -10], top: 100 }]);
    const shaded = sunlight(block, { lon: LON, lat: LAT, height: 1.5 }, { date: '2027-01-01' });
    expect(shaded.sunlitHours).toBe(0);
    expect(shaded.effectiveHours).toBe(0);
    expect(shaded.meetsStandard).toBe(false);
    expect(shaded.requiredHours).toBe(2);
    // South of the block the sun is not in the way.
    const open = sunlight(block, { lon: LON, lat: LAT - 60 / scale.lat, height: 1.5 }, { date: '2027-01-01' });
    expect(open.effectiveHours).toBeCloseTo(8, 2);
    expect(open.meetsStandard).toBe(true);
    // Above the block's top the sun is back.
    const above = sunlight(block, { lon: LON, lat: LAT, height: 101 }, { date: '2027-01-01' });
    expect(above.sunlitHours).toBeCloseTo(above.sunriseToSunsetHours, 2);
  });

  it("a block to the south-east takes the morning's sun only", () => {
    const block = district([{ id: 'east', rect: [20, -60, 60, -20], top: 60 }]);
    const result = sunlight(block, { lon: LON, lat: LAT, height: 1.5 }, { date: '2027-01-01' });
    expect(result.sunlitHours).toBeGreaterThan(2);
    expect(result.sunlitHours).toBeLessThan(result.sunriseToSunsetHours - 0.5);
    // The afternoon is sunny up to sunset.
    expect(result.sunlit[result.sunlit.length - 1]![1]).toBe(result.sunset);
  });

  it('a façade: the south wall of a lone block has the whole window, the north wall none', () => {
    const lone = district([{ id: 'lone', rect: [0, 0, 40, 12], top: 30 }]);
    const result = facadeSunlight(lone, 'lone', { date: '2027-01-01' });
    const south = result.samples.filter((s) => Math.abs(s.facing - 180) < 1);
    const north = result.samples.filter((s) => s.facing < 1 || s.facing > 359);
    expect(south.length).toBeGreaterThan(10);
    for (const s of south) expect(s.effectiveHours).toBeCloseTo(8, 2);
    for (const s of north) expect(s.sunlitHours).toBe(0);
    expect(result.maxEffectiveHours).toBeCloseTo(8, 2);
    expect(result.minEffectiveHours).toBe(0);
  });

  it('bad input: a date that is not a date, an unknown day, a bad point, an unknown building', () => {
    const point = { lon: LON, lat: LAT, height: 1 };
    expect(() => sunlight(empty, point, { date: 'yesterday' })).toThrow(/the date "yesterday" is not a date/);
    expect(() => sunlight(empty, point, { date: '2027-02-30' })).toThrow(/not a date: no such day/);
    expect(() => sunlight(empty, point, { date: new Date(NaN) })).toThrow(/is not a date/);
    expect(sunlight(empty, point, { date: '2027', day: 'dongzhi' }).date).toBe('2027-12-22');
    expect(() => sunlight(empty, point, { date: '2027', day: 'date' })).toThrow(/is a year: give the day itself/);
    expect(() => sunlight(empty, point, { day: 'solstice' })).toThrow(/'dahan' \(大寒日\), 'dongzhi' \(冬至日\) or 'date'/);
    expect(() => sunlight(empty, { lon: 'east', lat: LAT }, {})).toThrow(/lon, lat is "east"/);
    expect(() => sunlight(empty, { lon: LON, lat: LAT, height: Infinity }, {})).toThrow(/height is null/);
    expect(() => facadeSunlight(empty, 'nowhere', {})).toThrow(/no building "nowhere"/);
  });
});

describe('height limit', () => {
  const buildings = district([
    { id: 'low', rect: [0, 0, 20, 20], top: 18 },
    { id: 'tall', rect: [30, 0, 50, 20], top: 60 },
    { id: 'straddling', rect: [90, 0, 130, 20], top: 45 },
    { id: 'outside', rect: [200, 0, 220, 20], top: 99 },
  ]);
  const at = (x: number, y: number): [number, number] => [LON + x / scale.lon, LAT + y / scale.lat];
  const polygon = [at(-10, -10), at(100, -10), at(100, 30), at(-10, 30)];

  it('lists the buildings inside (or partly inside) whose top is above the limit, with their excess', () => {
    const result = heightLimit(buildings, polygon, 24);
    expect(result.buildings.map(({ id, height, excess }) => ({ id, height, excess }))).toEqual([
      { id: 'tall', height: 60, excess: 36 },
      { id: 'straddling', height: 45, excess: 21 },
    ]);
    expect(result.buildings[0]!.lon).toBeCloseTo(LON + 40 / scale.lon, 6);
    expect(result.inside).toBe(3);
    expect(result.areaSquareMetres).toBeCloseTo(110 * 40, -1);
    expect(heightLimit(buildings, polygon, 100).buildings).toEqual([]);
  });

  it('bad input: a self-intersecting polygon, too few corners, a limit that is not a finite number', () => {
    const bowTie = [at(0, 0), at(100, 100), at(100, 0), at(0, 100)];
    expect(() => heightLimit(buildings, bowTie, 24)).toThrow(/the height-limit polygon crosses itself/);
    expect(() => heightLimit(buildings, [at(0, 0), at(1, 1)], 24)).toThrow(/needs three corners or more; got 2/);
    expect(() => heightLimit(buildings, 'square', 24)).toThrow(/is \[\[lon, lat\]/);
    expect(() => heightLimit(buildings, polygon, NaN)).toThrow(/the height limit is null: give metres/);
    expect(() => heightLimit(buildings, polygon, '24')).toThrow(/the height limit is "24"/);
    expect(() => heightLimit(buildings, polygon, Infinity)).toThrow(/a finite number/);
    expect(() => heightLimit(buildings, polygon, -5)).toThrow(/below the ground/);
  });
});

describe('viewshed', () => {
  it('a wall hides the ground behind it; the open side is seen; faces towards the eye are seen, those away are not', () => {
    // A 20 m wall 30 m east of the eye, 10 m thick, 60 m long.
    const buildings = district([{ id: 'wall', rect: [30, -30, 40, 30], top: 20 }]);
    const result = viewshed(buildings, { lon: LON, lat: LAT, height: 0 }, 1.6, 100);
    const ground = result.geojson.features.filter((f) => f.properties.kind === 'ground');
    const cellAt = (x: number, y: number): boolean | undefined => {
      const [lon, lat] = [LON + x / scale.lon, LAT + y / scale.lat];
      const cell = ground.find((f) => {
        const ring = (f.geometry as { coordinates: number[][][] }).coordinates[0]!;
        const lons = ring.map((p) => p[0]!);
        const lats = ring.map((p) => p[1]!);
        return lon >= Math.min(...lons) && lon <= Math.max(...lons) && lat >= Math.min(...lats) && lat <= Math.max(...lats);
      });
      return cell?.properties.visible;
    };
    expect(cellAt(70, 0)).toBe(false); // behind the wall
    expect(cellAt(-70, 0)).toBe(true); // the open side
    expect(cellAt(20, 0)).toBe(true); // in front of the wall
    expect(cellAt(0, 70)).toBe(true);
    const faces = result.geojson.features.filter((f) => f.properties.kind === 'face');
    const west = faces.find((f) => f.properties.kind === 'face' && f.properties.visibleFraction === 1);
    expect(west).toBeDefined();
    expect(faces.some((f) => f.properties.kind === 'face' && f.properties.visibleFraction === 0)).toBe(true);
    expect(result.groundVisiblePercent).toBeGreaterThan(70);
    expect(result.groundVisiblePercent).toBeLessThan(95);
  });

  it('bad input: eye height, radius', () => {
    const buildings = district([]);
    expect(() => viewshed(buildings, { lon: LON, lat: LAT, height: 0 }, -1, 100)).toThrow(/eye height is -1/);
    expect(() => viewshed(buildings, { lon: LON, lat: LAT, height: 0 }, 1.6, 0)).toThrow(/radius is 0/);
    expect(() => viewshed(buildings, { lon: LON, lat: LAT, height: 0 }, 1.6, 1e6)).toThrow(/radius is 1000000/);
  });
});
