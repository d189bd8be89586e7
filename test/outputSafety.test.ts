import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOutputTarget } from '../tiles-pipeline/src/output/checkOutputTarget.js';
import { OUTPUT_MARKER } from '../tiles-pipeline/src/output/outputMarker.js';
import { OutputTargetError } from '../tiles-pipeline/src/output/OutputTargetError.js';
import { runCli } from './support/runCli.js';

const bin = join(import.meta.dirname, '../tiles-pipeline/bin/cim-twin.mjs');
// A small real input: 2 buildings.
const input = join(import.meta.dirname, 'fixtures/malformed/files/bom.geojson');

/** A fresh folder with a copy of the input in it. */
function place(): { dir: string; input: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cim-out-safety-'));
  copyFileSync(input, join(dir, 'in.geojson'));
  return { dir, input: join(dir, 'in.geojson') };
}

/** A user's folder: a file and a sub-folder with a file. */
function usersFolder(path: string): void {
  mkdirSync(join(path, 'notes'), { recursive: true });
  writeFileSync(join(path, 'MY-WORK.txt'), 'three weeks of work');
  writeFileSync(join(path, 'notes', 'todo.md'), '- everything');
}

/** Every path under `dir` with its content (files) or "/" (folders) or "-> target" (links). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const path = join(dir, entry);
    const stats = lstatSync(path);
    out[entry] = stats.isSymbolicLink() ? `-> ${readlinkSync(path)}` : stats.isDirectory() ? '/' : readFileSync(path, 'utf8');
  }
  return out;
}

/** The real CLI in its own process, in `cwd`. */
function cli(cwd: string, args: string[]): { code: number; stderr: string } {
  const result = spawnSync(process.execPath, [bin, ...args, '--quiet'], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status ?? -1, stderr: result.stderr };
}

function expectOneLineRefusal(stderr: string, ...mentions: string[]): void {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: --out .*nothing was changed\./);
  for (const text of mentions) expect(lines[0]).toContain(text);
}

describe('--out never deletes what is not its own previous output', () => {
  it('refuses an existing folder of the user (exit 2, one line, nothing touched, no builds folder)', async () => {
    const { dir } = place();
    const work = join(dir, 'work');
    usersFolder(work);
    const before = snapshot(dir);
    const { code, stderr } = await runCli(['buildings', input, '--out', work]);
    expect(code).toBe(2);
    expectOneLineRefusal(stderr, 'MY-WORK.txt', 'notes/', '--force');
    expect(snapshot(dir)).toEqual(before);
    expect(existsSync(join(dir, '.work.builds'))).toBe(false);
  });

  it('never deletes an input, or a folder holding one, even with --force', async () => {
    const { dir, input: inside } = place();
    usersFolder(dir);
    const before = snapshot(dir);
    for (const force of [[], ['--force']]) {
      const holding = await runCli(['buildings', inside, '--out', dir, ...force]);
      expect(holding.code).toBe(2);
      expectOneLineRefusal(holding.stderr, 'holds the input', inside);
      const itself = await runCli(['buildings', inside, '--out', inside, ...force]);
      expect(itself.code).toBe(2);
      expectOneLineRefusal(itself.stderr, 'is the input');
    }
    expect(snapshot(dir)).toEqual(before);
    expect(readdirSync(join(dir, '..')).filter((e) => e.startsWith(`.${dir.split('/').pop()}.builds`))).toEqual([]);
  });

  it('refuses --out . and --out .. (the current directory and above it), even with --force', () => {
    const { dir } = place();
    const sub = join(dir, 'project');
    usersFolder(sub);
    const before = snapshot(dir);
    for (const [out, what] of [
      ['.', 'is the current directory'],
      ['..', 'holding the current directory'],
      [sub, 'is the current directory'],
    ] as const) {
      for (const force of [[], ['--force']]) {
        const { code, stderr } = cli(sub, ['buildings', input, '--out', out, ...force]);
        expect(code, stderr).toBe(2);
        expectOneLineRefusal(stderr, what);
      }
    }
    expect(snapshot(dir)).toEqual(before);
  });

  it('refuses a file, even with --force', async () => {
    const { dir } = place();
    const file = join(dir, 'report.pdf');
    writeFileSync(file, 'not tiles');
    for (const force of [[], ['--force']]) {
      const { code, stderr } = await runCli(['buildings', input, '--out', file, ...force]);
      expect(code).toBe(2);
      expectOneLineRefusal(stderr, 'is a file');
    }
    expect(readFileSync(file, 'utf8')).toBe('not tiles');
    expect(existsSync(join(dir, '.report.pdf.builds'))).toBe(false);
  });

  it('refuses a link it did not make; --force replaces the link and leaves what it points to alone', async () => {
    const { dir } = place();
    const elsewhere = join(dir, 'elsewhere');
    usersFolder(elsewhere);
    const link = join(dir, 'tiles');
    symlinkSync(elsewhere, link);
    const refused = await runCli(['buildings', input, '--out', link]);
    expect(refused.code).toBe(2);
    expectOneLineRefusal(refused.stderr, `is a link to ${elsewhere}`);
    expect(readlinkSync(link)).toBe(elsewhere);
    const forced = await runCli(['buildings', input, '--out', link, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readlinkSync(link)).toMatch(/^\.tiles\.builds\/build-/);
    expect(readFileSync(join(elsewhere, 'MY-WORK.txt'), 'utf8')).toBe('three weeks of work');
  });

  it('--force replaces a folder the user names; the next run replaces its own output without --force', async () => {
    const { dir } = place();
    const work = join(dir, 'work');
    usersFolder(work);
    const forced = await runCli(['buildings', input, '--out', work, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(lstatSync(work).isSymbolicLink()).toBe(true);
    expect(existsSync(join(work, 'MY-WORK.txt'))).toBe(false);
    expect(JSON.parse(readFileSync(join(work, OUTPUT_MARKER), 'utf8'))).toMatchObject({ tool: 'cim-twin', version: expect.any(String) });
    const first = readlinkSync(work);
    const again = await runCli(['buildings', input, '--out', work]);
    expect(again.code, again.stderr).toBe(0);
    expect(readlinkSync(work)).not.toBe(first);
    expect(readdirSync(join(dir, '.work.builds'))).toEqual([readlinkSync(work).split('/')[1]]); // the old build and the replaced folder are gone
  });

  it('uses an empty folder; recognises a build made before the marker existed', async () => {
    const { dir } = place();
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const first = await runCli(['buildings', input, '--out', empty]);
    expect(first.code, first.stderr).toBe(0);
    expect(existsSync(join(empty, 'tileset.json'))).toBe(true);
    rmSync(join(empty, OUTPUT_MARKER)); // as an older cim-twin left it: link and build-report.json
    const second = await runCli(['buildings', input, '--out', empty]);
    expect(second.code, second.stderr).toBe(0);
    expect(existsSync(join(empty, OUTPUT_MARKER))).toBe(true);
  });

  it('refuses a plain folder holding a copy of an output (only its own link is its previous output)', async () => {
    const { dir } = place();
    const copy = join(dir, 'copy');
    mkdirSync(copy);
    writeFileSync(join(copy, OUTPUT_MARKER), JSON.stringify({ tool: 'cim-twin', version: '0.1.0' }));
    writeFileSync(join(copy, 'tileset.json'), '{}');
    const { code, stderr } = await runCli(['buildings', input, '--out', copy]);
    expect(code).toBe(2);
    expectOneLineRefusal(stderr, 'not a previous output');
  });

  it('a run that fails leaves no builds folder behind', async () => {
    const { dir } = place();
    const truncated = join(dir, 'truncated.geojson');
    writeFileSync(truncated, '{"type":"FeatureCollection","features":[{"type":"Feature"');
    const { code } = await runCli(['buildings', truncated, '--out', join(dir, 'tiles')]);
    expect(code).toBe(1);
    expect(readdirSync(dir).sort()).toEqual(['in.geojson', 'truncated.geojson']);
  });

  it('refuses the file system root and the home directory, --force or not (checked without running a build)', () => {
    for (const force of [false, true]) {
      expect(() => checkOutputTarget('/', { force, inputs: [] })).toThrow(OutputTargetError);
      expect(() => checkOutputTarget('/', { force, inputs: [] })).toThrow(/root of the file system/);
      expect(() => checkOutputTarget(homedir(), { force, inputs: [] })).toThrow(/home directory/);
    }
  });
});
