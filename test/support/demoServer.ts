import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDemoServer, type DemoServerOptions } from '../../server/createDemoServer.js';
import { demoPaths, prepareDemo } from '../../server/prepareDemo.js';
import { type LiveBackbone, type LiveBackboneOptions, startLiveBackbone } from '../../server/live/startLiveBackbone.js';
import { liveSensorLookup } from '../../server/incidents/liveSensorLookup.js';
import { type Incidents, startIncidents } from '../../server/incidents/startIncidents.js';
import { createFollowApi } from '../../server/follow/createFollowApi.js';
import type { StoreLocation } from '../../server/store/openStore.js';
import { alarmSourceOf, createAlarmsApi } from '../../server/alarms/createAlarmsApi.js';

export interface IncidentsTestOptions {
  /** Where incidents are stored; default a DuckDB file in a temp folder removed at close. */
  storeLocation?: StoreLocation;
  /** Accounts, secret, deadlines (CIM_ACCOUNTS_FILE, CIM_OPERATOR_PASSWORD, CIM_AUTH_SECRET …). */
  env?: Record<string, string | undefined>;
}

/** Builds what the demo needs (as `npm start` does) and serves it on a free loopback port, with incidents and sign-in. */
export async function startDemoServer(
  options: {
    live?: Omit<LiveBackboneOptions, 'http' | 'generatedDir' | 'mqttPort'> | false;
    server?: Omit<DemoServerOptions, 'api'>;
    incidents?: IncidentsTestOptions;
  } = {},
): Promise<{ url: string; live: LiveBackbone | undefined; incidents: Incidents; close: () => Promise<void> }> {
  const root = join(import.meta.dirname, '../..');
  const paths = demoPaths(root);
  await prepareDemo(paths, () => undefined);
  let live: LiveBackbone | undefined;
  const tempStore = options.incidents?.storeLocation ? undefined : mkdtempSync(join(tmpdir(), 'cimtwin-store-'));
  const incidents = await startIncidents({
    env: options.incidents?.env ?? {},
    root,
    storeLocation: options.incidents?.storeLocation ?? { engine: 'duckdb', path: join(tempStore!, 'cimtwin.duckdb') },
    broker: () => live?.broker.broker,
    sensors: liveSensorLookup(() => live),
    log: () => undefined,
  });
  const follow = createFollowApi({ auth: incidents.auth, store: incidents.store, broker: () => live?.broker.broker });
  const alarms = createAlarmsApi({ auth: incidents.auth, store: incidents.store, live: () => live && alarmSourceOf(live) });
  const server = createDemoServer(paths, {
    ...options.server,
    api: async (request, response) =>
      (await incidents.api(request, response)) ||
      (await follow(request, response)) ||
      (await alarms(request, response)) ||
      (live?.api(request, response) ?? false),
    access: {
      auth: incidents.auth,
      appendAudit: (entry) => incidents.store.appendAudit(entry),
      demoSignIn: !options.incidents?.env?.['CIM_ACCOUNTS_FILE'],
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  if (options.live !== false)
    live = await startLiveBackbone({
      http: server,
      generatedDir: paths.groundDir,
      mqttPort: 0,
      database: incidents.database,
      incidents: incidents.store,
      ...options.live,
    });
  await incidents.service.publishOpen();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    live,
    incidents,
    close: async () => {
      await live?.close();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await incidents.close();
      if (tempStore) rmSync(tempStore, { recursive: true, force: true });
    },
  };
}
