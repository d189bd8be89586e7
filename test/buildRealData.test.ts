import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { MeshoptDecoder } from 'meshoptimizer';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildBuildings } from '../tiles-pipeline/src/build/buildBuildings.js';
import { defaultBuildOptions } from '../tiles-pipeline/src/build/BuildOptions.js';
import { OUTPUT_MARKER } from '../tiles-pipeline/src/output/outputMarker.js';
import type { SearchIndexDocument } from '../workers/formats/searchIndex.js';
import type { BuildReport } from '../tiles-pipeline/src/report/BuildReport.js';
import { checkContentInRegions } from '../tiles-pipeline/src/validation/checkContentInRegions.js';
import { buildingRows, glbPaths } from './support/glbFiles.js';
import { OfficialValidationBatch } from './support/officialValidator.js';
import { runCli } from './support/runCli.js';
import { UniqueIds } from '../tiles-pipeline/src/search/UniqueIds.js';

const fixtures = join(import.meta.dirname, 'fixtures/real');
const shanghai = join(fixtures, 'shanghai-lujiazui-osm.geojson');
const work = mkdtempSync(join(tmpdir(), 'cim-real-'));
/** Every tileset built here, validated at the end by the official validator in one process. */
const official = new OfficialValidationBatch();

async function build(name: string, args: string[]): Promise<{ out: string; report: BuildReport; stdout: string }> {
  const out = join(work, name);
  const result = await runCli(['buildings', ...args, '--out', out]);
  expect(result.code, result.stderr).toBe(0);
  official.add(name, join(out, 'tileset.json'));
  return { out, report: JSON.parse(readFileSync(join(out, 'build-report.json'), 'utf8')) as BuildReport, stdout: result.stdout };
}

function treeHash(out: string): Record<string, string> {
  const hashes: Record<string, string> = {};
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) visit(path);
      // The report and the output marker describe the run (its time, its build folder), not the tileset.
      else if (entry !== 'build-report.json' && entry !== OUTPUT_MARKER)
        hashes[relative(out, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  visit(out);
  return hashes;
}

describe('real data: Shanghai OSM buildings', () => {
  let meshopt: Awaited<ReturnType<typeof build>>;
  beforeAll(async () => {
    await MeshoptDecoder.ready;
    meshopt = await build('shanghai', [shanghai, '--jobs', '2']);
  });

  it('writes every usable building and says why the rest were skipped', () => {
    const { features, skipped } = meshopt.report;
    expect(features.read).toBe(1475);
    expect(features.written + features.skipped).toBe(1475);
    expect(features.written).toBeGreaterThan(1400);
    for (const s of skipped) expect(s).toMatchObject({ file: shanghai, code: expect.any(String), message: expect.any(String) });
  });

  it('counts repairs of written features only, and says so: repaired features, repairs per code', () => {
    const { features, repairs } = meshopt.report;
    // Each code is counted once per feature that got it (the 4 skipped ones are not counted).
    for (const [code, n] of Object.entries(repairs.byCode)) expect(n, code).toBeLessThanOrEqual(features.repaired);
    expect(repairs.byCode['WINDING_FIXED']).toBe(features.repaired);
    expect(meshopt.stdout).toContain(
      `features: 1475 read = ${features.written} written + ${features.skipped} skipped; ${features.repaired} of the written were repaired`,
    );
    expect(meshopt.stdout).toContain(`repaired WINDING_FIXED: ${features.repaired} features`);
  });

  it('every content vertex lies inside its tile region (the official validator does not check geometry)', async () => {
    expect(glbPaths(meshopt.out).length).toBe(meshopt.report.tiles);
    expect(await checkContentInRegions(join(meshopt.out, 'tileset.json'))).toEqual([]);
  });

  it('the property tables hold exactly the written features with their attributes', () => {
    const rows = buildingRows(meshopt.out);
    expect(rows.length).toBe(meshopt.report.features.written);
    const input = (JSON.parse(readFileSync(shanghai, 'utf8')) as { features: { properties: Record<string, unknown> }[] }).features;
    const skippedIds = new Set(meshopt.report.skipped.map((s) => s.feature));
    // Repeated ids (an OSM relation's parts) are made unique as the pipeline does: "<id>#2"…
    const unique = new UniqueIds();
    const expectedIds = input
      .map((f) => String(f.properties['id']))
      .filter((id) => !skippedIds.has(id))
      .map((id) => unique.claim(id));
    expect(rows.map((r) => r['id']).sort()).toEqual(expectedIds.sort());
    const pearl = rows.find((r) => r['name'] === '东方明珠广播电视塔' || r['name'] === '上海国际会议中心');
    expect(pearl).toBeDefined();
    expect(pearl!['name_en']).toMatch(/[A-Za-z]/);
    expect(pearl!['cimLevel']).toBe(2);
    expect(Number(pearl!['height'])).toBeGreaterThan(0);
  });

  it('writes a search index of the same features (names, anchor points) and the schema in tileset.json', () => {
    const rows = buildingRows(meshopt.out);
    const index = JSON.parse(readFileSync(join(meshopt.out, 'search-index.json'), 'utf8')) as SearchIndexDocument;
    expect(index).toMatchObject({ format: 'cim-twin-search-index', version: 1, featureClass: 'building', count: rows.length });
    expect([...index.ids].sort()).toEqual(rows.map((r) => String(r['id'])).sort());
    const at = index.names.indexOf('上海国际会议中心');
    expect(at).toBeGreaterThanOrEqual(0);
    // The Shanghai International Convention Center, by the river at Lujiazui: 121.497 E, 31.241 N.
    expect(index.lon[at]).toBeCloseTo(121.497, 2);
    expect(index.lat[at]).toBeCloseTo(31.241, 2);
    expect(index.height[at]).toBe(20);
    const tileset = JSON.parse(readFileSync(join(meshopt.out, 'tileset.json'), 'utf8')) as { schema: { classes: Record<string, unknown> } };
    expect(Object.keys(tileset.schema.classes)).toEqual(['building', 'surface']);
  });

  it('is byte-identical whatever --jobs, and whether buildings were spooled to disk or not', async () => {
    const single = await build('shanghai-jobs1', [shanghai, '--jobs', '1']);
    expect(treeHash(single.out)).toEqual(treeHash(meshopt.out));
    const spooled = join(work, 'shanghai-spooled');
    const progress: [string, number, number | undefined][] = [];
    const onProgress = (phase: string, done: number, total: number | undefined): number => progress.push([phase, done, total]);
    await buildBuildings(defaultBuildOptions([shanghai], spooled, { jobs: 2, spoolMemoryBudget: 0, onProgress }));
    // Progress reaches the real totals: all 1475 features read, every tile built.
    expect(progress.filter(([phase]) => phase === 'read').at(-1)).toEqual(['read', 1475, undefined]);
    expect(progress.at(-1)).toEqual(['tiles', meshopt.report.tiles, meshopt.report.tiles]);
    official.add('shanghai-spooled', join(spooled, 'tileset.json'));
    expect(treeHash(spooled)).toEqual(treeHash(meshopt.out));
  });

  it('--compress none and draco write the same features; none keeps every vertex in its region', async () => {
    for (const mode of ['none', 'draco']) {
      const { out, report } = await build(`shanghai-${mode}`, [shanghai, '--compress', mode]);
      expect(report.features.written).toBe(meshopt.report.features.written);
      if (mode === 'none') expect(await checkContentInRegions(join(out, 'tileset.json'))).toEqual([]);
    }
  });
});

describe('real data: CityJSON (LoD2 with semantics, LoD choice, BuildingParts, version 1.1)', () => {
  for (const [file, count] of [
    ['multi_lod.json', 10],
    ['rotterdam_subset.json', 16],
    ['DH_01_subs.city.json', 9],
  ] as const) {
    it(`${file}: content inside its regions, one feature per building (part), CIM level 3`, async () => {
      const { out, report } = await build(file, [join(fixtures, file), '--crs', 'EPSG:7415']);
      expect(report.features.written).toBe(count);
      expect(await checkContentInRegions(join(out, 'tileset.json'))).toEqual([]);
      const rows = buildingRows(out);
      expect(rows.length).toBe(count);
      expect(rows.every((r) => r['cimLevel'] === 3)).toBe(true);
    });
  }

  it('chooses the LoD: highest by default, --lod on request', async () => {
    const highest = buildingRows((await build('lod-default', [join(fixtures, 'multi_lod.json'), '--crs', 'EPSG:7415'])).out);
    const lod12 = buildingRows((await build('lod-1.2', [join(fixtures, 'multi_lod.json'), '--crs', 'EPSG:7415', '--lod', '1.2'])).out);
    expect(new Set(highest.map((r) => r['lod']))).toEqual(new Set(['2.2']));
    expect(new Set(lod12.map((r) => r['lod']))).toEqual(new Set(['1.2']));
  });

  it('BuildingParts inherit their Building attributes and name their parent', async () => {
    const rows = buildingRows((await build('dh', [join(fixtures, 'DH_01_subs.city.json'), '--crs', 'EPSG:7415'])).out);
    const parts = rows.filter((r) => r['cityObjectType'] === 'BuildingPart');
    expect(parts.length).toBe(8);
    expect(parts.every((r) => typeof r['parentId'] === 'string' && (r['parentId'] as string).startsWith('GUID_'))).toBe(true);
  });
});

describe('official 3d-tiles-validator', () => {
  it('every tileset built above passes it: 0 errors, 0 warnings (glTF, metadata, tileset.json)', async () => {
    expect(official.size).toBeGreaterThan(0);
    const findings = await official.findings();
    for (const [label, lines] of Object.entries(findings)) expect(lines, label).toEqual([]);
  }, 300_000);
});
