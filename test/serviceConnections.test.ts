import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PipeBuildReport } from '../tiles-pipeline/src/pipes/buildPipes.js';
import type { BurstImpactReport, CriticalityReport } from '../workers/formats/burstImpactReport.js';
import type { NetworkDocument } from '../workers/formats/networkDocument.js';
import { runCli } from './support/runCli.js';

/**
 * A small water survey with a known answer (metres east, north of 117.165, 39.10):
 *
 *   乙路 (north-south, x = 200):  B3 盖堵 (200,300) — JL7 — B2 阀门 (200,200) — JL6 — B1 (200,100) — JL5 — A2
 *   甲路 (east-west, y = 0):      A0 水源 (0,0) — JL1 — A1 阀门 — JL2 — A2 消防栓 (200,0) — JL3 — A3 阀门 — JL4 — A4 盖堵 (400,0)
 *   a gas main GL1 along 甲路 at y = -5.
 *
 * A burst on JL3 closes A1 (it feeds the burst), then A3 and B2 (nearest first; they only drain
 * back): JL2, JL3, JL5, JL6 are shut in with A2 and B1, and A3, A4, B2, B3 lose their only path
 * from the source without being shut in.
 */
const work = mkdtempSync(join(tmpdir(), 'cim-services-'));
const at = (x: number, y: number): [number, number] => [Math.round((117.165 + x / 86_470) * 1e8) / 1e8, Math.round((39.1 + y / 110_996) * 1e8) / 1e8];
const points: [string, number, number, string | null, string | null][] = [
  ['A0', 0, 0, '水源', null],
  ['A1', 100, 0, null, '阀门'],
  ['A2', 200, 0, null, '消防栓'],
  ['A3', 300, 0, null, '阀门'],
  ['A4', 400, 0, '盖堵', null],
  ['B1', 200, 100, '直线点', null],
  ['B2', 200, 200, null, '阀门'],
  ['B3', 200, 300, '盖堵', null],
];
const lines: [string, string, string, string][] = [
  ['JL1', 'A0', 'A1', '甲路'],
  ['JL2', 'A1', 'A2', '甲路'],
  ['JL3', 'A2', 'A3', '甲路'],
  ['JL4', 'A3', 'A4', '甲路'],
  ['JL5', 'A2', 'B1', '乙路'],
  ['JL6', 'B1', 'B2', '乙路'],
  ['JL7', 'B2', 'B3', '乙路'],
];
/** Buildings (10 m squares) by centre and address. */
const buildings: [string, number, number, string][] = [
  ['H1', 200, 20, '天津市南开区甲路2号'],
  ['H2', 350, 20, '天津市南开区甲路4号'],
  ['H3', 50, 20, '天津市南开区甲路1号'],
  ['H4', 210, 150, '天津市南开区乙路5号'],
  // Nearer to 甲路's main (25 m) than to 乙路's (75 m), but its address is on 乙路.
  ['H5', 125, 25, '天津市南开区乙路9号'],
  ['H6', 600, 600, '天津市南开区丙路1号'],
  ['H7', 395, -25, ''],
];

const featureCollection = (features: object[]): string => JSON.stringify({ type: 'FeatureCollection', features });
const pointFeature = (properties: object, x: number, y: number): object => ({
  type: 'Feature',
  properties,
  geometry: { type: 'Point', coordinates: at(x, y) },
});

let network: NetworkDocument;
let report: PipeBuildReport;
let networkFile: string;
const files = {
  lines: join(work, 'water-lines.geojson'),
  points: join(work, 'water-points.geojson'),
  gas: join(work, 'RQ_line.geojson'),
  buildings: join(work, 'buildings.geojson'),
  services: join(work, 'services.csv'),
  pois: join(work, 'poi.geojson'),
  sensors: join(work, 'sensors.csv'),
};

beforeAll(async () => {
  const position = new Map(points.map(([id, x, y]) => [id, [x, y] as const]));
  writeFileSync(
    files.points,
    featureCollection(points.map(([id, x, y, feature, appurtenance]) => pointFeature({ 物探点号: id, 类别: 'JS', 特征: feature, 附属物: appurtenance }, x, y))),
  );
  writeFileSync(
    files.lines,
    featureCollection(
      lines.map(([id, from, to, road]) => ({
        type: 'Feature',
        properties: { 管线编号: id, 类别: 'JS', 起点编号: from, 终点编号: to, 起点埋深: 1.2, 终点埋深: 1.2, 管径: 300, 道路名称: road },
        geometry: { type: 'LineString', coordinates: [at(...position.get(from)!), at(...position.get(to)!)] },
      })),
    ),
  );
  writeFileSync(
    files.gas,
    featureCollection([
      {
        type: 'Feature',
        properties: { 管线编号: 'GL1', 起点埋深: 1, 终点埋深: 1, 管径: 200 },
        geometry: { type: 'LineString', coordinates: [at(0, -5), at(400, -5)] },
      },
    ]),
  );
  writeFileSync(
    files.buildings,
    featureCollection(
      buildings.map(([id, x, y, address]) => ({
        type: 'Feature',
        id,
        properties: { address, height: 20 },
        geometry: { type: 'Polygon', coordinates: [[at(x - 5, y - 5), at(x + 5, y - 5), at(x + 5, y + 5), at(x - 5, y + 5), at(x - 5, y - 5)]] },
      })),
    ),
  );
  // As a survey delivers it: Chinese headers; a building the tileset lacks, a second row for H1, a connection point no network has.
  writeFileSync(files.services, '建筑编号,接入点\nH1,A2\nH2,A4\nH3,A0\nX99,A2\nH1,A1\nH7,NOPE\n');
  writeFileSync(
    files.pois,
    featureCollection([
      pointFeature({ id: 'P1', kind: 'hospital', name: '甲路医院', building: 'H1' }, 200, 20),
      pointFeature({ id: 'P2', kind: 'school', name: '甲路小学' }, 352, 22), // no building named: the nearest served one (H2)
      pointFeature({ id: 'P3', kind: 'care_home', name: '乙路养老院' }, 260, 300), // no building within 100 m: the nearest water point (B3)
      pointFeature({ id: 'P4', kind: 'fire_station', name: '消防站' }, 0, 50),
    ]),
  );
  writeFileSync(files.sensors, 'id,feature\nS1,B1\nS2,A4\nS3,A0\nS4,JL3\nS5,\n');

  const tiles = join(work, 'buildings-tiles');
  const built = await runCli(['buildings', files.buildings, '--out', tiles, '--jobs', '1']);
  expect(built.code, built.stderr).toBe(0);
  const out = join(work, 'pipes');
  const { code, stderr, stdout } = await runCli([
    'pipes',
    files.lines,
    files.points,
    files.gas,
    '--services',
    files.services,
    '--buildings',
    tiles,
    '--facilities',
    files.pois,
    '--out',
    out,
    '--jobs',
    '1',
  ]);
  expect(code, stderr).toBe(0);
  expect(stdout).toContain(
    'services: 6 buildings connected — 3 from the table, 3 inferred (2 to the main of their street, 1 to the nearest main within 150 m); 1 unserved',
  );
  networkFile = join(out, 'network.json');
  network = JSON.parse(readFileSync(networkFile, 'utf8')) as NetworkDocument;
  report = JSON.parse(readFileSync(join(out, 'build-report.json'), 'utf8')) as PipeBuildReport;
});

describe('pipes --services: the service-connection table, with the inferred fallback reported', () => {
  it('counts what came from the table, what was inferred and what is unserved, with each refused row named', () => {
    expect(report.services).toMatchObject({ rows: 6, fromTable: 3, inferredSameStreet: 2, inferredNearest: 1, inferred: 3, unserved: 1, reachMetres: 150 });
    expect(report.services!.issues.map((i) => `${i.code} ${i.row}`)).toEqual([
      'SERVICE_BUILDING_UNKNOWN line 5',
      'SERVICE_DUPLICATE line 6',
      'SERVICE_NODE_UNKNOWN line 7',
      'SERVICE_UNSERVED H6',
    ]);
  });

  it('writes building → node into network.json, the way each was obtained, and taps between nodes as their main', () => {
    const services = network.services!;
    const row = (building: string): string => {
      const i = services.building.indexOf(building);
      const edge = services.edge[i];
      return `${network.nodes.id[services.node[i]!]} ${edge !== null && edge !== undefined ? network.edges.id[edge] : '-'} ${services.how[i]}`;
    };
    expect(services.building).toEqual(['H1', 'H2', 'H3', 'H7', 'H4', 'H5']);
    expect(row('H1')).toBe('A2 - table');
    expect(row('H3')).toBe('A0 - table');
    // Its own street (乙路) though 甲路's main is nearer; the service pipe meets JL5 25 m from A2.
    expect(row('H5')).toBe('A2 JL5 inferred-street');
    expect(row('H4')).toBe('B1 JL6 inferred-street');
    // No street to go by: the nearest main (JL4), 5 m from its end A4.
    expect(row('H7')).toBe('A4 JL4 inferred-nearest');
    expect(services.length[services.building.indexOf('H4')]).toBeCloseTo(10, 0);
  });

  it('places hospitals, schools and care homes: named building, nearest served building, nearest water point', () => {
    const f = network.facilities!;
    expect(f.id).toEqual(['P1', 'P2', 'P3']);
    expect(f.how).toEqual(['named', 'nearest-building', 'nearest-node']);
    expect(f.building).toEqual(['H1', 'H2', null]);
    expect(network.nodes.id[f.node[2]!]).toBe('B3');
    expect(report.facilities).toMatchObject({ critical: 3, read: 4, unmatched: [] });
  });

  it('refuses the service options on the buildings command', async () => {
    const { code, stderr } = await runCli(['buildings', files.buildings, '--services', files.services, '--out', join(work, 'nope')]);
    expect(code).toBe(2);
    expect(stderr).toContain('--services is an option of the pipes command');
  });
});

describe('cim-twin analyze burst', () => {
  it('prints the impact as JSON with ids as in the tiles: valves in closing order, isolated and cut-off parts, buildings, facilities, sensors', async () => {
    const { code, stdout, stderr } = await runCli(['analyze', 'burst', '--network', networkFile, '--pipe', 'JL3', '--sensors', files.sensors, '--json']);
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout) as BurstImpactReport;
    for (const key of ['valvesToClose', 'isolatedEdges', 'isolatedNodes', 'buildings', 'criticalFacilities'])
      expect(Array.isArray(result[key as keyof BurstImpactReport])).toBe(true);
    expect(result.pipe).toBe('JL3');
    expect(result.valvesToClose).toEqual(['A1', 'A3', 'B2']);
    expect(result.valves.map((v) => [Math.round(v.distanceMetres), v.feeds])).toEqual([
      [150, true],
      [50, false],
      [250, false],
    ]);
    expect(result.isolatedEdges).toEqual(['JL2', 'JL3', 'JL5', 'JL6']);
    expect(result.isolatedNodes).toEqual(['A2', 'B1']);
    expect([...result.cutOffNodes].sort()).toEqual(['A3', 'A4', 'B2', 'B3']);
    expect([...result.buildings].sort()).toEqual(['H1', 'H2', 'H4', 'H5', 'H7']);
    expect([result.buildingsIsolated, result.buildingsCutOff]).toEqual([3, 2]);
    expect(result.criticalFacilities.map((f) => `${f.id} ${f.kind}`)).toEqual(['P1 hospital', 'P2 school', 'P3 care_home']);
    expect(result.sensors).toEqual([
      { id: 'S1', cause: 'isolated' },
      { id: 'S2', cause: 'cut-off' },
      { id: 'S4', cause: 'isolated' },
    ]);
    expect(result.sources).toBe(1);
  });

  it('prints a readable summary without --json', async () => {
    const { code, stdout } = await runCli(['analyze', 'burst', '--network', networkFile, '--pipe', 'JL3']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ {3}1\. A1 +node +150\.\d m {2}feeds the burst$/m);
    expect(stdout).toContain('buildings losing water: 5 (3 in the isolated part, 2 cut off)');
    expect(stdout).toContain('甲路医院 (hospital, building H1)');
  });

  it('takes a service table instead of the one in network.json', async () => {
    const table = join(work, 'other-services.csv');
    writeFileSync(table, 'building_id,node_id\nQ1,B3\nQ2,A0\n');
    const { code, stdout, stderr } = await runCli(['analyze', 'burst', '--network', networkFile, '--pipe', 'JL3', '--services', table, '--json']);
    expect(code, stderr).toBe(0);
    expect((JSON.parse(stdout) as BurstImpactReport).buildings).toEqual(['Q1']);
    expect(stderr).toContain('2 rows, 2 from the table, 0 inferred');
  });

  it('exits 2 with one line naming an unknown pipe, a pipe of another network, or a missing option; 1 for an unreadable network', async () => {
    const cases: [string[], number, string][] = [
      [['--pipe', 'NOPE'], 2, 'error: --pipe "NOPE": no pipe with this id in'],
      [['--pipe', 'GL1'], 2, 'error: --pipe "GL1" is a RQ pipe; the analysis runs on the JS network'],
      [[], 2, 'error: --pipe <pipe id> is required'],
      [['--pipe', 'JL3', '--top', '0'], 2, 'error: --top must be a positive integer'],
    ];
    for (const [args, exit, message] of cases) {
      const { code, stderr, stdout } = await runCli(['analyze', 'burst', '--network', networkFile, ...args]);
      expect([code, stderr.split('\n')[0]!.slice(0, message.length), stdout]).toEqual([exit, message, '']);
      expect(stderr).not.toContain('    at ');
    }
    // An unknown pipe is a mistake in the data asked for: one line, which says what the ids look like.
    const unknown = await runCli(['analyze', 'burst', '--network', networkFile, '--pipe', 'NOPE']);
    expect(unknown.stderr).toBe(`error: --pipe "NOPE": no pipe with this id in ${networkFile} (7 JS pipes, e.g. JL1, JL2)\n`);
    expect((await runCli(['analyze', 'burst', '--pipe', 'JL3'])).code).toBe(2);
    expect((await runCli(['analyze', 'flood', '--network', networkFile])).stderr).toContain('unknown analysis "flood" (available: burst, criticality)');
    const missing = await runCli(['analyze', 'burst', '--network', join(work, 'missing.json'), '--pipe', 'JL3']);
    expect([missing.code, missing.stderr.split('\n').length]).toEqual([1, 2]);
    writeFileSync(join(work, 'not-a-network.json'), '{"type":"FeatureCollection"}');
    const wrong = await runCli(['analyze', 'burst', '--network', join(work, 'not-a-network.json'), '--pipe', 'JL3']);
    expect([wrong.code, wrong.stderr]).toEqual([
      1,
      `error: ${join(work, 'not-a-network.json')}: not a cim-twin-network v1 document (the network.json beside a pipes tileset)\n`,
    ]);
  });
});

describe('cim-twin analyze criticality', () => {
  it('ranks every water pipe by what its burst cuts off, as a table or JSON', async () => {
    const json = await runCli(['analyze', 'criticality', '--network', networkFile, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const result = JSON.parse(json.stdout) as CriticalityReport;
    expect(result).toMatchObject({ pipes: 7, sources: 1, services: 6, facilities: 3 });
    const of = (pipe: string): [number, number, number] => {
      const r = result.ranking.find((row) => row.pipe === pipe)!;
      return [r.buildings, r.criticalFacilities, r.segmentPipes];
    };
    // The source's own pipe cuts everything off; JL3's segment is the burst above.
    expect(result.ranking[0]!.pipe).toBe('JL1');
    expect(of('JL1')).toEqual([6, 3, 1]);
    expect(of('JL3')).toEqual([5, 3, 4]);
    expect(of('JL7')).toEqual([0, 1, 1]);
    const table = await runCli(['analyze', 'criticality', '--network', networkFile, '--top', '3']);
    expect(table.stdout.split('\n').slice(1, 3)).toEqual([
      'rank  pipe  segment pipes  buildings  critical facilities',
      '   1  JL1               1          6                    3',
    ]);
    expect(table.stdout.trim().split('\n').length).toBe(5);
  });
});
