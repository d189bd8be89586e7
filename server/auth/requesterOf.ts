import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Role } from '../../workers/formats/dataAccess.js';
import type { Authenticator } from './Authenticator.js';

/** Who reads data, as the access checks and the audit log see them. */
export interface DataRequester {
  /** The account, or `anonymous` without a token. */
  username: string;
  role: Role;
  /** The client's address. */
  source: string;
}

/**
 * The role a request reads with: its token's account's role, `public` without a token (never
 * more: hiding in the client is not access control). 'invalid' for a bad token — answer 401 so
 * the client signs in again rather than silently seeing less.
 */
export async function requesterOf(auth: Authenticator | undefined, request: IncomingMessage): Promise<DataRequester | 'invalid'> {
  const source = request.socket.remoteAddress ?? 'unknown';
  const principal = auth ? await auth.principalOf(request) : undefined;
  if (principal === 'invalid') return 'invalid';
  return principal ? { username: principal.username, role: principal.role, source } : { username: 'anonymous', role: 'public', source };
}

/**
 * The requester, or undefined after answering 401 for a bad token (with the Bearer challenge
 * saying why): what every data API that filters by role starts with.
 */
export async function requesterOr401(auth: Authenticator | undefined, request: IncomingMessage, response: ServerResponse): Promise<DataRequester | undefined> {
  const requester = await requesterOf(auth, request);
  if (requester !== 'invalid') return requester;
  response
    .writeHead(401, {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      'WWW-Authenticate': 'Bearer realm="cim-twin", error="invalid_token"',
    })
    .end(JSON.stringify({ error: 'the token is invalid or expired: sign in again (or send no token to read as public)' }));
  return undefined;
}
