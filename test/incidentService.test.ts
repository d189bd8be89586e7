import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_DEADLINES, IncidentService, type Requester } from '../server/incidents/IncidentService.js';
import { deadlinesFromEnv } from '../server/incidents/startIncidents.js';
import { openStore } from '../server/store/openStore.js';
import type { SqlStore } from '../server/store/SqlStore.js';
import { StartupError } from '../server/StartupError.js';
import { type IncidentChangeMessage, type IncidentDraft, incidentTopic } from '../workers/formats/incident.js';

/**
 * The service on a real (in-memory) DuckDB store with a clock we move: deadlines and overdue,
 * what is published and retained, and the deadline setting.
 */
const by: Requester = { username: 'li.na', role: 'operator', source: '127.0.0.1' };
const draft: IncidentDraft = {
  event: '内涝',
  headline: 'Underpass flooded',
  classification: { category: 'natural-disaster', subType: 'flood-drought', level: 'III' },
  footprint: { kind: 'circle', centre: [117.16, 39.11], radiusMetres: 80 },
};
let store: SqlStore;
let now: number;
let published: { topic: string; payload: Buffer; retain: boolean }[];
let service: IncidentService;

beforeEach(async () => {
  store = await openStore({ engine: 'duckdb', path: ':memory:' });
  now = Date.parse('2026-11-30T08:00:00Z');
  published = [];
  service = new IncidentService(store, {
    sender: 'test',
    deadlines: { reported: 10, verified: 30 },
    publish: (topic, payload, retain) => published.push({ topic, payload, retain }),
    now: () => now,
  });
});
afterEach(async () => {
  await store.close();
});

describe('incident service', () => {
  it('flags an incident overdue when its state outlives the deadline, and a step clears it', async () => {
    const incident = await service.create(draft, by);
    expect(incident).toMatchObject({ deadline: '2026-11-30T08:10:00.000Z', overdue: false });
    now += 9 * 60_000;
    expect((await service.get(incident.id))!.overdue).toBe(false);
    now += 2 * 60_000;
    expect((await service.get(incident.id))!.overdue).toBe(true);
    expect((await service.list()).find((i) => i.id === incident.id)!.overdue).toBe(true);
    const verified = await service.transition(incident.id, 'verified', undefined, by);
    expect(verified).toMatchObject({ incident: { state: 'verified', overdue: false, deadline: '2026-11-30T08:41:00.000Z' } });
  });

  it('retains an open incident on its topic and clears it once the incident is final', async () => {
    const incident = await service.create(draft, by);
    await service.addNote(incident.id, 'pumps on the way', by);
    await service.transition(incident.id, 'cancelled', 'false alarm', by);
    expect(published.map((p) => [p.topic, p.retain, p.payload.length > 0])).toEqual([
      [incidentTopic(incident.id), true, true],
      [incidentTopic(incident.id), true, true],
      [incidentTopic(incident.id), false, true],
      [incidentTopic(incident.id), true, false],
    ]);
    const messages = published.filter((p) => p.payload.length > 0).map((p) => JSON.parse(p.payload.toString()) as IncidentChangeMessage);
    expect(messages.map((m) => [m.change, m.incident.version, m.incident.state, m.by])).toEqual([
      ['created', 1, 'reported', 'li.na'],
      ['note', 2, 'reported', 'li.na'],
      ['transition', 3, 'cancelled', 'li.na'],
    ]);
    // At a restart only open incidents are retained again.
    const open = await service.create(draft, by);
    published.length = 0;
    expect(await service.publishOpen()).toBe(1);
    expect(published.map((p) => p.topic)).toEqual([incidentTopic(open.id)]);
  });

  it('answers 404 for an unknown incident and 409 for an illegal step, writing nothing', async () => {
    const incident = await service.create(draft, by);
    const audit = await store.listAudit({ limit: 100 });
    expect(await service.transition('INC-NONE', 'verified', undefined, by)).toMatchObject({ status: 404 });
    expect(await service.transition(incident.id, 'contained', undefined, by)).toMatchObject({ status: 409 });
    expect(await service.transitionDispatch(incident.id, 'D1', 'released', by)).toMatchObject({ status: 404 });
    expect(await store.listAudit({ limit: 100 })).toEqual(audit);
    expect(await service.get(incident.id)).toEqual(incident);
  });

  it('reads CIM_INCIDENT_DEADLINES and refuses a malformed one', () => {
    expect(deadlinesFromEnv(undefined)).toEqual(DEFAULT_DEADLINES);
    expect(deadlinesFromEnv('reported=5, responding=0, contained=60')).toEqual({ reported: 5, contained: 60 });
    expect(() => deadlinesFromEnv('closed=5')).toThrow(StartupError);
    expect(() => deadlinesFromEnv('reported=soon')).toThrow(/reported=soon/);
  });
});
