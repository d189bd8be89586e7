import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '../workers/formats/incident.js';
import { addDispatch, addIncidentNote, openIncident, transitionDispatch, transitionIncident } from '../workers/incidents/incidentLifecycle.js';
import { openStore, type StoreLocation } from '../server/store/openStore.js';
import type { SqlStore } from '../server/store/SqlStore.js';
import type { AuditEntryInput } from '../server/store/Store.js';
import { type PostgresServer, postgresForTests, startPostgresServer } from '../harness/postgresServer.js';

/**
 * The store's contract, run against both engines: DuckDB in a file and a real PostgreSQL
 * server started here. Each keeps incidents with history, notes and dispatches and the audit
 * log across a reopen (DuckDB) or a server restart (PostgreSQL), and refuses a stale write.
 */
const deadlines = { reported: 10 };
const audit = (action: string, target: string): AuditEntryInput => ({
  at: new Date().toISOString(),
  actor: 'li.na',
  role: 'operator',
  action,
  target,
  detail: '{"x":1}',
  source: '127.0.0.1',
});

function sample(id: string, at = '2026-11-30T08:00:00.000Z'): Incident {
  return openIncident(
    {
      event: '供水管道爆管',
      headline: 'Burst <main> & "valve" 13',
      description: "水压骤降 'quoted'",
      classification: { category: 'accident', subType: 'public-facility', level: 'II' },
      footprint: { kind: 'point', at: [117.1612345, 39.1098765] },
      assets: [{ kind: 'pipe', id: 'JS-0042' }],
      source: { kind: 'alarm', datastreamId: 7, sensorType: 'network_pressure', phenomenonTime: at, value: 0.08 },
    },
    { id, sender: 'cim-twin.test', by: 'li.na', at, deadlines },
  );
}

/** Every change the lifecycle can make, applied in order: what a working day writes. */
function workedOn(incident: Incident): Incident[] {
  const steps: Incident[] = [incident];
  const next = (result: ReturnType<typeof transitionIncident>): void => {
    if ('refused' in result) throw new Error(result.message);
    steps.push(result.incident);
  };
  const last = (): Incident => steps[steps.length - 1]!;
  next(transitionIncident(last(), 'verified', { by: 'li.na', at: '2026-11-30T08:05:00.000Z', deadlines, note: 'confirmed on site' }));
  next(addIncidentNote(last(), '<script>alert(1)</script> & more', { by: 'wang.fang', at: '2026-11-30T08:06:00.000Z', noteId: 'N1' }));
  next(
    addDispatch(
      last(),
      { unitId: 'POI-FIRE-3', unitKind: 'fire', unitName: '南开消防站', etaSeconds: 312 },
      { by: 'li.na', at: '2026-11-30T08:07:00.000Z', dispatchId: 'D1' },
    ),
  );
  next(transitionDispatch(last(), 'D1', 'en-route', { by: 'li.na', at: '2026-11-30T08:08:00.000Z' }));
  next(addDispatch(last(), { unitId: 'POI-HOSP-1', unitKind: 'medical' }, { by: 'li.na', at: '2026-11-30T08:09:00.000Z', dispatchId: 'D2' }));
  next(transitionDispatch(last(), 'D1', 'on-scene', { by: 'li.na', at: '2026-11-30T08:15:00.000Z' }));
  return steps;
}

interface Engine {
  name: string;
  location: () => StoreLocation;
  /** Between close and reopen: nothing for a file, a server restart for PostgreSQL. */
  restart: () => void;
  available: boolean;
}

const dir = mkdtempSync(join(tmpdir(), 'cimtwin-store-test-'));
let postgres: PostgresServer | undefined;
const hasPostgres = postgresForTests(
  'incidentStore.test: no PostgreSQL binaries (initdb) on this machine: the PostgreSQL engine is skipped; apt-get install postgresql',
);

const engines: Engine[] = [
  { name: 'DuckDB (embedded)', location: () => ({ engine: 'duckdb', path: join(dir, 'store.duckdb') }), restart: () => undefined, available: true },
  {
    name: 'PostgreSQL',
    location: () => ({ engine: 'postgres', url: postgres!.url }),
    restart: () => {
      postgres!.stop();
      postgres!.start();
    },
    available: hasPostgres,
  },
];

beforeAll(async () => {
  if (hasPostgres) postgres = await startPostgresServer();
});

afterAll(() => {
  postgres?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(engines)('store on $name', (engine) => {
  let store: SqlStore;

  beforeAll(async () => {
    if (engine.available) store = await openStore(engine.location());
  });
  afterAll(async () => {
    await store?.close();
  });

  it.skipIf(!engine.available)('keeps an incident through every change, with its history, notes and dispatches', async () => {
    const versions = workedOn(sample('INC-20261130-AAAAAA'));
    expect(await store.saveIncident(versions[0]!, undefined, audit('incident.create', 'incident:INC-20261130-AAAAAA'))).toBe(true);
    for (let i = 1; i < versions.length; i++)
      expect(await store.saveIncident(versions[i]!, versions[i - 1], audit('incident.change', 'incident:INC-20261130-AAAAAA'))).toBe(true);
    const final = versions[versions.length - 1]!;
    expect(await store.getIncident(final.id)).toEqual(final);
    // The journal rows tell the same story as the record.
    expect(await store.journalSteps(final.id)).toEqual(final.history);
    expect(final.dispatches.map((d) => [d.id, d.state, d.history.length])).toEqual([
      ['D1', 'on-scene', 3],
      ['D2', 'assigned', 1],
    ]);
  });

  it.skipIf(!engine.available)('refuses a write from a stale version and a second create of the same id, changing nothing', async () => {
    const first = sample('INC-20261130-BBBBBB');
    expect(await store.saveIncident(first, undefined, audit('incident.create', 'incident:INC-20261130-BBBBBB'))).toBe(true);
    expect(await store.saveIncident(first, undefined, audit('incident.create', 'incident:INC-20261130-BBBBBB'))).toBe(false);
    const a = transitionIncident(first, 'verified', { by: 'a', at: '2026-11-30T09:00:00.000Z', deadlines });
    const b = transitionIncident(first, 'cancelled', { by: 'b', at: '2026-11-30T09:00:01.000Z', deadlines });
    if ('refused' in a || 'refused' in b) throw new Error('legal transitions refused');
    const auditBefore = (await store.listAudit({ limit: 1000 })).length;
    expect(await store.saveIncident(a.incident, first, audit('incident.transition', 'incident:INC-20261130-BBBBBB'))).toBe(true);
    // b was made from the same version as a: it lost the race.
    expect(await store.saveIncident(b.incident, first, audit('incident.transition', 'incident:INC-20261130-BBBBBB'))).toBe(false);
    expect(await store.getIncident(first.id)).toEqual(a.incident);
    expect((await store.listAudit({ limit: 1000 })).length).toBe(auditBefore + 1);
  });

  it.skipIf(!engine.available)('lists incidents newest first and the audit log newest first, paged', async () => {
    const later = sample('INC-20261201-CCCCCC', '2026-12-01T00:00:00.000Z');
    await store.saveIncident(later, undefined, audit('incident.create', `incident:${later.id}`));
    const ids = (await store.listIncidents()).map((i) => i.id);
    expect(ids[0]).toBe(later.id);
    expect(ids).toContain('INC-20261130-AAAAAA');
    const page = await store.listAudit({ limit: 3 });
    expect(page.map((e) => e.seq)).toEqual([...page.map((e) => e.seq)].sort((x, y) => y - x));
    const next = await store.listAudit({ limit: 3, before: page[2]!.seq });
    expect(next[0]!.seq).toBeLessThan(page[2]!.seq);
    expect(page[0]).toMatchObject({
      actor: 'li.na',
      role: 'operator',
      action: 'incident.create',
      target: `incident:${later.id}`,
      detail: '{"x":1}',
      source: '127.0.0.1',
    });
  });

  it.skipIf(!engine.available)('keeps everything across a close and reopen (and a server restart for PostgreSQL)', async () => {
    const before = await store.listIncidents();
    const auditBefore = await store.listAudit({ limit: 1000 });
    await store.close();
    engine.restart();
    store = await openStore(engine.location());
    expect(await store.listIncidents()).toEqual(before);
    expect(await store.listAudit({ limit: 1000 })).toEqual(auditBefore);
    // The audit sequence goes on after the restart instead of starting over.
    await store.appendAudit(audit('after.restart', 'store'));
    expect((await store.listAudit({ limit: 1 }))[0]!.seq).toBeGreaterThan(auditBefore[0]!.seq);
  });
});
