import type { ParkingPattern, ParkingSite } from '../formats/parking.js';
import { isOpenAt, localDayNumber, localMinuteOfDay, localWeekday } from './localTime.js';

/**
 * The occupancy of a parking site at a time: deterministic for (model seed, site id, t), so the
 * simulator (next: the live feed) and the backtest (bench:parking) see the same realistic,
 * varied days without storing them. Occupied share =
 *
 *   the pattern's daily shape for that weekday (5-minute table, linear between samples)
 *   × the day's level (each day busier or quieter, ±10 %: persists for hours — what a
 *     forecast's recent-deviation correction can learn and the profile cannot)
 *   + slow noise (knots every 90 min) + fast noise (knots every 15 min) + a 5-minute jitter
 *   + events: the stadium's event evenings (more likely on Fri–Sun), and for any site a rare
 *     local event (a market, a wedding) that fills it for three hours
 *
 * clamped to [0, 1], emptying outside the site's opening hours; × capacity, rounded.
 */
export interface OccupancySite {
  id: string;
  capacity: number;
  pattern: ParkingPattern;
  openingHours?: ParkingSite['openingHours'];
}

const STEPS_PER_DAY = 288;
const FIVE_MINUTES = 5 * 60_000;

/** [hour, share] keypoints of a pattern's day: weekdays, Saturday, Sunday (Sunday as Saturday when absent). */
type Keypoints = readonly (readonly [number, number])[];
const SHAPES: Record<Exclude<ParkingPattern, 'mixed'>, { weekday: Keypoints; saturday: Keypoints; sunday?: Keypoints }> = {
  residential: {
    weekday: [
      [0, 0.93],
      [6.5, 0.92],
      [8.5, 0.55],
      [12, 0.45],
      [16, 0.5],
      [18.5, 0.78],
      [21, 0.92],
      [24, 0.93],
    ],
    saturday: [
      [0, 0.93],
      [8, 0.9],
      [10.5, 0.68],
      [15, 0.62],
      [19, 0.82],
      [21.5, 0.92],
      [24, 0.93],
    ],
  },
  office: {
    weekday: [
      [0, 0.08],
      [7, 0.1],
      [8.5, 0.75],
      [9.5, 0.93],
      [12, 0.86],
      [13.5, 0.92],
      [17, 0.85],
      [18.5, 0.4],
      [20, 0.18],
      [24, 0.08],
    ],
    saturday: [
      [0, 0.06],
      [9, 0.1],
      [11, 0.22],
      [16, 0.2],
      [19, 0.08],
      [24, 0.06],
    ],
    sunday: [
      [0, 0.06],
      [10, 0.08],
      [15, 0.12],
      [19, 0.06],
      [24, 0.06],
    ],
  },
  mall: {
    weekday: [
      [0, 0.05],
      [9.5, 0.08],
      [11, 0.35],
      [12.5, 0.55],
      [15, 0.5],
      [18, 0.62],
      [19.5, 0.72],
      [21, 0.45],
      [22.5, 0.12],
      [24, 0.05],
    ],
    saturday: [
      [0, 0.06],
      [9.5, 0.1],
      [11, 0.6],
      [13, 0.9],
      [16, 0.97],
      [19, 0.92],
      [21, 0.6],
      [22.5, 0.15],
      [24, 0.06],
    ],
  },
  hospital: {
    weekday: [
      [0, 0.55],
      [6.5, 0.62],
      [8, 0.95],
      [11, 0.99],
      [14, 0.96],
      [17, 0.85],
      [19, 0.68],
      [24, 0.55],
    ],
    saturday: [
      [0, 0.55],
      [7, 0.6],
      [9, 0.82],
      [12, 0.86],
      [16, 0.8],
      [19, 0.65],
      [24, 0.55],
    ],
  },
  school: {
    weekday: [
      [0, 0.1],
      [6.8, 0.12],
      [7.3, 0.75],
      [7.8, 0.85],
      [8.3, 0.4],
      [12, 0.35],
      [15.8, 0.45],
      [16.5, 0.98],
      [17.3, 0.95],
      [18, 0.3],
      [20, 0.12],
      [24, 0.1],
    ],
    saturday: [
      [0, 0.08],
      [9, 0.15],
      [12, 0.2],
      [17, 0.12],
      [24, 0.08],
    ],
  },
  stadium: {
    weekday: [
      [0, 0.05],
      [8, 0.1],
      [10, 0.22],
      [17, 0.25],
      [20, 0.15],
      [24, 0.05],
    ],
    saturday: [
      [0, 0.05],
      [8, 0.12],
      [10, 0.35],
      [16, 0.38],
      [20, 0.2],
      [24, 0.05],
    ],
  },
};
/** An event evening at the stadium: the share added over its base (arrivals from 17:00, out by 23:30). */
const STADIUM_EVENT: Keypoints = [
  [0, 0],
  [17, 0],
  [18.5, 0.55],
  [19.3, 0.72],
  [22, 0.72],
  [23, 0.25],
  [23.5, 0],
  [24, 0],
];

function table(points: Keypoints): Float32Array {
  const out = new Float32Array(STEPS_PER_DAY + 1);
  let k = 0;
  for (let s = 0; s <= STEPS_PER_DAY; s++) {
    const hour = (s * 24) / STEPS_PER_DAY;
    while (k < points.length - 2 && points[k + 1]![0] <= hour) k++;
    const [h0, v0] = points[k]!;
    const [h1, v1] = points[k + 1]!;
    out[s] = v0 + ((v1 - v0) * (hour - h0)) / (h1 - h0);
  }
  return out;
}

/** Per pattern, 7 daily tables (Monday first), 289 samples each (the last is midnight again). */
const DAY_TABLES: Record<ParkingPattern, Float32Array[]> = (() => {
  const tables = {} as Record<ParkingPattern, Float32Array[]>;
  for (const [pattern, shape] of Object.entries(SHAPES) as [Exclude<ParkingPattern, 'mixed'>, (typeof SHAPES)['office']][]) {
    const weekday = table(shape.weekday);
    const saturday = table(shape.saturday);
    const sunday = shape.sunday ? table(shape.sunday) : saturday;
    tables[pattern] = [weekday, weekday, weekday, weekday, weekday, saturday, sunday];
  }
  tables.mixed = tables.residential.map((day, w) => day.map((v, s) => 0.5 * v + 0.25 * tables.office[w]![s]! + 0.25 * tables.mall[w]![s]!));
  return tables;
})();
const EVENT_TABLE = table(STADIUM_EVENT);

/** A 32-bit integer hash of three integers → [0, 1) (a splitmix-style finaliser). */
export function hash01(a: number, b: number, c: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35) ^ Math.imul(c ^ 0x165667b1, 0x27d4eb2f);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** A stable 32-bit key for a site id (FNV-1a). */
export function siteKey(id: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Smooth value noise in [−1, 1]: random knots every `knotMs`, cosine-interpolated. */
function valueNoise(key: number, channel: number, t: number, knotMs: number): number {
  const position = t / knotMs;
  const knot = Math.floor(position);
  const f = position - knot;
  const w = (1 - Math.cos(Math.PI * f)) / 2;
  const a = hash01(key, channel, knot) * 2 - 1;
  const b = hash01(key, channel, knot + 1) * 2 - 1;
  return a + (b - a) * w;
}

/** Whether the stadium has an event on the local day `day` (the same for every stadium site of a seed). */
export function stadiumEventOn(seed: number, day: number): boolean {
  const weekday = (((day + 3) % 7) + 7) % 7;
  return hash01(seed, 0x5eed, day) < (weekday >= 4 ? 0.5 : 0.15);
}

/** The share of the site occupied at t (0–1), before rounding to spaces. */
export function occupancyShareAt(site: OccupancySite, t: number, seed: number): number {
  const key = siteKey(site.id, seed);
  const minute = localMinuteOfDay(t);
  const day = localDayNumber(t);
  const position = minute / 5;
  const step = Math.floor(position);
  const f = position - step;
  const shape = DAY_TABLES[site.pattern][localWeekday(t)]!;
  let share = shape[step]! + (shape[step + 1]! - shape[step]!) * f;
  if (site.pattern === 'stadium' && stadiumEventOn(seed, day)) share += EVENT_TABLE[step]! + (EVENT_TABLE[step + 1]! - EVENT_TABLE[step]!) * f;
  // The day's level: some days are busier; centred on 1, ±10 %.
  share *= 0.9 + 0.2 * hash01(key, 1, day);
  share +=
    0.07 * valueNoise(key, 2, t, 90 * 60_000) + 0.03 * valueNoise(key, 3, t, 15 * 60_000) + 0.015 * (hash01(key, 4, Math.floor(t / FIVE_MINUTES)) * 2 - 1);
  // A rare local event: three hours starting at a drawn hour between 9:00 and 18:00.
  if (hash01(key, 5, day) < 0.04) {
    const start = 540 + Math.floor(hash01(key, 6, day) * 540);
    if (minute >= start && minute < start + 180) share += 0.3 * Math.min(1, (minute - start) / 30);
  }
  if (!isOpenAt(site.openingHours, t)) share = Math.min(share, 0.05);
  return share < 0 ? 0 : share > 1 ? 1 : share;
}

/** Occupied spaces of the site at t. */
export function occupiedAt(site: OccupancySite, t: number, seed: number): number {
  return Math.round(site.capacity * occupancyShareAt(site, t, seed));
}

/**
 * Occupied spaces at `from + k × stepMs` for k = 0 … count − 1, as a column (the history the
 * store would hold for a site read at that step).
 */
export function simulateOccupancy(site: OccupancySite, from: number, stepMs: number, count: number, seed: number): Int32Array {
  const out = new Int32Array(count);
  for (let k = 0; k < count; k++) out[k] = occupiedAt(site, from + k * stepMs, seed);
  return out;
}

/**
 * How a site's occupied spaces spread over its levels: drivers take the nearest level first
 * (B1 before B2, the ground before the roof), so levels fill in order to 95 % and the next takes
 * the overflow; the last level takes whatever remains.
 */
export function levelOccupancy(levels: readonly { capacity: number }[], occupied: number): Int32Array {
  const out = new Int32Array(levels.length);
  let left = occupied;
  levels.forEach((level, i) => {
    const take = i === levels.length - 1 ? Math.min(level.capacity, left) : Math.min(Math.floor(level.capacity * 0.95), left);
    out[i] = take;
    left -= take;
  });
  // The 5 % kept free on each level goes to the overflow when the last level is full.
  for (let i = 0; i < levels.length && left > 0; i++) {
    const room = levels[i]!.capacity - out[i]!;
    const take = Math.min(room, left);
    out[i]! += take;
    left -= take;
  }
  return out;
}
