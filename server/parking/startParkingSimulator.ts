import mqtt, { type MqttClient } from 'mqtt';
import { observationsTopic } from '../../workers/live/sensorTypes.js';
import type { ParkingDatastreams } from '../../workers/parking/parkingLiveState.js';
import { PARKING_MODEL_SEED, silentParkingSites, simulatedLevelFree } from '../../workers/parking/simulatedParking.js';
import type { PublisherCredentials } from '../live/createLiveBroker.js';

export interface ParkingSimulatorOptions {
  brokerUrl: string;
  credentials: PublisherCredentials;
  streams: ParkingDatastreams;
  seed?: number;
  /** Share of sites whose counters are out of order (default 1 %): one old count at start, then silence. */
  silentShare?: number;
  random?: () => number;
}

export interface ParkingSimulator {
  published(): number;
  /** Indexes of the silent sites. */
  readonly silent: ReadonlySet<number>;
  stop(): Promise<void>;
}

const TICK_MS = 250;
/** Every level is first heard within this long of start (then at its own period). */
const FIRST_ROUND_MS = 20_000;
/** Garages count at their gates: a floor's count every ~60 s; berth groups every 90–120 s. */
const GATE_PERIOD_MS = [50_000, 70_000] as const;
const BERTH_PERIOD_MS = [90_000, 120_000] as const;
/** A silent site's one count is this old at start: past the 30-minute outdated rule. */
const SILENT_AGE_MS = [35 * 60_000, 90 * 60_000] as const;

/**
 * The demo's parking counters: every level of every site publishes its free spaces from the
 * occupancy model (simulatedLevelFree: realistic days, a car or two of miscount), as a
 * SensorThings observation on its level's datastream, at QoS 1 with the publisher's
 * credentials — the way a gate controller or berth-detector gateway would. A few sites are
 * silent: their one count, published at start, is already outdated.
 */
export async function startParkingSimulator(options: ParkingSimulatorOptions): Promise<ParkingSimulator> {
  const random = options.random ?? Math.random;
  const seed = options.seed ?? PARKING_MODEL_SEED;
  const { streams } = options;
  const sites = streams.sites;
  const client: MqttClient = await mqtt.connectAsync(options.brokerUrl, {
    username: options.credentials.username,
    password: options.credentials.password,
    clientId: `cim-twin-parking-${process.pid}`,
    reconnectPeriod: 1000,
  });
  const silent = silentParkingSites(sites, seed, options.silentShare ?? 0.01);
  let published = 0;
  const publishSite = (site: number, time: number): void => {
    simulatedLevelFree(sites[site]!, time, seed, random).forEach((free, level) => {
      const payload = JSON.stringify({ phenomenonTime: new Date(time).toISOString(), result: free });
      client
        .publishAsync(observationsTopic(streams.datastream(site, level)), payload, { qos: 1 })
        .then(() => void published++)
        .catch(() => undefined); // QoS 1: mqtt.js resends after a reconnect
    });
  };
  const between = ([low, high]: readonly [number, number]): number => low + random() * (high - low);
  const start = Date.now();
  const due = Float64Array.from(sites, () => start + random() * FIRST_ROUND_MS);
  for (const site of silent) {
    publishSite(site, start - between(SILENT_AGE_MS));
    due[site] = Number.POSITIVE_INFINITY;
  }
  const timer = setInterval(() => {
    const now = Date.now();
    for (let site = 0; site < sites.length; site++) {
      if (due[site]! > now) continue;
      publishSite(site, now);
      due[site] = now + between(sites[site]!.occupancyDetectionType === 'balancing' ? GATE_PERIOD_MS : BERTH_PERIOD_MS);
    }
  }, TICK_MS);

  return {
    published: () => published,
    silent,
    stop: async () => {
      clearInterval(timer);
      await client.endAsync();
    },
  };
}
