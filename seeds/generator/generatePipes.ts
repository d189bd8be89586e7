import { clearanceRule, VERTICAL_CLEARANCES } from '../../workers/standards/gb50289Clearances.js';
import type { GeneratedDistrict, GeneratedRoad } from './generateNankai.js';
import type { Random } from '../../workers/random/Random.js';
import { waterInlets } from './waterInlets.js';

/** One pipe category's place in a street: lateral offset, size and depth by road class. */
interface PipeSpec {
  category: string;
  subType: string;
  /** Metres from the road centre line (positive: north of an east-west road, east of a north-south one). */
  offset: (width: number) => number;
  /** Diameter or box (width, height) per road class, metres. */
  size: Record<GeneratedRoad['roadClass'], { diameter?: number; width?: number; height?: number }>;
  /** Depth to the crown (pressure pipes, cables) or the invert (gravity drainage), per class. */
  depth: Record<GeneratedRoad['roadClass'], number>;
  reference: 'top' | 'bottom';
  classes: GeneratedRoad['roadClass'][];
  material: string;
  owner: string;
  /** Appurtenance placed every `every` metres along the line. */
  periodic: { every: number; name: string }[];
  endName: string;
  joinName: string;
}

const ALL: GeneratedRoad['roadClass'][] = ['arterial', 'secondary', 'local'];
const same = <T>(value: T): Record<GeneratedRoad['roadClass'], T> => ({ arterial: value, secondary: value, local: value });

/**
 * Standard positions (GB 50289 §4.1: cables under the footways, pressure pipes beside them,
 * sewers in the carriageway) and depths chosen so that pipes side by side keep their horizontal
 * clearances and sewers clear everything above them at crossings.
 */
export const PIPE_SPECS: PipeSpec[] = [
  {
    category: 'JS',
    subType: 'JP',
    offset: (w) => w / 2 - 3.5,
    size: { arterial: { diameter: 0.3 }, secondary: { diameter: 0.3 }, local: { diameter: 0.2 } },
    depth: same(1.2),
    reference: 'top',
    classes: ALL,
    material: '球墨铸铁',
    owner: '天津水务集团',
    periodic: [
      { every: 120, name: '消防栓' },
      { every: 250, name: '阀门' },
    ],
    endName: '盖堵',
    // Water mains meet in valve chambers: a burst between two crossings is closed off there.
    joinName: '阀门井',
  },
  {
    category: 'RQ',
    subType: 'TR',
    offset: (w) => -(w / 2 - 3.5),
    size: { arterial: { diameter: 0.2 }, secondary: { diameter: 0.2 }, local: { diameter: 0.15 } },
    depth: same(1.0),
    reference: 'top',
    classes: ALL,
    material: 'PE',
    owner: '天津能源燃气',
    periodic: [{ every: 300, name: '阀门' }],
    endName: '盖堵',
    joinName: '三通',
  },
  {
    category: 'RL',
    subType: 'RS',
    offset: (w) => w / 2 - 6,
    size: same({ diameter: 0.4 }),
    depth: same(1.3),
    reference: 'top',
    classes: ['arterial'],
    material: '钢',
    owner: '天津能源热力',
    periodic: [{ every: 200, name: '检修井' }],
    endName: '盖堵',
    joinName: '三通',
  },
  {
    category: 'DL',
    subType: 'GD',
    offset: (w) => -(w / 2 - 1.5),
    size: same({ width: 0.5, height: 0.4 }),
    depth: same(0.6),
    reference: 'top',
    classes: ALL,
    material: '混凝土',
    owner: '国网天津电力',
    periodic: [{ every: 120, name: '检修井' }],
    endName: '检修井',
    joinName: '检修井',
  },
  {
    category: 'TX',
    subType: 'XX',
    offset: (w) => w / 2 - 1.5,
    size: same({ width: 0.4, height: 0.3 }),
    depth: same(0.6),
    reference: 'top',
    classes: ALL,
    material: 'PVC',
    owner: '中国联通天津',
    periodic: [{ every: 120, name: '检修井' }],
    endName: '检修井',
    joinName: '检修井',
  },
  {
    category: 'PS',
    subType: 'YS',
    offset: () => -1.5,
    size: { arterial: { diameter: 0.8 }, secondary: { diameter: 0.6 }, local: { diameter: 0.5 } },
    depth: { arterial: 2.9, secondary: 2.8, local: 2.7 },
    reference: 'bottom',
    classes: ALL,
    material: '混凝土',
    owner: '天津排水公司',
    periodic: [
      { every: 40, name: '检修井' },
      { every: 30, name: '雨水箅' },
    ],
    endName: '检修井',
    joinName: '检修井',
  },
  {
    category: 'PS',
    subType: 'WS',
    offset: () => 1.5,
    size: { arterial: { diameter: 0.5 }, secondary: { diameter: 0.4 }, local: { diameter: 0.4 } },
    depth: { arterial: 3.8, secondary: 3.6, local: 3.6 },
    reference: 'bottom',
    classes: ALL,
    material: '混凝土',
    owner: '天津排水公司',
    periodic: [{ every: 40, name: '检修井' }],
    endName: '检修井',
    joinName: '检修井',
  },
];

export interface SeedPipePoint {
  id: string;
  category: string;
  subType: string;
  x: number;
  y: number;
  feature?: string;
  appurtenance?: string;
  depth?: number;
}

export interface SeedPipeLine {
  id: string;
  category: string;
  subType: string;
  from: string;
  to: string;
  points: [number, number][];
  startDepth: number;
  endDepth: number;
  diameter?: number;
  width?: number;
  height?: number;
  material: string;
  owner: string;
  year: number;
  road: string;
  burial: string;
}

export interface PlantedConflict {
  type: 'horizontal' | 'vertical';
  a: string;
  b: string;
  why: string;
}

interface Station {
  /** Position along the run, metres. */
  t: number;
  /** Centre depth at the station. */
  centre: number;
  feature?: string;
  appurtenance?: string;
  /** Where two streets' pipes of one category meet: both stations share this, and one point. */
  junction?: { id?: string };
  /** The planted vertical conflict. */
  planted?: boolean;
}

interface Run {
  spec: PipeSpec;
  road: GeneratedRoad;
  offset: number;
  half: { vertical: number; horizontal: number };
  standardCentre: number;
  stations: Station[];
}

/**
 * The Nankai underground: every category of PIPE_SPECS under every street, joined at the
 * intersections (same category), crossing at different depths (different categories): pipes of
 * north-south streets take the depth that keeps GB 50289 vertical clearances where they cross
 * the east-west street's pipes (over when there is cover enough, else under), except gravity
 * sewers, whose depths clear everything by design. A stretch of utility tunnel, and a handful of
 * deliberately planted conflicts (returned, and listed in the seeds README).
 */
export function generatePipes(district: GeneratedDistrict, random: Random): { lines: SeedPipeLine[]; points: SeedPipePoint[]; planted: PlantedConflict[] } {
  const cos = Math.cos(district.gridAngle);
  const sin = Math.sin(district.gridAngle);
  const toXY = (u: number, v: number): [number, number] => [round(u * cos - v * sin), round(u * sin + v * cos)];
  const runs: Run[] = [];
  for (const road of district.roads) {
    for (const spec of PIPE_SPECS) {
      if (!spec.classes.includes(road.roadClass)) continue;
      const size = spec.size[road.roadClass];
      const vertical = size.height !== undefined ? size.height / 2 : size.diameter! / 2;
      const horizontal = size.width !== undefined ? size.width / 2 : size.diameter! / 2;
      const depth = spec.depth[road.roadClass];
      const standardCentre = spec.reference === 'top' ? depth + vertical : depth - vertical;
      runs.push({ spec, road, offset: spec.offset(road.width), half: { vertical, horizontal }, standardCentre, stations: [] });
    }
  }
  // Keep the pipe inside the street's run (and 5 m short of its ends, where the outline cuts it).
  const along = (run: Run, t: number): boolean => t >= run.road.from + 5 && t <= run.road.to - 5;
  const ew = runs.filter((r) => r.road.direction === 'ew');
  const ns = runs.filter((r) => r.road.direction === 'ns');
  const key = (r: Run): string => `${r.spec.category}${r.spec.subType}`;
  const planted: PlantedConflict[] = [];
  let plantedVertical = false;

  // East-west pipes keep their standard depth; joins and crossings become stations on both.
  for (const a of ew) {
    for (const b of ns) {
      // Crossing point: on a's line (v = a.road.at + a.offset) and b's line (u = b.road.at + b.offset).
      const u = b.road.at + b.offset;
      const v = a.road.at + a.offset;
      if (!along(a, u) || !along(b, v)) continue;
      if (key(a) === key(b)) {
        const junction = {};
        const join = a.spec.joinName === '三通' ? { feature: '四通' } : { appurtenance: a.spec.joinName };
        a.stations.push({ t: u, centre: a.standardCentre, junction, ...join });
        b.stations.push({ t: v, centre: a.standardCentre, junction, ...join });
        continue;
      }
      if (a.spec.category === b.spec.category && a.spec.category === 'PS') continue; // sewers clear each other by design
      const rule = clearanceRule(VERTICAL_CLEARANCES, a.spec.category, b.spec.category);
      if (!rule || b.spec.category === 'PS') continue;
      const required = (typeof rule.metres === 'number' ? rule.metres : 0.5) + a.half.vertical + b.half.vertical + 0.05;
      // Every crossing gets a surveyed depth on the north-south pipe, dipped or not: depths
      // between stations are interpolated, so an unmarked crossing would inherit a dip's depth.
      if (Math.abs(b.standardCentre - a.standardCentre) >= required) {
        b.stations.push({ t: v, centre: b.standardCentre, feature: '直线点' });
        continue;
      }
      const over = a.standardCentre - required;
      const under = a.standardCentre + required;
      let centre = over - b.half.vertical >= 0.5 ? over : under;
      // Planted conflict: one telecom duct that does not go round the water main it crosses.
      if (!plantedVertical && b.spec.category === 'TX' && a.spec.category === 'JS') {
        plantedVertical = true;
        centre = b.standardCentre;
        b.stations.push({ t: v, centre, feature: '变深点', planted: true });
        continue;
      }
      b.stations.push({ t: v, centre, feature: '变深点' });
    }
  }

  // Number points, add periodic appurtenances and ends, cut lines into segments.
  const lines: SeedPipeLine[] = [];
  const points: SeedPipePoint[] = [];
  const counters = new Map<string, number>();
  const nextId = (category: string, subType: string): string => {
    const prefix = category === 'PS' ? subType : category;
    const n = (counters.get(prefix) ?? 0) + 1;
    counters.set(prefix, n);
    return `${prefix}${String(n).padStart(5, '0')}`;
  };
  const xyOf = (run: Run, t: number): [number, number] => (run.road.direction === 'ew' ? toXY(t, run.road.at + run.offset) : toXY(run.road.at + run.offset, t));
  let plantedVerticalLine = '';
  for (const run of [...ew, ...ns]) {
    const start = run.road.from + 5;
    const end = run.road.to - 5;
    if (end - start < 20) continue;
    const stations = run.stations.filter((s) => s.t >= start && s.t <= end);
    stations.push({
      t: start,
      centre: run.standardCentre,
      appurtenance: run.spec.endName === '盖堵' ? undefined : run.spec.endName,
      feature: run.spec.endName === '盖堵' ? '盖堵' : undefined,
    });
    stations.push({
      t: end,
      centre: run.standardCentre,
      appurtenance: run.spec.endName === '盖堵' ? undefined : run.spec.endName,
      feature: run.spec.endName === '盖堵' ? '盖堵' : undefined,
    });
    for (const periodic of run.spec.periodic) {
      for (let t = start + periodic.every / 2 + random.range(0, 10); t < end - 5; t += periodic.every) {
        if (stations.some((s) => Math.abs(s.t - t) < 3)) continue;
        const isGrating = periodic.name === '雨水箅';
        if (isGrating) {
          // Gratings sit at the kerb, not on the sewer: points only, linked by their sensor use.
          const [x, y] = xyOf(run, t);
          points.push({
            id: nextId(run.spec.category, run.spec.subType),
            category: run.spec.category,
            subType: run.spec.subType,
            x,
            y,
            appurtenance: '雨水箅',
          });
          continue;
        }
        stations.push({ t, centre: run.standardCentre, appurtenance: periodic.name });
      }
    }
    stations.sort((a, b) => a.t - b.t);
    const size = run.spec.size[run.road.roadClass];
    const year = random.int(1985, 2022);
    let previous: { id: string; station: Station } | undefined;
    for (const station of stations) {
      let id = station.junction?.id;
      if (!id) {
        id = nextId(run.spec.category, run.spec.subType);
        if (station.junction) station.junction.id = id;
        const [x, y] = xyOf(run, station.t);
        const wellDepth = station.appurtenance === '检修井' ? Math.round((station.centre + run.half.vertical + 0.3) * 100) / 100 : undefined;
        points.push({
          id,
          category: run.spec.category,
          subType: run.spec.subType,
          x,
          y,
          ...(station.feature ? { feature: station.feature } : {}),
          ...(station.appurtenance ? { appurtenance: station.appurtenance } : {}),
          ...(wellDepth ? { depth: wellDepth } : {}),
        });
      }
      if (previous) {
        const toSurvey = (centre: number): number =>
          Math.round((run.spec.reference === 'top' ? centre - run.half.vertical : centre + run.half.vertical) * 100) / 100;
        const lineId = `${id.replace(/\d+$/, '')}L${String(lines.length + 1).padStart(6, '0')}`;
        lines.push({
          id: lineId,
          category: run.spec.category,
          subType: run.spec.subType,
          from: previous.id,
          to: id,
          points: [xyOf(run, previous.station.t), xyOf(run, station.t)],
          // Gravity sewers fall 3 cm between manholes (drop manholes take up the rest).
          startDepth: toSurvey(previous.station.centre),
          endDepth: toSurvey(station.centre) + (run.spec.category === 'PS' ? 0.03 : 0),
          ...size,
          material: run.spec.material,
          owner: run.spec.owner,
          year,
          road: run.road.name,
          burial: run.spec.category === 'DL' || run.spec.category === 'TX' ? '管块' : '直埋',
        });
        if (station.planted || previous.station.planted) plantedVerticalLine = lineId;
      }
      previous = { id, station };
    }
  }
  if (plantedVerticalLine)
    planted.push({ type: 'vertical', a: plantedVerticalLine, b: 'JS', why: 'a telecom duct crossing a water main at its own depth instead of going round it' });

  // Mid-block stretches, away from north-south streets: the utility tunnel and two planted
  // horizontal conflicts (service lines laid too close to a neighbour).
  const nsAt = district.roads.filter((r) => r.direction === 'ns').map((r) => r.at);
  const midBlock = (road: GeneratedRoad, length: number): [number, number] | undefined => {
    const cuts = [road.from + 60, ...nsAt.filter((u) => u > road.from + 60 && u < road.to - 60).sort((x, y) => x - y), road.to - 60];
    let best: [number, number] | undefined;
    for (let i = 0; i + 1 < cuts.length; i++) {
      const gap = cuts[i + 1]! - cuts[i]! - 80;
      if (gap >= length && (!best || gap > best[1] - best[0])) best = [cuts[i]! + 40, cuts[i + 1]! - 40];
    }
    if (!best) return undefined;
    const mid = (best[0] + best[1]) / 2;
    return [mid - length / 2, mid + length / 2];
  };
  const stretch = (
    road: GeneratedRoad,
    offset: number,
    range: [number, number],
    line: Omit<SeedPipeLine, 'id' | 'from' | 'to' | 'points' | 'road'>,
    pointName: string,
  ): string => {
    const ends = range.map((t) => {
      const id = nextId(line.category, line.subType);
      const [x, y] = toXY(t, road.at + offset);
      points.push({ id, category: line.category, subType: line.subType, x, y, appurtenance: pointName });
      return { id, xy: [x, y] as [number, number] };
    });
    const id = `${line.category === 'PS' ? line.subType : line.category}L${String(lines.length + 1).padStart(6, '0')}`;
    lines.push({ ...line, id, from: ends[0]!.id, to: ends[1]!.id, points: [ends[0]!.xy, ends[1]!.xy], road: road.name });
    return id;
  };
  const ewRoads = district.roads.filter((r) => r.direction === 'ew');
  const arterial = ewRoads.filter((r) => r.roadClass === 'arterial').sort((x, y) => y.to - y.from - (x.to - x.from))[0];
  const tunnelRange = arterial ? (midBlock(arterial, 400) ?? midBlock(arterial, 250) ?? midBlock(arterial, 150)) : undefined;
  if (arterial && tunnelRange) {
    stretch(
      arterial,
      -8,
      tunnelRange,
      {
        category: 'ZH',
        subType: 'ZH',
        startDepth: 2.0,
        endDepth: 2.0,
        width: 3.0,
        height: 2.8,
        material: '钢筋混凝土',
        owner: '南开区城市管廊公司',
        year: 2019,
        burial: '综合管廊',
      },
      '出入口',
    );
  }
  const local = ewRoads.filter((r) => r.roadClass === 'local').sort((x, y) => y.to - y.from - (x.to - x.from))[1];
  const serviceRange = local ? midBlock(local, 30) : undefined;
  if (local && serviceRange) {
    const jsOffset = PIPE_SPECS[0]!.offset(local.width);
    const id = stretch(
      local,
      jsOffset + 0.6,
      serviceRange,
      { category: 'RQ', subType: 'TR', startDepth: 1.0, endDepth: 1.0, diameter: 0.15, material: 'PE', owner: '天津能源燃气', year: 2021, burial: '直埋' },
      '阀门',
    );
    planted.push({ type: 'horizontal', a: id, b: 'JS', why: 'a gas service line laid 0.6 m from the water main (0.5 m clear required, 0.43 m left)' });
  }
  const heatRange = arterial ? midBlock(arterial, 40) : undefined;
  if (arterial && heatRange) {
    const rlOffset = PIPE_SPECS[2]!.offset(arterial.width);
    const shifted: [number, number] = [heatRange[0] - 150, heatRange[1] - 150];
    const id = stretch(
      arterial,
      rlOffset - 1.0,
      shifted,
      {
        category: 'DL',
        subType: 'LD',
        startDepth: 0.7,
        endDepth: 0.7,
        width: 0.5,
        height: 0.4,
        material: '混凝土',
        owner: '南开区路灯所',
        year: 2020,
        burial: '管块',
      },
      '检修井',
    );
    planted.push({ type: 'horizontal', a: id, b: 'RL', why: 'a street-lighting duct 1.0 m from the district-heating main (2.0 m clear required)' });
  }
  // Where water enters (the water works' feed and the district inlets) the survey records a
  // source point (水源): the end cap of a main where the feed main joins it.
  for (const inlet of waterInlets(lines, points)) {
    if (inlet.appurtenance === undefined) inlet.feature = '水源';
    else inlet.appurtenance = '水源'; // a point can hold one appurtenance: the inlet is what matters here
  }
  return { lines, points, planted };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
