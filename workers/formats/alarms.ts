import { parseIsoTime } from '../history/parseHistoryQuery.js';

/**
 * Sensor alarms as the server keeps them (docs/history.md, "Alarm list at T and
 * acknowledgements"). An alarm is a datastream's stretch in warning or alarm, named by the
 * datastream and the time that state began (`since`: its last alarm transition). An operator
 * acknowledges that alarm (`POST /api/alarms/acks`); the server stores it with its audit entry
 * and publishes it on `ALARM_ACKS_TOPIC` (read-only for clients). `GET /api/alarms?at=` gives
 * the alarm list as it was at a time, with the acknowledgements made by then. The server and
 * the viewer read what they receive with the parse functions below.
 */
export const ALARM_ACKS_TOPIC = 'cimtwin/v1/alarms/acks';
/** An acknowledgement's note at most (characters). */
export const MAX_ACK_NOTE_LENGTH = 200;

export type ActiveAlarmState = 'warning' | 'alarm';

/** Who acknowledged an alarm, when (ISO 8601 UTC), and what they noted. */
export interface AlarmAcknowledger {
  by: string;
  role: string;
  at: string;
  note?: string;
}

/** One acknowledgement: the alarm (datastream, since) and who acknowledged it — what the topic carries. */
export interface AlarmAcknowledgement extends AlarmAcknowledger {
  datastream: number;
  /** When the acknowledged state began, ISO 8601 UTC with milliseconds. */
  since: string;
}

/** The body of `POST /api/alarms/acks`. */
export interface AlarmAckRequest {
  datastream: number;
  /** The start of the alarm being acknowledged (as `GET /api/alarms` gives it). */
  since: string;
  note?: string;
}

/** An alarm active at the document's time. */
export interface ActiveAlarm {
  datastream: number;
  state: ActiveAlarmState;
  since: string;
  /** Acknowledged by then, or null. */
  acknowledged: AlarmAcknowledger | null;
}

/** `GET /api/alarms?at=`: the alarm list as it was at `at`, the oldest alarm first. */
export interface AlarmsDocument {
  at: string;
  alarms: ActiveAlarm[];
}

export type AlarmsParsed<T> = { value: T } | { field: string; message: string };

class Refusal extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const fail = (field: string, message: string): never => {
  throw new Refusal(field, message);
};

function parsed<T>(read: () => T): AlarmsParsed<T> {
  try {
    return { value: read() };
  } catch (error) {
    if (error instanceof Refusal) return { field: error.field, message: `${error.field} ${error.message}` };
    throw error;
  }
}

function objectAt(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(field, 'must be a JSON object');
  return value as Record<string, unknown>;
}

function datastreamAt(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) return fail('datastream', 'must be a datastream id (a whole number ≥ 1)');
  return value;
}

/** An ISO time, given back in the one form the server stores (UTC with milliseconds). */
function isoAt(value: unknown, field: string): string {
  if (typeof value !== 'string') return fail(field, 'must be an ISO 8601 time such as 2026-11-30T08:00:00.000Z');
  const time = parseIsoTime(value, field);
  if (!('value' in time)) return fail(field, time.message.slice(field.length + 1));
  return new Date(time.value).toISOString();
}

function noteAt(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return fail('note', 'must be text');
  if ([...value].length > MAX_ACK_NOTE_LENGTH) fail('note', `must be at most ${MAX_ACK_NOTE_LENGTH} characters`);
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(value)) fail('note', 'must not hold control characters');
  const note = value.trim();
  return note === '' ? undefined : note;
}

function textAt(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) return fail(field, 'must be text of 1 to 200 characters');
  return value;
}

export function parseAlarmAckRequest(body: unknown): AlarmsParsed<AlarmAckRequest> {
  return parsed(() => {
    const request = objectAt(body, 'body');
    const note = noteAt(request['note']);
    return { datastream: datastreamAt(request['datastream']), since: isoAt(request['since'], 'since'), ...(note !== undefined ? { note } : {}) };
  });
}

/** A message of ALARM_ACKS_TOPIC (the viewer reads the MQTT payload with this). */
export function parseAlarmAcknowledgement(body: unknown): AlarmsParsed<AlarmAcknowledgement> {
  return parsed(() => {
    const ack = objectAt(body, 'message');
    const note = noteAt(ack['note']);
    return {
      datastream: datastreamAt(ack['datastream']),
      since: isoAt(ack['since'], 'since'),
      by: textAt(ack['by'], 'by'),
      role: textAt(ack['role'], 'role'),
      at: isoAt(ack['at'], 'at'),
      ...(note !== undefined ? { note } : {}),
    };
  });
}

/** The body of `GET /api/alarms` (the viewer's replay annotations). */
export function parseAlarmsDocument(body: unknown): AlarmsParsed<AlarmsDocument> {
  return parsed(() => {
    const document = objectAt(body, 'body');
    const list = document['alarms'];
    if (!Array.isArray(list)) return fail('alarms', 'must be a list');
    return {
      at: isoAt(document['at'], 'at'),
      alarms: list.map((item): ActiveAlarm => {
        const alarm = objectAt(item, 'alarms[]');
        const state = alarm['state'];
        if (state !== 'warning' && state !== 'alarm') return fail('state', 'must be "warning" or "alarm"');
        const acked = alarm['acknowledged'];
        let acknowledged: AlarmAcknowledger | null = null;
        if (acked !== null) {
          const a = objectAt(acked, 'acknowledged');
          const note = noteAt(a['note']);
          acknowledged = { by: textAt(a['by'], 'by'), role: textAt(a['role'], 'role'), at: isoAt(a['at'], 'at'), ...(note !== undefined ? { note } : {}) };
        }
        return { datastream: datastreamAt(alarm['datastream']), state, since: isoAt(alarm['since'], 'since'), acknowledged };
      }),
    };
  });
}

/** The acknowledger part of a stored acknowledgement (what the alarm list shows). */
export function acknowledgerOf(ack: AlarmAcknowledgement): AlarmAcknowledger {
  return { by: ack.by, role: ack.role, at: ack.at, ...(ack.note !== undefined ? { note: ack.note } : {}) };
}
