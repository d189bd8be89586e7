import type { CatalogEntry } from './SensorCatalog.js';
import { gaussian, normalReading } from './sensorReading.js';

/** A sensor's readings set aside from the model for a while: a fault, a hydrant in use… */
export interface Disturbance {
  datastream: number;
  fromMs: number;
  toMs: number;
  /** The reading while it lasts. */
  value: number;
  why: string;
}

export interface FeedScenario {
  /** When the scripted water-main burst starts, seconds after the start (default 90; null: none). */
  burstAfterSeconds?: number | null;
  /** When the scripted rain starts (default 180; null: none). */
  rainAfterSeconds?: number | null;
  /** Share of sensors that never report (dropouts), deterministic; default 0.5 %. */
  silentShare?: number;
  disturbances?: readonly Disturbance[];
}

/** The simulator's model of the district's sensors, apart from any socket: a reading for any sensor at any time. */
export interface SimulatedFeed {
  reading(entry: CatalogEntry, timeMs: number): number;
  /** Where the scripted burst starts (the first network pressure sensor). */
  readonly burstSource: CatalogEntry | undefined;
  /** Datastreams that never report. */
  readonly silent: ReadonlySet<number>;
}

const METRES_PER_DEGREE = 111_000;

/**
 * Every sensor reads its type's daily pattern plus noise; a water-main burst makes pressure
 * drop outwards from a network node, and a rain event raises road waterlogging and well
 * levels; disturbances override single sensors for a while. Times are ms; the scenario's
 * seconds count from `startedMs`.
 */
export function simulatedFeed(catalog: readonly CatalogEntry[], startedMs: number, scenario: FeedScenario, random: () => number): SimulatedFeed {
  const silent = new Set<number>();
  const silentShare = scenario.silentShare ?? 0.005;
  for (let i = 0; i < catalog.length; i++) if (((i * 2654435761) >>> 0) % 1000 < silentShare * 1000) silent.add(catalog[i]!.id);
  const burstSource = catalog.find((e) => e.type.id === 'network_pressure');
  const burstAt = scenario.burstAfterSeconds === undefined ? 90 : scenario.burstAfterSeconds;
  const rainAt = scenario.rainAfterSeconds === undefined ? 180 : scenario.rainAfterSeconds;
  const disturbances = new Map<number, Disturbance[]>();
  for (const d of scenario.disturbances ?? []) disturbances.set(d.datastream, [...(disturbances.get(d.datastream) ?? []), d]);

  const reading = (entry: CatalogEntry, now: number): number => {
    let value = normalReading(entry.type, now, gaussian(random));
    const seconds = (now - startedMs) / 1000;
    if (burstAt !== null && burstSource && seconds > burstAt && (entry.type.id === 'network_pressure' || entry.type.id === 'hydrant_pressure')) {
      // The pressure wave spreads ~10 m/s from the burst; the drop fades over 1.5 km.
      const distance = Math.hypot(
        (entry.lon - burstSource.lon) * METRES_PER_DEGREE * Math.cos((entry.lat * Math.PI) / 180),
        (entry.lat - burstSource.lat) * METRES_PER_DEGREE,
      );
      if (distance < (seconds - burstAt) * 10) value = Math.max(0, value - 0.25 * Math.max(0, 1 - distance / 1500));
    }
    if (rainAt !== null && seconds > rainAt) {
      const rise = Math.min(1, (seconds - rainAt) / 600); // builds up over 10 minutes
      if (entry.type.id === 'waterlogging') value += 35 * rise * (0.5 + ((entry.id * 7919) % 100) / 100);
      if (entry.type.id === 'well_water_level') value += 2 * rise;
    }
    for (const d of disturbances.get(entry.id) ?? []) if (now >= d.fromMs && now < d.toMs) value = d.value;
    return Math.round(value * 1000) / 1000;
  };
  return { reading, burstSource, silent };
}

/**
 * The feed without sockets, time-accelerated: every sensor that is not silent reports at its
 * type's period (each at its own phase) from `fromMs` to `toMs`, in time order.
 */
export function replayFeed(
  catalog: readonly CatalogEntry[],
  feed: SimulatedFeed,
  fromMs: number,
  toMs: number,
  onReading: (entry: CatalogEntry, value: number, timeMs: number) => void,
): number {
  // Sensors by period and phase (whole seconds): at second t, those with t % period === phase report.
  const byPeriod = new Map<number, CatalogEntry[][]>();
  for (const entry of catalog) {
    if (feed.silent.has(entry.id)) continue;
    const period = Math.max(1, Math.round(entry.type.periodSeconds));
    let phases = byPeriod.get(period);
    if (!phases) byPeriod.set(period, (phases = Array.from({ length: period }, () => [])));
    phases[(entry.id * 7919) % period]!.push(entry);
  }
  let readings = 0;
  for (let t = Math.ceil(fromMs / 1000); t * 1000 < toMs; t++) {
    for (const [period, phases] of byPeriod)
      for (const entry of phases[t % period]!) {
        onReading(entry, feed.reading(entry, t * 1000), t * 1000);
        readings++;
      }
  }
  return readings;
}
