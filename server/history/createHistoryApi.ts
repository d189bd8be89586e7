import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HistoryRange, HistoryTimeline, TimelineIncidentMark } from '../../workers/formats/history.js';
import type { Role } from '../../workers/formats/dataAccess.js';
import { parseCount, parseIsoTime, type QueryParsed } from '../../workers/history/parseHistoryQuery.js';
import { encodeObservationBatch, OPEN_FEED } from '../../workers/live/ObservationBatch.js';
import { type SensorType, staleAfterSeconds } from '../../workers/live/sensorTypes.js';
import { requestTarget } from '../requestTarget.js';
import type { ObservationColumns, ObservationHistory } from './ObservationHistory.js';
import type { Authenticator } from '../auth/Authenticator.js';
import type { DataReadAudit } from '../auth/DataReadAudit.js';
import { type DataRequester, requesterOr401 } from '../auth/requesterOf.js';
import type { SensorAccess } from '../live/SensorAccess.js';

/** Rows in one `changes` answer at most (2.1 MB; a larger limit is capped): playback asks again from the batch's `sentAt`. */
export const MAX_CHANGES = 100_000;
/** Timeline buckets: the default draws a day as quarter hours; more than a wall's pixels are refused. */
export const DEFAULT_TIMELINE_BUCKETS = 96;
export const MAX_TIMELINE_BUCKETS = 4_000;
/** Incident marks on one timeline at most. */
export const MAX_TIMELINE_MARKS = 2_000;
export { MAX_PENDING_READS } from './ObservationHistory.js';
/** How long the kept range is reused (ms): every state and changes answer checks it. */
const RANGE_CACHE_MS = 1000;
/** How far past the server's clock `at` may be (a viewer's clock a little ahead). */
const CLOCK_SLACK_MS = 60_000;
/**
 * Set when a request reaches back past what the store keeps: the earliest time kept (ISO
 * 8601), or `none` when nothing is kept yet. The answer holds what is kept.
 */
export const KEPT_FROM_HEADER = 'CIM-History-Kept-From';

export interface HistoryApiOptions {
  history: ObservationHistory;
  /** The sensors (datastream id = index + 1) and their types: each type's silence limit decides offline. */
  catalog: readonly { id: number; type: SensorType }[];
  /** The deployment's one silence limit (s), as the live API has it (CIM_STALE_AFTER_SECONDS). */
  staleAfterSeconds?: number;
  /** Incident marks for the timeline as a role reads them; none when absent. */
  incidents?: IncidentMarksForRole;
  /** Who may read which sensors; without it every sensor is open. */
  access?: SensorAccess;
  /** Verifies bearer tokens; without it every request reads as `public`. */
  auth?: Authenticator;
  /** Where replay reads of pipe sensors are recorded (`data.read`, target `history:replay`); none: not recorded. */
  audit?: DataReadAudit;
  now?: () => number;
}

/** The timeline's incident marks in [from, to] (ms), at most `limit`, as `role` may read them (server/incidents/IncidentAccess.ts). */
export type IncidentMarksForRole = (from: number, to: number, limit: number, role: Role) => Promise<TimelineIncidentMark[]>;

type Handler = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;

/**
 * The history API (workers/formats/history.ts): the state at T and the changes in a window as
 * ObservationBatch documents with their state column, the timeline's alarm density and incident
 * marks, and the range the store keeps. A parameter that cannot be read is a 400 naming it.
 * Returns false for paths that are not its own.
 *
 * Answers are the requester's role's, as /api/live/state is: the state and changes documents
 * hold only the sensors it may read (same encoding, fewer rows), the timeline counts only their
 * alarms; a bad token is a 401. A replay that reads pipe sensors is audit-logged (`data.read`,
 * once per user in 10 minutes).
 */
export function createHistoryApi(options: HistoryApiOptions): Handler {
  const { history } = options;
  const now = options.now ?? Date.now;
  // Index = datastream id, as stateAt wants it.
  const staleAfterMs = new Float64Array(options.catalog.reduce((max, e) => Math.max(max, e.id), 0) + 1);
  for (const entry of options.catalog) staleAfterMs[entry.id] = staleAfterSeconds(entry.type, options.staleAfterSeconds) * 1000;

  // One range() read a second at most, shared by the requests that need it (not a store turn each).
  let rangeCache: { at: number; range: Promise<{ rawFrom: number | null; downsampledFrom: number | null }> } | undefined;
  const keptRange = (): Promise<{ rawFrom: number | null; downsampledFrom: number | null }> => {
    const at = performance.now();
    if (!rangeCache || at - rangeCache.at > RANGE_CACHE_MS) {
      const range = history.range();
      rangeCache = { at, range };
      range.catch(() => {
        if (rangeCache?.range === range) rangeCache = undefined;
      });
    }
    return rangeCache.range;
  };

  /** The earliest raw observation kept; the header is set when `from` reaches before it. */
  const markKept = async (
    response: ServerResponse,
    from: number,
    kept: (range: { rawFrom: number | null; downsampledFrom: number | null }) => number | null,
  ): Promise<void> => {
    const earliest = kept(await keptRange());
    if (earliest === null) response.setHeader(KEPT_FROM_HEADER, 'none');
    else if (from < earliest) response.setHeader(KEPT_FROM_HEADER, new Date(earliest).toISOString());
  };

  return async (request, response) => {
    const { path, query } = requestTarget(request);
    if (!path.startsWith('/api/history/')) return false;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      sendJson(response, 405, { error: 'the history API is read-only: GET only' });
      return true;
    }
    const requester = await requesterOr401(options.auth, request, response);
    if (!requester) return true;
    const done = admitReadOr503(history, response);
    if (!done) return true;
    try {
      return await answer(requester, response, path, query);
    } finally {
      done();
    }
  };

  /** The rows the requester may read (all of them for a role that sees every category). */
  function readable(requester: DataRequester, columns: ObservationColumns): ObservationColumns {
    const { access } = options;
    if (!access || access.seesAll(requester.role)) return columns;
    return keepRows(columns, (datastream) => access.maySee(requester.role, datastream));
  }

  /**
   * A replay's read by a role that reads pipe sensors goes to the audit log (once per user in the
   * audit's window), beside the read: decided by the role, not the rows, so it never scans the answer.
   */
  async function auditReplay(requester: DataRequester, detail: Record<string, unknown>): Promise<void> {
    const { access, audit } = options;
    if (!audit) return;
    const categories = (access?.feedsFor(requester.role) ?? []).filter((feed) => feed !== OPEN_FEED);
    if (categories.length > 0) await audit.record(requester, 'history:replay', { ...detail, categories });
  }

  /** The datastreams whose alarms the requester's timeline counts: undefined for all. */
  function readableDatastreams(requester: DataRequester): number[] | undefined {
    const { access } = options;
    if (!access || access.seesAll(requester.role)) return undefined;
    return options.catalog.filter((e) => access.maySee(requester.role, e.id)).map((e) => e.id);
  }

  async function answer(requester: DataRequester, response: ServerResponse, path: string, query: URLSearchParams): Promise<boolean> {
    const started = performance.now();
    /** The parsed value, or undefined after the 400 naming the parameter was sent. */
    const read = <T>(parsed: QueryParsed<T>): T | undefined => {
      if ('value' in parsed) return parsed.value;
      sendJson(response, 400, { error: parsed.message, parameter: parsed.parameter });
      return undefined;
    };
    const time = (name: string): number | undefined => {
      const text = query.get(name);
      if (text === null) return read<number>({ parameter: name, message: `${name} is missing: give an ISO 8601 time such as 2026-11-30T08:00:00Z` });
      return read(parseIsoTime(text, name));
    };
    const window = (): { from: number; to: number } | undefined => {
      const from = time('from');
      if (from === undefined) return undefined;
      const to = time('to');
      if (to === undefined) return undefined;
      if (to < from) return read<never>({ parameter: 'to', message: `to (${new Date(to).toISOString()}) is before from (${new Date(from).toISOString()})` });
      return { from, to };
    };
    const timing = (): string => `store;dur=${(performance.now() - started).toFixed(1)}`;

    if (path === '/api/history/state') {
      const at = time('at');
      if (at === undefined) return true;
      const serverNow = now();
      if (at > serverNow + CLOCK_SLACK_MS)
        return (
          read<never>({ parameter: 'at', message: `at (${new Date(at).toISOString()}) is after the server's clock (${new Date(serverNow).toISOString()})` }),
          true
        );
      const [all] = await Promise.all([
        history.stateAt(at, staleAfterMs),
        markKept(response, at, (r) => r.rawFrom),
        auditReplay(requester, { at: new Date(at).toISOString() }),
      ]);
      sendBatch(response, at, readable(requester, all), timing());
    } else if (path === '/api/history/changes') {
      const span = window();
      if (span === undefined) return true;
      // A larger limit is served as MAX_CHANGES: `sentAt` says where to go on.
      const asked = read(parseCount(query.get('limit'), 'limit', MAX_CHANGES, 1, Number.MAX_SAFE_INTEGER));
      if (asked === undefined) return true;
      const limit = Math.min(asked, MAX_CHANGES);
      // Complete up to now at most: later readings may still come.
      const to = Math.min(span.to, now());
      // Cut over every sensor, then filtered: `completeTo` holds for the rows kept too.
      const [{ columns: all, completeTo }] = await Promise.all([
        changesUpTo(history, span.from, to, limit),
        markKept(response, span.from, (r) => r.rawFrom),
        auditReplay(requester, { from: new Date(span.from).toISOString(), to: new Date(to).toISOString() }),
      ]);
      sendBatch(response, completeTo, readable(requester, all), timing());
    } else if (path === '/api/history/timeline') {
      const span = window();
      if (span === undefined) return true;
      if (span.to === span.from) return (read<never>({ parameter: 'to', message: 'to equals from: the timeline needs a window' }), true);
      const buckets = read(parseCount(query.get('buckets'), 'buckets', DEFAULT_TIMELINE_BUCKETS, 1, MAX_TIMELINE_BUCKETS));
      if (buckets === undefined) return true;
      const bucketMs = Math.max(1, Math.ceil((span.to - span.from) / buckets));
      const count = Math.ceil((span.to - span.from) / bucketMs);
      const [transitions, incidents] = await Promise.all([
        history.transitionCounts(span.from, span.to, bucketMs, readableDatastreams(requester)),
        options.incidents?.(span.from, span.to, MAX_TIMELINE_MARKS, requester.role) ?? [],
        markKept(response, span.from, (r) => earliestOf(r.rawFrom, r.downsampledFrom)),
      ]);
      const timeline: HistoryTimeline = {
        ...span,
        bucketMs,
        alarms: fit(transitions.alarms, count),
        warnings: fit(transitions.warnings, count),
        incidents,
      };
      response.setHeader('Server-Timing', timing());
      sendJson(response, 200, timeline);
    } else if (path === '/api/history/range') {
      const kept = await keptRange();
      const range: HistoryRange = {
        now: now(),
        ...kept,
        rawRetentionMs: history.retention.rawMs,
        downsampledRetentionMs: history.retention.downsampledMs,
      };
      sendJson(response, 200, range);
    } else {
      sendJson(response, 404, { error: `no ${path}: the history API has /api/history/state, changes, timeline and range` });
    }
    return true;
  }
}

/**
 * The changes in (from, to], at most `limit` rows, and the time up to which they are complete.
 * A cut never splits the rows of one millisecond (asking again from the last row's time would
 * lose the rest of them): those rows go to the next answer, unless they are all it has — then
 * all of that millisecond is sent (at most one row per datastream), over the limit.
 */
export async function changesUpTo(
  history: Pick<ObservationHistory, 'changes'>,
  from: number,
  to: number,
  limit: number,
): Promise<{ columns: ObservationColumns; completeTo: number }> {
  const found = await history.changes(from, to, limit + 1);
  if (found.count <= limit) return { columns: found, completeTo: to };
  const cutTime = found.time[limit]!;
  let keep = limit;
  while (keep > 0 && found.time[keep - 1] === cutTime) keep--;
  if (keep > 0) return { columns: sliceColumns(found, keep), completeTo: found.time[keep - 1]! };
  const all = await history.changes(from, cutTime, 2 ** 31 - 1);
  return { columns: all, completeTo: cutTime };
}

/** The rows whose datastream passes `keep`, in order. */
function keepRows(columns: ObservationColumns, keep: (datastream: number) => boolean): ObservationColumns {
  const rows: number[] = [];
  for (let i = 0; i < columns.count; i++) if (keep(columns.datastream[i]!)) rows.push(i);
  if (rows.length === columns.count) return columns;
  const pick = <T extends Uint32Array | Float64Array | Uint8Array>(column: T, into: T): T => {
    rows.forEach((row, i) => (into[i] = column[row]!));
    return into;
  };
  return {
    count: rows.length,
    datastream: pick(columns.datastream, new Uint32Array(rows.length)),
    time: pick(columns.time, new Float64Array(rows.length)),
    result: pick(columns.result, new Float64Array(rows.length)),
    state: pick(columns.state, new Uint8Array(rows.length)),
  };
}

function sliceColumns(columns: ObservationColumns, count: number): ObservationColumns {
  return {
    count,
    datastream: columns.datastream.subarray(0, count),
    time: columns.time.subarray(0, count),
    result: columns.result.subarray(0, count),
    state: columns.state.subarray(0, count),
  };
}

/** `values` as exactly `count` buckets (a store may stop at the last non-empty one). */
function fit(values: readonly number[], count: number): number[] {
  return Array.from({ length: count }, (_, i) => values[i] ?? 0);
}

function earliestOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

function sendBatch(response: ServerResponse, sentAt: number, columns: ObservationColumns, timing: string): void {
  const bytes = encodeObservationBatch(0, sentAt, columns.datastream, columns.time, columns.result, columns.count, columns.state);
  response
    .writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': bytes.byteLength,
      'Cache-Control': 'no-store',
      'Server-Timing': timing,
    })
    .end(bytes);
}

function sendJson(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }).end(JSON.stringify(body));
}

/**
 * A place among the history's waiting reads, or a 503 with Retry-After sent (and undefined) when
 * they are all taken: every API that reads the history goes through this.
 */
export function admitReadOr503(history: Pick<ObservationHistory, 'admitRead'>, response: ServerResponse): (() => void) | undefined {
  const done = history.admitRead();
  if (!done) {
    response.setHeader('Retry-After', '1');
    sendJson(response, 503, {
      error: 'the history store is busy: the most requests it lets wait are waiting; ask again in a second (a viewer keeps only its latest request)',
    });
  }
  return done;
}
