import { maySeeCategory, pipeAccessOf, type Role } from '../formats/dataAccess.js';
import type { TimelineIncidentMark } from '../formats/history.js';
import { type Incident, type IncidentAsset, type IncidentWithheld, WITHHELD_TEXT } from '../formats/incident.js';

/** Where an incident's assets belong, as the server knows them (server/incidents/IncidentAccess.ts). */
export interface IncidentAssetLookup {
  /**
   * The CJJ 61 category of a pipe, node or valve id, or of the pipe asset a sensor (datastream
   * id) sits on; null for a sensor open to every role (on no pipe asset); undefined when unknown
   * — read as 不明管线 QT, which only the roles that see every category see.
   */
  categoryOf(asset: IncidentAsset): string | null | undefined;
  /** What names the asset in texts besides its id: a sensor's name and the feature it sits on. */
  namesOf(asset: IncidentAsset): readonly string[];
}

/** Buildings and points of interest are public ground data; everything else is pipe data or a sensor on it. */
const OPEN_ASSET_KINDS: ReadonlySet<IncidentAsset['kind']> = new Set(['building', 'poi']);

/** Whether the role reads this incident at all: the public only the ones whose CAP scope is Public. */
export function mayReadIncident(role: Role, incident: Pick<Incident, 'scope'>): boolean {
  return role !== 'public' || incident.scope === 'Public';
}

/** Whether the role's copy of every incident is the record itself (it sees every category and is signed in). */
export function readsIncidentsWhole(role: Role): boolean {
  return role !== 'public' && pipeAccessOf(role).allCategories;
}

/** Whether the role may see this asset (its id, and a sensor's name and readings). */
export function maySeeAsset(role: Role, asset: IncidentAsset, lookup: IncidentAssetLookup): boolean {
  if (OPEN_ASSET_KINDS.has(asset.kind)) return true;
  const category = lookup.categoryOf(asset);
  return category === null || maySeeCategory(role, category ?? 'QT');
}

/**
 * An incident as a data role may read it (docs/access.md, "Incidents, follow sessions and the
 * live statistics"), or undefined when the role may not read it at all:
 * - `public`: only incidents whose CAP scope is Public; no pipe asset and no sensor on a pipe
 *   asset, no notes, no dispatches (the command centre's own), and no account names (who opened
 *   it, who moved each step): staff names are personal information and half of a sign-in, and a
 *   Public incident's copy is read by anyone;
 * - a utility: every incident, with the assets (and sensors, rule evidence, an alarm's sensor)
 *   of other categories removed; the account names stay (it works the incident with the command
 *   centre and reads its notes: who opened or moved it is whom it calls back);
 * - `internal`, `operator`, `admin`: the record whole.
 * The ids and sensor names of removed assets are replaced by WITHHELD_TEXT in the texts
 * (headlines name the suspected pipe), and `withheld` counts what was left out. Pure; the same
 * copy for every role of an access profile.
 */
export function incidentForRole(incident: Incident, role: Role, lookup: IncidentAssetLookup): Incident | undefined {
  if (!mayReadIncident(role, incident)) return undefined;
  if (readsIncidentsWhole(role)) return incident;
  const hidden = incident.assets.filter((asset) => !maySeeAsset(role, asset, lookup));
  const redact = redactorOf(withheldNames(incident, hidden, role, lookup));
  const { source } = incident;
  let roleSource = source;
  if (source.kind === 'alarm' && !('withheld' in source) && !maySeeAsset(role, { kind: 'sensor', id: String(source.datastreamId) }, lookup))
    roleSource = { kind: 'alarm', withheld: true, sensorType: source.sensorType, phenomenonTime: source.phenomenonTime };
  else if (source.kind === 'rule')
    roleSource = { ...source, datastreamIds: source.datastreamIds.filter((id) => maySeeAsset(role, { kind: 'sensor', id: String(id) }, lookup)) };
  const isPublic = role === 'public';
  const withheld: IncidentWithheld = {
    assets: hidden.length,
    notes: isPublic ? incident.notes.length : 0,
    dispatches: isPublic ? incident.dispatches.length : 0,
  };
  const copy: Incident = {
    ...incident,
    headline: redact(incident.headline),
    description: redact(incident.description),
    ...(incident.instruction !== undefined ? { instruction: redact(incident.instruction) } : {}),
    area: incident.area && { ...incident.area, areaDesc: redact(incident.area.areaDesc) },
    assets: incident.assets.filter((asset) => !hidden.includes(asset)),
    source: roleSource,
    history: incident.history.map((step) => {
      const roleStep = step.note !== undefined ? { ...step, note: redact(step.note) } : { ...step };
      if (isPublic) delete roleStep.by;
      return roleStep;
    }),
    notes: isPublic ? [] : incident.notes.map((note) => ({ ...note, text: redact(note.text) })),
    dispatches: isPublic ? [] : incident.dispatches,
  };
  // The rule's dedupe key names a pipe or a sensor: the server's own bookkeeping, never in a role's copy.
  delete copy.dedupeKey;
  if (isPublic) delete copy.createdBy;
  delete copy.withheld;
  if (withheld.assets + withheld.notes + withheld.dispatches > 0) copy.withheld = withheld;
  return copy;
}

/**
 * The timeline's incident marks as the role may read them: marks of incidents it may not read
 * are dropped (and, for a role that does not read incidents whole, marks of incidents no longer
 * known), headlines redacted as in its copy of the incident.
 */
export function timelineMarksForRole(
  marks: readonly TimelineIncidentMark[],
  role: Role,
  incidents: ReadonlyMap<string, Incident>,
  lookup: IncidentAssetLookup,
): TimelineIncidentMark[] {
  if (readsIncidentsWhole(role)) return [...marks];
  const redactors = new Map<string, (text: string) => string>();
  return marks.flatMap((mark) => {
    const incident = incidents.get(mark.id);
    if (!incident || !mayReadIncident(role, incident)) return [];
    let redact = redactors.get(mark.id);
    if (!redact) {
      const hidden = incident.assets.filter((asset) => !maySeeAsset(role, asset, lookup));
      redactors.set(mark.id, (redact = redactorOf(withheldNames(incident, hidden, role, lookup))));
    }
    return [{ ...mark, headline: redact(mark.headline) }];
  });
}

/** The strings to take out of the texts: ids of hidden pipes, nodes and valves, names of hidden sensors and the features they sit on. */
function withheldNames(incident: Incident, hidden: readonly IncidentAsset[], role: Role, lookup: IncidentAssetLookup): string[] {
  const names: string[] = [];
  // A sensor's id is a number: replacing "12" in a text would mangle readings, so sensors are named by their names.
  for (const asset of hidden) names.push(...(asset.kind === 'sensor' ? [] : [asset.id]), ...lookup.namesOf(asset));
  const { source } = incident;
  if (source.kind === 'alarm' && !('withheld' in source)) {
    const sensor: IncidentAsset = { kind: 'sensor', id: String(source.datastreamId) };
    if (!maySeeAsset(role, sensor, lookup)) names.push(...(source.sensorName !== undefined ? [source.sensorName] : []), ...lookup.namesOf(sensor));
  } else if (source.kind === 'rule')
    for (const id of source.datastreamIds) {
      const sensor: IncidentAsset = { kind: 'sensor', id: String(id) };
      if (!maySeeAsset(role, sensor, lookup)) names.push(...lookup.namesOf(sensor));
    }
  return names;
}

/** Replaces every occurrence of the names (longest first, so a name inside another goes with it); names under 2 characters are left. */
function redactorOf(names: readonly string[]): (text: string) => string {
  const distinct = [...new Set(names.filter((name) => name.length >= 2))].sort((a, b) => b.length - a.length);
  if (distinct.length === 0) return (text) => text;
  return (text) => distinct.reduce((result, name) => result.split(name).join(WITHHELD_TEXT), text);
}
