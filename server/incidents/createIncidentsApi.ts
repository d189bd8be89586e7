import type { IncomingMessage, ServerResponse } from 'node:http';
import { draftFromAlarm, type AlarmSensor } from '../../workers/incidents/draftFromAlarm.js';
import { CAP_CONTENT_TYPE, incidentToCap } from '../../workers/incidents/incidentToCap.js';
import {
  type Parsed,
  parseDispatchRequest,
  parseDispatchTransition,
  parseIncidentDraft,
  parseNoteRequest,
  parseTransitionRequest,
} from '../../workers/incidents/parseIncidentDraft.js';
import { parseIsoTime } from '../../workers/history/parseHistoryQuery.js';
import { type Authenticator, hasRole, type Principal } from '../auth/Authenticator.js';
import { type DataRequester, requesterOr401 } from '../auth/requesterOf.js';
import { DataAudit } from '../access/DataAudit.js';
import { requestTarget } from '../requestTarget.js';
import type { Incident } from '../../workers/formats/incident.js';
import type { IncidentAccess } from './IncidentAccess.js';
import type { Role } from '../../workers/formats/dataAccess.js';
import { maySeeAsset } from '../../workers/incidents/incidentForRole.js';
import type { Store } from '../store/Store.js';
import type { IncidentService, Requester, ServiceResult } from './IncidentService.js';

/** A sensor and its latest reading, for incidents opened from an alarm (undefined: no such datastream). */
export type SensorLookup = (datastreamId: number) => { sensor: AlarmSensor; reading: { time: number; value: number } | undefined } | undefined;

/** Bodies are small JSON documents; a description of 10,000 characters is ~40 kB in UTF-8. */
const MAX_BODY_BYTES = 256 * 1024;

/**
 * The incidents HTTP API, sign-in and the audit log (docs/emergency.md lists every route).
 * Reads answer per data role like the live API (IncidentAccess: the public reads only the
 * Public-scope incidents, a utility its categories' assets; a bad token is a 401); every write
 * needs a bearer token of an operator (401 without a valid one, 403 for a lesser role) and is
 * refused before anything changes. Answers
 * are JSON (`{"error", "field"?}` on failure), CAP exports application/cap+xml. Returns false
 * for paths that are not its own.
 */
export function createIncidentsApi(options: {
  service: IncidentService;
  auth: Authenticator;
  store: Store;
  /** What each data role reads of an incident. */
  access: IncidentAccess;
  sensors?: SensorLookup | undefined;
}) {
  const { service, auth, store, access } = options;
  // Incidents name pipes, valves and the sensors on them: a signed-in read is sensitive data read
  // (data.read, one entry per user, source and target in 10 minutes, as the pipe gate's). The
  // public's copy holds none of it and is not recorded.
  const audit = new DataAudit((entry) => store.appendAudit(entry));
  const recordRead = async (requester: DataRequester, target: string, detail: Record<string, unknown> = {}): Promise<void> => {
    if (requester.role !== 'public') await audit.record(requester, 'data.read', target, detail);
  };

  return async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    const { path, query } = requestTarget(request);
    if (path !== '/api/audit' && !path.startsWith('/api/incidents') && !path.startsWith('/api/auth/')) return false;
    const method = request.method ?? 'GET';
    const source = request.socket.remoteAddress ?? 'unknown';
    let match: RegExpExecArray | null;

    /** The requester when they hold `role`; otherwise the refusal is sent and undefined returned. */
    const requireRole = async (role: 'operator' | 'admin'): Promise<Requester | undefined> => {
      const principal = await auth.principalOf(request);
      if (principal === undefined || principal === 'invalid') {
        response.setHeader('WWW-Authenticate', `Bearer realm="cim-twin"${principal === 'invalid' ? ', error="invalid_token"' : ''}`);
        sendJson(response, 401, { error: principal === 'invalid' ? 'the token is invalid or expired: sign in again' : 'sign in first (POST /api/auth/login)' });
        return undefined;
      }
      if (!hasRole(principal.role, role)) {
        sendJson(response, 403, { error: `this needs the ${role} role; ${principal.username} is ${principal.role}` });
        return undefined;
      }
      return { username: principal.username, role: principal.role, source };
    };
    const allow = (...methods: string[]): boolean => {
      if (methods.includes(method)) return true;
      response.setHeader('Allow', methods.join(', '));
      sendJson(response, 405, { error: `${method} is not allowed here (allowed: ${methods.join(', ')})` });
      return false;
    };
    /**
     * The incident as the requester's role reads it; else undefined after a 401 (bad token) or a
     * 404 — an incident the public may not read is not found for it either (its id says nothing).
     */
    const readableIncident = async (id: string): Promise<Incident | undefined> => {
      const requester = await requesterOr401(auth, request, response);
      if (!requester) return undefined;
      const stored = await service.get(id);
      await access.ready();
      const incident = stored && access.forRole(stored, requester.role);
      if (!incident) sendJson(response, 404, { error: `no incident ${id}` });
      else await recordRead(requester, `incident:${id}`);
      return incident;
    };
    const sendResult = (result: ServiceResult, status = 200): void => {
      if ('incident' in result) sendJson(response, status, result.incident);
      else sendJson(response, result.status, { error: result.message });
    };

    if (path === '/api/auth/login') {
      if (!allow('POST')) return true;
      const body = await readJson(request, response);
      if (body === undefined) return true;
      const { username, password } = (body ?? {}) as Record<string, unknown>;
      if (typeof username !== 'string' || typeof password !== 'string' || username.length > 200 || password.length > 1000)
        return (
          sendJson(response, 400, { error: 'send {"username": "…", "password": "…"}', field: typeof username !== 'string' ? 'username' : 'password' }),
          true
        );
      const result = await auth.login(username, password, source);
      const at = new Date().toISOString();
      const target = `account:${username.slice(0, 64)}`;
      if ('refused' in result) {
        if (result.refused === 'locked-out') {
          response.setHeader('Retry-After', '60');
          sendJson(response, 429, { error: 'too many failed sign-ins from this address: try again in a minute' });
        } else {
          await store.appendAudit({ at, actor: 'anonymous', role: 'none', action: 'login.failed', target, detail: '{}', source });
          sendJson(response, 401, { error: 'wrong user name or password' });
        }
        return true;
      }
      await store.appendAudit({ at, actor: result.username, role: result.role, action: 'login', target, detail: '{}', source });
      sendJson(response, 200, result);
    } else if (path === '/api/auth/me') {
      if (!allow('GET')) return true;
      const principal: Principal | undefined | 'invalid' = await auth.principalOf(request);
      if (principal === undefined || principal === 'invalid') sendJson(response, 401, { error: 'not signed in' });
      else sendJson(response, 200, { username: principal.username, role: principal.role });
    } else if (path === '/api/audit') {
      if (!allow('GET')) return true;
      if (!(await requireRole('admin'))) return true;
      const limit = clampInt(query.get('limit'), 100, 1, 1000);
      const before = query.get('before');
      sendJson(response, 200, await store.listAudit({ limit, ...(before !== null && /^\d+$/.test(before) ? { before: Number(before) } : {}) }));
    } else if (path === '/api/incidents') {
      if (!allow('GET', 'POST')) return true;
      if (method === 'GET') {
        const requester = await requesterOr401(auth, request, response);
        if (!requester) return true;
        // ?at=<ISO>: as they were then (history and replay).
        const at = query.get('at');
        if (at === null) {
          const listed = await access.listFor(await service.list(), requester.role);
          await recordRead(requester, 'incidents', { count: listed.length });
          return (sendJson(response, 200, listed), true);
        }
        const time = parseIsoTime(at, 'at');
        if ('message' in time) return (sendJson(response, 400, { error: time.message, field: 'at' }), true);
        const listed = await access.listFor(await service.listAt(time.value), requester.role);
        await recordRead(requester, 'incidents', { at: new Date(time.value).toISOString(), count: listed.length });
        return (sendJson(response, 200, listed), true);
      }
      const by = await requireRole('operator');
      if (!by) return true;
      const draft = await readParsed(request, response, parseIncidentDraft);
      if (draft) sendJson(response, 201, await service.create(draft, by));
    } else if (path === '/api/incidents/from-alarm') {
      // GET ?datastream=N: the draft an alarm suggests (to check before opening); POST {"datastream": N}: open it.
      if (!allow('GET', 'POST')) return true;
      let datastream: unknown = Number(query.get('datastream'));
      let by: Requester | undefined;
      let reader: Role = 'operator';
      if (method === 'GET') {
        const requester = await requesterOr401(auth, request, response);
        if (!requester) return true;
        reader = requester.role;
      }
      if (method === 'POST') {
        if (!(by = await requireRole('operator'))) return true;
        const body = await readJson(request, response);
        if (body === undefined) return true;
        datastream = (body as Record<string, unknown> | null)?.['datastream'];
      }
      if (typeof datastream !== 'number' || !Number.isInteger(datastream) || datastream < 1)
        return (sendJson(response, 400, { error: 'datastream must be a positive integer', field: 'datastream' }), true);
      if (!options.sensors) return (sendJson(response, 503, { error: 'no live sensors on this server' }), true);
      const found = options.sensors(datastream);
      if (!found) return (sendJson(response, 404, { error: `no Datastream ${datastream}` }), true);
      // The draft names the sensor, its place and its reading: the sensor's data, read by the roles that may read it.
      await access.ready();
      if (!maySeeAsset(reader, { kind: 'sensor', id: String(datastream) }, access.lookup))
        return (sendJson(response, 403, { error: `the ${reader} role may not read Datastream ${datastream}` }), true);
      if (!found.reading) return (sendJson(response, 409, { error: `Datastream ${datastream} has no reading yet` }), true);
      const draft = draftFromAlarm(found.sensor, found.reading);
      if (by) sendJson(response, 201, await service.create(draft, by));
      else sendJson(response, 200, draft);
    } else if ((match = /^\/api\/incidents\/([A-Za-z0-9-]{1,64})$/.exec(path))) {
      if (!allow('GET')) return true;
      const incident = await readableIncident(match[1]!);
      if (incident) sendJson(response, 200, incident);
    } else if ((match = /^\/api\/incidents\/([A-Za-z0-9-]{1,64})\/cap$/.exec(path))) {
      if (!allow('GET')) return true;
      const incident = await readableIncident(match[1]!);
      if (!incident) return true;
      const xml = incidentToCap(incident);
      response
        .writeHead(200, {
          'Content-Type': `${CAP_CONTENT_TYPE}; charset=utf-8`,
          'Content-Length': Buffer.byteLength(xml),
          'Content-Disposition': `inline; filename="${incident.id}-${incident.version}.cap.xml"`,
          'Cache-Control': 'no-store',
        })
        .end(xml);
    } else if ((match = /^\/api\/incidents\/([A-Za-z0-9-]{1,64})\/(transitions|notes|dispatches)$/.exec(path))) {
      if (!allow('POST')) return true;
      const by = await requireRole('operator');
      if (!by) return true;
      const id = match[1]!;
      if (match[2] === 'transitions') {
        const body = await readParsed(request, response, parseTransitionRequest);
        if (body) sendResult(await service.transition(id, body.to, body.note, by));
      } else if (match[2] === 'notes') {
        const body = await readParsed(request, response, parseNoteRequest);
        if (body) sendResult(await service.addNote(id, body.text, by), 201);
      } else {
        const body = await readParsed(request, response, parseDispatchRequest);
        if (body) sendResult(await service.dispatch(id, body, by), 201);
      }
    } else if ((match = /^\/api\/incidents\/([A-Za-z0-9-]{1,64})\/dispatches\/([A-Za-z0-9-]{1,64})\/transitions$/.exec(path))) {
      if (!allow('POST')) return true;
      const by = await requireRole('operator');
      if (!by) return true;
      const body = await readParsed(request, response, parseDispatchTransition);
      if (body) sendResult(await service.transitionDispatch(match[1]!, match[2]!, body.to, by));
    } else {
      sendJson(response, 404, { error: 'not found' });
    }
    return true;
  };
}

/** The body checked by `parse`; on failure a 400 naming the field is sent and undefined returned. */
async function readParsed<T>(request: IncomingMessage, response: ServerResponse, parse: (body: unknown) => Parsed<T>): Promise<T | undefined> {
  const body = await readJson(request, response);
  if (body === undefined) return undefined;
  const parsed = parse(body);
  if ('value' in parsed) return parsed.value;
  sendJson(response, 400, { error: `${parsed.field}: ${parsed.message}`, field: parsed.field });
  return undefined;
}

/** The request's JSON body; undefined when a refusal was sent (415, 413, 400). */
export async function readJson(request: IncomingMessage, response: ServerResponse): Promise<unknown> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    sendJson(response, 415, { error: 'send the body as Content-Type: application/json' });
    return undefined;
  }
  const declared = Number(request.headers['content-length']);
  if (declared > MAX_BODY_BYTES) {
    sendJson(response, 413, { error: `the body is larger than ${MAX_BODY_BYTES / 1024} kB` });
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      sendJson(response, 413, { error: `the body is larger than ${MAX_BODY_BYTES / 1024} kB` }, true);
      return undefined;
    }
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch (error) {
    sendJson(response, 400, { error: `the body is not JSON: ${error instanceof Error ? error.message : String(error)}`, field: 'body' });
    return undefined;
  }
}

export function sendJson(response: ServerResponse, status: number, body: unknown, close = false): void {
  const text = JSON.stringify(body);
  response
    .writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
      ...(close ? { Connection: 'close' } : {}),
    })
    .end(text);
}

function clampInt(text: string | null, fallback: number, min: number, max: number): number {
  const value = text === null ? fallback : Number.parseInt(text, 10);
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}
