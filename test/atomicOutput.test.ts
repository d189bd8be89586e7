import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSeeds, GENERATED_DIR } from '../seeds/generator/main.js';
import { checkContentInRegions } from '../tiles-pipeline/src/validation/checkContentInRegions.js';
import { runCli } from './support/runCli.js';

const bin = join(import.meta.dirname, '../tiles-pipeline/bin/cim-twin.mjs');
const shanghai = join(import.meta.dirname, 'fixtures/real/shanghai-lujiazui-osm.geojson');
const work = mkdtempSync(join(tmpdir(), 'cim-atomic-'));
const out = join(work, 'tiles');

beforeAll(async () => {
  if (!existsSync(join(GENERATED_DIR, 'nankai-buildings.geojson'))) generateSeeds();
  const first = await runCli(['buildings', shanghai, '--out', out]);
  expect(first.code).toBe(0);
});

/** Starts a long build over the same output and kills it after `ms` milliseconds. */
function killedRun(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [bin, 'buildings', join(GENERATED_DIR, 'nankai-buildings.geojson'), join(GENERATED_DIR, 'nankai-buildings-huayuan.shp'), '--out', out, '--jobs', '2'],
      { stdio: 'ignore' },
    );
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

describe('atomic output', () => {
  it('a run killed at any moment leaves the previous tileset intact and complete', async () => {
    const before = readFileSync(join(out, 'tileset.json'), 'utf8');
    for (const ms of [150, 600, 1100, 1700, 2300]) {
      await killedRun(ms);
      const now = readFileSync(join(out, 'tileset.json'), 'utf8');
      if (now !== before) {
        // The run got to its end before the kill: then the new tileset is complete too.
        expect(await checkContentInRegions(join(out, 'tileset.json'))).toEqual([]);
        return;
      }
      expect(await checkContentInRegions(join(out, 'tileset.json'))).toEqual([]);
    }
  }, 120_000);

  it('the next run cleans up what killed runs left and publishes the new tileset', async () => {
    const result = await runCli(['buildings', shanghai, '--out', out]);
    expect(result.code).toBe(0);
    const builds = readdirSync(join(dirname(out), '.tiles.builds'));
    expect(builds.length).toBe(1); // only the current build; no staging leftovers
    expect(await checkContentInRegions(join(out, 'tileset.json'))).toEqual([]);
  });
});
