import { isRole } from '../../../workers/formats/dataAccess.js';
import type { SignedIn } from '../platform/SignInStore.js';

/**
 * The sign-in an embedding host hands over as a bearer token (`<cim-twin token>`, the iframe's
 * `#token=`): the account, role and expiry read from the JWT's claims so the UI can show them.
 * Not a check — the server verifies the signature and expiry of every request that carries it.
 * Undefined for anything that is not a JWT with a subject, a known role and an expiry.
 */
export function sessionFromToken(token: string): SignedIn | undefined {
  const [, body] = token.split('.');
  if (!body) return undefined;
  try {
    const claims = JSON.parse(atob(body.replace(/-/g, '+').replace(/_/g, '/'))) as { sub?: unknown; role?: unknown; exp?: unknown };
    const role = claims.role;
    if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number' || !isRole(role)) return undefined;
    return { username: claims.sub, role, token, expiresAt: new Date(claims.exp * 1000).toISOString() };
  } catch {
    return undefined;
  }
}
