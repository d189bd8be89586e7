import mqtt, { type MqttClient } from 'mqtt';
import { observationsTopic } from '../../workers/live/sensorTypes.js';
import type { PublisherCredentials } from './createLiveBroker.js';
import type { CatalogEntry } from './SensorCatalog.js';
import { gaussian, normalReading } from './sensorReading.js';

export interface SimulatorOptions {
  brokerUrl: string;
  credentials: PublisherCredentials;
  catalog: readonly CatalogEntry[];
  /** Observations per second in total; default: each sensor at its own period. */
  rate?: number;
  /** Share of sensors that go silent (dropouts), deterministic. */
  silentShare?: number;
  /** Scripted anomalies, seconds after start (null: none). */
  burstAfterSeconds?: number | null;
  rainAfterSeconds?: number | null;
  random?: () => number;
}

export interface Simulator {
  /** Publishes one reading now (tests, demos: "inject an alarm"). */
  inject(datastream: number, result: number, timeMs?: number): Promise<void>;
  published(): number;
  /** The sensors that never report (dropouts). */
  readonly silent: ReadonlySet<number>;
  stop(): Promise<void>;
}

const TICK_MS = 100;
const METRES_PER_DEGREE = 111_000;

/**
 * The demo's sensor feed: every sensor reports at its period (or the total `rate`), with a
 * daily pattern and noise; some sensors fall silent; a water-main burst makes pressure drop
 * outwards from a network node, and a rain event raises road waterlogging and well levels.
 * Publishes SensorThings observations at QoS 1 with the publisher's credentials.
 */
export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const random = options.random ?? Math.random;
  const client: MqttClient = await mqtt.connectAsync(options.brokerUrl, {
    username: options.credentials.username,
    password: options.credentials.password,
    clientId: `cim-twin-simulator-${process.pid}`,
    reconnectPeriod: 1000,
  });
  const catalog = options.catalog;
  const silent = new Set<number>();
  const silentShare = options.silentShare ?? 0.005;
  for (let i = 0; i < catalog.length; i++) if (((i * 2654435761) >>> 0) % 1000 < silentShare * 1000) silent.add(catalog[i]!.id);
  const naturalRate = catalog.reduce((sum, e) => sum + 1 / e.type.periodSeconds, 0);
  const rate = options.rate ?? naturalRate;
  const started = Date.now();
  const burstSource = catalog.find((e) => e.type.id === 'network_pressure');
  let cursor = 0;
  let carry = 0;
  let published = 0;

  const reading = (entry: CatalogEntry, now: number): number => {
    let value = normalReading(entry.type, now, gaussian(random));
    const seconds = (now - started) / 1000;
    const burstAt = options.burstAfterSeconds === undefined ? 90 : options.burstAfterSeconds;
    if (burstAt !== null && burstSource && seconds > burstAt && (entry.type.id === 'network_pressure' || entry.type.id === 'hydrant_pressure')) {
      // The pressure wave spreads ~10 m/s from the burst; the drop fades over 1.5 km.
      const distance = Math.hypot(
        (entry.lon - burstSource.lon) * METRES_PER_DEGREE * Math.cos((entry.lat * Math.PI) / 180),
        (entry.lat - burstSource.lat) * METRES_PER_DEGREE,
      );
      if (distance < (seconds - burstAt) * 10) value = Math.max(0, value - 0.25 * Math.max(0, 1 - distance / 1500));
    }
    const rainAt = options.rainAfterSeconds === undefined ? 180 : options.rainAfterSeconds;
    if (rainAt !== null && seconds > rainAt) {
      const rise = Math.min(1, (seconds - rainAt) / 600); // builds up over 10 minutes
      if (entry.type.id === 'waterlogging') value += 35 * rise * (0.5 + ((entry.id * 7919) % 100) / 100);
      if (entry.type.id === 'well_water_level') value += 2 * rise;
    }
    return Math.round(value * 1000) / 1000;
  };

  const publish = (datastream: number, result: number, timeMs: number): Promise<void> =>
    client
      .publishAsync(observationsTopic(datastream), JSON.stringify({ phenomenonTime: new Date(timeMs).toISOString(), result }), { qos: 1 })
      .then(() => void published++);

  const timer = setInterval(() => {
    carry += (rate * TICK_MS) / 1000;
    const now = Date.now();
    for (; carry >= 1; carry--) {
      const entry = catalog[cursor++ % catalog.length]!;
      if (silent.has(entry.id)) continue;
      publish(entry.id, reading(entry, now), now).catch(() => undefined); // QoS 1: mqtt.js resends after a reconnect
    }
  }, TICK_MS);

  return {
    inject: (datastream, result, timeMs = Date.now()) => publish(datastream, result, timeMs),
    published: () => published,
    silent,
    stop: async () => {
      clearInterval(timer);
      await client.endAsync();
    },
  };
}
