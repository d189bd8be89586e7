import { describe, expect, it } from 'vitest';
import type { Incident, IncidentAsset } from '../formats/incident.js';
import { WITHHELD_TEXT } from '../formats/incident.js';
import { incidentForRole, type IncidentAssetLookup, timelineMarksForRole } from './incidentForRole.js';
import { openIncident } from './incidentLifecycle.js';

/** Pipes JSL1 (water), RQL1 (gas); sensor 7 on a water hydrant (消火栓 JS00009), sensor 8 on no pipe; PX9 unknown to the networks. */
const lookup: IncidentAssetLookup = {
  categoryOf: (asset: IncidentAsset) => ({ JSL1: 'JS', RQL1: 'RQ', '7': 'JS', '8': null })[asset.id] as string | null | undefined,
  namesOf: (asset: IncidentAsset) => (asset.id === '7' ? ['消火栓 JS00009', 'JS00009'] : asset.id === '8' ? ['空气 A1'] : []),
};

function incidentOf(overrides: Partial<Incident> = {}): Incident {
  const opened = openIncident(
    {
      event: '供水管道爆管',
      headline: '爆管：JSL1',
      description: '消火栓 JS00009 压降；燃气管 RQL1 在旁；空气 A1 正常',
      classification: { category: 'accident', subType: 'public-facility', level: 'III' },
      footprint: { kind: 'point', at: [117.16, 39.11] },
      assets: [
        { kind: 'pipe', id: 'JSL1' },
        { kind: 'pipe', id: 'RQL1' },
        { kind: 'valve', id: 'PX9' },
        { kind: 'sensor', id: '7' },
        { kind: 'sensor', id: '8' },
        { kind: 'building', id: 'B1' },
      ],
      source: { kind: 'rule', ruleId: 'pipe-burst', datastreamIds: [7, 8], at: '2026-12-01T10:00:00.000Z' },
    },
    { id: 'INC-1', sender: 'test', by: 'li.na', at: '2026-12-01T10:00:00.000Z', deadlines: {} },
  );
  return { ...opened, dedupeKey: 'pipe-burst:JSL1', ...overrides };
}

describe('incidentForRole', () => {
  it('gives the roles that see every category the record itself', () => {
    const incident = incidentOf();
    for (const role of ['internal', 'operator', 'admin'] as const) expect(incidentForRole(incident, role, lookup)).toBe(incident);
  });

  it('gives a utility its category’s assets and the open ones, the rest removed, named nowhere and counted', () => {
    const water = incidentForRole(incidentOf(), 'water', lookup)!;
    expect(water.assets.map((a) => a.id)).toEqual(['JSL1', '7', '8', 'B1']);
    expect(water.withheld).toEqual({ assets: 2, notes: 0, dispatches: 0 });
    expect(water.description).toBe(`消火栓 JS00009 压降；燃气管 ${WITHHELD_TEXT} 在旁；空气 A1 正常`);
    expect(water.dedupeKey).toBeUndefined();
    const gas = incidentForRole(incidentOf(), 'gas', lookup)!;
    expect(gas.assets.map((a) => a.id)).toEqual(['RQL1', '8', 'B1']);
    expect(gas.headline).toBe(`爆管：${WITHHELD_TEXT}`);
    expect(gas.description).toBe(`${WITHHELD_TEXT} 压降；燃气管 RQL1 在旁；空气 A1 正常`);
    expect(gas.source).toEqual({ kind: 'rule', ruleId: 'pipe-burst', datastreamIds: [8], at: '2026-12-01T10:00:00.000Z' });
    expect(JSON.stringify(gas)).not.toMatch(/JSL1|JS00009|PX9/);
  });

  it('withholds an alarm’s sensor the role may not read: what alarmed and when only', () => {
    const incident = incidentOf({
      source: { kind: 'alarm', datastreamId: 7, sensorType: 'hydrant_pressure', sensorName: '消火栓 JS00009', phenomenonTime: 't', value: 0.05 },
    });
    expect(incidentForRole(incident, 'gas', lookup)!.source).toEqual({ kind: 'alarm', withheld: true, sensorType: 'hydrant_pressure', phenomenonTime: 't' });
    expect(incidentForRole(incident, 'water', lookup)!.source).toEqual(incident.source);
  });

  it('gives the public only Public incidents, without pipes, pipe sensors, notes or dispatches', () => {
    expect(incidentForRole(incidentOf(), 'public', lookup)).toBeUndefined();
    const notes = [{ id: 'N1', at: 't', by: 'li.na', text: '关 JSL1 阀' }];
    const copy = incidentForRole(incidentOf({ scope: 'Public', notes }), 'public', lookup)!;
    expect(copy.assets.map((a) => a.id)).toEqual(['8', 'B1']);
    expect(copy.notes).toEqual([]);
    expect(copy.withheld).toEqual({ assets: 4, notes: 1, dispatches: 0 });
  });

  it('gives the public no account name: not who opened it, not who moved a step; the signed-in roles keep them', () => {
    const record = incidentOf({
      scope: 'Public',
      history: [
        { at: 't0', by: 'li.na', from: null, to: 'reported' },
        { at: 't1', by: 'wang.wei', from: 'reported', to: 'verified', note: '现场确认 JSL1' },
      ],
    });
    const copy = incidentForRole(record, 'public', lookup)!;
    expect(copy).not.toHaveProperty('createdBy');
    expect(copy.history).toEqual([
      { at: 't0', from: null, to: 'reported' },
      { at: 't1', from: 'reported', to: 'verified', note: `现场确认 ${WITHHELD_TEXT}` },
    ]);
    expect(JSON.stringify(copy)).not.toMatch(/li\.na|wang\.wei/);
    // The record itself is left as it was (a copy is made, the stored incident is shared).
    expect(record.createdBy).toBe('li.na');
    expect(record.history[1]!.by).toBe('wang.wei');
    for (const role of ['water', 'gas', 'internal'] as const) {
      const signedIn = incidentForRole(record, role, lookup)!;
      expect(signedIn.createdBy, role).toBe('li.na');
      expect(signedIn.history.map((step) => step.by)).toEqual(['li.na', 'wang.wei']);
    }
  });

  it('drops the timeline marks of incidents the role may not read and redacts the others', () => {
    const restricted = incidentOf();
    const open = incidentOf({ id: 'INC-2', scope: 'Public' });
    const marks = [
      { id: 'INC-1', time: 1, headline: '爆管：JSL1', level: 3, state: 'reported' },
      { id: 'INC-2', time: 2, headline: '爆管：JSL1', level: 3, state: 'reported' },
      { id: 'INC-3', time: 3, headline: 'gone', level: 4, state: 'closed' },
    ];
    const byId = new Map([restricted, open].map((i) => [i.id, i]));
    expect(timelineMarksForRole(marks, 'public', byId, lookup)).toEqual([{ ...marks[1], headline: `爆管：${WITHHELD_TEXT}` }]);
    expect(timelineMarksForRole(marks, 'water', byId, lookup).map((m) => m.headline)).toEqual(['爆管：JSL1', '爆管：JSL1']);
    expect(timelineMarksForRole(marks, 'operator', byId, lookup)).toEqual(marks);
  });
});
