import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BuildReport } from '../tiles-pipeline/src/report/BuildReport.js';
import type { CorpusCase } from './fixtures/malformed/makeCorpus.js';
import { OfficialValidationBatch } from './support/officialValidator.js';
import { runCli } from './support/runCli.js';
import { buildingRows } from './support/glbFiles.js';
import { tilesetVertices } from './support/tilesetVertices.js';
import { readShapefile } from '../tiles-pipeline/src/readers/readShapefile.js';
import { metresPerDegree } from '../workers/geometry/geodesy.js';

const corpus = join(import.meta.dirname, 'fixtures/malformed');
const cases = JSON.parse(readFileSync(join(corpus, 'cases.json'), 'utf8')) as CorpusCase[];
/** What the cases wrote, validated at the end by the official validator in one process. */
const official = new OfficialValidationBatch();

describe('malformed-input corpus: one defect per file', () => {
  it('has at least 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  for (const c of cases) {
    it(`${c.name}`, async () => {
      const out = join(mkdtempSync(join(tmpdir(), 'cim-corpus-')), 'out');
      const file = join(corpus, 'files', c.file);
      const { code, stdout, stderr } = await runCli(['buildings', file, '--out', out, '--jobs', '1', ...(c.args ?? [])]);
      expect(code, stderr + stdout).toBe(c.exit);
      expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack traces
      if (c.exit === 0 || c.exit === 3) {
        official.add(c.name, join(out, 'tileset.json'));
        const report = JSON.parse(readFileSync(join(out, 'build-report.json'), 'utf8')) as BuildReport;
        expect(report.features.written).toBe(c.written);
        if (c.kind === 'skipped') {
          const issue = report.skipped.find((s) => s.code === c.code);
          expect(issue, JSON.stringify(report.skipped)).toBeDefined();
          expect(issue!.file).toBe(file);
          expect(issue!.feature).not.toBe('');
          expect(issue!.message.length).toBeGreaterThan(5);
          expect(stdout).toContain(c.code!);
        } else if (c.kind === 'repaired') {
          expect(report.repairs.byCode[c.code!], JSON.stringify(report.repairs)).toBeGreaterThan(0);
        }
        expect(report.features.read).toBe(report.features.written + report.features.skipped);
      } else {
        expect(stderr).toContain(c.message!);
        if (c.exit === 1) expect(stderr).toContain(c.file.replace(/\.shp$/, ''));
        expect(existsSync(join(out, 'tileset.json'))).toBe(false); // nothing half-written is published
      }
    });
  }

  it('every tileset the cases wrote passes the official 3d-tiles-validator: 0 errors, 0 warnings', async () => {
    expect(official.size).toBeGreaterThan(0);
    const findings = await official.findings();
    for (const [label, lines] of Object.entries(findings)) expect(lines, label).toEqual([]);
  }, 300_000);

  it('the real CLI prints a positioned error and no stack trace for a truncated file', () => {
    const bin = join(import.meta.dirname, '../tiles-pipeline/bin/cim-twin.mjs');
    const out = join(mkdtempSync(join(tmpdir(), 'cim-corpus-')), 'out');
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, [bin, 'buildings', join(corpus, 'files/truncated.geojson'), '--out', out], { stdio: 'pipe' });
    } catch (error) {
      const e = error as { status: number; stderr: Buffer };
      status = e.status;
      stderr = e.stderr.toString();
    }
    expect(status).toBe(1);
    expect(stderr).toMatch(/truncated\.geojson at byte \d+ \(line \d+\)/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('bad input that passes as good (issue 18 §4): what the cases alone do not show', () => {
  const build = async (file: string, args: string[] = []): Promise<{ out: string; code: number; stdout: string; stderr: string; report?: BuildReport }> => {
    const out = join(mkdtempSync(join(tmpdir(), 'cim-corpus-')), 'out');
    const result = await runCli(['buildings', file, '--out', out, '--jobs', '1', ...args]);
    const reportPath = join(out, 'build-report.json');
    return { out, ...result, ...(existsSync(reportPath) ? { report: JSON.parse(readFileSync(reportPath, 'utf8')) as BuildReport } : {}) };
  };
  const files = join(corpus, 'files');

  it('a building 1000 km from the rest: the others keep their place within 5 cm (it used to shift them by metres)', async () => {
    const { out, code } = await build(join(files, 'building-1000-km-away.geojson'));
    expect(code).toBe(0);
    const tiles = await tilesetVertices(join(out, 'tileset.json'));
    expect(tiles.length).toBe(2); // the far building has a tile of its own
    // The good building is the square (117.17, 39.12) + 0.0002°: every vertex near it is on a corner.
    const corners = [0, 1].flatMap((dx) => [0, 1].map((dy) => [117.17 + dx * 0.0002, 39.12 + dy * 0.0002] as const));
    const scale = metresPerDegree(39.12);
    let worst = 0;
    let near = 0;
    for (const { lonLatHeight } of tiles) {
      for (const [vlon, vlat] of lonLatHeight) {
        if (Math.abs(vlon! - 117.1701) > 0.01 || Math.abs(vlat! - 39.1201) > 0.01) continue;
        near++;
        worst = Math.max(worst, Math.min(...corners.map(([clon, clat]) => Math.hypot((vlon! - clon) * scale.lon, (vlat! - clat) * scale.lat))));
      }
    }
    expect(near).toBeGreaterThan(8);
    expect(worst).toBeLessThan(0.05);
  });

  it('duplicate ids: the tiles and search-index.json hold each id once, renamed by the reported rule', async () => {
    const { out, report } = await build(join(files, 'duplicate-id-three-times.geojson'));
    const search = JSON.parse(readFileSync(join(out, 'search-index.json'), 'utf8')) as { ids: string[] };
    expect(search.ids).toEqual(['good-1', 'good-1#2', 'good-1#3']);
    expect(
      buildingRows(out)
        .map((row) => row['id'])
        .sort(),
    ).toEqual(['good-1', 'good-1#2', 'good-1#3']);
    expect(report!.repairs.byCode['ID_DUPLICATE_RENAMED']).toBe(2);
    expect(report!.repairs.listed.find((r) => r.code === 'ID_DUPLICATE_RENAMED')!.message).toContain('"good-1#2"');
  });

  it('a .cpg with a BOM is read: names and heights come out right, with no warning', async () => {
    const source = await readShapefile(join(files, 'cpg-with-bom.shp'), undefined);
    const names: unknown[] = [];
    for await (const feature of source.features) if (feature.kind === 'footprint') names.push(feature.attributes['名称'], feature.attributes['高度']);
    expect(names).toEqual(['南开测试楼', 24.5, '卫津路12号', 18, '天塔', 30, '八里台商场', 12, '水上公园东门', 9]);
    expect(source.warnings).toEqual([]);
  });

  it('a wrong code page: one file-level warning that names a code page reading the text cleanly', async () => {
    for (const [name, better, sample] of [
      ['cpg-says-gbk-text-is-utf8', 'utf-8', '名称'],
      ['cpg-says-utf8-text-is-gbk', 'gb18030', '名称'],
      ['cpg-says-1252-text-is-gbk', 'gb18030', '名称'],
      ['language-byte-gbk-text-is-utf8', 'utf-8', '名称'],
    ] as const) {
      const { report } = await build(join(files, `${name}.shp`));
      const warnings = report!.repairs.listed.filter((r) => r.code === 'TEXT_ENCODING_SUSPECT');
      expect(warnings.length, name).toBe(1);
      expect(warnings[0]!.feature).toBe('*');
      expect(warnings[0]!.message, name).toContain(`--encoding ${better}`);
      expect(warnings[0]!.message, name).toContain(sample);
    }
  });

  it('dBASE-deleted records are not read (counts add up) and are named in one note', async () => {
    const { out, report } = await build(join(files, 'dbf-deleted-record.shp'));
    expect(report!.features).toMatchObject({ read: 4, written: 4, skipped: 0 });
    expect(report!.repairs.listed.find((r) => r.code === 'RECORD_DELETED')!.message).toMatch(/^1 record\(s\) flagged deleted/);
    const search = JSON.parse(readFileSync(join(out, 'search-index.json'), 'utf8')) as { names: string[] };
    expect(search.names).not.toContain('卫津路12号'); // record 2, the deleted one
  });

  it('damaged records are file errors naming the file and the record, and nothing is published', async () => {
    const content = await build(join(files, 'shp-record-content-length-0.shp'));
    expect(content.code).toBe(1);
    expect(content.stderr).toMatch(/shp-record-content-length-0\.shp at record 3 \(byte \d+\): content length 0 bytes/);
    const dbf = await build(join(files, 'dbf-truncated-cut-3.shp'));
    expect(dbf.code).toBe(1);
    expect(dbf.stderr).toMatch(/dbf-truncated-cut-3\.dbf at byte \d+: .*truncated/);
    expect(existsSync(join(dbf.out, 'tileset.json'))).toBe(false);
  });

  /** A ring of n vertices around (117.2, 39.1): `radius(i)` metres from the centre. */
  const ringFile = (n: number, radius: (i: number) => number, edit?: (ring: number[][]) => void): string => {
    const ring: number[][] = [];
    for (let i = 0; i < n; i++) {
      const a = (i / n) * 2 * Math.PI;
      ring.push([117.2 + (radius(i) * Math.cos(a)) / 86_400, 39.1 + (radius(i) * Math.sin(a)) / 111_000]);
    }
    edit?.(ring);
    ring.push(ring[0]!);
    const file = join(mkdtempSync(join(tmpdir(), 'cim-ring-')), `ring-${n}.geojson`);
    const good = {
      type: 'Feature',
      id: 'good',
      properties: { height: 20 },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [117.17, 39.12],
            [117.1702, 39.12],
            [117.1702, 39.1202],
            [117.17, 39.1202],
            [117.17, 39.12],
          ],
        ],
      },
    };
    writeFileSync(
      file,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [good, { type: 'Feature', id: 'big', properties: { height: 30 }, geometry: { type: 'Polygon', coordinates: [ring] } }],
      }),
    );
    return file;
  };

  it('a self-intersecting 100k-vertex ring is skipped (RING_SELF_INTERSECTS), not written', async () => {
    const file = ringFile(
      100_000,
      () => 40,
      (ring) => ([ring[10], ring[50_000]] = [ring[50_000]!, ring[10]!]),
    );
    const { code, report } = await build(file);
    expect(code).toBe(0);
    expect(report!.skippedByCode).toEqual({ RING_SELF_INTERSECTS: 1 });
    expect(report!.features.written).toBe(1);
  }, 60_000);

  it('1M-vertex rings finish within 60 s: simplified within 5 cm when that brings them under --max-ring-vertices, else skipped', async () => {
    let seed = 5;
    const random = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (const [name, radius, code] of [
      ['smooth', () => 40, 'RING_SIMPLIFIED'],
      ['2 km with 0.5 m of real detail at every vertex', () => 2000 + random() - 0.5, 'RING_TOO_MANY_VERTICES'],
    ] as const) {
      const file = ringFile(1_000_000, radius);
      const started = performance.now();
      const { code: exit, report } = await build(file);
      const seconds = (performance.now() - started) / 1000;
      expect(exit, name).toBe(0);
      expect({ ...report!.skippedByCode, ...report!.repairs.byCode }, name).toHaveProperty(code);
      expect(seconds, name).toBeLessThan(60);
    }
  }, 180_000);
});
