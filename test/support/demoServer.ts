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
import { signTestToken, TEST_AUTH_SECRET, writeRoleAccountsFile } from '../../harness/roleTokens.js';
import type { Role } from '../../workers/formats/dataAccess.js';

export interface IncidentsTestOptions {
  /** Where incidents are stored; default a DuckDB file in a temp folder removed at close. */
  storeLocation?: StoreLocation;
  /**
   * Accounts, secret, deadlines (CIM_ACCOUNTS_FILE, CIM_OPERATOR_PASSWORD, CIM_AUTH_SECRET …).
   * Without CIM_ACCOUNTS_FILE: one account per role named after it (harness/roleTokens.ts),
   * operator and admin with CIM_OPERATOR_PASSWORD / CIM_ADMIN_PASSWORD when given; without
   * CIM_AUTH_SECRET: TEST_AUTH_SECRET, so `token(role)` signs tokens for those accounts.
   */
  env?: Record<string, string | undefined>;
}

/** Builds what the demo needs (as `npm start` does) and serves it on a free loopback port, with incidents and sign-in. */
export async function startDemoServer(
  options: {
    live?: Omit<LiveBackboneOptions, 'http' | 'generatedDir' | 'mqttPort'> | false;
    server?: Omit<DemoServerOptions, 'api'>;
    incidents?: IncidentsTestOptions;
  } = {},
): Promise<{
  url: string;
  live: LiveBackbone | undefined;
  incidents: Incidents;
  /** A token of the account named after `role` (with the default accounts and secret). */
  token: (role: Role, options?: { expiresInSeconds?: number }) => Promise<string>;
  close: () => Promise<void>;
}> {
  const root = join(import.meta.dirname, '../..');
  const paths = demoPaths(root);
  await prepareDemo(paths, () => undefined);
  let live: LiveBackbone | undefined;
  const tempStore = options.incidents?.storeLocation ? undefined : mkdtempSync(join(tmpdir(), 'cimtwin-store-'));
  const givenEnv = options.incidents?.env ?? {};
  const accountsDir = givenEnv['CIM_ACCOUNTS_FILE'] ? undefined : mkdtempSync(join(tmpdir(), 'cimtwin-accounts-'));
  const env = {
    CIM_AUTH_SECRET: TEST_AUTH_SECRET,
    ...givenEnv,
    ...(accountsDir
      ? {
          CIM_ACCOUNTS_FILE: await writeRoleAccountsFile(accountsDir, {
            ...(givenEnv['CIM_OPERATOR_PASSWORD'] ? { operator: givenEnv['CIM_OPERATOR_PASSWORD'] } : {}),
            ...(givenEnv['CIM_ADMIN_PASSWORD'] ? { admin: givenEnv['CIM_ADMIN_PASSWORD'] } : {}),
          }),
        }
      : {}),
  };
  const incidents = await startIncidents({
    env,
    root,
    storeLocation: options.incidents?.storeLocation ?? { engine: 'duckdb', path: join(tempStore!, 'cimtwin.duckdb') },
    broker: () => live?.broker.broker,
    sensors: liveSensorLookup(() => live),
    liveSensors: () => live && { access: live.access, catalog: live.catalog },
    log: () => undefined,
  });
  const follow = createFollowApi({ auth: incidents.auth, store: incidents.store, broker: () => live?.broker.broker, access: incidents.access });
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
      incidents: incidents.timelineMarks,
      payloadFor: incidents.access.payloadFor,
      auth: incidents.auth,
      audit: incidents.store,
      ...options.live,
    });
  await incidents.service.publishOpen();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    live,
    incidents,
    token: (role, tokenOptions = {}) => signTestToken(role, { ...tokenOptions, ...(env.CIM_AUTH_SECRET ? { secret: env.CIM_AUTH_SECRET } : {}) }),
    close: async () => {
      await live?.close();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await incidents.close();
      if (tempStore) rmSync(tempStore, { recursive: true, force: true });
      if (accountsDir) rmSync(accountsDir, { recursive: true, force: true });
    },
  };
}
