import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The OASIS CAP 1.2 schema (test/fixtures/cap/README.md says where it comes from). */
export const CAP_SCHEMA = join(import.meta.dirname, '..', 'fixtures', 'cap', 'CAP-v1.2.xsd');

/**
 * Validates a CAP document against the official schema with libxml2's xmllint (Debian
 * `libxml2-utils`, installed by .ci/run). Throws when xmllint is missing rather than passing.
 */
export function validateCap(xml: string): { valid: boolean; errors: string } {
  const run = spawnSync('xmllint', ['--noout', '--nonet', '--schema', CAP_SCHEMA, '-'], { input: xml, encoding: 'utf8', timeout: 30_000 });
  if (run.error) throw new Error(`xmllint is needed to validate CAP (apt-get install libxml2-utils): ${run.error.message}`);
  const errors = run.stderr.replace(/^- validates\n?$/m, '').trim();
  return { valid: run.status === 0, errors };
}
