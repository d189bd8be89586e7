import { Random } from '../../workers/random/Random.js';
import type { CatalogEntry } from './SensorCatalog.js';
import type { Disturbance } from './simulatedFeed.js';

const MINUTE = 60_000;
const METRES_PER_DEGREE = 111_000;

/**
 * What a normal day holds besides the daily pattern, for the simulator's "normal day": the
 * things that set single sensors off without any incident behind them, which the rules must
 * not mistake for one. Hydrants opened by the fire brigade or street cleaners (pressure at the
 * hydrant near zero for a quarter of an hour, sometimes two hydrants a street apart), pressure
 * loggers that fail (three at once, far apart, at 14:00), a puddle over one road sensor, a
 * blocked sewer raising one well, and methane spikes in wells that last one reading.
 * Deterministic for a seed; `dayStartMs` is the day's midnight.
 */
export function normalDayDisturbances(catalog: readonly CatalogEntry[], dayStartMs: number, seed = 20261130): Disturbance[] {
  const random = new Random(seed);
  const ofType = (...types: string[]): CatalogEntry[] => catalog.filter((e) => types.includes(e.type.id));
  const hydrants = ofType('hydrant_pressure');
  const pressure = ofType('network_pressure', 'hydrant_pressure');
  const at = (hour: number): number => dayStartMs + hour * 3_600_000;
  const out: Disturbance[] = [];
  const add = (entry: CatalogEntry | undefined, fromMs: number, minutes: number, value: number, why: string): void => {
    if (entry) out.push({ datastream: entry.id, fromMs, toMs: fromMs + minutes * MINUTE, value, why });
  };
  // Hydrants in use: single, through the working day.
  for (let k = 0; k < 8; k++) add(random.pick(hydrants), at(random.range(7, 20)), random.range(10, 25), 0.05, 'hydrant in use');
  // Two hydrants a street apart at once (a fire drill): two sensors, one cause, no burst.
  for (let k = 0; k < 2; k++) {
    const first = random.pick(hydrants);
    const second = hydrants.filter((h) => h !== first).sort((a, b) => metres(a, first) - metres(b, first))[0];
    const start = at(random.range(9, 17));
    add(first, start, 20, 0.06, 'fire drill');
    add(second, start + 2 * MINUTE, 18, 0.07, 'fire drill');
  }
  // Three pressure loggers failing at the same minute, each at least 3 km from the others.
  const failed: CatalogEntry[] = [];
  for (const candidate of shuffled(pressure, random)) {
    if (failed.every((f) => metres(f, candidate) > 3000)) failed.push(candidate);
    if (failed.length === 3) break;
  }
  for (const logger of failed) add(logger, at(14), 30, 0, 'logger fault');
  // Loggers stuck at zero for an hour, one at a time.
  for (let k = 0; k < 4; k++) add(random.pick(pressure), at(random.range(0, 23)), 60, 0, 'logger fault');
  // A puddle over one road sensor (a leaking hydrant), and a blocked sewer raising one well, far apart.
  const puddle = random.pick(ofType('waterlogging'));
  add(puddle, at(10.5), 40, 25, 'puddle');
  const wells = ofType('well_water_level');
  add(
    shuffled(
      wells.filter((w) => !puddle || metres(w, puddle) > 3000),
      random,
    )[0],
    at(16),
    120,
    2.5,
    'blocked sewer',
  );
  // Methane spikes that last one reading (a passing vehicle's exhaust, a sensor glitch).
  for (const well of Array.from({ length: 10 }, () => random.pick(ofType('gas_in_well'))))
    add(well, at(random.range(0, 23.5)), well.type.periodSeconds / 60, 30, 'spike');
  return out;
}

/** Fisher–Yates. */
function shuffled<T>(items: readonly T[], random: Random): T[] {
  const list = [...items];
  for (let i = list.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

function metres(a: CatalogEntry, b: CatalogEntry): number {
  return Math.hypot((a.lon - b.lon) * METRES_PER_DEGREE * Math.cos((a.lat * Math.PI) / 180), (a.lat - b.lat) * METRES_PER_DEGREE);
}
