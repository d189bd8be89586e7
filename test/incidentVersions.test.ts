import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '../workers/formats/incident.js';
import { addDispatch, addIncidentNote, openIncident, transitionIncident } from '../workers/incidents/incidentLifecycle.js';
import { DuckDbConnection } from '../server/store/DuckDbConnection.js';
import { PostgresConnection } from '../server/store/PostgresConnection.js';
import type { SqlConnection } from '../server/store/SqlConnection.js';
import { openStore, type StoreLocation } from '../server/store/openStore.js';
import type { AuditEntryInput } from '../server/store/Store.js';
import { type PostgresServer, postgresForTests, startPostgresServer } from '../harness/postgresServer.js';

/**
 * Incidents as they were (history and replay), against both engines: every saved version is
 * kept, `incidentsAt(T)` gives each incident's version at T (absent before it was created),
 * `incidentMarks` the state changes for the timeline with the headline and level of then, and
 * a database written by schema version 1 (before incident_versions) opens and is migrated.
 */
const deadlines = { reported: 10 };
const audit = (target: string): AuditEntryInput => ({
  at: new Date().toISOString(),
  actor: 'li.na',
  role: 'operator',
  action: 'incident.change',
  target,
  detail: '{}',
  source: '127.0.0.1',
});
const ms = (iso: string): number => Date.parse(iso);

/** Created 08:00 (level II), verified 08:05, a note 08:06, re-levelled to I and a dispatch 08:07, responding 08:10. */
function versionsOf(id: string, at = '2026-11-30T08:00:00.000Z'): Incident[] {
  const created = openIncident(
    {
      event: '供水管道爆管',
      headline: 'Burst main on 鞍山西道',
      classification: { category: 'accident', subType: 'public-facility', level: 'II' },
      footprint: { kind: 'point', at: [117.16, 39.11] },
      source: { kind: 'manual' },
    },
    { id, sender: 'cim-twin.test', by: 'li.na', at, deadlines },
  );
  const versions = [created];
  const push = (result: ReturnType<typeof transitionIncident>): void => {
    if ('refused' in result) throw new Error(result.message);
    versions.push(result.incident);
  };
  const last = (): Incident => versions[versions.length - 1]!;
  push(transitionIncident(last(), 'verified', { by: 'li.na', at: '2026-11-30T08:05:00.000Z', deadlines }));
  push(addIncidentNote(last(), 'valve 13 closed', { by: 'wang.fang', at: '2026-11-30T08:06:00.000Z', noteId: 'N1' }));
  const relevelled = addDispatch(
    { ...last(), headline: 'Burst main on 鞍山西道 (hospital affected)', classification: { ...last().classification, level: 'I' } },
    { unitId: 'POI-FIRE-3', unitKind: 'fire' },
    { by: 'li.na', at: '2026-11-30T08:07:00.000Z', dispatchId: 'D1' },
  );
  push(relevelled);
  push(transitionIncident(last(), 'responding', { by: 'li.na', at: '2026-11-30T08:10:00.000Z', deadlines }));
  return versions;
}

interface Engine {
  name: string;
  location: () => StoreLocation;
  connect: () => Promise<SqlConnection>;
  available: boolean;
}

const dir = mkdtempSync(join(tmpdir(), 'cimtwin-versions-test-'));
let postgres: PostgresServer | undefined;
const hasPostgres = postgresForTests('incidentVersions.test: no PostgreSQL binaries (initdb): the PostgreSQL engine is skipped; apt-get install postgresql');
const engines: Engine[] = [
  {
    name: 'DuckDB (embedded)',
    location: () => ({ engine: 'duckdb', path: join(dir, 'store.duckdb') }),
    connect: () => DuckDbConnection.open(join(dir, 'store.duckdb')),
    available: true,
  },
  {
    name: 'PostgreSQL',
    location: () => ({ engine: 'postgres', url: postgres!.url }),
    connect: () => PostgresConnection.open(postgres!.url),
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

describe.each(engines)('incident versions on $name', (engine) => {
  const id = 'INC-20261130-VVVVVV';
  const versions = versionsOf(id);

  it.skipIf(!engine.available)('gives each incident as it was at T, absent before it was created', async () => {
    const store = await openStore(engine.location());
    try {
      for (let i = 0; i < versions.length; i++) expect(await store.saveIncident(versions[i]!, versions[i - 1], audit(`incident:${id}`))).toBe(true);
      const later = versionsOf('INC-20261130-WWWWWW', '2026-11-30T09:00:00.000Z')[0]!;
      expect(await store.saveIncident(later, undefined, audit(`incident:${later.id}`))).toBe(true);

      expect(await store.incidentsAt(ms('2026-11-30T07:59:59.999Z'))).toEqual([]);
      expect(await store.incidentsAt(ms('2026-11-30T08:00:00.000Z'))).toEqual([versions[0]]);
      expect(await store.incidentsAt(ms('2026-11-30T08:04:59.999Z'))).toEqual([versions[0]]);
      expect(await store.incidentsAt(ms('2026-11-30T08:05:00.000Z'))).toEqual([versions[1]]);
      const at0806 = await store.incidentsAt(ms('2026-11-30T08:06:30.000Z'));
      expect(at0806).toEqual([versions[2]]);
      expect(at0806[0]!.state).toBe('verified');
      expect(at0806[0]!.notes.map((n) => n.text)).toEqual(['valve 13 closed']);
      expect((await store.incidentsAt(ms('2026-11-30T08:08:00.000Z')))[0]!.dispatches).toHaveLength(1);
      // Both after 09:00, newest first (as listIncidents orders them).
      const both = await store.incidentsAt(ms('2026-11-30T10:00:00.000Z'));
      expect(both.map((i) => [i.id, i.state])).toEqual([
        [later.id, 'reported'],
        [id, 'responding'],
      ]);
      expect(both).toEqual(await store.listIncidents());
    } finally {
      await store.close();
    }
  });

  it.skipIf(!engine.available)('marks every state change in a window with the headline and level it had then', async () => {
    const store = await openStore(engine.location());
    try {
      const marks = await store.incidentMarks(ms('2026-11-30T08:00:00.000Z'), ms('2026-11-30T08:30:00.000Z'), 100);
      expect(marks).toEqual([
        { id, time: ms('2026-11-30T08:00:00.000Z'), headline: 'Burst main on 鞍山西道', level: 2, state: 'reported' },
        { id, time: ms('2026-11-30T08:05:00.000Z'), headline: 'Burst main on 鞍山西道', level: 2, state: 'verified' },
        { id, time: ms('2026-11-30T08:10:00.000Z'), headline: 'Burst main on 鞍山西道 (hospital affected)', level: 1, state: 'responding' },
      ]);
      expect(await store.incidentMarks(ms('2026-11-30T08:01:00.000Z'), ms('2026-11-30T08:09:00.000Z'), 100)).toHaveLength(1);
      expect(await store.incidentMarks(ms('2026-11-30T08:00:00.000Z'), ms('2026-11-30T10:00:00.000Z'), 2)).toHaveLength(2);
      expect(await store.incidentMarks(ms('2026-11-29T00:00:00.000Z'), ms('2026-11-29T23:00:00.000Z'), 100)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it.skipIf(!engine.available)('opens a database of schema version 1 and keeps each incident from its current record on', async () => {
    // Make the database what CIM Twin wrote before incident_versions existed.
    const raw = await engine.connect();
    await raw.execute('DROP TABLE incident_versions');
    await raw.execute('DROP INDEX IF EXISTS incident_steps_at_time');
    await raw.execute('UPDATE store_schema SET version = 1');
    await raw.close();

    const store = await openStore(engine.location());
    try {
      const current = (await store.listIncidents()).find((i) => i.id === id)!;
      expect(current.state).toBe('responding');
      // Only the current record survives the upgrade: it holds from its last change on.
      expect(await store.incidentsAt(ms('2026-11-30T08:10:00.000Z'))).toContainEqual(current);
      expect((await store.incidentsAt(ms('2026-11-30T08:09:59.999Z'))).map((i) => i.id)).not.toContain(id);
      // And new versions are kept again.
      const closed = transitionIncident(current, 'contained', { by: 'li.na', at: '2026-11-30T11:00:00.000Z', deadlines });
      if ('refused' in closed) throw new Error(closed.message);
      expect(await store.saveIncident(closed.incident, current, audit(`incident:${id}`))).toBe(true);
      expect((await store.incidentsAt(ms('2026-11-30T10:59:00.000Z'))).find((i) => i.id === id)!.state).toBe('responding');
      expect((await store.incidentsAt(ms('2026-11-30T11:00:00.000Z'))).find((i) => i.id === id)!.state).toBe('contained');
    } finally {
      await store.close();
    }
    const check = await engine.connect();
    expect(Number((await check.query('SELECT max(version) AS version FROM store_schema'))[0]!['version'])).toBe(3);
    // The indexes the incidents at T and the timeline marks read by, gained at open.
    const indexes = await check.query(
      engine.name === 'PostgreSQL' ? 'SELECT indexname AS name FROM pg_indexes' : 'SELECT index_name AS name FROM duckdb_indexes()',
    );
    expect(indexes.map((row) => String(row['name']))).toEqual(expect.arrayContaining(['incident_versions_id_updated', 'incident_steps_at_time']));
    await check.close();
  });
});
