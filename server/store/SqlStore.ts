import type { Incident, IncidentState, IncidentStep } from '../../workers/formats/incident.js';
import type { TimelineIncidentMark } from '../../workers/formats/history.js';
import type { AlarmAcknowledgement } from '../../workers/formats/alarms.js';
import { EMERGENCY_LEVELS } from '../../workers/standards/gbt35561.js';
import type { SqlConnection, SqlExecutor, SqlRow } from './SqlConnection.js';
import type { AuditEntry, AuditEntryInput, Store } from './Store.js';
import { StoreError } from './StoreError.js';

/**
 * The schema, in the SQL DuckDB and PostgreSQL share. Each incident is kept twice, in one
 * transaction: its current record as one JSON text (`incidents.record`, typed in
 * workers/formats/incident.ts; a read is one query, which matters on DuckDB where every
 * statement costs a plan), and a journal of rows appended as things happen — steps, notes,
 * dispatches and their steps — so that "every step by user X" or "time from reported to
 * verified" is a query. Every version of the record is kept too (`incident_versions`), so the
 * incidents can be shown as they were at any time (history and replay). Times are ISO 8601
 * UTC text: it sorts as time and reads back identical on both engines.
 *
 * Schema versions: 1 incidents, journal, audit log; 2 adds incident_versions (a version-1
 * database gains the table with each incident's current record as its first kept version);
 * 3 adds alarm_acks, the sensor alarms' acknowledgements (an older database gains the empty
 * table: acknowledgements were a browser's local flag before).
 */
const SCHEMA_VERSION = 3;
const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS store_schema (version INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS incidents (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    state TEXT NOT NULL,
    sent TEXT NOT NULL,
    updated TEXT NOT NULL,
    record TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS incident_steps (
    incident_id TEXT NOT NULL, seq INTEGER NOT NULL, at_time TEXT NOT NULL, actor TEXT NOT NULL,
    from_state TEXT, to_state TEXT NOT NULL, note TEXT,
    PRIMARY KEY (incident_id, seq))`,
  `CREATE TABLE IF NOT EXISTS incident_notes (
    incident_id TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, at_time TEXT NOT NULL, actor TEXT NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (incident_id, seq))`,
  `CREATE TABLE IF NOT EXISTS dispatches (
    incident_id TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, unit_id TEXT NOT NULL, unit_kind TEXT NOT NULL,
    unit_name TEXT, eta_seconds DOUBLE PRECISION, state TEXT NOT NULL,
    PRIMARY KEY (incident_id, seq))`,
  `CREATE TABLE IF NOT EXISTS dispatch_steps (
    incident_id TEXT NOT NULL, dispatch_seq INTEGER NOT NULL, seq INTEGER NOT NULL, at_time TEXT NOT NULL, actor TEXT NOT NULL,
    from_state TEXT, to_state TEXT NOT NULL,
    PRIMARY KEY (incident_id, dispatch_seq, seq))`,
  `CREATE TABLE IF NOT EXISTS incident_versions (
    id TEXT NOT NULL, version INTEGER NOT NULL, updated TEXT NOT NULL, record TEXT NOT NULL,
    PRIMARY KEY (id, version))`,
  // The incidents at T and the timeline's marks read by these (IF NOT EXISTS: an existing database gains them at open).
  `CREATE INDEX IF NOT EXISTS incident_versions_id_updated ON incident_versions (id, updated)`,
  `CREATE INDEX IF NOT EXISTS incident_steps_at_time ON incident_steps (at_time)`,
  // An alarm is a datastream's state since its last transition (`since`): acknowledged once.
  `CREATE TABLE IF NOT EXISTS alarm_acks (
    datastream INTEGER NOT NULL, since TEXT NOT NULL, acked_at TEXT NOT NULL, actor TEXT NOT NULL, role TEXT NOT NULL, note TEXT,
    PRIMARY KEY (datastream, since))`,
  `CREATE INDEX IF NOT EXISTS alarm_acks_since ON alarm_acks (since)`,
  `CREATE SEQUENCE IF NOT EXISTS audit_seq`,
  `CREATE TABLE IF NOT EXISTS audit_log (
    seq BIGINT PRIMARY KEY DEFAULT nextval('audit_seq'),
    at_time TEXT NOT NULL, actor TEXT NOT NULL, role TEXT NOT NULL, action TEXT NOT NULL,
    target TEXT NOT NULL, detail TEXT NOT NULL, source TEXT NOT NULL)`,
];

export class SqlStore implements Store {
  private constructor(private readonly sql: SqlConnection) {}

  /** The engine's connection, for the sensor history kept in the same database (server/history/). */
  get connection(): SqlConnection {
    return this.sql;
  }

  get description(): string {
    return this.sql.description;
  }

  /** Creates the tables on a new database; refuses one written by a newer schema. */
  static async open(sql: SqlConnection): Promise<SqlStore> {
    try {
      await sql.transaction(async (tx) => {
        for (const statement of SCHEMA) await tx.execute(statement);
        const [row] = await tx.query('SELECT max(version) AS version FROM store_schema');
        const version = row?.['version'] === null || row?.['version'] === undefined ? undefined : Number(row['version']);
        if (version === undefined) await tx.execute('INSERT INTO store_schema (version) VALUES ($1)', [SCHEMA_VERSION]);
        else if (version > SCHEMA_VERSION)
          throw new StoreError(`the database holds schema version ${version}, newer than this CIM Twin's ${SCHEMA_VERSION}: upgrade CIM Twin`);
        else if (version < SCHEMA_VERSION) await migrate(tx, version);
      });
    } catch (error) {
      await sql.close().catch(() => undefined);
      throw error;
    }
    return new SqlStore(sql);
  }

  async listIncidents(): Promise<Incident[]> {
    return (await this.sql.query('SELECT record FROM incidents ORDER BY sent DESC, id')).map(recordOf);
  }

  async getIncident(id: string): Promise<Incident | undefined> {
    const [row] = await this.sql.query('SELECT record FROM incidents WHERE id = $1', [id]);
    return row && recordOf(row);
  }

  /** An incident's steps from the journal rows (what reports query; equal to the record's history). */
  async journalSteps(id: string): Promise<IncidentStep[]> {
    return (await this.sql.query('SELECT * FROM incident_steps WHERE incident_id = $1 ORDER BY seq', [id])).map((s) => ({
      at: String(s['at_time']),
      by: String(s['actor']),
      from: s['from_state'] === null ? null : (String(s['from_state']) as IncidentState),
      to: String(s['to_state']) as IncidentState,
      ...(s['note'] !== null ? { note: String(s['note']) } : {}),
    }));
  }

  async saveIncident(next: Incident, previous: Incident | undefined, audit: AuditEntryInput): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      const { history, notes, dispatches } = next;
      // `overdue` is computed when served, from the deadline.
      const record = JSON.stringify({ ...next, overdue: false });
      if (previous === undefined) {
        const [existing] = await tx.query('SELECT 1 AS found FROM incidents WHERE id = $1', [next.id]);
        if (existing) return false;
        await tx.execute('INSERT INTO incidents (id, version, state, sent, updated, record) VALUES ($1, $2, $3, $4, $5, $6)', [
          next.id,
          next.version,
          next.state,
          next.sent,
          next.updated,
          record,
        ]);
      } else {
        const changed = await tx.execute('UPDATE incidents SET version = $1, state = $2, updated = $3, record = $4 WHERE id = $5 AND version = $6', [
          next.version,
          next.state,
          next.updated,
          record,
          next.id,
          previous.version,
        ]);
        if (changed !== 1) return false;
      }
      await tx.execute('INSERT INTO incident_versions (id, version, updated, record) VALUES ($1, $2, $3, $4)', [next.id, next.version, next.updated, record]);
      // Steps, notes and dispatch steps are only ever appended; a dispatch's state is updated.
      for (let seq = previous?.history.length ?? 0; seq < history.length; seq++) {
        const step = history[seq]!;
        // Only the public's copy leaves the actor out, and a role's copy is never stored.
        if (step.by === undefined) throw new Error(`incident ${next.id}: step ${seq} has no actor (a role's copy, not the record)`);
        await tx.execute('INSERT INTO incident_steps (incident_id, seq, at_time, actor, from_state, to_state, note) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
          next.id,
          seq,
          step.at,
          step.by,
          step.from,
          step.to,
          step.note ?? null,
        ]);
      }
      for (let seq = previous?.notes.length ?? 0; seq < notes.length; seq++) {
        const note = notes[seq]!;
        await tx.execute('INSERT INTO incident_notes (incident_id, seq, id, at_time, actor, body) VALUES ($1, $2, $3, $4, $5, $6)', [
          next.id,
          seq,
          note.id,
          note.at,
          note.by,
          note.text,
        ]);
      }
      for (let seq = 0; seq < dispatches.length; seq++) {
        const dispatch = dispatches[seq]!;
        const before = previous?.dispatches[seq];
        if (!before) {
          await tx.execute(
            'INSERT INTO dispatches (incident_id, seq, id, unit_id, unit_kind, unit_name, eta_seconds, state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
            [next.id, seq, dispatch.id, dispatch.unitId, dispatch.unitKind, dispatch.unitName ?? null, dispatch.etaSeconds ?? null, dispatch.state],
          );
        } else if (before.state !== dispatch.state) {
          await tx.execute('UPDATE dispatches SET state = $1 WHERE incident_id = $2 AND seq = $3', [dispatch.state, next.id, seq]);
        }
        for (let step = before?.history.length ?? 0; step < dispatch.history.length; step++) {
          const s = dispatch.history[step]!;
          await tx.execute(
            'INSERT INTO dispatch_steps (incident_id, dispatch_seq, seq, at_time, actor, from_state, to_state) VALUES ($1, $2, $3, $4, $5, $6, $7)',
            [next.id, seq, step, s.at, s.by, s.from, s.to],
          );
        }
      }
      await insertAudit(tx, audit);
      return true;
    });
  }

  async incidentsAt(at: number): Promise<Incident[]> {
    const rows = await this.sql.query(
      `SELECT v.record FROM incident_versions v
       JOIN (SELECT id, max(version) AS version FROM incident_versions WHERE updated <= $1 GROUP BY id) last
         ON v.id = last.id AND v.version = last.version`,
      [new Date(at).toISOString()],
    );
    // The order listIncidents gives: newest first.
    return rows.map(recordOf).sort((a, b) => (a.sent === b.sent ? (a.id < b.id ? -1 : 1) : a.sent < b.sent ? 1 : -1));
  }

  async incidentMarks(from: number, to: number, limit: number): Promise<TimelineIncidentMark[]> {
    // Each step with the one version its mark needs (headline and level as they were then): the
    // newest written at or before the step, else the first. Not every version up to `to`.
    const version = (order: string, when: string): string =>
      `(SELECT v.record FROM incident_versions v WHERE v.id = s.incident_id${when} ORDER BY v.version ${order} LIMIT 1)`;
    const steps = await this.sql.query(
      `SELECT s.incident_id, s.at_time, s.to_state, coalesce(${version('DESC', ' AND v.updated <= s.at_time')}, ${version('ASC', '')}) AS record
       FROM (SELECT incident_id, seq, at_time, to_state FROM incident_steps WHERE at_time >= $1 AND at_time <= $2
             ORDER BY at_time, incident_id, seq LIMIT $3) s
       ORDER BY s.at_time, s.incident_id, s.seq`,
      [new Date(from).toISOString(), new Date(to).toISOString(), limit],
    );
    return steps.flatMap((step): TimelineIncidentMark[] => {
      if (step['record'] === null || step['record'] === undefined) return []; // a step of an incident whose versions were never written (cannot happen after schema 2)
      const incident = recordOf(step);
      return [
        {
          id: incident.id,
          time: Date.parse(String(step['at_time'])),
          headline: incident.headline,
          level: EMERGENCY_LEVELS.findIndex((l) => l.id === incident.classification.level) + 1,
          state: String(step['to_state']),
        },
      ];
    });
  }

  async acknowledgeAlarm(ack: AlarmAcknowledgement, audit: AuditEntryInput): Promise<{ ack: AlarmAcknowledgement; created: boolean }> {
    return this.sql.transaction(async (tx) => {
      // ON CONFLICT: two servers sharing PostgreSQL may race for the same alarm; the first one wins.
      const inserted = await tx.execute(
        'INSERT INTO alarm_acks (datastream, since, acked_at, actor, role, note) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING',
        [ack.datastream, ack.since, ack.at, ack.by, ack.role, ack.note ?? null],
      );
      if (inserted === 1) {
        await insertAudit(tx, audit);
        return { ack, created: true };
      }
      const [row] = await tx.query('SELECT * FROM alarm_acks WHERE datastream = $1 AND since = $2', [ack.datastream, ack.since]);
      if (!row) throw new StoreError(`alarm_acks: the acknowledgement of datastream ${ack.datastream} since ${ack.since} was neither written nor found`);
      return { ack: ackOf(row), created: false };
    });
  }

  async alarmAcknowledgements(alarms: readonly { datastream: number; since: string }[], at: number): Promise<AlarmAcknowledgement[]> {
    if (alarms.length === 0) return [];
    const wanted = new Set(alarms.map((a) => `${a.datastream} ${a.since}`));
    const earliest = alarms.reduce((min, a) => (a.since < min ? a.since : min), alarms[0]!.since);
    // One range read from the oldest alarm's start (a handful of rows: acks of alarms since then), filtered here.
    const rows = await this.sql.query('SELECT * FROM alarm_acks WHERE since >= $1 AND acked_at <= $2', [earliest, new Date(at).toISOString()]);
    return rows.map(ackOf).filter((ack) => wanted.has(`${ack.datastream} ${ack.since}`));
  }

  async appendAudit(entry: AuditEntryInput): Promise<void> {
    await this.sql.transaction((tx) => insertAudit(tx, entry));
  }

  async listAudit(options: { limit: number; before?: number }): Promise<AuditEntry[]> {
    const rows =
      options.before === undefined
        ? await this.sql.query('SELECT * FROM audit_log ORDER BY seq DESC LIMIT $1', [options.limit])
        : await this.sql.query('SELECT * FROM audit_log WHERE seq < $1 ORDER BY seq DESC LIMIT $2', [options.before, options.limit]);
    return rows.map((row) => ({
      seq: Number(row['seq']),
      at: String(row['at_time']),
      actor: String(row['actor']),
      role: String(row['role']),
      action: String(row['action']),
      target: String(row['target']),
      detail: String(row['detail']),
      source: String(row['source']),
    }));
  }

  close(): Promise<void> {
    return this.sql.close();
  }
}

/** Brings a database written by an older CIM Twin up to SCHEMA_VERSION (inside open's transaction). */
async function migrate(tx: SqlExecutor, from: number): Promise<void> {
  if (from < 2) {
    // History before the upgrade was not kept: each incident's current record is its first version.
    await tx.execute('INSERT INTO incident_versions (id, version, updated, record) SELECT id, version, updated, record FROM incidents');
  }
  // 3: alarm_acks is created empty by SCHEMA (IF NOT EXISTS) before this runs.
  await tx.execute('UPDATE store_schema SET version = $1', [SCHEMA_VERSION]);
}

async function insertAudit(tx: SqlExecutor, entry: AuditEntryInput): Promise<void> {
  await tx.execute('INSERT INTO audit_log (at_time, actor, role, action, target, detail, source) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
    entry.at,
    entry.actor,
    entry.role,
    entry.action,
    entry.target,
    entry.detail,
    entry.source,
  ]);
}

function ackOf(row: SqlRow): AlarmAcknowledgement {
  return {
    datastream: Number(row['datastream']),
    since: String(row['since']),
    by: String(row['actor']),
    role: String(row['role']),
    at: String(row['acked_at']),
    ...(row['note'] !== null ? { note: String(row['note']) } : {}),
  };
}

function recordOf(row: SqlRow): Incident {
  return JSON.parse(String(row['record'])) as Incident;
}
