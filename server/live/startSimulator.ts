import mqtt, { type MqttClient } from 'mqtt';
import { observationsTopic } from '../../workers/live/sensorTypes.js';
import type { PublisherCredentials } from './createLiveBroker.js';
import type { CatalogEntry } from './SensorCatalog.js';
import { type FeedScenario, simulatedFeed } from './simulatedFeed.js';

/** The scenario (scripted burst and rain, dropouts, disturbances: see simulatedFeed) and where to publish. */
export interface SimulatorOptions extends FeedScenario {
  brokerUrl: string;
  credentials: PublisherCredentials;
  catalog: readonly CatalogEntry[];
  /** Observations per second in total; default: each sensor at its own period. */
  rate?: number;
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

/**
 * The demo's sensor feed: the sensors take turns at the total `rate` (default: the sum of
 * their types' report rates), reading the simulated feed's model (daily pattern and noise,
 * dropouts, the scripted burst and rain: simulatedFeed). Publishes SensorThings observations
 * at QoS 1 with the publisher's credentials.
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
  const feed = simulatedFeed(catalog, Date.now(), options, random);
  const silent = feed.silent;
  const naturalRate = catalog.reduce((sum, e) => sum + 1 / e.type.periodSeconds, 0);
  const rate = options.rate ?? naturalRate;
  let cursor = 0;
  let carry = 0;
  let published = 0;

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
      publish(entry.id, feed.reading(entry, now), now).catch(() => undefined); // QoS 1: mqtt.js resends after a reconnect
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
