import type { GeneratedBuilding, GeneratedDistrict } from './generateNankai.js';
import type { PointOfInterest } from './generatePointsOfInterest.js';
import { ringCentroid } from './generateServiceConnections.js';
import { LANDMARKS, WEIJIN_RIVER } from './nankaiPlan.js';
import type { Random } from '../../workers/random/Random.js';
import {
  PARKING_SITES_FORMAT,
  PARKING_SITES_VERSION,
  type ParkingLevel,
  type ParkingPattern,
  type ParkingSite,
  type ParkingSitesCollection,
  type ParkingTariff,
} from '../../workers/formats/parking.js';

/** Where a site looks for the buildings whose use sets its rhythm (metres). */
const NEIGHBOURHOOD_REACH = 250;
const HOSPITAL_REACH = 200;
const SCHOOL_REACH = 120;
const STADIUM_REACH = 700;
const STADIUM = LANDMARKS.find((l) => l.name === '天津奥林匹克中心体育场')!;

/** Building use → the pattern it pulls towards. */
const PATTERN_OF_USE: Readonly<Record<string, ParkingPattern>> = {
  residential: 'residential',
  dormitory: 'residential',
  office: 'office',
  education: 'office',
  commercial: 'mall',
  hospital: 'hospital',
  school: 'school',
};

const hours = (opens: string, closes: string): { opens: number; closes: number } => {
  const m = (s: string): number => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
  return { opens: m(opens), closes: m(closes) };
};

/**
 * The parking sites of the district from its car parks and on-street berth groups (the seed
 * points of interest, same places and capacities): a kind for each (the larger car parks become
 * underground garages of 1–3 floors or multi-storey garages, the two nearest 卫津河 are under its
 * bridges, the rest surface lots; berth groups stay on-street), levels, opening hours, a tariff
 * in 元 (first hour, each hour after, a night cap for off-street sites) and the neighbourhood
 * pattern its occupancy follows: a hospital or school at the door wins, the stadium's
 * surroundings follow its events, else the use with the most floor area within 250 m
 * (mixed when none has half of it). Deterministic for a given `random`.
 */
export function generateParking(district: GeneratedDistrict, pois: readonly PointOfInterest[], random: Random): ParkingSitesCollection {
  const { frame } = district;
  const grid = new BuildingGrid(district.buildings, NEIGHBOURHOOD_REACH);
  const [stadiumX, stadiumY] = frame.fromLonLat(STADIUM.lon, STADIUM.lat);
  const river = WEIJIN_RIVER.points.map(([lon, lat]) => frame.fromLonLat(lon, lat));
  const lots = pois.filter((p) => p.kind === 'parking_lot');
  const riverDistance = (p: PointOfInterest): number => Math.min(...river.map(([x, y]) => Math.hypot(x - p.x, y - p.y)));
  const underBridge = new Set(
    [...lots]
      .sort((a, b) => riverDistance(a) - riverDistance(b) || (a.id < b.id ? -1 : 1))
      .slice(0, 2)
      .map((p) => p.id),
  );

  const patternAt = (x: number, y: number): ParkingPattern => {
    if (Math.hypot(x - stadiumX, y - stadiumY) <= STADIUM_REACH) return 'stadium';
    const weights = new Map<ParkingPattern, number>();
    let total = 0;
    let hospital = false;
    let school = false;
    for (const b of grid.near(x, y)) {
      const distance = Math.hypot(b.x - x, b.y - y);
      if (distance > NEIGHBOURHOOD_REACH) continue;
      const use = b.building.properties.use;
      if (use === 'hospital' && distance <= HOSPITAL_REACH) hospital = true;
      if (use === 'school' && distance <= SCHOOL_REACH) school = true;
      const pattern = PATTERN_OF_USE[use];
      const floorArea = b.area * b.building.properties.floors;
      total += floorArea;
      if (pattern) weights.set(pattern, (weights.get(pattern) ?? 0) + floorArea);
    }
    if (hospital) return 'hospital';
    if (school) return 'school';
    let best: ParkingPattern = 'mixed';
    let bestWeight = 0;
    for (const [pattern, weight] of weights) if (weight > bestWeight) [best, bestWeight] = [pattern, weight];
    return bestWeight >= 0.5 * total && bestWeight > 0 ? best : 'mixed';
  };

  const sites: ParkingSite[] = [];
  for (const poi of pois) {
    if ((poi.kind !== 'parking_lot' && poi.kind !== 'onstreet_berths') || poi.capacity === undefined) continue;
    const pattern = patternAt(poi.x, poi.y);
    const [lon, lat] = frame.toLonLat(poi.x, poi.y);
    const base = { id: `P${poi.id}`, lon, lat, pattern, poi: poi.id };
    if (poi.kind === 'onstreet_berths') {
      const tariff: ParkingTariff = { freeMinutes: 15, firstHourYuan: random.pick([2, 3, 4]), perHourAfterYuan: random.pick([2, 3]) };
      sites.push({
        ...base,
        name: poi.name,
        kind: 'onStreet',
        capacity: poi.capacity,
        levels: [{ id: 'A', name: '路侧', storey: 0, capacity: poi.capacity }],
        tariff,
        occupancyDetectionType: 'singleSpaceDetection',
      });
      continue;
    }
    const draw = random.next();
    const kind: ParkingSite['kind'] = underBridge.has(poi.id)
      ? 'underBridge'
      : poi.capacity >= 150 && draw < 0.5
        ? 'underground'
        : poi.capacity >= 150 && draw < 0.75
          ? 'multiStorey'
          : 'surfaceLot';
    const floors = kind === 'underground' ? random.int(1, 3) : kind === 'multiStorey' ? random.int(3, 5) : 1;
    const levels: ParkingLevel[] = [];
    let left = poi.capacity;
    for (let f = 0; f < floors; f++) {
      const capacity = f === floors - 1 ? left : Math.round(poi.capacity / floors);
      left -= capacity;
      levels.push(
        kind === 'underground'
          ? { id: `B${f + 1}`, name: `地下${f + 1}层`, storey: -(f + 1), capacity }
          : kind === 'multiStorey'
            ? { id: `F${f + 1}`, name: `${f + 1}层`, storey: f, capacity }
            : { id: 'A', name: '地面', storey: 0, capacity },
      );
    }
    const name =
      kind === 'underground'
        ? poi.name.replace('停车场', '地下停车库')
        : kind === 'multiStorey'
          ? poi.name.replace('停车场', '停车楼')
          : kind === 'underBridge'
            ? poi.name.replace('停车场', '桥下停车场')
            : poi.name;
    // Garages of malls and offices close at night; lots by schools close in the evening; others never.
    const openingHours =
      (pattern === 'mall' || pattern === 'office') && kind !== 'surfaceLot'
        ? hours('07:00', '23:00')
        : pattern === 'school' && kind === 'surfaceLot'
          ? hours('06:30', '21:00')
          : undefined;
    const tariff: ParkingTariff = {
      freeMinutes: random.pick([15, 30]),
      firstHourYuan: random.pick([4, 5, 6, 8]),
      perHourAfterYuan: random.pick([2, 3, 4]),
      nightCapYuan: random.pick([10, 15, 20]),
      nightFrom: 19 * 60,
      nightTo: 7 * 60,
    };
    sites.push({
      ...base,
      name,
      kind,
      capacity: poi.capacity,
      levels,
      ...(openingHours ? { openingHours } : {}),
      tariff,
      occupancyDetectionType: 'balancing',
    });
  }
  return {
    type: 'FeatureCollection',
    name: 'nankai_parking',
    format: PARKING_SITES_FORMAT,
    version: PARKING_SITES_VERSION,
    source: 'synthetic',
    features: sites.map(({ lon, lat, ...properties }) => ({
      type: 'Feature',
      id: properties.id,
      properties: { ...properties, source: 'synthetic' },
      geometry: { type: 'Point', coordinates: [lon, lat] },
    })),
  };
}

/** Buildings by square cell (their footprint centroid and area), for the neighbourhood look-ups. */
class BuildingGrid {
  private readonly cells = new Map<string, { building: GeneratedBuilding; x: number; y: number; area: number }[]>();

  constructor(
    buildings: readonly GeneratedBuilding[],
    private readonly size: number,
  ) {
    for (const building of buildings) {
      const ring = building.rings[0]!;
      const [x, y] = ringCentroid(ring);
      let twice = 0;
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) twice += ring[j]![0] * ring[i]![1] - ring[i]![0] * ring[j]![1];
      const key = `${Math.floor(x / size)},${Math.floor(y / size)}`;
      const cell = this.cells.get(key) ?? [];
      cell.push({ building, x, y, area: Math.abs(twice) / 2 });
      this.cells.set(key, cell);
    }
  }

  /** The buildings in the 3 × 3 cells around (x, y): every one within `size`, and some beyond. */
  near(x: number, y: number): { building: GeneratedBuilding; x: number; y: number; area: number }[] {
    const cx = Math.floor(x / this.size);
    const cy = Math.floor(y / this.size);
    const out: { building: GeneratedBuilding; x: number; y: number; area: number }[] = [];
    for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) out.push(...(this.cells.get(`${cx + dx},${cy + dy}`) ?? []));
    return out;
  }
}

/** The file's text: one feature per line (readable diffs), the collection's header first. */
export function parkingCollectionText(collection: ParkingSitesCollection): string {
  const { features, ...header } = collection;
  return `${JSON.stringify(header).slice(0, -1)},"features":[\n${features.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`;
}
