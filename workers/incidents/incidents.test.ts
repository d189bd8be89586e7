import { describe, expect, it } from 'vitest';
import { DISPATCH_STATES, INCIDENT_STATES, type Incident, type IncidentDraft } from '../formats/incident.js';
import { sensorType } from '../live/sensorTypes.js';
import { GBT35561_CATEGORIES } from '../standards/gbt35561.js';
import { draftFromAlarm, ALARM_INCIDENT_TEMPLATES } from './draftFromAlarm.js';
import {
  addDispatch,
  DISPATCH_TRANSITIONS,
  INCIDENT_TRANSITIONS,
  openIncident,
  transitionDispatch,
  transitionIncident,
  withOverdue,
} from './incidentLifecycle.js';
import { escapeXml, incidentToCap } from './incidentToCap.js';
import { parseDispatchRequest, parseIncidentDraft, parseNoteRequest, parseTransitionRequest } from './parseIncidentDraft.js';

const draft: IncidentDraft = {
  event: '供水管道爆管',
  headline: 'Burst main',
  classification: { category: 'accident', subType: 'public-facility', level: 'II' },
  footprint: { kind: 'circle', centre: [117.16, 39.11], radiusMetres: 250 },
};
const at = '2026-11-30T08:00:00.000Z';
const deadlines = { reported: 10, verified: 20 };
const fresh = (): Incident => openIncident(draft, { id: 'INC-1', sender: 'test', by: 'li.na', at, deadlines });

describe('incident lifecycle', () => {
  it('opens in reported with the first step, a deadline, and CAP defaults from the classification', () => {
    const incident = fresh();
    expect(incident).toMatchObject({ state: 'reported', version: 1, msgType: 'Alert', status: 'Actual', severity: 'Severe', category: ['Infra'] });
    expect(incident.history).toEqual([{ at, by: 'li.na', from: null, to: 'reported' }]);
    expect(incident.deadline).toBe('2026-11-30T08:10:00.000Z');
    expect(openIncident({ ...draft, exercise: true }, { id: 'X', sender: 's', by: 'b', at, deadlines }).status).toBe('Exercise');
  });

  it('allows exactly the transitions of the table, and cancelling from every open state', () => {
    for (const from of INCIDENT_STATES)
      for (const to of INCIDENT_STATES) {
        const incident = { ...fresh(), state: from };
        const result = transitionIncident(incident, to, { by: 'x', at, deadlines });
        expect('incident' in result, `${from} → ${to}`).toBe(INCIDENT_TRANSITIONS[from].includes(to));
      }
    for (const from of ['reported', 'verified', 'responding', 'contained'] as const) expect(INCIDENT_TRANSITIONS[from]).toContain('cancelled');
    const refused = transitionIncident(fresh(), 'closed', { by: 'x', at, deadlines });
    expect(refused).toMatchObject({ refused: 'illegal-transition' });
  });

  it('records who and when, bumps the version, moves the deadline, and leaves the input untouched', () => {
    const before = fresh();
    const copy = structuredClone(before);
    const result = transitionIncident(before, 'verified', { by: 'wang', at: '2026-11-30T08:03:00.000Z', deadlines, note: 'seen' });
    if (!('incident' in result)) throw new Error(result.message);
    expect(before).toEqual(copy);
    expect(result.incident).toMatchObject({ state: 'verified', version: 2, msgType: 'Update', deadline: '2026-11-30T08:23:00.000Z' });
    expect(result.incident.history[1]).toEqual({ at: '2026-11-30T08:03:00.000Z', by: 'wang', from: 'reported', to: 'verified', note: 'seen' });
    const cancelled = transitionIncident(result.incident, 'cancelled', { by: 'wang', at: '2026-11-30T08:04:00.000Z', deadlines });
    expect(cancelled).toMatchObject({ incident: { msgType: 'Cancel', deadline: null } });
  });

  it('flags an incident overdue once its state deadline passes', () => {
    const incident = fresh();
    expect(withOverdue(incident, Date.parse('2026-11-30T08:09:59Z')).overdue).toBe(false);
    expect(withOverdue(incident, Date.parse('2026-11-30T08:10:00Z')).overdue).toBe(true);
  });

  it('moves dispatched units assigned → en route → on scene → released, and refuses the rest', () => {
    const assigned = addDispatch(fresh(), { unitId: 'F1', unitKind: 'fire' }, { by: 'x', at, dispatchId: 'D1' });
    if (!('incident' in assigned)) throw new Error(assigned.message);
    expect(addDispatch(assigned.incident, { unitId: 'F1', unitKind: 'fire' }, { by: 'x', at, dispatchId: 'D2' })).toMatchObject({ refused: 'duplicate-unit' });
    for (const from of DISPATCH_STATES)
      for (const to of DISPATCH_STATES) {
        const incident = { ...assigned.incident, dispatches: [{ ...assigned.incident.dispatches[0]!, state: from }] };
        expect('incident' in transitionDispatch(incident, 'D1', to, { by: 'x', at }), `${from} → ${to}`).toBe(DISPATCH_TRANSITIONS[from].includes(to));
      }
    expect(transitionDispatch(assigned.incident, 'D9', 'released', { by: 'x', at })).toMatchObject({ refused: 'no-such-dispatch' });
    const closed = { ...assigned.incident, state: 'closed' as const };
    expect(addDispatch(closed, { unitId: 'F2', unitKind: 'fire' }, { by: 'x', at, dispatchId: 'D2' })).toMatchObject({ refused: 'incident-closed' });
    expect('incident' in transitionDispatch(closed, 'D1', 'released', { by: 'x', at })).toBe(true);
  });
});

describe('incident drafts from untrusted JSON', () => {
  const good = {
    ...draft,
    footprint: {
      kind: 'polygon',
      ring: [
        [117.1, 39.1],
        [117.2, 39.1],
        [117.2, 39.2],
      ],
    },
  };
  const refusal = (body: unknown): string | undefined => {
    const parsed = parseIncidentDraft(body);
    return 'field' in parsed ? parsed.field : undefined;
  };

  it('accepts a complete draft and keeps what it says', () => {
    const parsed = parseIncidentDraft({ ...good, exercise: true, urgency: 'Expected', assets: [{ kind: 'pipe', id: 'JS-1' }] });
    expect(parsed).toMatchObject({ value: { exercise: true, urgency: 'Expected', assets: [{ kind: 'pipe', id: 'JS-1' }] } });
  });

  it('names the first bad field', () => {
    expect(refusal(null)).toBe('body');
    expect(refusal({ ...good, headline: '' })).toBe('headline');
    expect(refusal({ ...good, headline: 'x'.repeat(201) })).toBe('headline');
    expect(refusal({ ...good, event: 42 })).toBe('event');
    expect(refusal({ ...good, classification: { ...good.classification, subType: 'earthquake' } })).toBe('classification.subType');
    expect(refusal({ ...good, classification: { ...good.classification, level: 'V' } })).toBe('classification.level');
    expect(refusal({ ...good, footprint: { kind: 'circle', centre: [200, 39], radiusMetres: 5 } })).toBe('footprint.centre[0]');
    expect(refusal({ ...good, footprint: { kind: 'circle', centre: [117, 39], radiusMetres: -5 } })).toBe('footprint.radiusMetres');
    expect(
      refusal({
        ...good,
        footprint: {
          kind: 'polygon',
          ring: [
            [1, 1],
            [2, 2],
            [1, 1],
          ],
        },
      }),
    ).toBe('footprint.ring');
    expect(refusal({ ...good, footprint: { kind: 'point', at: [117, Number.NaN] } })).toBe('footprint.at[1]');
    expect(refusal({ ...good, description: 'bell \u0007' })).toBe('description');
    expect(refusal({ ...good, headline: 'lone \ud800' })).toBe('headline');
    expect(refusal({ ...good, severity: 'Bad' })).toBe('severity');
    expect(refusal({ ...good, assets: [{ kind: 'pipe', id: 'a b' }] })).toBe('assets[0].id');
    expect(refusal({ ...good, source: { kind: 'rule', ruleId: 'x' } })).toBe('source.kind');
  });

  it('checks transitions, notes and dispatches the same way', () => {
    expect(parseTransitionRequest({ to: 'closed' })).toEqual({ value: { to: 'closed' } });
    expect(parseTransitionRequest({ to: 'done' })).toMatchObject({ field: 'to' });
    expect(parseNoteRequest({ text: '<b>markup</b> is text' })).toEqual({ value: { text: '<b>markup</b> is text' } });
    expect(parseNoteRequest({ text: '   ' })).toMatchObject({ field: 'text' });
    expect(parseDispatchRequest({ unitId: 'F1', unitKind: 'tank' })).toMatchObject({ field: 'unitKind' });
    expect(parseDispatchRequest({ unitId: 'F1', unitKind: 'fire', etaSeconds: -1 })).toMatchObject({ field: 'etaSeconds' });
  });
});

describe('alarm → draft', () => {
  it('has a template for every sensor type whose sub-type is in the GB/T 35561 table', () => {
    for (const template of Object.values(ALARM_INCIDENT_TEMPLATES)) {
      const category = GBT35561_CATEGORIES.find((c) => c.id === template.classification.category);
      expect(category?.subTypes.some((s) => s.id === template.classification.subType)).toBe(true);
    }
  });

  it('takes type, place, sensor and time from the alarm and passes its own validation', () => {
    const type = sensorType('gas_in_well')!;
    const result = draftFromAlarm({ datastreamId: 12, name: '井 W-12', type, lon: 117.15, lat: 39.12, feature: 'W-12' }, { time: Date.parse(at), value: 31.5 });
    expect(result).toMatchObject({
      event: '燃气泄漏',
      footprint: { kind: 'point', at: [117.15, 39.12] },
      source: { kind: 'alarm', datastreamId: 12, sensorType: 'gas_in_well', phenomenonTime: at, value: 31.5 },
    });
    expect(parseIncidentDraft(JSON.parse(JSON.stringify(result)))).toHaveProperty('value');
  });
});

describe('CAP writer', () => {
  it('escapes the five XML specials and drops characters XML cannot carry', () => {
    expect(escapeXml(`<a href="x">'&'</a>\u0001`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  });

  it('writes lat,lon order, km radii, CAP times and a reference to the first message on updates', () => {
    const result = transitionIncident(fresh(), 'verified', { by: 'x', at: '2026-11-30T08:05:00.000Z', deadlines });
    if (!('incident' in result)) throw new Error(result.message);
    const xml = incidentToCap(result.incident);
    expect(xml).toContain('<circle>39.11,117.16 0.25</circle>');
    expect(xml).toContain('<sent>2026-11-30T08:05:00-00:00</sent>');
    expect(xml).toContain('<identifier>INC-1-2</identifier>');
    expect(xml).toContain('<references>test,INC-1-1,2026-11-30T08:00:00-00:00</references>');
  });
});
