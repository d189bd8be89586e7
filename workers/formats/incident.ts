/**
 * An incident (突发事件) as the server stores it, serves it (`/api/incidents`) and pushes it
 * over MQTT, and as the viewer reads it. The alerting fields follow OASIS CAP 1.2 (the names
 * are CAP's, so `/api/incidents/{id}/cap` is a direct mapping); the classification follows
 * GB/T 35561 (workers/standards/gbt35561.ts). Where the incident *is* (footprint) is kept apart
 * from the area to *notify* (CAP's `area`): a burst pipe is a point, the streets told to expect
 * no water are a polygon.
 *
 * Coordinates are [lon, lat] degrees (WGS84), as everywhere in CIM Twin; CAP writes
 * "lat,lon" and kilometres — the CAP writer converts. Times are ISO 8601 UTC strings with
 * milliseconds (`new Date().toISOString()`).
 */
import type { EmergencyCategoryId, EmergencyLevel } from '../standards/gbt35561.js';

export const INCIDENT_FORMAT_VERSION = 1;

export type LonLat = [lon: number, lat: number];

// ---- CAP 1.2 vocabularies (CAP-V1.2 §3.2) ----

/** CAP `status`: only real incidents and exercises (演练) are kept; System/Test/Draft are not. */
export type CapStatus = 'Actual' | 'Exercise';
export type CapMsgType = 'Alert' | 'Update' | 'Cancel';
export type CapScope = 'Public' | 'Restricted';
export type CapCategory = 'Geo' | 'Met' | 'Safety' | 'Security' | 'Rescue' | 'Fire' | 'Health' | 'Env' | 'Transport' | 'Infra' | 'CBRNE' | 'Other';
export type CapUrgency = 'Immediate' | 'Expected' | 'Future' | 'Past' | 'Unknown';
export type CapSeverity = 'Extreme' | 'Severe' | 'Moderate' | 'Minor' | 'Unknown';
export type CapCertainty = 'Observed' | 'Likely' | 'Possible' | 'Unlikely' | 'Unknown';

export const CAP_CATEGORIES: readonly CapCategory[] = [
  'Geo',
  'Met',
  'Safety',
  'Security',
  'Rescue',
  'Fire',
  'Health',
  'Env',
  'Transport',
  'Infra',
  'CBRNE',
  'Other',
];
export const CAP_URGENCIES: readonly CapUrgency[] = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'];
export const CAP_SEVERITIES: readonly CapSeverity[] = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'];
export const CAP_CERTAINTIES: readonly CapCertainty[] = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'];

// ---- where ----

/** Where the incident is. */
export type Footprint =
  | { kind: 'point'; at: LonLat }
  | { kind: 'circle'; centre: LonLat; radiusMetres: number }
  /** One outer ring, not necessarily closed (the writer closes it). */
  | { kind: 'polygon'; ring: LonLat[] };

/** Who is told: CAP `<area>` (at least one polygon or circle, or only the description). */
export interface NotifyArea {
  areaDesc: string;
  polygons: LonLat[][];
  circles: { centre: LonLat; radiusMetres: number }[];
}

// ---- classification (GB/T 35561) ----

export interface IncidentClassification {
  /** GB/T 35561 category id (自然灾害 / 事故灾难 / 公共卫生事件 / 社会安全事件). */
  category: EmergencyCategoryId;
  /** Sub-type id from the same table (e.g. 'public-facility'). */
  subType: string;
  /** Ⅰ (特别重大, red) … Ⅳ (一般, blue). */
  level: EmergencyLevel;
}

// ---- lifecycle ----

export const INCIDENT_STATES = ['reported', 'verified', 'responding', 'contained', 'closed', 'cancelled'] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];
/** States an incident can still leave; the rest are final. */
export const OPEN_INCIDENT_STATES = ['reported', 'verified', 'responding', 'contained'] as const;
export type OpenIncidentState = (typeof OPEN_INCIDENT_STATES)[number];

/** Minutes an incident may stay in each open state before it is overdue (deployment config). */
export type StateDeadlines = Partial<Record<OpenIncidentState, number>>;

export interface IncidentStep {
  at: string;
  /** Username; absent in the public's copy (workers/incidents/incidentForRole: account names are for signed-in roles). */
  by?: string;
  /** null for the creation step. */
  from: IncidentState | null;
  to: IncidentState;
  note?: string;
}

export interface IncidentNote {
  id: string;
  at: string;
  by: string;
  /** Plain text: shown as text, never as markup. */
  text: string;
}

// ---- where it came from ----

export type IncidentSource =
  /** Opened by an operator from a sensor alarm. */
  | { kind: 'alarm'; datastreamId: number; sensorType: string; sensorName?: string; phenomenonTime: string; value?: number }
  /**
   * A role's copy of an alarm source whose sensor that role may not read (docs/access.md): what
   * alarmed and when, not which sensor or its reading. Never stored, never accepted in a draft.
   */
  | { kind: 'alarm'; withheld: true; sensorType: string; phenomenonTime: string }
  /** Proposed by a rule (workers/rules) from the readings of these datastreams. */
  | { kind: 'rule'; ruleId: string; datastreamIds: number[]; at: string }
  | { kind: 'manual' };

/** A feature the incident is about, ids as in the tiles and network.json (the suspected pipe). */
export interface IncidentAsset {
  kind: 'pipe' | 'node' | 'valve' | 'building' | 'sensor' | 'poi';
  id: string;
}

// ---- resources ----

export const DISPATCH_STATES = ['assigned', 'en-route', 'on-scene', 'released'] as const;
export type DispatchState = (typeof DISPATCH_STATES)[number];
export type ResourceKind = 'fire' | 'medical' | 'police' | 'utility';

export interface DispatchStep {
  at: string;
  by: string;
  from: DispatchState | null;
  to: DispatchState;
}

/** A unit sent to the incident. The routing side ranks units; the store keeps what was sent. */
export interface Dispatch {
  id: string;
  /** The resource's id (a seed POI id for a station, or a vehicle's call sign). */
  unitId: string;
  unitKind: ResourceKind;
  unitName?: string;
  /** Travel time when assigned, from the routing kernel. */
  etaSeconds?: number;
  state: DispatchState;
  history: DispatchStep[];
}

// ---- the record ----

export interface Incident {
  /** Server-made, also the CAP `identifier` stem (letters, digits, '-' only). */
  id: string;
  /** +1 on every change; a client keeps the highest it has seen. */
  version: number;
  /** CAP `sender`: the deployment's sender id. */
  sender: string;
  /** CAP `sent`: when the incident was created. */
  sent: string;
  /** Last change. */
  updated: string;
  /** 'Exercise' is the exercise (演练) flag; use `isExercise`. */
  status: CapStatus;
  /** 'Alert' when created, 'Update' after a change, 'Cancel' once cancelled. */
  msgType: CapMsgType;
  scope: CapScope;
  /** Required by CAP when scope is 'Restricted'. */
  restriction?: string;
  /** CAP `category` (one or more). */
  category: CapCategory[];
  /** CAP `event`: what happened, short ("供水管道爆管"). */
  event: string;
  urgency: CapUrgency;
  severity: CapSeverity;
  certainty: CapCertainty;
  headline: string;
  description: string;
  instruction?: string;
  classification: IncidentClassification;
  footprint: Footprint;
  /** Null until someone draws the area to notify. */
  area: NotifyArea | null;
  assets: IncidentAsset[];
  source: IncidentSource;
  /** For a rule's proposal: the situation it names (IncidentProposal.dedupeKey). */
  dedupeKey?: string;
  state: IncidentState;
  /** When the current state was entered. */
  stateSince: string;
  /** When the current state becomes overdue, or null (final states, or no deadline configured). */
  deadline: string | null;
  /** Computed when served: `deadline` has passed. */
  overdue: boolean;
  /**
   * The account (or `rule:<id>`) that opened it. Absent in the public's copy: the command
   * centre's account names are for signed-in roles only (workers/incidents/incidentForRole).
   */
  createdBy?: string;
  history: IncidentStep[];
  notes: IncidentNote[];
  dispatches: Dispatch[];
  /**
   * Only in a data role's copy (the API and MQTT answer per role, workers/incidents/incidentForRole):
   * what that copy leaves out. Absent when nothing was withheld, and never stored.
   */
  withheld?: IncidentWithheld;
}

/**
 * What a role's copy of an incident leaves out: assets (pipes, nodes, valves, sensors) of
 * categories the role may not see — their ids and sensor names are also replaced by
 * `WITHHELD_TEXT` in the texts — and, for the public, the command centre's notes and dispatches.
 */
export interface IncidentWithheld {
  assets: number;
  notes: number;
  dispatches: number;
}

/** What replaces a withheld id or sensor name inside an incident's texts. */
export const WITHHELD_TEXT = '[已隐去 withheld]';

export function isExercise(incident: Pick<Incident, 'status'>): boolean {
  return incident.status === 'Exercise';
}

/**
 * What a client (or an alarm, or a rule) supplies to open an incident: `POST /api/incidents`.
 * The server fills id, version, sender, times, state and history. Omitted CAP fields take
 * defaults from the classification (severity from the level, category from the sub-type).
 */
export interface IncidentDraft {
  event: string;
  headline: string;
  description?: string;
  instruction?: string;
  classification: IncidentClassification;
  footprint: Footprint;
  area?: NotifyArea | null;
  assets?: IncidentAsset[];
  exercise?: boolean;
  scope?: CapScope;
  restriction?: string;
  category?: CapCategory[];
  urgency?: CapUrgency;
  severity?: CapSeverity;
  certainty?: CapCertainty;
  source?: IncidentSource;
}

/**
 * A rule's proposal (workers/rules → server/incidents/proposeIncident.ts). `dedupeKey` names
 * the situation ("burst:<pipe id>"): while an open incident from the same rule has the same
 * key, proposing again returns that incident instead of opening another.
 */
export interface IncidentProposal extends IncidentDraft {
  source: Extract<IncidentSource, { kind: 'rule' }>;
  dedupeKey: string;
}

// ---- pushed changes ----

/**
 * MQTT: each incident's current record is published *retained* on
 * `cimtwin/v1/incidents/<id>` after every change, so a viewer that subscribes to
 * `cimtwin/v1/incidents/+` (first connect or reconnect) receives every incident at once and
 * then each change as it happens; it keeps the highest `version` per id. Only open incidents
 * stay retained: when one is closed or cancelled its final record is published, then an empty
 * payload clears the topic (a client ignores empty payloads). `GET /api/incidents` gives every
 * record, open or not, over HTTP.
 */
export const INCIDENTS_TOPIC = 'cimtwin/v1/incidents';
export const INCIDENTS_SUBSCRIPTION = `${INCIDENTS_TOPIC}/+`;

export function incidentTopic(id: string): string {
  return `${INCIDENTS_TOPIC}/${id}`;
}

export type IncidentChangeKind = 'created' | 'transition' | 'note' | 'dispatch' | 'updated';

/** The JSON payload on an incident's topic. */
export interface IncidentChangeMessage {
  version: typeof INCIDENT_FORMAT_VERSION;
  change: IncidentChangeKind;
  /** Username of who made the change. */
  by: string;
  at: string;
  incident: Incident;
}
