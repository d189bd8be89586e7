import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { Authenticator } from '../server/auth/Authenticator.js';
import { DEMO_SIGN_IN_ROLES, demoAccountName } from '../server/auth/accountsFromEnv.js';
import { hashPassword } from '../server/auth/passwordHash.js';
import { ROLES, type Role } from '../workers/formats/dataAccess.js';

/**
 * The token secret (CIM_AUTH_SECRET) of test servers (test/support/demoServer.ts sets it): tests
 * sign tokens for its accounts themselves — short-lived ones for expiry, ones for a viewer page.
 */
export const TEST_AUTH_SECRET = 'cim-twin-tests-only-secret-0123456789abcdef';

/** Every role an account can have (public is having no token). */
export const ACCOUNT_ROLES = ROLES.filter((role): role is Exclude<Role, 'public'> => role !== 'public');

/**
 * Writes an accounts file (CIM_ACCOUNTS_FILE) with one account per role, named after its role
 * (`internal`, `water` … `operator`, `admin`); `passwords` names some, the rest get `<role>-password`;
 * and the demo sign-in's `demo-<role>` accounts (no usable password).
 */
export async function writeRoleAccountsFile(dir: string, passwords: Partial<Record<Role, string>> = {}): Promise<string> {
  const file = join(dir, 'role-accounts.json');
  const accounts: { username: string; role: Role; passwordHash: string }[] = await Promise.all(
    ACCOUNT_ROLES.map(async (role) => ({ username: role, role, passwordHash: await hashPassword(passwords[role] ?? `${role}-password`) })),
  );
  // The demo sign-in's accounts too (`demo-<role>`, as `npm start` has them): the test server keeps its demo sign-in on.
  const unusable = await hashPassword(randomBytes(16).toString('hex'));
  for (const role of DEMO_SIGN_IN_ROLES) if (role !== 'public') accounts.push({ username: demoAccountName(role), role, passwordHash: unusable });
  writeFileSync(file, JSON.stringify({ accounts }));
  return file;
}

/**
 * A token as the server issues them (HS256, issuer cim-twin) for the account named `username`
 * (default: the role's own account), signed with `secret` (default TEST_AUTH_SECRET);
 * `expiresInSeconds` may be negative (expired already).
 */
export async function signTestToken(
  role: Role,
  options: { username?: string; expiresInSeconds?: number; secret?: string; now?: number } = {},
): Promise<string> {
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  return new SignJWT({ role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.username ?? role)
    .setIssuer('cim-twin')
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expiresInSeconds ?? 3600))
    .sign(new TextEncoder().encode(options.secret ?? TEST_AUTH_SECRET));
}

/** An unsigned token (`alg: none`) claiming `role`: every server must refuse it. */
export function unsignedToken(role: Role): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  // A signature part that is there but signs nothing, so the token reaches the algorithm check.
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ role, sub: role, iss: 'cim-twin', iat: now, exp: now + 3600 })}.${part({ none: true })}`;
}

/**
 * An Authenticator for benchmarks and tests that start the live backbone themselves: one
 * account per role named after it, signing with TEST_AUTH_SECRET (no passwords: nobody logs in,
 * tokens come from `signTestToken`).
 */
export async function roleAuthenticator(): Promise<Authenticator> {
  return Authenticator.create({
    accounts: ACCOUNT_ROLES.map((role) => ({ username: role, role, passwordHash: 'none: sign in with a test token' })),
    secret: TEST_AUTH_SECRET,
    log: () => undefined,
  });
}
