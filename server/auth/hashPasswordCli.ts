import { hashPassword } from './passwordHash.js';

/**
 * `npx tsx server/auth/hashPasswordCli.ts` reads a password from standard input and prints
 * its hash for an accounts file (CIM_ACCOUNTS_FILE; docs/emergency.md).
 */
const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const password = Buffer.concat(chunks)
  .toString('utf8')
  .replace(/\r?\n$/, '');
if (password.length < 8) {
  console.error('a password needs at least 8 characters');
  process.exit(1);
}
console.log(await hashPassword(password));
