import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { StartupError } from '../StartupError.js';
import { hashPassword, isPasswordHash } from './passwordHash.js';

import { isRole, ROLES, type Role, UTILITY_ROLES } from '../../workers/formats/dataAccess.js';

export { ROLES, type Role };

export interface Account {
  username: string;
  role: Role;
  passwordHash: string;
}

/** A demo account's password, to print at start when it was generated. */
export interface DemoPassword {
  username: string;
  role: Role;
  password: string;
  generated: boolean;
}

/**
 * The deployment's accounts. With CIM_ACCOUNTS_FILE, exactly the accounts listed there:
 *   {"accounts": [{"username": "li.na", "role": "operator", "passwordHash": "scrypt$…"}]}
 * (hashes from `npx tsx server/auth/hashPasswordCli.ts`). Without it, the demo's two accounts:
 * `operator` (password CIM_OPERATOR_PASSWORD) and `admin` (CIM_ADMIN_PASSWORD), each generated
 * for this run when not set and printed at start, as the MQTT publisher's is.
 */
export async function accountsFromEnv(env: Record<string, string | undefined>): Promise<{ accounts: Account[]; demoPasswords: DemoPassword[] }> {
  const file = env['CIM_ACCOUNTS_FILE'];
  if (file) return { accounts: readAccountsFile(file), demoPasswords: [] };
  const demoPasswords: DemoPassword[] = [
    demoPassword('operator', 'operator', env['CIM_OPERATOR_PASSWORD'], 'CIM_OPERATOR_PASSWORD'),
    demoPassword('admin', 'admin', env['CIM_ADMIN_PASSWORD'], 'CIM_ADMIN_PASSWORD'),
  ];
  const accounts = await Promise.all(
    demoPasswords.map(async ({ username, role, password }) => ({ username, role, passwordHash: await hashPassword(password) })),
  );
  // One account per data role for the demo sign-in (POST /api/auth/demo): no password anyone
  // knows (a random one, never printed), so they are reached by that sign-in only.
  const unusable = await hashPassword(randomBytes(24).toString('base64url'));
  for (const role of DEMO_SIGN_IN_ROLES) if (role !== 'public') accounts.push({ username: demoAccountName(role), role, passwordHash: unusable });
  return { accounts, demoPasswords };
}

/** The roles the demo sign-in issues (operator and admin keep their passwords). */
export const DEMO_SIGN_IN_ROLES: readonly Role[] = ['public', 'internal', ...UTILITY_ROLES];

export function demoAccountName(role: Role): string {
  return `demo-${role}`;
}

function demoPassword(username: string, role: Role, given: string | undefined, variable: string): DemoPassword {
  if (given !== undefined && given.length < 8) throw new StartupError(`${variable} needs at least 8 characters`);
  return given !== undefined
    ? { username, role, password: given, generated: false }
    : { username, role, password: randomBytes(12).toString('base64url'), generated: true };
}

export function readAccountsFile(file: string): Account[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new StartupError(`CIM_ACCOUNTS_FILE ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const list = (parsed as { accounts?: unknown } | null)?.accounts;
  if (!Array.isArray(list)) throw new StartupError(`CIM_ACCOUNTS_FILE ${file}: expected {"accounts": [{"username", "role", "passwordHash"}, …]}`);
  const seen = new Set<string>();
  return list.map((entry: unknown, i) => {
    const where = `CIM_ACCOUNTS_FILE ${file}: accounts[${i}]`;
    const { username, role, passwordHash } = (entry ?? {}) as Record<string, unknown>;
    if (typeof username !== 'string' || !/^[A-Za-z0-9._@-]{1,64}$/.test(username)) throw new StartupError(`${where}.username: 1–64 letters, digits, . _ @ -`);
    if (seen.has(username)) throw new StartupError(`${where}.username: "${username}" is listed twice`);
    seen.add(username);
    // 'viewer' was the read-only role before the data roles: it reads as internal did.
    const known = role === 'viewer' ? 'internal' : role;
    if (!isRole(known) || known === 'public') throw new StartupError(`${where}.role: one of ${ROLES.filter((r) => r !== 'public').join(', ')}`);
    if (typeof passwordHash !== 'string' || !isPasswordHash(passwordHash))
      throw new StartupError(`${where}.passwordHash: a scrypt hash from \`npx tsx server/auth/hashPasswordCli.ts\`, never a plain password`);
    return { username, role: known, passwordHash };
  });
}
