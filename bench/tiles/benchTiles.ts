import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeSyntheticCity } from './syntheticCity.js';
import { writeSyntheticPipes } from '../pipes/syntheticPipes.js';

/**
 * `npm run bench:tiles [-- --1m]`: builds deterministic synthetic cities and prints, per size,
 * the pipeline's throughput and output size next to a floor measured in the same run (parse +
 * earcut + meshopt encode of the same footprints). Ratios, not absolute times, are what to
 * compare across these shared, noisy machines. `-- --pipes`: the pipes row only.
 */
const sizes = process.argv.includes('--pipes') ? [] : [1_000, 10_000, 100_000, ...(process.argv.includes('--1m') ? [1_000_000] : [])];
const dir = join(import.meta.dirname, '../results');
mkdirSync(dir, { recursive: true });
const tsx = join(import.meta.dirname, '../../node_modules/tsx/dist/cli.mjs');
const run = (script: string, args: string[]): { seconds: number; maxRss: number; encodedBytes?: number; tiles?: number } =>
  JSON.parse(
    execFileSync(process.execPath, [tsx, join(import.meta.dirname, script), ...args], { encoding: 'utf8', maxBuffer: 1 << 24 })
      .trim()
      .split('\n')
      .at(-1)!,
  );

const rows: string[][] = [];
for (const size of sizes) {
  const input = join(dir, `city-${size}.ndjson`);
  if (!existsSync(input)) await writeSyntheticCity(input, size);
  const floor = run('floor.ts', [input]);
  const single = run('pipelineRun.ts', [input, join(dir, `out-${size}-j1`), '1']);
  const double = run('pipelineRun.ts', [input, join(dir, `out-${size}-j2`), '2']);
  const out = join(dir, `out-${size}-j2`);
  const tiles = readdirSync(join(out, 'tiles')).map((f) => readFileSync(join(out, 'tiles', f)));
  const raw = tiles.reduce((s, t) => s + t.length, 0) + statSync(join(out, 'tileset.json')).size;
  const gzip = tiles.reduce((s, t) => s + gzipSync(t, { level: 6 }).length, 0) + gzipSync(readFileSync(join(out, 'tileset.json'))).length;
  const sorted = tiles.map((t) => t.length).sort((a, b) => a - b);
  const pct = (p: number): string => `${Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! / 1024)}k`;
  rows.push([
    size.toLocaleString('en'),
    Math.round(size / single.seconds).toLocaleString('en'),
    Math.round(size / double.seconds).toLocaleString('en'),
    Math.round(size / floor.seconds).toLocaleString('en'),
    (single.seconds / floor.seconds).toFixed(2),
    (raw / size).toFixed(0),
    (gzip / size).toFixed(0),
    ((floor.encodedBytes ?? 0) / size).toFixed(0),
    String(tiles.length),
    `${pct(0.5)} / ${pct(0.9)} / ${pct(1)}`,
    `${Math.round(double.maxRss / 1e6)} MB`,
    `${Math.round(floor.maxRss / 1e6)} MB`,
    double.seconds.toFixed(1),
  ]);
}
const header = [
  'buildings',
  'bldg/s jobs=1',
  'bldg/s jobs=2',
  'floor bldg/s',
  'time ÷ floor (jobs=1)',
  'B/bldg raw',
  'B/bldg gzip',
  'floor B/bldg',
  'tiles',
  'tile p50/p90/max',
  'peak RSS jobs=2',
  'floor RSS',
  'wall s jobs=2',
];
if (rows.length > 0) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

// Pipes: a synthetic 100k-segment network (water and sewer grids) against its floor.
{
  const size = 100_000;
  const input = join(dir, `pipes-v2-${size}.ndjson`); // v2: depths continuous at points
  if (!existsSync(input)) await writeSyntheticPipes(input, size);
  const floor = run('../pipes/floor.ts', [input]);
  const out = join(dir, `pipes-out-${size}`);
  const single = run('../pipes/pipelineRun.ts', [input, `${out}-j1`, '1']);
  const pipeline = run('../pipes/pipelineRun.ts', [input, out, '2']);
  const tiles = readdirSync(join(out, 'tiles')).map((f) => readFileSync(join(out, 'tiles', f)));
  const raw = tiles.reduce((s, t) => s + t.length, 0);
  const gzip = tiles.reduce((s, t) => s + gzipSync(t, { level: 6 }).length, 0);
  const networkGzip = gzipSync(readFileSync(join(out, 'network.json'))).length;
  const pipeHeader = [
    'segments',
    'seg/s jobs=1',
    'seg/s jobs=2',
    'floor seg/s',
    'time ÷ floor (jobs=2)',
    'B/seg raw',
    'B/seg gzip',
    'network.json gzip B/seg',
    'floor B/seg',
    'tiles',
    'peak RSS jobs=2',
  ];
  const pipeRow = [
    size.toLocaleString('en'),
    Math.round(size / single.seconds).toLocaleString('en'),
    Math.round(size / pipeline.seconds).toLocaleString('en'),
    Math.round(size / floor.seconds).toLocaleString('en'),
    (pipeline.seconds / floor.seconds).toFixed(2),
    (raw / size).toFixed(0),
    (gzip / size).toFixed(0),
    (networkGzip / size).toFixed(0),
    ((floor.encodedBytes ?? 0) / size).toFixed(0),
    String(tiles.length),
    `${Math.round(pipeline.maxRss / 1e6)} MB`,
  ];
  const w = pipeHeader.map((h, i) => Math.max(h.length, pipeRow[i]!.length));
  const row = (cells: string[]): string => `| ${cells.map((c, i) => c.padStart(w[i]!)).join(' | ')} |`;
  console.log('');
  console.log(row(pipeHeader));
  console.log(`|${w.map((x) => '-'.repeat(x + 2)).join('|')}|`);
  console.log(row(pipeRow));
}
