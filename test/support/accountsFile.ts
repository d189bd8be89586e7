import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashPassword } from '../../server/auth/passwordHash.js';

/** Writes a deployment's accounts file (CIM_ACCOUNTS_FILE) into `dir` with each password hashed as the server expects; returns its path. */
export async function writeAccountsFile(
  dir: string,
  accounts: { username: string; role: 'viewer' | 'operator' | 'admin'; password: string }[],
): Promise<string> {
  const file = join(dir, 'accounts.json');
  const entries = await Promise.all(accounts.map(async ({ username, role, password }) => ({ username, role, passwordHash: await hashPassword(password) })));
  writeFileSync(file, JSON.stringify({ accounts: entries }));
  return file;
}
