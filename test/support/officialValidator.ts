import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * The official CesiumGS 3d-tiles-validator, prebuilt in the shared tools folder beside the
 * checkout (its README: the first call installs its runtime packages into a cache; .ci/run
 * warms it). It checks tileset.json, every glb through the Khronos glTF-Validator, and
 * EXT_mesh_features / EXT_structural_metadata (property tables, string offsets, schema).
 */
export const OFFICIAL_VALIDATOR = resolve(import.meta.dirname, '../../../shared/tools/3d-tiles-validator/validate');

/** One finding of the validator's report; `causes` nest down to the content's own issues. */
export interface OfficialIssue {
  type: string;
  path: string;
  message: string;
  severity: 'ERROR' | 'WARNING' | 'INFO';
  causes?: OfficialIssue[];
}

export interface OfficialReport {
  numErrors: number;
  numWarnings: number;
  numInfos: number;
  issues: OfficialIssue[];
}

/**
 * Validates tilesets (paths of their tileset.json) in one validator process: its start-up
 * (~1.5 s) is paid once per batch, not per tileset. Reports come back in the order given.
 */
export async function validateWithOfficialValidator(tilesetPaths: readonly string[]): Promise<OfficialReport[]> {
  if (tilesetPaths.length === 0) return [];
  if (!existsSync(OFFICIAL_VALIDATOR)) throw new Error(`the official 3d-tiles-validator is not at ${OFFICIAL_VALIDATOR}`);
  // The validator's directory mode validates every tileset.json under a folder: a folder of
  // links named by position, each to one tileset's folder.
  const batch = mkdtempSync(join(tmpdir(), 'cim-validate-'));
  try {
    tilesetPaths.forEach((path, i) => {
      if (!path.endsWith('tileset.json')) throw new Error(`${path}: expected a tileset.json`);
      symlinkSync(resolve(dirname(path)), join(batch, String(i)), 'dir');
    });
    const { stdout } = await promisify(execFile)(OFFICIAL_VALIDATOR, ['--tilesetsDirectory', batch, '--tilesetGlobPattern', '**/tileset.json'], {
      maxBuffer: 1 << 30,
    });
    // Its output: "Validating tileset <file>", "Validation result:", the report's JSON; repeated.
    // A pipe tileset's categories (<dir>/<code>/tileset.json, external tilesets of its root) are
    // found by the glob too: their issues count as the root's, their paths prefixed by the folder.
    const reports = new Map<number, OfficialReport>();
    const nested: { index: number; folder: string; report: OfficialReport }[] = [];
    const parts = stdout.split(/^Validating tileset (.*)$/m);
    for (let k = 1; k + 1 < parts.length; k += 2) {
      const match = /[\\/](\d+)[\\/]((?:[^\\/]+[\\/])*)tileset\.json$/.exec(parts[k]!);
      const index = Number(match?.[1]);
      const body = parts[k + 1]!;
      const start = body.indexOf('{');
      const end = body.lastIndexOf('}');
      const report = JSON.parse(body.slice(start, end + 1)) as OfficialReport;
      if (match?.[2]) nested.push({ index, folder: match[2], report });
      else reports.set(index, report);
    }
    for (const { index, folder, report } of nested)
      reports.get(index)?.issues.push(...report.issues.map((issue) => ({ ...issue, path: `/${folder}tileset.json${issue.path}` })));
    return tilesetPaths.map((path, i) => {
      const report = reports.get(i);
      if (!report) throw new Error(`the official validator gave no report for ${path}:\n${stdout.slice(-2000)}`);
      return report;
    });
  } finally {
    rmSync(batch, { recursive: true, force: true });
  }
}

/**
 * The report's errors and warnings, each as "SEVERITY TYPE path: message" of the innermost cause
 * (what to fix). Infos are left out: they say what it cannot check (EXT_meshopt_compression
 * content) or that a buffer view "may be unused" (the meshopt fallback buffer's views).
 */
export function officialFindings(report: OfficialReport): string[] {
  const lines: string[] = [];
  const counts = (issue: OfficialIssue): boolean => issue.severity !== 'INFO';
  const visit = (issue: OfficialIssue, at: string): void => {
    if (!counts(issue)) return;
    const path = issue.path.startsWith('/') ? `${at}${issue.path}` : issue.path;
    if (issue.causes?.some(counts)) for (const cause of issue.causes) visit(cause, path);
    else lines.push(`${issue.severity} ${issue.type} ${path}: ${issue.message}`);
  };
  for (const issue of report.issues) visit(issue, '');
  return lines;
}

/**
 * Collects the tilesets a test file builds and validates them all at once at the end: one
 * validator process per test file keeps the suite's time down. `label` names each in failures.
 */
export class OfficialValidationBatch {
  private readonly tilesets: { label: string; path: string }[] = [];

  add(label: string, tilesetPath: string): void {
    this.tilesets.push({ label, path: tilesetPath });
  }

  get size(): number {
    return this.tilesets.length;
  }

  /** Errors and warnings by label, for every tileset added (an empty list: it passed). */
  async findings(): Promise<Record<string, string[]>> {
    const reports = await validateWithOfficialValidator(this.tilesets.map((t) => t.path));
    return Object.fromEntries(this.tilesets.map((t, i) => [t.label, officialFindings(reports[i]!)]));
  }
}
