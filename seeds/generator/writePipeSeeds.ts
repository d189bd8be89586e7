import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalFrame } from './LocalFrame.js';
import type { SeedPipeLine, SeedPipePoint } from './generatePipes.js';
import { waterInlets } from './waterInlets.js';
import { writeShapefile } from './writeShapefile.js';

const LINE_FIELDS = [
  '管线编号',
  '类别',
  '子类',
  '起点编号',
  '终点编号',
  '起点埋深',
  '终点埋深',
  '管径',
  '断面尺寸',
  '材质',
  '权属单位',
  '权属联系人',
  '联系电话',
  '埋设方式',
  '建设年代',
  '道路名称',
  '状态',
  '数据来源',
] as const;

/**
 * The owner's contact for a line — sensitive in a real survey (workers/formats/dataAccess.ts
 * SENSITIVE_PIPE_FIELDS): obviously fake here, a duty engineer per owner marked 演示 and a
 * 022-5555xxxx number (the 555 range, never a real Tianjin line), so the access rules have
 * something to withhold.
 */
function ownerContact(line: SeedPipeLine, index: number): [string, string] {
  const engineers = ['王工', '李工', '张工', '刘工', '陈工', '杨工', '赵工', '孙工'];
  let hash = 0;
  for (const char of line.owner) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return [`${engineers[hash % engineers.length]!}（演示）`, `022-5555${String(index % 10000).padStart(4, '0')}`];
}

function lineRow(line: SeedPipeLine, index: number): (string | number | null)[] {
  return [
    line.id,
    line.category,
    line.subType,
    line.from,
    line.to,
    line.startDepth,
    line.endDepth,
    line.diameter !== undefined ? Math.round(line.diameter * 1000) : null,
    line.width !== undefined ? `${Math.round(line.width * 1000)}×${Math.round(line.height! * 1000)}` : null,
    line.material,
    line.owner,
    ...ownerContact(line, index),
    line.burial,
    line.year,
    line.road,
    '在用',
    'synthetic',
  ];
}

const POINT_FIELDS = ['物探点号', '类别', '子类', '特征', '附属物', '地面高程', '井深', '数据来源'] as const;

/**
 * The seed gas network's pressure class: DN200 distribution mains under the arterial and
 * secondary roads at 中压A (0.2–0.4 MPa), DN150 branches under the local streets at 中压B —
 * a city district's medium-pressure grid, before the regulators to low pressure.
 */
function gasPressureOf(line: SeedPipeLine): string {
  return (line.diameter ?? 0) >= 0.2 ? '中压A' : '中压B';
}

function pointRow(point: SeedPipePoint): (string | number | null)[] {
  return [point.id, point.category, point.subType, point.feature ?? null, point.appurtenance ?? null, 3.0, point.depth ?? null, 'synthetic'];
}

/**
 * Writes the seed pipe network as survey deliveries come: CJJ 61 pipe-line and pipe-point tables
 * with Chinese column names — gas (RQ) as GBK Shapefiles in CGCS2000 3-degree GK CM 117E
 * (EPSG:4548), the other categories as GeoJSON (WGS84) — and the water network also as EPANET.
 */
export function writePipeSeeds(
  dir: string,
  frame: LocalFrame,
  lines: SeedPipeLine[],
  points: SeedPipePoint[],
  toGk: (lonLat: [number, number]) => [number, number],
  wkt4548: string,
): void {
  const lonLat = (xy: [number, number]): [number, number] => frame.toLonLat(xy[0], xy[1]);
  const geojson = (name: string, features: object[]): string =>
    `{"type":"FeatureCollection","name":"${name}","source":"synthetic","features":[\n${features.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`;
  const indexOf = new Map(lines.map((line, i) => [line, i]));
  const others = lines.filter((l) => l.category !== 'RQ');
  writeFileSync(
    join(dir, 'nankai-pipe-lines.geojson'),
    geojson(
      'nankai_pipe_lines',
      others.map((l) => {
        const row = lineRow(l, indexOf.get(l)!);
        return {
          type: 'Feature',
          properties: Object.fromEntries(LINE_FIELDS.map((f, i) => [f, row[i]])),
          geometry: { type: 'LineString', coordinates: l.points.map(lonLat) },
        };
      }),
    ),
  );
  writeFileSync(
    join(dir, 'nankai-pipe-points.geojson'),
    geojson(
      'nankai_pipe_points',
      points
        .filter((p) => p.category !== 'RQ')
        .map((p) => ({
          type: 'Feature',
          properties: Object.fromEntries(POINT_FIELDS.map((f, i) => [f, pointRow(p)[i]])),
          geometry: { type: 'Point', coordinates: lonLat([p.x, p.y]) },
        })),
    ),
  );
  const gas = lines.filter((l) => l.category === 'RQ');
  const lineFields = LINE_FIELDS.map((name) => ({
    name,
    type: ['起点埋深', '终点埋深', '管径', '建设年代'].includes(name) ? ('N' as const) : ('C' as const),
    length: name === '道路名称' || name === '权属单位' ? 40 : 16,
    decimals: name.endsWith('埋深') ? 2 : 0,
  }));
  writeShapefile(
    join(dir, 'RQ_line'),
    // Gas surveys carry the pressure class (压力, GB 50028 压力级制) besides the CJJ 61 columns.
    [...lineFields, { name: '压力', type: 'C' as const, length: 16, decimals: 0 }],
    gas.map((l) => ({ rings: [l.points.map((xy) => toGk(lonLat(xy)))], values: [...lineRow(l, indexOf.get(l)!), gasPressureOf(l)] })),
    wkt4548,
    'gbk',
    'polyline',
  );
  const pointFields = POINT_FIELDS.map((name) => ({
    name,
    type: name === '地面高程' || name === '井深' ? ('N' as const) : ('C' as const),
    length: 16,
    decimals: name === '地面高程' || name === '井深' ? 2 : 0,
  }));
  writeShapefile(
    join(dir, 'RQ_point'),
    pointFields,
    points.filter((p) => p.category === 'RQ').map((p) => ({ rings: [[toGk(lonLat([p.x, p.y]))]], values: pointRow(p) })),
    wkt4548,
    'gbk',
    'point',
  );

  // The water network as an EPANET model: junctions at the survey points, pipes between them,
  // the water works' reservoir feeding the first junction and four more district inlets at the
  // network's west, east, south and north ends, so the DN200/300 mains deliver 0.04 L/s per
  // junction at ~28 m (one inlet through a DN300 main cannot: EPANET solves it at -1,100 m).
  // SI units, CGCS2000 GK metres.
  const water = lines.filter((l) => l.category === 'JS');
  const used = new Set(water.flatMap((l) => [l.from, l.to]));
  const junctions = points.filter((p) => p.category === 'JS' && used.has(p.id));
  // Inlets only on the main network (a stub no main reaches would take a reservoir of its own).
  const inlets = waterInlets(lines, points);
  const inp: string[] = ['[TITLE]', 'Nankai district water supply (synthetic seed data, CIM Twin)', '', '[JUNCTIONS]', ';ID\tElev\tDemand'];
  for (const j of junctions) inp.push(`${j.id}\t3.0\t${j.appurtenance === '消防栓' ? 0 : 0.04}`);
  inp.push(
    '',
    '[RESERVOIRS]',
    ';ID\tHead',
    ...inlets.map((_, k) => `WTP${k + 1}\t35`),
    '',
    '[PIPES]',
    ';ID\tNode1\tNode2\tLength\tDiameter\tRoughness\tMinorLoss\tStatus',
  );
  for (const l of water) {
    const length = Math.hypot(l.points[1]![0] - l.points[0]![0], l.points[1]![1] - l.points[0]![1]);
    inp.push(`${l.id}\t${l.from}\t${l.to}\t${Math.max(0.1, Math.round(length * 100) / 100)}\t${Math.round((l.diameter ?? 0.2) * 1000)}\t120\t0\tOpen`);
  }
  inlets.forEach((j, k) => inp.push(`SUPPLY${k + 1}\tWTP${k + 1}\t${j.id}\t1\t600\t120\t0\tOpen`));
  inp.push('', '[OPTIONS]', 'Units\tLPS', 'Headloss\tH-W', '', '[COORDINATES]', ';Node\tX-Coord\tY-Coord');
  for (const j of junctions) {
    const [x, y] = toGk(lonLat([j.x, j.y]));
    inp.push(`${j.id}\t${x}\t${y}`);
  }
  inlets.forEach((j, k) => {
    // Each reservoir stands a metre from its junction: its feed crosses nothing.
    const [x, y] = toGk(lonLat([j.x + 0.7, j.y + 0.7]));
    inp.push(`WTP${k + 1}\t${x}\t${y}`);
  });
  inp.push('', '[END]', '');
  writeFileSync(join(dir, 'nankai-water.inp'), inp.join('\n'));
}
