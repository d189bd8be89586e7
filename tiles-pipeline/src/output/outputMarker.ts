import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The file in every build that says "cim-twin made this folder": what lets a later run replace it. */
export const OUTPUT_MARKER = '.cim-twin-output.json';

const TOOL = 'cim-twin';
const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export function writeOutputMarker(dir: string, build: string): void {
  writeFileSync(join(dir, OUTPUT_MARKER), `${JSON.stringify({ tool: TOOL, version: VERSION, build }, null, 2)}\n`);
}

/**
 * Whether `dir` is a build of this tool: it holds the marker, or (builds made before the
 * marker existed) a build-report.json.
 */
export function isOutputBuild(dir: string): boolean {
  const marker = join(dir, OUTPUT_MARKER);
  if (existsSync(marker)) {
    try {
      return (JSON.parse(readFileSync(marker, 'utf8')) as { tool?: unknown }).tool === TOOL;
    } catch {
      return false;
    }
  }
  return existsSync(join(dir, 'build-report.json'));
}
