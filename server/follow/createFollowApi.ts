import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Aedes } from 'aedes';
import { FOLLOW_SESSION_PATTERN, parseFollowUpdate } from '../../workers/formats/followSession.js';
import { type Authenticator, hasRole } from '../auth/Authenticator.js';
import { readJson, sendJson } from '../incidents/createIncidentsApi.js';
import { requesterOr401 } from '../auth/requesterOf.js';
import type { IncidentAccess } from '../incidents/IncidentAccess.js';
import { DataAudit } from '../access/DataAudit.js';
import { requestTarget } from '../requestTarget.js';
import type { Store } from '../store/Store.js';
import { type FollowLeader, FollowSessions } from './FollowSessions.js';

/**
 * Linked screens over HTTP (docs/emergency.md, "Linked screens"):
 *   GET    /api/follow            the sessions, who leads each and when it last changed (signed-in roles; 401 without a token)
 *   GET    /api/follow/{session}  its current state as the role reads it (404 when nobody leads it)
 *   POST   /api/follow/{session}  an operator's update → published retained on cimtwin/v1/follow/<session>
 *   DELETE /api/follow/{session}  an operator ends it
 * Reads answer per data role like the incidents (a selected pipe or sensor the role may not see
 * is left out; a state that frames one is a 403; the public's copy names no leader; a bad token
 * a 401), and a signed-in role's read of a state is audit-logged as an incident read is; writes
 * need an operator's or admin's bearer token (401 anonymous or invalid, 403 a viewer), at most 5
 * updates a second per leader and session (429).
 * The broker refuses every client's publish on these topics: only this server writes there.
 */
export function createFollowApi(options: {
  auth: Authenticator;
  store: Store;
  broker: () => Aedes | undefined;
  /** What each data role reads of a session (a selected or framed pipe or sensor it may not see is not sent). */
  access: Pick<IncidentAccess, 'followForRole' | 'ready'>;
}) {
  const sessions = new FollowSessions({
    publish: (topic, payload, retain) => {
      const broker = options.broker();
      if (!broker) return false;
      broker.publish({ cmd: 'publish', topic, payload, qos: 1, retain, dup: false }, () => undefined);
      return true;
    },
    audit: (entry) => options.store.appendAudit(entry),
  });
  // A state names the selected or framed pipe, sensor or incident: a signed-in read is a read of
  // that data (data.read, one entry per user, source and session in 10 minutes, as the incidents'
  // reads). The public's copy holds none of it and is not recorded.
  const readAudit = new DataAudit((entry) => options.store.appendAudit(entry));

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    const { path } = requestTarget(request);
    if (path !== '/api/follow' && !path.startsWith('/api/follow/')) return false;
    const method = request.method ?? 'GET';
    const allow = (...methods: string[]): boolean => {
      if (methods.includes(method)) return true;
      response.setHeader('Allow', methods.join(', '));
      sendJson(response, 405, { error: `${method} is not allowed here (allowed: ${methods.join(', ')})` });
      return false;
    };
    if (path === '/api/follow') {
      if (!allow('GET')) return true;
      const requester = await requesterOr401(options.auth, request, response);
      if (!requester) return true;
      // Session names and the leaders' account names are the command centre's: a screen
      // follows a session by the name it is given (?follow=<session>), it needs no list.
      if (requester.role === 'public') {
        response.setHeader('WWW-Authenticate', 'Bearer realm="cim-twin"');
        return (sendJson(response, 401, { error: 'sign in to list the follow sessions (a screen follows one by its name: ?follow=<session>)' }), true);
      }
      sendJson(response, 200, sessions.list());
      return true;
    }
    const session = path.slice('/api/follow/'.length); // the pattern leaves nothing to percent-decode
    if (!FOLLOW_SESSION_PATTERN.test(session))
      return (sendJson(response, 404, { error: 'a follow session is named by 1 to 64 letters, digits, "-" or "_"' }), true);
    if (!allow('GET', 'POST', 'DELETE')) return true;
    if (method === 'GET') {
      const requester = await requesterOr401(options.auth, request, response);
      if (!requester) return true;
      const current = sessions.get(session);
      if (!current) return (sendJson(response, 404, { error: `nobody leads "${session}"` }), true);
      await options.access.ready();
      const copy = options.access.followForRole(current, requester.role);
      if (!copy)
        return (
          sendJson(response, 403, { error: `"${session}" frames a feature the ${requester.role} role may not see: wait for the leader to move on` }),
          true
        );
      if (requester.role !== 'public') await readAudit.record(requester, 'data.read', `follow:${session}`, { seq: copy.seq, selection: copy.selection });
      sendJson(response, 200, copy);
      return true;
    }
    const leader = await operatorOf(request, response);
    if (!leader) return true;
    if (method === 'DELETE') {
      if (await sessions.stop(session, leader)) response.writeHead(204, { 'Cache-Control': 'no-store' }).end();
      else sendJson(response, 404, { error: `nobody leads "${session}"` });
      return true;
    }
    const body = await readJson(request, response);
    if (body === undefined) return true;
    const parsed = parseFollowUpdate(body);
    if (!('value' in parsed)) return (sendJson(response, 400, { error: `${parsed.field}: ${parsed.message}`, field: parsed.field }), true);
    const result = await sessions.update(session, parsed.value, leader);
    if ('message' in result) sendJson(response, 200, result.message);
    else if (result.status === 429) {
      response.setHeader('Retry-After', String(result.retryAfterSeconds));
      sendJson(response, 429, { error: 'more than 5 updates a second: send the latest state at most every 200 ms' });
    } else sendJson(response, result.status, { error: result.reason });
    return true;
  };

  /** The operator or admin making the request; otherwise 401/403 is sent and undefined returned. */
  async function operatorOf(request: IncomingMessage, response: ServerResponse): Promise<FollowLeader | undefined> {
    const principal = await options.auth.principalOf(request);
    if (principal === undefined || principal === 'invalid') {
      response.setHeader('WWW-Authenticate', `Bearer realm="cim-twin"${principal === 'invalid' ? ', error="invalid_token"' : ''}`);
      sendJson(response, 401, { error: principal === 'invalid' ? 'the token is invalid or expired: sign in again' : 'sign in first (POST /api/auth/login)' });
      return undefined;
    }
    if (!hasRole(principal.role, 'operator')) {
      sendJson(response, 403, { error: `leading screens needs the operator role; ${principal.username} is ${principal.role}` });
      return undefined;
    }
    return { username: principal.username, role: principal.role, source: request.socket.remoteAddress ?? 'unknown' };
  }

  return Object.assign(handle, { sessions });
}
