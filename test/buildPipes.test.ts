import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { NetworkDocument } from '../workers/formats/networkDocument.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MeshoptDecoder } from 'meshoptimizer';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PipeBuildReport } from '../tiles-pipeline/src/pipes/buildPipes.js';
import { readAccessor, readGlb } from '../tiles-pipeline/src/validation/readGlb.js';
import { checkContentInRegions } from '../tiles-pipeline/src/validation/checkContentInRegions.js';
import { buildingRows, glbPaths, pipeSearchIndex } from './support/glbFiles.js';
import type { Tileset } from '../tiles-pipeline/src/tileset/Tileset.js';
import type { SearchIndexDocument } from '../workers/formats/searchIndex.js';
import type { PipeAttributesDocument, PipeCategoriesDocument } from '../workers/formats/pipeLayout.js';
import { OfficialValidationBatch } from './support/officialValidator.js';
import { runCli } from './support/runCli.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const work = mkdtempSync(join(tmpdir(), 'cim-pipes-'));
/** Every tileset built here, validated at the end by the official validator in one process. */
const official = new OfficialValidationBatch();

interface NetworkJson {
  nodes: { id: string[]; feature: (string | null)[] };
  edges: { id: string[]; from: number[]; to: number[]; length: number[]; type: string[] };
  valves: { id: string; node?: number; edge?: number }[];
}

async function pipes(name: string, args: string[]): Promise<{ out: string; report: PipeBuildReport; network: NetworkJson; stdout: string }> {
  const out = join(work, name);
  const result = await runCli(['pipes', ...args, '--out', out]);
  expect(result.code, result.stderr + result.stdout).toBe(0);
  official.add(name, join(out, 'tileset.json'));
  return {
    out,
    report: JSON.parse(readFileSync(join(out, 'build-report.json'), 'utf8')) as PipeBuildReport,
    network: JSON.parse(readFileSync(join(out, 'network.json'), 'utf8')) as NetworkJson,
    stdout: result.stdout,
  };
}

beforeAll(async () => {
  await MeshoptDecoder.ready;
});

describe('pipes: EPANET networks', () => {
  for (const [name, junctions, pipeCount] of [
    ['Net1.inp', 9, 12],
    ['Net2.inp', 35, 40],
    ['Net3.inp', 92, 117],
    ['Net6.inp', 3323, 3829],
  ] as const) {
    it(`${name}: valid tiles, and network.json matches the tiles' features`, async () => {
      const { out, report, network, stdout } = await pipes(name, [join(fixtures, 'epanet', name), '--origin', '117.165,39.10', '--cover', '1.2']);
      expect(report.skipped).toEqual([]);
      // Every node and link read is written; pumps' and valves' symbols are derived, apart.
      const { read, written, skipped, derived } = report.features;
      expect(read).toBe(written + skipped);
      expect(stdout).toContain(`features: ${read} read = ${written} written + ${skipped} skipped`);
      expect(network.edges.id.filter((_, i) => network.edges.type[i] === 'pipe').length).toBe(pipeCount);
      expect(network.nodes.id.length).toBeGreaterThanOrEqual(junctions);
      expect(await checkContentInRegions(join(out, 'tileset.json'))).toEqual([]);
      const rows = buildingRows(out);
      const ids = new Set(rows.map((r) => r['id']));
      for (const id of network.edges.id) expect(ids.has(id)).toBe(true);
      for (const feature of network.nodes.feature) if (feature !== null) expect(ids.has(feature)).toBe(true);
      expect(rows.filter((r) => r['kind'] === 'segment').length).toBe(network.edges.id.length);
      expect(rows.length).toBe(written + derived);
      // One water network at one cover depth: one pipeline, so no GB 50289 conflict with itself
      // (Net6 reported 367, Net3 1, when pipes of one network were checked against each other).
      expect(report.clearance.conflicts).toEqual([]);
      expect(stdout).toContain('clearance (GB 50289, between separate pipelines): 0 conflicts');
      if (name === 'Net3.inp') {
        // 92 junctions, 2 reservoirs, 3 tanks, 117 pipes, 2 pumps: 216; the pumps' symbols: 2.
        expect(report.features).toMatchObject({ read: 216, written: 216, skipped: 0, derived: 2 });
        expect(stdout).toMatch(/^derived: 2 /m);
      }
      const index = pipeSearchIndex(out);
      expect(index.featureClass).toBe('pipe');
      expect([...index.ids].sort()).toEqual(rows.map((r) => String(r['id'])).sort());
      expect(index.height.every((h) => h < 0)).toBe(true);
      if (name === 'Net6.inp') {
        // Its 2 valves, each counted once: as a link, not again as its symbol point.
        expect(network.valves.map((v) => v.edge !== undefined)).toEqual([true, true]);
        expect(report.network.valves).toBe(2);
      }
    }, 120_000);
  }
});

describe('pipes: deterministic', () => {
  it('gives byte-identical tiles and network whatever --jobs', async () => {
    const hashes = async (jobs: string): Promise<string[]> => {
      const { out } = await pipes(`net3-jobs${jobs}`, [join(fixtures, 'epanet', 'Net3.inp'), '--origin', '117.165,39.10', '--jobs', jobs]);
      const { createHash } = await import('node:crypto');
      const files = [
        ...glbPaths(out),
        join(out, 'tileset.json'),
        join(out, 'network.json'),
        join(out, 'JS', 'tileset.json'),
        join(out, 'JS', 'search-index.json'),
      ];
      return files.map((f) => `${f.split('/').pop()} ${createHash('sha256').update(readFileSync(f)).digest('hex')}`);
    };
    expect(await hashes('2')).toEqual(await hashes('1'));
  }, 60_000);
});

describe('pipes: CJJ 61 survey tables', () => {
  let result: Awaited<ReturnType<typeof pipes>>;
  beforeAll(async () => {
    result = await pipes(
      'survey',
      ['JS_line.geojson', 'JS_point.geojson', 'WS_line.geojson', 'WS_point.geojson', 'power-gk.geojson'].map((f) => join(fixtures, 'pipes', f)),
    );
  });

  it('reads Chinese columns, categories from layer names and a category column, GK coordinates', () => {
    const rows = buildingRows(result.out);
    const byId = Object.fromEntries(rows.map((r) => [r['id'], r]));
    expect(byId['JS-L1']).toMatchObject({ kind: 'segment', category: 'JS', categoryName: '给水', diameter: 0.3, material: '球墨铸铁', depthReference: '管顶' });
    expect(byId['WS-L1']).toMatchObject({ category: 'PS', subType: 'WS', depthReference: '管底', diameter: 0.6 });
    expect(byId['DL-L1']).toMatchObject({ category: 'DL', width: 0.8, sectionHeight: 0.5 });
    expect(byId['JS2']).toMatchObject({ kind: 'valve', degree: 3 });
    expect(byId['JS3']).toMatchObject({ kind: 'hydrant' });
    expect(byId['WS1']).toMatchObject({ kind: 'well' });
  });

  it('writes a tileset per CJJ 61 category under a root that references them; points go with their category', () => {
    const root = JSON.parse(readFileSync(join(result.out, 'tileset.json'), 'utf8')) as Tileset;
    expect(root.root.content).toBeUndefined();
    expect(root.root.children!.map((c) => c.content!.uri)).toEqual(['JS/tileset.json', 'PS/tileset.json', 'DL/tileset.json']);
    const manifest = JSON.parse(readFileSync(join(result.out, 'categories.json'), 'utf8')) as PipeCategoriesDocument;
    expect(manifest.categories.map((c) => c.code)).toEqual(['JS', 'PS', 'DL']);
    expect(Object.keys(result.report.categories)).toEqual(['JS', 'PS', 'DL']);
    for (const code of ['JS', 'PS', 'DL']) {
      const rows = buildingRows(join(result.out, code));
      expect(rows.length, code).toBe(result.report.categories[code]!.features);
      expect(new Set(rows.map((r) => r['category'])), code).toEqual(new Set([code]));
      const index = JSON.parse(readFileSync(join(result.out, code, 'search-index.json'), 'utf8')) as SearchIndexDocument;
      expect([...index.ids].sort()).toEqual(rows.map((r) => String(r['id'])).sort());
    }
    // The valve and the hydrant are water points: in JS's tiles, not in a points tileset.
    expect(buildingRows(join(result.out, 'JS')).map((r) => r['id'])).toEqual(expect.arrayContaining(['JS2', 'JS3']));
  });

  it('keeps owner contacts out of the tiles, their metadata and the search index: only in the category attributes file', () => {
    const phone = '022-55550001';
    for (const file of [
      ...glbPaths(result.out),
      ...['tileset.json', 'JS/tileset.json', 'JS/search-index.json', 'network.json'].map((f) => join(result.out, f)),
    ])
      expect(readFileSync(file).includes(Buffer.from(phone)), file).toBe(false);
    expect(readFileSync(join(result.out, 'JS', 'tileset.json'), 'utf8')).not.toContain('联系电话');
    const attributes = JSON.parse(readFileSync(join(result.out, 'JS', 'attributes.json'), 'utf8')) as PipeAttributesDocument;
    const row = attributes.values[attributes.ids.indexOf('JS-L1')]!;
    expect(row[attributes.fields.indexOf('联系电话')]).toBe(phone);
    expect(row[attributes.fields.indexOf('权属联系人')]).toBe('王工（演示）');
    expect(row[attributes.fields.indexOf('材质')]).toBe('球墨铸铁');
    expect(new Set(attributes.ids).size).toBe(attributes.ids.length);
  });

  it('connects the network by point ids and reports no topology problems on a clean survey', () => {
    const { network, report } = result;
    const edge = network.edges.id.indexOf('JS-L3');
    expect(network.nodes.id[network.edges.from[edge]!]).toBe('JS2');
    expect(network.valves.map((v) => v.id)).toEqual(['JS2']);
    expect(report.topology.byCode['DANGLING_NEAR'] ?? 0).toBe(0);
    // The duct bank has no points: its two ends are reported.
    expect(report.topology.byCode['LINE_END_WITHOUT_POINT']).toBe(2);
  });

  it('network.json gives each pipe its crown and invert depths at both ends, section, material, owner and bends', () => {
    const edges = (result.network as unknown as NetworkDocument).edges;
    const edge = (id: string): Record<string, unknown> => {
      const e = edges.id.indexOf(id);
      return Object.fromEntries(
        (
          [
            'depthTopFrom',
            'depthTopTo',
            'depthBottomFrom',
            'depthBottomTo',
            'groundFrom',
            'heightFrom',
            'diameter',
            'width',
            'height',
            'material',
            'owner',
            'bends',
          ] as const
        ).map((field) => [field, edges[field]![e]]),
      );
    };
    // Water is surveyed at the crown: 1.2 → 1.3 m, DN300; its invert 0.3 m lower. Flat ground: the centre at −1.35 m.
    expect(edge('JS-L1')).toMatchObject({ depthTopFrom: 1.2, depthTopTo: 1.3, depthBottomFrom: 1.5, depthBottomTo: 1.6, groundFrom: 0, heightFrom: -1.35 });
    expect(edge('JS-L1')).toMatchObject({ diameter: 0.3, width: null, height: null, material: '球墨铸铁', owner: '天津水务', bends: null });
    // A sewer is surveyed at the invert (起点埋深 2.6 → 终点埋深 2.9, DN600): the crown 0.6 m above it.
    expect(edge('WS-L1')).toMatchObject({ depthTopFrom: 2, depthTopTo: 2.3, depthBottomFrom: 2.6, depthBottomTo: 2.9, owner: '排水公司' });
    // A duct bank 800×500 at 0.8 m (crown): no diameter, its invert 0.5 m lower.
    expect(edge('DL-L1')).toMatchObject({ diameter: null, width: 0.8, height: 0.5, depthTopFrom: 0.8, depthBottomTo: 1.3, owner: '国网天津' });
    // A line of three vertices keeps its middle one; no owner in the survey is null.
    expect(edge('JS-L3')).toMatchObject({ owner: null, material: 'PE' });
    expect((edge('JS-L3')['bends'] as number[]).length).toBe(2);
  });

  it('network.json gives gas pipes their GB 50028 pressure class from the 压力 column; a survey without gas has none', async () => {
    expect((result.network as unknown as NetworkDocument).edges.gasPressure).toBeUndefined();
    const dir = mkdtempSync(join(tmpdir(), 'cim-gas-'));
    const line = (id: string, from: string, to: string, x0: number, x1: number, pressure?: string | number): object => ({
      type: 'Feature',
      properties: {
        管线编号: id,
        起点编号: from,
        终点编号: to,
        起点埋深: 1,
        终点埋深: 1,
        管径: 200,
        材质: 'PE',
        ...(pressure === undefined ? {} : { 压力: pressure }),
      },
      geometry: {
        type: 'LineString',
        coordinates: [
          [117.165 + x0, 39.11],
          [117.165 + x1, 39.11],
        ],
      },
    });
    const file = join(dir, 'RQ_line.geojson');
    writeFileSync(
      file,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [line('RQ-L1', 'RQ1', 'RQ2', 0, 0.001, '中压A'), line('RQ-L2', 'RQ2', 'RQ3', 0.001, 0.002, 0.8), line('RQ-L3', 'RQ3', 'RQ4', 0.002, 0.003)],
      }),
    );
    const gas = await pipes('gas-pressure', [file]);
    const edges = (gas.network as unknown as NetworkDocument).edges;
    const pressureOf = (id: string): unknown => edges.gasPressure![edges.id.indexOf(id)];
    // 中压A as named; 0.8 MPa is the top of 次高压B; no 压力: null.
    expect([pressureOf('RQ-L1'), pressureOf('RQ-L2'), pressureOf('RQ-L3')]).toEqual(['mediumA', 'subHighB', null]);
  });

  it('draws wells, hydrants and valves as instances of one cylinder, checked against the regions', async () => {
    const glb = readGlb(new Uint8Array(readFileSync(glbPaths(join(result.out, 'JS'))[0]!)));
    const instanced = (glb.json.nodes ?? []).filter((n) => n.extensions?.['EXT_mesh_gpu_instancing']);
    expect(instanced.length).toBeGreaterThan(0);
    expect(glb.json.extensionsRequired).toContain('EXT_mesh_gpu_instancing');
    // Lower the root region's top below the hydrant tops: the check must see the instances.
    const { cpSync, writeFileSync } = await import('node:fs');
    const copy = join(work, 'survey-cut');
    cpSync(result.out, copy, { recursive: true, dereference: true });
    const tileset = JSON.parse(readFileSync(join(copy, 'tileset.json'), 'utf8')) as { root: { boundingVolume: { region: number[] } } };
    tileset.root.boundingVolume.region[5] = 0.2;
    writeFileSync(join(copy, 'tileset.json'), JSON.stringify(tileset));
    const issues = await checkContentInRegions(join(copy, 'tileset.json'));
    expect(issues.some((i) => i.code === 'BOUNDING_VOLUMES_INCONSISTENT' && /instance/.test(i.message))).toBe(true);
  });

  it('--ground points hangs the pipes below the surveyed 地面高程 (absolute heights)', async () => {
    const absolute = await pipes('survey-ground', [...['JS_line.geojson', 'JS_point.geojson'].map((f) => join(fixtures, 'pipes', f)), '--ground', 'points']);
    const tileset = JSON.parse(readFileSync(join(absolute.out, 'tileset.json'), 'utf8')) as { root: { boundingVolume: { region: number[] } } };
    const [, , , , minHeight, maxHeight] = tileset.root.boundingVolume.region;
    // Ground 3.0–3.2 m: the mains' crowns 1.2–1.4 m below it, the hydrant's top 0.95 m above.
    expect(maxHeight).toBeGreaterThan(3.2 + 0.9);
    expect(minHeight).toBeGreaterThan(0); // nothing deeper than ~2.5 m below a 3 m ground (region margin included)
    expect(await checkContentInRegions(join(absolute.out, 'tileset.json'))).toEqual([]);
    // network.json: the ground at each end is the point's 地面高程, the crown still 1.2 m below it.
    const edges = (absolute.network as unknown as NetworkDocument).edges;
    const e = edges.id.indexOf('JS-L1');
    expect(edges.groundFrom![e]).toBeGreaterThanOrEqual(3.0);
    expect(edges.groundFrom![e]).toBeLessThanOrEqual(3.2);
    expect(edges.groundFrom![e]! - edges.depthTopFrom![e]! - 0.15).toBeCloseTo(edges.heightFrom![e]!, 1);
  });

  it('finds the GB 50289 conflict in the survey: the duct bank crosses the water branch too close', () => {
    expect(result.report.clearance.conflicts.map((c) => `${c.type} ${c.a} ${c.b}`)).toEqual(['vertical DL-L1 JS-L3']);
    expect(result.report.clearance.source).toMatch(/GB 50289/);
  });

  it('finds the same conflicts with the check on this thread (--jobs 1) as on a worker', async () => {
    const inline = await pipes('survey-jobs1', [
      ...['JS_line.geojson', 'JS_point.geojson', 'WS_line.geojson', 'WS_point.geojson', 'power-gk.geojson'].map((f) => join(fixtures, 'pipes', f)),
      '--jobs',
      '1',
    ]);
    expect(inline.report.clearance).toEqual(result.report.clearance);
  });

  it('reports CJJ 61 completeness per category', () => {
    expect(result.report.completeness['JS']).toEqual({ segments: 3, missing: { burial: 1, owner: 1, year: 1 } });
    expect(result.report.completeness['DL']!.missing).toMatchObject({ burial: 1, year: 1 });
  });

  it('places pipes at their depth: crown for water, invert for sewers; colours by CJJ 61', async () => {
    expect(await checkContentInRegions(join(result.out, 'tileset.json'))).toEqual([]);
    const tileset = JSON.parse(readFileSync(join(result.out, 'tileset.json'), 'utf8')) as { root: { boundingVolume: { region: number[] } } };
    const [, , , , minHeight, maxHeight] = tileset.root.boundingVolume.region;
    // Deepest: the manholes below the 600 mm sewer with invert at 2.9 m; highest: hydrant top.
    expect(minHeight).toBeLessThan(-3.2);
    expect(minHeight).toBeGreaterThan(-5);
    expect(maxHeight).toBeGreaterThan(0.9);
    // A category per tileset, each in its own colour.
    const seen = new Map<string, Set<string>>();
    for (const code of ['JS', 'PS', 'DL']) {
      const glb = readGlb(new Uint8Array(readFileSync(glbPaths(join(result.out, code))[0]!)));
      const colours = readAccessor(glb, glb.json.meshes![0]!.primitives[0]!.attributes['COLOR_0']!);
      const rgb = new Set<string>();
      for (let i = 0; i < colours.length; i += 4) rgb.add([colours[i], colours[i + 1], colours[i + 2]].map((c) => Math.round(c! * 255)).join(','));
      seen.set(code, rgb);
    }
    expect(seen).toEqual(
      new Map([
        ['JS', new Set(['0,255,255'])],
        ['PS', new Set(['76,57,38'])],
        ['DL', new Set(['255,0,0'])],
      ]),
    );
  });
});

describe('pipes: other compressions', () => {
  it('draco and none keep the CJJ 61 colours', async () => {
    for (const mode of ['draco', 'none']) {
      const { out } = await pipes(`survey-${mode}`, [
        ...['JS_line.geojson', 'JS_point.geojson', 'WS_line.geojson'].map((f) => join(fixtures, 'pipes', f)),
        '--compress',
        mode,
      ]);
      for (const path of glbPaths(out)) {
        const glb = readGlb(new Uint8Array(readFileSync(path)));
        expect(glb.json.meshes![0]!.primitives[0]!.attributes['COLOR_0']).toBeDefined();
      }
    }
  });
});

describe('pipes: malformed corpus', () => {
  const cases = JSON.parse(readFileSync(join(fixtures, 'pipes/malformed/cases.json'), 'utf8')) as {
    name: string;
    file: string;
    args?: string[];
    exit: number;
    code?: string;
    kind?: string;
    message?: string;
    features?: { read: number; written: number; skipped: number; derived: number };
  }[];
  it('has at least 20 cases', () => expect(cases.length).toBeGreaterThanOrEqual(20));
  for (const c of cases) {
    it(c.name, async () => {
      const out = join(work, `bad-${c.name}`);
      const { code, stderr } = await runCli(['pipes', join(fixtures, 'pipes/malformed', c.file), '--out', out, ...(c.args ?? [])]);
      expect(code, stderr).toBe(c.exit);
      if (c.exit !== 0) {
        expect(stderr).toContain(c.message!);
        return;
      }
      official.add(`bad-${c.name}`, join(out, 'tileset.json'));
      const report = JSON.parse(readFileSync(join(out, 'build-report.json'), 'utf8')) as PipeBuildReport;
      if (c.kind === 'skipped') expect(report.skipped.map((s) => s.code)).toContain(c.code);
      if (c.kind === 'repaired') expect(report.repairs.byCode[c.code!]).toBeGreaterThan(0);
      if (c.kind === 'topology') expect(report.topology.byCode[c.code!]).toBeGreaterThan(0);
      // Counts that add up: nothing read vanishes, the tiles hold the written and derived ones.
      expect(report.features.read).toBe(report.features.written + report.features.skipped);
      expect(buildingRows(out).length).toBe(report.features.written + report.features.derived);
      if (c.features) expect(report.features).toMatchObject(c.features);
      if (c.file.endsWith('.geojson')) expect(buildingRows(out).some((r) => r['id'] === 'G1')).toBe(true); // the good line is kept
    });
  }
});

describe('official 3d-tiles-validator', () => {
  it('every tileset built above (EPANET Net1–Net6, surveys, malformed cases that write) passes it: 0 errors, 0 warnings', async () => {
    expect(official.size).toBeGreaterThan(0);
    const findings = await official.findings();
    for (const [label, lines] of Object.entries(findings)) expect(lines, label).toEqual([]);
  }, 300_000);
});
