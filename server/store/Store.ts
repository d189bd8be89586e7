import type { AlarmAcknowledgement } from '../../workers/formats/alarms.js';
import type { TimelineIncidentMark } from '../../workers/formats/history.js';
import type { Incident } from '../../workers/formats/incident.js';

/** One write as the audit log keeps it: who, what, when, on what, from where. */
export interface AuditEntryInput {
  /** ISO 8601 UTC. */
  at: string;
  /** Username, `rule:<id>` for a rule's proposal, or `anonymous`. */
  actor: string;
  role: string;
  /** What was done: `incident.create`, `incident.transition`, `login` … */
  action: string;
  /** What it was done to: `incident:<id>`, `account:<username>`. */
  target: string;
  /** A short JSON text of the change (`{"from":"reported","to":"verified"}`). */
  detail: string;
  /** The client's address (or `server` for the server's own writes). */
  source: string;
}

export interface AuditEntry extends AuditEntryInput {
  /** Increasing with every entry. */
  seq: number;
}

/**
 * The deployment's database, behind one interface with two engines: DuckDB in a file for
 * `npm start` (embedded, nothing to install) and PostgreSQL for a city deployment
 * (CIM_DATABASE_URL; several servers may share it). Both keep incidents with their history,
 * notes and dispatches, and the audit log; docs/emergency.md says how to choose.
 */
export interface Store {
  /** Which engine and where, for the start banner ("DuckDB data/cimtwin.duckdb"). */
  readonly description: string;
  listIncidents(): Promise<Incident[]>;
  getIncident(id: string): Promise<Incident | undefined>;
  /**
   * Writes a new incident (`previous` undefined) or the next version of `previous`, together
   * with its audit entry, in one transaction. Returns false, writing nothing, when the stored
   * incident is no longer at `previous.version` (another server or request changed it first)
   * or, for a new one, when the id exists.
   */
  saveIncident(next: Incident, previous: Incident | undefined, audit: AuditEntryInput): Promise<boolean>;
  /**
   * The incidents as they were at `at` (ms): each one's last version updated at or before it,
   * newest first like listIncidents; incidents created later are absent.
   */
  incidentsAt(at: number): Promise<Incident[]>;
  /** Incident state changes (their steps) in [from, to] (ms), oldest first, at most `limit`, for the timeline. */
  incidentMarks(from: number, to: number, limit: number): Promise<TimelineIncidentMark[]>;
  /**
   * Stores a sensor alarm's acknowledgement with its audit entry, in one transaction. An alarm
   * (datastream, since) is acknowledged once: when it already is, nothing is written and the
   * stored acknowledgement comes back with `created` false.
   */
  acknowledgeAlarm(ack: AlarmAcknowledgement, audit: AuditEntryInput): Promise<{ ack: AlarmAcknowledgement; created: boolean }>;
  /** The acknowledgements of these alarms made at or before `at` (ms): the alarm list as it was then. */
  alarmAcknowledgements(alarms: readonly { datastream: number; since: string }[], at: number): Promise<AlarmAcknowledgement[]>;
  appendAudit(entry: AuditEntryInput): Promise<void>;
  /** Newest first: at most `limit` entries with seq below `before` (all when omitted). */
  listAudit(options: { limit: number; before?: number }): Promise<AuditEntry[]>;
  close(): Promise<void>;
}
