import { describe, expect, it } from 'vitest';
import type { Incident, IncidentDraft } from '../workers/formats/incident.js';
import { addIncidentNote, openIncident, transitionIncident } from '../workers/incidents/incidentLifecycle.js';
import { incidentToCap } from '../workers/incidents/incidentToCap.js';
import { EMERGENCY_LEVELS, GBT35561_CATEGORIES } from '../workers/standards/gbt35561.js';
import { validateCap } from './support/validateCap.js';

/** Every shape of incident the writer can meet, validated against the official CAP 1.2 schema. */
const base: IncidentDraft = {
  event: '城市内涝',
  headline: 'Water <deep> & "rising" on 卫津路',
  description: "Road closed; don't drive through. <b>not markup</b>\nSecond line.",
  instruction: 'Avoid the underpass & wait for the all-clear.',
  classification: { category: 'natural-disaster', subType: 'flood-drought', level: 'III' },
  footprint: { kind: 'point', at: [117.16, 39.11] },
};
const at = '2026-11-30T08:00:00.000Z';
const open = (draft: IncidentDraft, id = 'INC-20261130-ABC123'): Incident =>
  openIncident(draft, { id, sender: 'cim-twin.demo', by: 'li.na', at, deadlines: {} });

describe('CAP 1.2 export', () => {
  const cases: [string, Incident][] = [
    ['a point footprint, no notify area', open(base)],
    ['a circle footprint', open({ ...base, footprint: { kind: 'circle', centre: [-0.12, -51.5], radiusMetres: 1234.5 } })],
    [
      'a polygon footprint (open ring)',
      open({
        ...base,
        footprint: {
          kind: 'polygon',
          ring: [
            [117.1, 39.1],
            [117.2, 39.1],
            [117.2, 39.2],
          ],
        },
      }),
    ],
    [
      'a notify area with polygons and circles, public scope, an exercise',
      open({
        ...base,
        exercise: true,
        scope: 'Public',
        area: {
          areaDesc: '南开区 & 河西区 <east>',
          polygons: [
            [
              [117.1, 39.1],
              [117.2, 39.1],
              [117.2, 39.2],
              [117.1, 39.1],
            ],
          ],
          circles: [{ centre: [117.15, 39.15], radiusMetres: 500 }],
        },
        assets: [{ kind: 'pipe', id: 'JS-0042' }],
      }),
    ],
  ];
  const updated = transitionIncident(open(base), 'verified', { by: 'wang', at: '2026-11-30T08:05:00.000Z', deadlines: {} });
  if ('incident' in updated) {
    const noted = addIncidentNote(updated.incident, 'internal <note>', { by: 'wang', at: '2026-11-30T08:06:00.000Z', noteId: 'N1' });
    if ('incident' in noted) cases.push(['an update with a reference to the first message', noted.incident]);
    const cancelled = transitionIncident(updated.incident, 'cancelled', { by: 'wang', at: '2026-11-30T08:07:00.000Z', deadlines: {} });
    if ('incident' in cancelled) cases.push(['a cancel', cancelled.incident]);
  }
  for (const category of GBT35561_CATEGORIES)
    for (const [i, subType] of category.subTypes.entries()) {
      const level = EMERGENCY_LEVELS[i % EMERGENCY_LEVELS.length]!.id;
      cases.push([
        `${category.nameEn} / ${subType.nameEn} at level ${level}`,
        open({ ...base, classification: { category: category.id, subType: subType.id, level } }, `INC-${subType.code}`),
      ]);
    }

  it.each(cases)('is valid against CAP-v1.2.xsd: %s', (_name, incident) => {
    const xml = incidentToCap(incident);
    expect(validateCap(xml)).toEqual({ valid: true, errors: '' });
    expect(xml).not.toMatch(/<(deep|b|east)>/);
    expect(xml).not.toContain('internal');
  });

  it('the validator does fail: a CAP document missing its sender and with a bad time is refused', () => {
    const xml = incidentToCap(open(base))
      .replace(/<sender>.*<\/sender>\n/, '')
      .replace(/<sent>[^<]*<\/sent>/, '<sent>2026-11-30T08:00:00Z</sent>');
    const result = validateCap(xml);
    expect(result.valid).toBe(false);
    expect(result.errors).toMatch(/sent|sender/);
  });
});
