import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreLocation } from '../server/store/openStore.js';
import { INCIDENTS_SUBSCRIPTION, type Incident, type IncidentChangeMessage } from '../workers/formats/incident.js';
import { startDemoServer } from './support/demoServer.js';
import { type PostgresServer, postgresForTests, startPostgresServer } from '../harness/postgresServer.js';

/**
 * Incidents survive a restart of the whole server, on both engines (for PostgreSQL the database
 * server restarts too); the restarted server pushes the open ones again as retained messages,
 * and a token signed with CIM_AUTH_SECRET before the restart is still good after it.
 */
const env = {
  CIM_OPERATOR_PASSWORD: 'operator-password-1',
  CIM_ADMIN_PASSWORD: 'admin-password-1',
  CIM_AUTH_SECRET: 'a-test-secret-of-at-least-32-characters!',
};
const dir = mkdtempSync(join(tmpdir(), 'cimtwin-restart-'));
const hasPostgres = postgresForTests('incidentsRestart.test: no PostgreSQL binaries (initdb): the PostgreSQL case is skipped; apt-get install postgresql');
let postgres: PostgresServer | undefined;

beforeAll(async () => {
  if (hasPostgres) postgres = await startPostgresServer();
}, 120_000);
afterAll(() => {
  postgres?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

async function json(url: string, method = 'GET', body?: unknown, token?: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method,
    headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: await response.json() };
}

const engines: { name: string; available: boolean; location: () => StoreLocation; restartDatabase: () => void }[] = [
  { name: 'DuckDB', available: true, location: () => ({ engine: 'duckdb', path: join(dir, 'incidents.duckdb') }), restartDatabase: () => undefined },
  {
    name: 'PostgreSQL',
    available: hasPostgres,
    location: () => ({ engine: 'postgres', url: postgres!.url }),
    restartDatabase: () => {
      postgres!.stop();
      postgres!.start();
    },
  },
];

describe.each(engines)('incidents across a server restart on $name', (engine) => {
  it.skipIf(!engine.available)(
    'keeps records, history, notes and the audit log; republishes the open incidents; old tokens still work',
    async () => {
      const options = { live: { simulator: false as const }, incidents: { storeLocation: engine.location(), env } };
      let server = await startDemoServer(options);
      const token = (
        (await json(`${server.url}/api/auth/login`, 'POST', { username: 'operator', password: env.CIM_OPERATOR_PASSWORD })).body as { token: string }
      ).token;
      const created = await json(
        `${server.url}/api/incidents`,
        'POST',
        {
          event: '燃气泄漏',
          headline: 'Gas in well W-7',
          classification: { category: 'accident', subType: 'public-facility', level: 'III' },
          footprint: { kind: 'point', at: [117.15, 39.12] },
        },
        token,
      );
      expect(created.status).toBe(201);
      const id = (created.body as Incident).id;
      await json(`${server.url}/api/incidents/${id}/transitions`, 'POST', { to: 'verified' }, token);
      await json(`${server.url}/api/incidents/${id}/notes`, 'POST', { text: 'valve V-3 closed' }, token);
      const before = (await json(`${server.url}/api/incidents/${id}`, 'GET', undefined, token)).body as Incident;
      const auditBefore = await server.incidents.store.listAudit({ limit: 100 });
      await server.close();
      engine.restartDatabase();

      server = await startDemoServer(options);
      try {
        expect((await json(`${server.url}/api/incidents/${id}`, 'GET', undefined, token)).body).toEqual(before);
        expect(before).toMatchObject({ state: 'verified', version: 3, notes: [{ text: 'valve V-3 closed', by: 'operator' }] });
        // Every entry from before the restart, unchanged (the read just above adds its own data.read entry).
        const lastBefore = Math.max(...auditBefore.map((entry) => entry.seq));
        expect((await server.incidents.store.listAudit({ limit: 100 })).filter((entry) => entry.seq <= lastBefore)).toEqual(auditBefore);
        // A viewer connecting to the new broker gets the open incident retained.
        // Signed in (the incidents are Restricted: the public reads none of them).
        const viewer = await mqtt.connectAsync(`mqtt://127.0.0.1:${server.live!.broker.tcpPort()}`, {
          reconnectPeriod: 0,
          username: 'bearer',
          password: token,
        });
        const seen = new Map<string, Incident>();
        viewer.on('message', (_topic, payload) => {
          if (payload.length > 0) {
            const message = JSON.parse(payload.toString()) as IncidentChangeMessage;
            seen.set(message.incident.id, message.incident);
          }
        });
        await viewer.subscribeAsync(INCIDENTS_SUBSCRIPTION, { qos: 1 });
        for (let waited = 0; !seen.has(id) && waited < 5000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
        expect(seen.get(id)).toEqual(before);
        await viewer.endAsync();
        // The token from before the restart (same CIM_AUTH_SECRET) still writes.
        expect((await json(`${server.url}/api/incidents/${id}/transitions`, 'POST', { to: 'responding' }, token)).status).toBe(200);
      } finally {
        await server.close();
      }
    },
    300_000,
  );
});
