import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { createLiveBroker, type LiveBroker, type PayloadForReader, type PublisherCredentials } from './createLiveBroker.js';
import { DEFAULT_HISTORY_SETTINGS, type HistorySettings } from '../history/historySettingsFromEnv.js';
import { SqlObservationHistory } from '../history/SqlObservationHistory.js';
import { createHistoryApi, type IncidentMarksForRole } from '../history/createHistoryApi.js';
import type { Store } from '../store/Store.js';
import { DuckDbConnection } from '../store/DuckDbConnection.js';
import type { SqlConnection } from '../store/SqlConnection.js';
import { LiveObservations, type Observation } from './LiveObservations.js';
import { type CatalogEntry, loadSensorCatalog } from './SensorCatalog.js';
import { SensorAccess } from './SensorAccess.js';
import type { Authenticator } from '../auth/Authenticator.js';
import { DataReadAudit } from '../auth/DataReadAudit.js';
import { createSensorThingsApi } from './sensorThingsApi.js';
import { type Simulator, type SimulatorOptions, startSimulator } from './startSimulator.js';
import { ParkingDatastreams } from '../../workers/parking/parkingLiveState.js';
import { createParkingApi } from '../parking/createParkingApi.js';
import { loadParkingSites, PARKING_SITES_FILE } from '../parking/loadParkingSites.js';
import { type ParkingService, startParkingService } from '../parking/startParkingService.js';
import { type ParkingSimulator, startParkingSimulator } from '../parking/startParkingSimulator.js';

export interface LiveBackboneOptions {
  http: Server;
  generatedDir: string;
  /** TCP port for devices (0: any free port). */
  mqttPort: number;
  mqttHost?: string;
  publisher?: PublisherCredentials;
  sensors?: number;
  /** One silence limit for every sensor (s) instead of three report periods (at least a minute). */
  staleAfterSeconds?: number;
  /** How far ahead of its arrival a reading may be dated (s; default 300): later ones are refused and counted. */
  futureToleranceSeconds?: number;
  simulator?: false | Omit<SimulatorOptions, 'brokerUrl' | 'credentials' | 'catalog'>;
  /** The deployment's store (incidents' database) that keeps the sensor history; without one, a history in memory for this run. */
  database?: SqlConnection;
  /** Retention, chunks and queue of the history (default DEFAULT_HISTORY_SETTINGS; the server reads historySettingsFromEnv). */
  history?: HistorySettings;
  /** Incident marks for the history API's timeline, per data role (IncidentAccess.marksFor); none when absent. */
  incidents?: IncidentMarksForRole;
  /** Each subscriber's copy of the server's incident and follow messages (IncidentAccess.payloadFor); without it, sent as published. */
  payloadFor?: PayloadForReader;
  /**
   * Parking (server/parking/): the sites file (default the seeds' nankai-parking.geojson in
   * `generatedDir`) and whether the parking counters are simulated (default: with the sensors'
   * simulator); false: no parking at all.
   */
  parking?: false | { sitesFile?: string; simulator?: false | { silentShare?: number } };
  /**
   * Verifies viewers' bearer tokens (HTTP and the broker's CONNECT): each reads with its
   * account's data role. Without it every viewer reads as `public` (no sensor on a pipe asset).
   */
  auth?: Authenticator;
  /** Where reads of controlled sensor data are audit-logged (`data.read`); none: not recorded. */
  audit?: Pick<Store, 'appendAudit'>;
}

export interface LiveBackbone {
  catalog: readonly CatalogEntry[];
  /** Which data roles read which sensors (from the catalogue's pipe categories). */
  access: SensorAccess;
  /** Latest value and alarm state per datastream (live reads); each accepted observation also goes to `history`. */
  store: LiveObservations;
  history: SqlObservationHistory;
  /** The current broker (replaced by `restartBroker`). */
  readonly broker: LiveBroker;
  /** Closes the broker (every client is cut off) and starts a new one on the same ports and store. */
  restartBroker(): Promise<void>;
  simulator: Simulator | undefined;
  /** Parking counts, live feed, API and forecasts; its datastreams follow the catalogue's ids. */
  parking: ParkingService;
  parkingSimulator: ParkingSimulator | undefined;
  publisher: PublisherCredentials;
  /** Calls `listener` with each observation the broker accepts (the rules runner); returns the unsubscribe. */
  onObservation(listener: (observation: Observation, receivedMs: number) => void): () => void;
  /** The HTTP handler for /v1.1/…, /api/live/… and /api/history/…; false when the path is not its own. */
  api: (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The live backbone on one machine: sensor catalogue from the seeds, observation store,
 * embedded broker (TCP + WebSocket at /mqtt on `http`), SensorThings HTTP API and the
 * simulator. A city deployment points the viewer and the devices at an external broker and
 * SensorThings server instead (README "Live data").
 */
export async function startLiveBackbone(options: LiveBackboneOptions): Promise<LiveBackbone> {
  const catalog = loadSensorCatalog(join(options.generatedDir, 'nankai-sensor-sites.geojson'), options.sensors);
  const access = new SensorAccess(catalog);
  const audit = options.audit ? new DataReadAudit(options.audit) : undefined;
  const ownDatabase = options.database ? undefined : await DuckDbConnection.open(':memory:');
  const history = await SqlObservationHistory.open((options.database ?? ownDatabase)!, options.history ?? DEFAULT_HISTORY_SETTINGS);
  // Parking levels are datastreams too, numbered after the sensors: stored and replayable like
  // them, with no thresholds (no alarms); the sensors' layer knows only the catalogue's ids.
  const parkingOptions = options.parking === false ? undefined : (options.parking ?? {});
  const parkingSites = parkingOptions ? loadParkingSites(parkingOptions.sitesFile ?? join(options.generatedDir, PARKING_SITES_FILE)) : [];
  const parkingStreams = new ParkingDatastreams(parkingSites, catalog.length + 1);
  const store = new LiveObservations(catalog.length + parkingStreams.count, (datastream) => catalog[datastream - 1]?.type.thresholds, history);
  const publisher = options.publisher ?? { username: 'simulator', password: randomBytes(18).toString('base64url') };
  const observationListeners = new Set<(observation: Observation, receivedMs: number) => void>();
  const brokerOptions = {
    http: options.http,
    tcpHost: options.mqttHost,
    publisher,
    store,
    access,
    ...(options.auth ? { auth: options.auth } : {}),
    ...(options.payloadFor ? { payloadFor: options.payloadFor } : {}),
    onObservation: (observation: Observation, receivedMs: number) => {
      for (const listener of observationListeners) listener(observation, receivedMs);
    },
    ...(options.futureToleranceSeconds !== undefined ? { futureToleranceMs: options.futureToleranceSeconds * 1000 } : {}),
  };
  let broker = await createLiveBroker({ ...brokerOptions, tcpPort: options.mqttPort });
  const sensorThings = createSensorThingsApi(
    catalog,
    store,
    () => ({ ...broker.counters, sensors: catalog.length, history: { ...history.counters(), expired: history.expired } }),
    {
      history,
      access,
      ...(options.auth ? { auth: options.auth } : {}),
      ...(audit ? { audit } : {}),
      ...(options.staleAfterSeconds ? { staleAfterSeconds: options.staleAfterSeconds } : {}),
    },
  );
  const historyApi = createHistoryApi({
    history,
    catalog,
    access,
    ...(options.auth ? { auth: options.auth } : {}),
    ...(audit ? { audit } : {}),
    ...(options.incidents ? { incidents: options.incidents } : {}),
    ...(options.staleAfterSeconds ? { staleAfterSeconds: options.staleAfterSeconds } : {}),
  });
  const parking = startParkingService({
    sites: parkingSites,
    streams: parkingStreams,
    history,
    publish: (topic, payload) => broker.broker.publish({ cmd: 'publish', topic, payload, qos: 1, retain: false, dup: false }, () => undefined),
    // The demo's counts come from the simulator's model: a week of it stands in until the store holds a week.
    standIn: options.simulator === false ? 'persistence' : 'simulated',
  });
  observationListeners.add(parking.observe);
  const parkingApi = createParkingApi({ service: parking, history });
  const api = async (request: IncomingMessage, response: ServerResponse): Promise<boolean> =>
    (await historyApi(request, response)) || (await parkingApi(request, response)) || sensorThings(request, response);
  const simulator =
    options.simulator === false
      ? undefined
      : await startSimulator({ ...options.simulator, brokerUrl: `mqtt://127.0.0.1:${broker.tcpPort()}`, credentials: publisher, catalog });
  const parkingSimulator =
    options.simulator === false || !parkingOptions || parkingOptions.simulator === false || parkingStreams.count === 0
      ? undefined
      : await startParkingSimulator({
          ...parkingOptions.simulator,
          brokerUrl: `mqtt://127.0.0.1:${broker.tcpPort()}`,
          credentials: publisher,
          streams: parkingStreams,
        });
  return {
    catalog,
    access,
    store,
    history,
    get broker() {
      return broker;
    },
    restartBroker: async () => {
      const port = broker.tcpPort();
      await broker.close();
      broker = await createLiveBroker({ ...brokerOptions, tcpPort: port });
    },
    simulator,
    parking,
    parkingSimulator,
    publisher,
    onObservation: (listener) => {
      observationListeners.add(listener);
      return () => observationListeners.delete(listener);
    },
    api,
    close: async () => {
      await simulator?.stop();
      await parkingSimulator?.stop();
      parking.close();
      await broker.close();
      await history.close();
      await ownDatabase?.close();
    },
  };
}
