import type { IncomingMessage } from 'node:http';
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
