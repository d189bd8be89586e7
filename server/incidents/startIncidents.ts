import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import type { Aedes } from 'aedes';
import { OPEN_INCIDENT_STATES, type StateDeadlines } from '../../workers/formats/incident.js';
import { accountsFromEnv, type DemoPassword } from '../auth/accountsFromEnv.js';
import { Authenticator } from '../auth/Authenticator.js';
import { StartupError } from '../StartupError.js';
import { openStore, type StoreLocation, storeLocationFromEnv } from '../store/openStore.js';
import type { SqlConnection } from '../store/SqlConnection.js';
import type { SqlStore } from '../store/SqlStore.js';
import type { Store } from '../store/Store.js';
import { StoreError } from '../store/StoreError.js';
import { DEMO_TILESETS, demoPaths } from '../prepareDemo.js';
import { viewerConfigFromEnv } from '../viewerConfig.js';
import type { IncidentMarksForRole } from '../history/createHistoryApi.js';
import { createIncidentsApi, type SensorLookup } from './createIncidentsApi.js';
import { type FollowLayers, IncidentAccess, type IncidentSensors } from './IncidentAccess.js';
import { DEFAULT_DEADLINES, IncidentService } from './IncidentService.js';

export interface Incidents {
  store: Store;
  /** The store's database connection: the sensor history lives in the same database. */
  database: SqlConnection;
  service: IncidentService;
  auth: Authenticator;
  /** What each data role reads of incidents, follow sessions and the timeline's marks (the broker's `payloadFor`, the history API's marks). */
  access: IncidentAccess;
  /** The history API's timeline marks, per data role. */
  timelineMarks: IncidentMarksForRole;
  /** The HTTP handler for /api/incidents…, /api/auth/…, /api/audit; false for other paths. */
  api: (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;
  /** Demo accounts' passwords (generated ones are printed at start). */
  demoPasswords: DemoPassword[];
  /** The default store file that was in use (another demo on this checkout), when this run moved to `fallbackStoreName`. */
  storeMovedFrom?: string;
  close(): Promise<void>;
}

/**
 * Incidents on a server: the store (CIM_DATABASE_URL or CIM_STORE_PATH), the accounts and
 * sign-in, the service and its HTTP API. `broker` and `sensors` are read at each use: the live
 * backbone starts after the HTTP server, and may be off (then nothing is pushed and drafts
 * from alarms are unavailable).
 */
export async function startIncidents(options: {
  env: Record<string, string | undefined>;
  root: string;
  /** Overrides the environment's choice (tests: a temp file or a test PostgreSQL). */
  storeLocation?: StoreLocation;
  broker?: () => Aedes | undefined;
  sensors?: SensorLookup;
  /** The live catalogue and who reads which sensor (an incident's sensors are filtered by it); read at each use. */
  liveSensors?: IncidentSensors;
  /**
   * When the default store file (no CIM_STORE_PATH or CIM_DATABASE_URL) is held by another
   * process — a second demo in the same checkout — this run keeps its incidents in this file
   * beside it instead (as the MQTT port moves); a store the operator chose is a contract: stop.
   */
  fallbackStoreName?: string;
  log?: (line: string) => void;
}): Promise<Incidents> {
  const { env } = options;
  const deadlines = deadlinesFromEnv(env['CIM_INCIDENT_DEADLINES']);
  const { accounts, demoPasswords } = await accountsFromEnv(env);
  const auth = await Authenticator.create({ accounts, secret: env['CIM_AUTH_SECRET'], ...(options.log ? { log: options.log } : {}) });
  const location = options.storeLocation ?? storeLocationFromEnv(env, options.root);
  const chosen = options.storeLocation !== undefined || env['CIM_STORE_PATH'] !== undefined || env['CIM_DATABASE_URL'] !== undefined;
  let store: SqlStore;
  let storeMovedFrom: string | undefined;
  try {
    try {
      store = await openStore(location);
    } catch (error) {
      if (!(error instanceof StoreError && error.inUse && !chosen && options.fallbackStoreName && location.engine === 'duckdb')) throw error;
      store = await openStore({ ...location, path: join(dirname(location.path), options.fallbackStoreName) });
      storeMovedFrom = location.path;
    }
  } catch (error) {
    auth.close();
    throw error instanceof StoreError ? new StartupError(error.message) : error;
  }
  const tilesDir = demoPaths(options.root).tilesDir;
  const access = new IncidentAccess({
    networkFiles: DEMO_TILESETS.filter((t) => t.args[0] === 'pipes').map((t) => join(tilesDir, t.name, 'network.json')),
    sensors: options.liveSensors ?? (() => undefined),
    followLayers: followLayersOf(env),
  });
  // The network's categories are loaded before a message goes out (the broker filters each delivery
  // synchronously), in the order the changes were made.
  let publishing = Promise.resolve();
  const service = new IncidentService(store, {
    sender: env['CIM_INCIDENT_SENDER'] ?? 'cim-twin.demo',
    deadlines,
    publish: (topic, payload, retain) => {
      publishing = publishing
        .then(() => access.ready())
        .then(() => options.broker?.()?.publish({ cmd: 'publish', topic, payload, qos: 1, retain, dup: false }, () => undefined))
        .catch((error: unknown) => options.log?.(`incident ${topic}: not published: ${String(error)}`));
    },
    onChange: (incident) => access.remember(incident),
  });
  return {
    store,
    database: store.connection,
    service,
    auth,
    access,
    timelineMarks: async (from, to, limit, role) => access.marksFor(await store.incidentMarks(from, to, limit), role, (id) => store.getIncident(id)),
    api: createIncidentsApi({ service, auth, store, access, sensors: options.sensors }),
    demoPasswords,
    ...(storeMovedFrom !== undefined ? { storeMovedFrom } : {}),
    close: async () => {
      auth.close();
      await store.close();
    },
  };
}

/** The layer ids a follow session's features name: the pipe layers and their parts, the sensors, the incidents (the viewer config's). */
function followLayersOf(env: Record<string, string | undefined>): FollowLayers {
  const { layers } = viewerConfigFromEnv(env).config;
  const pipeLayers = new Set(layers.flatMap((layer) => (layer.kind === 'tileset' && layer.network !== undefined ? [layer.id] : [])));
  for (const layer of layers) if (layer.kind === 'tilesetPart' && pipeLayers.has(layer.of)) pipeLayers.add(layer.id);
  return {
    pipes: pipeLayers,
    sensors: layers.find((layer) => layer.kind === 'sensors')?.id ?? 'sensors',
    incidents: layers.find((layer) => layer.kind === 'incidents')?.id ?? 'incidents',
  };
}

/** `CIM_INCIDENT_DEADLINES=reported=10,verified=20,responding=240,contained=1440` (minutes; 0 = none). */
export function deadlinesFromEnv(text: string | undefined): StateDeadlines {
  if (text === undefined || text.trim() === '') return DEFAULT_DEADLINES;
  const deadlines: StateDeadlines = {};
  for (const part of text.split(',')) {
    const [state, minutes] = part.split('=').map((s) => s.trim());
    const value = Number(minutes);
    if (!(OPEN_INCIDENT_STATES as readonly string[]).includes(state ?? '') || !Number.isFinite(value) || value < 0)
      throw new StartupError(`CIM_INCIDENT_DEADLINES: "${part}" should be <state>=<minutes> with a state among ${OPEN_INCIDENT_STATES.join(', ')}`);
    if (value > 0) deadlines[state as keyof StateDeadlines] = value;
  }
  return deadlines;
}
