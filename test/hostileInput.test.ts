import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PipeBuildReport } from '../tiles-pipeline/src/pipes/buildPipes.js';
import { LISTED_CONFLICTS } from '../tiles-pipeline/src/pipes/checkClearances.js';
import type { BuildReport } from '../tiles-pipeline/src/report/BuildReport.js';
import { OfficialValidationBatch } from './support/officialValidator.js';
import { runCli } from './support/runCli.js';

/**
 * The CLI against hostile input: each case is a clear error or a bounded cost, never a stack
 * trace, a crash of the run or a run past 60 s (every case's time limit below).
 */
const work = mkdtempSync(join(tmpdir(), 'cim-hostile-'));
const bin = join(import.meta.dirname, '../tiles-pipeline/bin/cim-twin.mjs');
const shanghai = join(import.meta.dirname, 'fixtures/real/shanghai-lujiazui-osm.geojson');
const validation = new OfficialValidationBatch();
const LIMIT = 60_000;

const lon = 117.17;
const lat = 39.12;
const square = (x: number, y: number, size = 0.0002): number[][][] => [
  [
    [x, y],
    [x + size, y],
    [x + size, y + size],
    [x, y + size],
    [x, y],
  ],
];
const building = (id: string, x: number, y: number, properties: Record<string, unknown> = { height: 12 }): object => ({
  type: 'Feature',
  id,
  properties,
  geometry: { type: 'Polygon', coordinates: square(x, y) },
});
/** JSON text of a value nested `depth` objects deep. */
const nested = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
/** A FeatureCollection whose feature "deep" has a property nested `depth` levels, beside a good one. */
const deepCollection = (depth: number): string =>
  `{"type":"FeatureCollection","features":[${JSON.stringify(building('good', lon, lat))},` +
  `{"type":"Feature","id":"deep","properties":{"height":12,"x":${nested(depth)}},"geometry":${JSON.stringify({ type: 'Polygon', coordinates: square(lon + 0.001, lat) })}}]}`;

function noStackTrace(text: string): void {
  expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const started = performance.now();
  const result = await run();
  return { result, seconds: (performance.now() - started) / 1000 };
}

function readReport<T = BuildReport>(out: string): T {
  return JSON.parse(readFileSync(join(out, 'build-report.json'), 'utf8')) as T;
}

describe('hostile input: a clear error or a bounded cost', () => {
  it('a folder or a missing path as input is a file error naming it (exit 1), for buildings and pipes', async () => {
    const folder = join(work, 'a-folder.geojson');
    mkdirSync(folder, { recursive: true });
    for (const command of ['buildings', 'pipes']) {
      const asFolder = await runCli([command, folder, '--out', join(work, `out-folder-${command}`)]);
      expect(asFolder.code).toBe(1);
      expect(asFolder.stderr).toContain(`${folder}: is a folder, not a file`);
      noStackTrace(asFolder.stderr);
      const missing = await runCli([command, join(work, 'nope.geojson'), '--out', join(work, `out-missing-${command}`)]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('nope.geojson: no such file');
      expect(existsSync(join(work, `.out-folder-${command}.builds`))).toBe(false);
    }
  });

  it(
    'properties nested 10,000 deep: that feature skipped with NESTING_TOO_DEEP, the good one kept (GeoJSON and NDJSON)',
    async () => {
      const text = deepCollection(10_000);
      const geojson = join(work, 'deep.geojson');
      writeFileSync(geojson, text);
      const features = JSON.parse(text.replace(nested(10_000), '0')) as { features: object[] };
      const ndjson = join(work, 'deep.ndjson');
      writeFileSync(ndjson, `${JSON.stringify(features.features[0])}\n${JSON.stringify(features.features[1]).replace('"x":0', `"x":${nested(10_000)}`)}\n`);
      for (const [file, where] of [
        [geojson, 'at byte'],
        [ndjson, 'at line 2'],
      ] as const) {
        const out = join(work, `out-${file.split('/').pop()}`);
        const { result, seconds } = await timed(() => runCli(['buildings', file, '--out', out]));
        expect(result.code, result.stderr).toBe(0);
        noStackTrace(result.stderr);
        expect(seconds).toBeLessThan(LIMIT / 1000);
        const report = readReport(out);
        expect(report.features.written).toBe(1);
        const issue = report.skipped.find((s) => s.code === 'NESTING_TOO_DEEP');
        expect(issue?.message).toContain(where);
        expect(issue?.message).toContain('at most 64 levels are read (--max-nesting)');
        expect(result.stdout).toContain('NESTING_TOO_DEEP');
      }
    },
    LIMIT,
  );

  it(
    'nesting 1,000,000 deep is skipped without being parsed (seconds, not minutes)',
    async () => {
      const file = join(work, 'very-deep.geojson');
      writeFileSync(file, deepCollection(1_000_000));
      const out = join(work, 'out-very-deep');
      const { result, seconds } = await timed(() => runCli(['buildings', file, '--out', out]));
      expect(result.code, result.stderr).toBe(0);
      expect(readReport(out).skipped.map((s) => s.code)).toEqual(['NESTING_TOO_DEEP']);
      expect(seconds).toBeLessThan(20);
    },
    LIMIT,
  );

  it(
    '--max-nesting sets the limit: 9 levels pass by default and are skipped under --max-nesting 8',
    async () => {
      const file = join(work, 'nine-deep.geojson');
      // Feature (1) → properties (2) → x (3) → a (4) … → a (9); the polygon's positions are at 5.
      const properties = { height: 9, x: JSON.parse(nested(7)) as object };
      writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: [building('a', lon, lat), building('b', lon + 0.001, lat, properties)] }));
      const loose = await runCli(['buildings', file, '--out', join(work, 'out-nine-default')]);
      expect(loose.code, loose.stderr).toBe(0);
      expect(readReport(join(work, 'out-nine-default')).features.written).toBe(2);
      const strict = await runCli(['buildings', file, '--out', join(work, 'out-nine-limited'), '--max-nesting', '8']);
      expect(strict.code, strict.stderr).toBe(0);
      const skipped = readReport(join(work, 'out-nine-limited')).skipped;
      expect(skipped.map((s) => `${s.feature} ${s.code}`)).toEqual(['#1 NESTING_TOO_DEEP']);
      expect(skipped[0]!.message).toContain('nests 9 levels deep; at most 8 levels are read');
      for (const bad of ['0', '-1', '2.5', 'deep', '5']) {
        const { code, stderr } = await runCli(['buildings', file, '--out', join(work, 'out-nine-bad'), `--max-nesting=${bad}`]);
        expect(code).toBe(2);
        expect(stderr).toMatch(/--max-nesting must be (a positive integer|at least 6)/);
      }
    },
    LIMIT,
  );

  it(
    '--jobs 1000000 is capped at the cores (said once), and the process never runs more than a few dozen threads',
    async () => {
      const out = join(work, 'out-jobs');
      const child = spawn(process.execPath, [bin, 'buildings', shanghai, '--out', out, '--jobs', '1000000', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      let maxThreads = 0;
      const status = `/proc/${child.pid}/status`;
      const sampler = setInterval(() => {
        try {
          maxThreads = Math.max(maxThreads, Number(/^Threads:\s+(\d+)/m.exec(readFileSync(status, 'utf8'))?.[1] ?? 0));
        } catch {
          // it ended between two samples
        }
      }, 20);
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      clearInterval(sampler);
      expect(code, stderr).toBe(0);
      expect(stderr.match(/--jobs 1000000 is more than the \d+ CPU cores here; using \d+/g)).toHaveLength(1);
      if (existsSync('/proc/self/status')) {
        expect(maxThreads).toBeGreaterThan(0);
        expect(maxThreads).toBeLessThan(64); // node's own (~10) + a few per worker; the old run started 1,300
      }
    },
    LIMIT,
  );

  it('--jobs 0, negative or not an integer is a usage error', async () => {
    for (const jobs of ['0', '-4', '1.5', 'many', '']) {
      const { code, stderr } = await runCli(['buildings', shanghai, '--out', join(work, 'out-jobs-bad'), `--jobs=${jobs}`]);
      expect(code, jobs).toBe(2);
      expect(stderr).toContain(`--jobs must be a positive integer, got "${jobs}"`);
    }
  });

  it(
    '3,000 coincident pipes of mixed categories: the clearance check counts 3.75M conflicts, lists the first ones, and the run finishes',
    async () => {
      const categories = ['JS', 'PS', 'RQ', 'DL', 'TX', 'RL'];
      const features = Array.from({ length: 3000 }, (_, i) => ({
        type: 'Feature',
        properties: { 管线编号: `P${i}`, 类别: categories[i % 6], 起点埋深: 1.2, 终点埋深: 1.2, 管径: 200 },
        geometry: {
          type: 'LineString',
          coordinates: [
            [117.165, 39.11],
            [117.166, 39.11],
          ],
        },
      }));
      const file = join(work, 'coincident.geojson');
      writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features }));
      const out = join(work, 'out-coincident');
      const { result, seconds } = await timed(() => runCli(['pipes', file, '--out', out, '--jobs', '2']));
      expect(result.code, result.stderr).toBe(0);
      const report = readReport<PipeBuildReport>(out);
      // Every pair of different categories with a GB 50289 rule: 3000²/2 × 5/6.
      expect(report.clearance.found).toBe(3_750_000);
      expect(report.clearance.conflicts).toHaveLength(LISTED_CONFLICTS);
      expect(report.features.written).toBe(3000);
      expect(result.stdout).toContain(`3750000 conflicts in ${report.clearance.pairsChecked} pairs checked (${LISTED_CONFLICTS} listed in build-report.json)`);
      expect(seconds).toBeLessThan(LIMIT / 1000);
      validation.add('coincident pipes', join(out, 'tileset.json'));
    },
    LIMIT,
  );

  it(
    'a clearance check that runs out of its worker memory: tiles written, the report says it was not checked, --strict exits 3',
    async () => {
      // 400 pipes with 40 kB ids: the check's input holds 16 MB of ids, twice its worker's 8 MB
      // heap; the tile builds get their ids pre-encoded in buffers (outside the heap) and fit.
      const features = Array.from({ length: 400 }, (_, i) => ({
        type: 'Feature',
        properties: { 管线编号: `Q${i}-${'x'.repeat(40_000)}`, 类别: i % 2 ? 'JS' : 'RQ', 起点埋深: 1.2, 终点埋深: 1.2, 管径: 200 },
        geometry: {
          type: 'LineString',
          coordinates: [
            [117.165 + (i % 20) * 0.0003, 39.11 + Math.floor(i / 20) * 0.0003],
            [117.1652 + (i % 20) * 0.0003, 39.11 + Math.floor(i / 20) * 0.0003],
          ],
        },
      }));
      const file = join(work, 'long-ids.geojson');
      writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features }));
      const out = join(work, 'out-clearance-oom');
      const { code, stdout, stderr } = await runCli(['pipes', file, '--out', out, '--jobs', '2', '--worker-memory', '8', '--strict']);
      noStackTrace(stderr);
      expect(code, stderr).toBe(3);
      expect(stdout).toContain(
        'clearance (GB 50289): NOT CHECKED: the clearance check could not finish: its worker thread ran out of memory (heap limit 8 MB)',
      );
      const report = readReport<PipeBuildReport>(out);
      expect(report.clearance.failed).toMatch(/ran out of memory/);
      expect(report.features.written).toBe(400);
      expect(existsSync(join(out, 'tileset.json'))).toBe(true);
    },
    LIMIT,
  );

  it(
    'a feature with a 40 MB attribute is skipped with FEATURE_TOO_LARGE before it reaches a worker, or unread above --max-feature-mb (GeoJSON and NDJSON)',
    async () => {
      // Handed to a worker at its heap limit, one value this large aborted the whole process.
      const heavy = building('heavy', lon, lat, { height: 30, note: 'x'.repeat(40_000_000) });
      const light = Array.from({ length: 5 }, (_, i) => building(`light-${i}`, lon + 0.001 * (i + 1), lat));
      const geojson = join(work, 'huge-feature.geojson');
      writeFileSync(geojson, JSON.stringify({ type: 'FeatureCollection', features: [light[0], heavy, ...light.slice(1)] }));
      const ndjson = join(work, 'huge-feature.ndjson');
      writeFileSync(ndjson, [light[0], heavy, ...light.slice(1)].map((f) => JSON.stringify(f)).join('\n'));
      for (const [file, where] of [
        [geojson, /^its JSON \(at byte \d+\) is 38\.1 MB; features of at most 16\.0 MB are read \(--max-feature-mb\)$/],
        [ndjson, /^its JSON \(at line 2\) is 38\.1 MB/],
      ] as const) {
        const name = file.split('/').pop()!;
        // Read (under the default 64 MB), then refused for its attribute text, in this thread.
        const built = await timed(() => runCli(['buildings', file, '--out', join(work, `out-${name}`), '--jobs', '2', '--worker-memory', '24']));
        expect(built.result.code, built.result.stderr).toBe(0);
        const report = readReport(join(work, `out-${name}`));
        expect(report.skipped.map((s) => `${s.feature} ${s.code}`)).toEqual(['heavy FEATURE_TOO_LARGE']);
        expect(report.skipped[0]!.message).toBe('its attributes hold 40,000,010 characters of text; a tile is built from at most 4,000,000 per feature');
        expect(report.features.written).toBe(5);
        expect(built.seconds).toBeLessThan(LIMIT / 1000);
        // Above --max-feature-mb it is not even read.
        const unread = await runCli(['buildings', file, '--out', join(work, `out-unread-${name}`), '--max-feature-mb', '16']);
        expect(unread.code, unread.stderr).toBe(0);
        const skipped = readReport(join(work, `out-unread-${name}`)).skipped;
        expect(skipped.map((s) => `${s.feature} ${s.code}`)).toEqual(['#1 FEATURE_TOO_LARGE']);
        expect(skipped[0]!.message).toMatch(where);
      }
    },
    LIMIT,
  );

  it(
    'a tile that runs out of its worker memory: its features skipped with TILE_FAILED naming the tile, the rest written, the tileset valid',
    async () => {
      // 10 tall buildings (the root tile's own content, the most important) with a 2.5 MB
      // attribute each: 25 MB of records in a 12 MB worker heap. 40 ordinary ones below them.
      const note = 'x'.repeat(2_500_000);
      const features = [
        ...Array.from({ length: 10 }, (_, i) => building(`heavy-${i}`, lon + i * 0.0005, lat, { height: 100, note })),
        ...Array.from({ length: 40 }, (_, i) => building(`light-${i}`, lon + (i % 10) * 0.0005, lat + 0.001 + Math.floor(i / 10) * 0.0005)),
      ];
      const file = join(work, 'heavy.geojson');
      writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features }));
      const out = join(work, 'out-heavy');
      const { result, seconds } = await timed(() => runCli(['buildings', file, '--out', out, '--jobs', '2', '--worker-memory', '12', '--max-features', '20']));
      expect(result.code, result.stderr).toBe(0);
      noStackTrace(result.stderr);
      const report = readReport(out);
      const failed = report.skipped.filter((s) => s.code === 'TILE_FAILED');
      expect(failed.map((s) => s.feature).sort()).toEqual(
        features
          .slice(0, 10)
          .map((f) => (f as { id: string }).id)
          .sort(),
      );
      expect(failed[0]!.file).toBe(file);
      expect(failed[0]!.message).toMatch(
        /^not drawn: its tile "root" \(10 features\) could not be built: its worker thread ran out of memory \(heap limit 12 MB\)/,
      );
      expect(report.features).toMatchObject({ read: 50, written: 40, skipped: 10 });
      const search = JSON.parse(readFileSync(join(out, 'search-index.json'), 'utf8')) as { ids: string[] };
      expect(search.ids.sort()).toEqual(
        features
          .slice(10)
          .map((f) => (f as { id: string }).id)
          .sort(),
      );
      const tileset = JSON.parse(readFileSync(join(out, 'tileset.json'), 'utf8')) as { root: { content?: unknown; children: unknown[] } };
      expect(tileset.root.content).toBeUndefined(); // the root's own content failed; its children stand
      expect(tileset.root.children.length).toBe(4);
      expect(seconds).toBeLessThan(LIMIT / 1000);
      validation.add('heavy tile failed', join(out, 'tileset.json'));
    },
    LIMIT,
  );

  it(
    'every tileset written above passes the official 3d-tiles-validator',
    async () => {
      const findings = await validation.findings();
      expect(Object.keys(findings).length).toBe(validation.size);
      for (const [label, list] of Object.entries(findings)) expect(list, label).toEqual([]);
    },
    LIMIT,
  );
});
