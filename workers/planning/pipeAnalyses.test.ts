import { describe, expect, it } from 'vitest';
import { NETWORK_FORMAT, NETWORK_VERSION, type NetworkDocument } from '../formats/networkDocument.js';
import { metresPerDegree } from '../geometry/geodesy.js';
import { crossSection } from './crossSection.js';
import { excavationPipes } from './excavationPipes.js';
import { longitudinalProfile } from './longitudinalProfile.js';
import { pipeDepth } from './pipeDepth.js';
import { planningPipesFromDocument } from './planningPipes.js';
import { trace } from './trace.js';

const LON0 = 117.16;
const LAT0 = 39.1;
const scale = metresPerDegree(LAT0);
/** Metres east and north of (LON0, LAT0) in degrees. */
const at = (x: number, y: number): [number, number] => [LON0 + x / scale.lon, LAT0 + y / scale.lat];

interface PipeSpec {
  id: string;
  category: string;
  from: string;
  to: string;
  /** Crown depths at the ends (m). */
  top: [number, number];
  diameter?: number;
  box?: [number, number];
  owner?: string;
}

/**
 * A street running east: a water main (JS DN300) at y = 2 m with a valve at its west node, a
 * power duct bank (500×400) 0.8 m north of it (0.4 m clear: JS–DL asks 0.5), sewers (PS) 3 m
 * south flowing east with a branch from the south, and a telecom duct (TX) crossing the water
 * main at its own depth at x = 10.
 */
function streetDocument(): NetworkDocument {
  const nodes: Record<string, [number, number, string]> = {
    J0: [-100, 2, 'JS'],
    J1: [-50, 2, 'JS'],
    J2: [50, 2, 'JS'],
    J3: [100, 2, 'JS'],
    SA: [-50, -3, 'PS'],
    SB: [0, -3, 'PS'],
    SC: [50, -3, 'PS'],
    SD: [0, -20, 'PS'],
    D0: [-50, 2.8, 'DL'],
    D1: [50, 2.8, 'DL'],
    T0: [10, -30, 'TX'],
    T1: [10, 30, 'TX'],
  };
  const pipes: PipeSpec[] = [
    { id: 'W0', category: 'JS', from: 'J0', to: 'J1', top: [1.2, 1.2], diameter: 0.3, owner: '水务' },
    { id: 'W1', category: 'JS', from: 'J1', to: 'J2', top: [1.2, 1.4], diameter: 0.3, owner: '水务' },
    { id: 'W2', category: 'JS', from: 'J2', to: 'J3', top: [1.4, 1.4], diameter: 0.3, owner: '水务' },
    // Sewers: crowns 0.6 m above inverts 3.0 → 3.1 → 3.2 (flow east); the branch's invert 2.9 → 3.1.
    { id: 'S1', category: 'PS', from: 'SA', to: 'SB', top: [2.4, 2.5], diameter: 0.6 },
    { id: 'S2', category: 'PS', from: 'SB', to: 'SC', top: [2.5, 2.6], diameter: 0.6 },
    { id: 'S3', category: 'PS', from: 'SD', to: 'SB', top: [2.6, 2.8], diameter: 0.3 },
    { id: 'P1', category: 'DL', from: 'D0', to: 'D1', top: [0.6, 0.6], box: [0.5, 0.4], owner: '电力' },
    { id: 'C1', category: 'TX', from: 'T0', to: 'T1', top: [1.3, 1.3], box: [0.4, 0.3] },
  ];
  const ids = Object.keys(nodes);
  const node = (id: string): number => ids.indexOf(id);
  const size = (p: PipeSpec): number => p.box?.[1] ?? p.diameter!;
  return {
    format: NETWORK_FORMAT,
    version: NETWORK_VERSION,
    crs: 'EPSG:4326',
    categories: {},
    nodes: {
      id: ids,
      lon: ids.map((id) => at(nodes[id]![0], nodes[id]![1])[0]),
      lat: ids.map((id) => at(nodes[id]![0], nodes[id]![1])[1]),
      category: ids.map((id) => nodes[id]![2]),
      feature: ids.map(() => null),
      kind: ids.map((id) => (id === 'J1' ? '阀门' : null)),
    },
    edges: {
      id: pipes.map((p) => p.id),
      from: pipes.map((p) => node(p.from)),
      to: pipes.map((p) => node(p.to)),
      length: pipes.map(() => 0),
      diameter: pipes.map((p) => p.diameter ?? null),
      category: pipes.map((p) => p.category),
      type: pipes.map(() => 'pipe'),
      depthTopFrom: pipes.map((p) => p.top[0]),
      depthTopTo: pipes.map((p) => p.top[1]),
      depthBottomFrom: pipes.map((p) => p.top[0] + size(p)),
      depthBottomTo: pipes.map((p) => p.top[1] + size(p)),
      width: pipes.map((p) => p.box?.[0] ?? null),
      height: pipes.map((p) => p.box?.[1] ?? null),
      owner: pipes.map((p) => p.owner ?? null),
      material: pipes.map(() => null),
    },
    valves: [{ id: 'J1', node: node('J1') }],
  };
}

const pipes = planningPipesFromDocument(streetDocument());

describe('crossSection', () => {
  it('cuts every pipe the line crosses, depths interpolated along each pipe, and flags the duct bank too close to the main', () => {
    const section = crossSection(pipes, [at(20, -10), at(20, 10)]);
    expect(section.length).toBeCloseTo(20, 2);
    expect(section.pipes.map((p) => [p.id, p.offset])).toEqual([
      ['S2', 7],
      ['W1', 12],
      ['P1', 12.8],
    ]);
    const [s2, w1, p1] = section.pipes;
    // At x = 20: 40 % along S2 (invert 3.1 → 3.2), 70 % along W1 (crown 1.2 → 1.4).
    expect(s2).toMatchObject({ category: 'PS', depthTop: 2.54, depthBottom: 3.14, width: 0.6, height: 0.6, diameter: 0.6, angle: 90 });
    expect(w1).toMatchObject({ depthTop: 1.34, depthBottom: 1.64, owner: '水务' });
    expect(p1).toMatchObject({ depthTop: 0.6, depthBottom: 1, width: 0.5, height: 0.4, diameter: null });
    // 0.8 m between centres less 0.15 and 0.25: 0.4 m clear, JS–DL asks 0.5.
    expect(section.conflicts).toEqual([
      expect.objectContaining({
        type: 'horizontal',
        a: 'P1',
        b: 'W1',
        categories: ['DL', 'JS'],
        required: 0.5,
        actual: 0.4,
        rule: expect.stringMatching(/4\.1\.9 JS–DL/),
      }),
    ]);
  });

  it('finds one pipe above another in the section and checks the vertical clearance', () => {
    // Across the crossing of the telecom duct and the main, at an angle: C1 lies over W1 in the section.
    const section = crossSection(pipes, [at(5, 1), at(15, 3)]);
    const ids = section.pipes.map((p) => p.id);
    expect(ids).toContain('C1');
    expect(ids).toContain('W1');
    expect(section.conflicts.some((c) => c.type === 'vertical' && c.a === 'C1' && c.b === 'W1' && c.required === 0.5)).toBe(true);
  });

  it('refuses a one-point line, a line of zero length, a line across a city and non-numbers', () => {
    expect(() => crossSection(pipes, [at(0, 0)])).toThrow(/two points.*got 1 point/);
    expect(() => crossSection(pipes, [at(0, 0), at(0, 0)])).toThrow(/0\.000 m long/);
    expect(() => crossSection(pipes, [at(0, 0), at(0, 5000)])).toThrow(/≤ 2000 m/);
    expect(() => crossSection(pipes, [at(0, 0), ['a', 1]])).toThrow(/second point is \["a",1\]/);
    expect(() => crossSection(pipes, [at(0, 0), [200, 39]])).toThrow(/longitude −180…180/);
    expect(() => crossSection(pipes, 'line')).toThrow(/\[\[lon, lat\], \[lon, lat\]\]/);
  });
});

describe('excavationPipes', () => {
  const square = [at(5, -5), at(15, -5), at(15, 5), at(5, 5)];

  it('lists the pipes crossing the pit above its floor with depths, sections, owners and length inside; GB 50289 among them', () => {
    const pit = excavationPipes(pipes, square, 2);
    expect(pit.area).toBeCloseTo(100, 0);
    expect(pit.pipes.map((p) => p.id)).toEqual(['C1', 'P1', 'W1']); // S2's crown is 2.5 m down: below the floor
    const w1 = pit.pipes.find((p) => p.id === 'W1')!;
    expect(w1).toMatchObject({ category: 'JS', diameter: 0.3, width: null, owner: '水务', depthTop: 1.31, depthBottom: 1.63 });
    expect(w1.lengthInside).toBeCloseTo(10, 1);
    expect(pit.pipes.find((p) => p.id === 'P1')).toMatchObject({ diameter: null, width: 0.5, height: 0.4, owner: '电力' });
    const found = pit.conflicts.map((c) => `${c.type} ${c.a} ${c.b}`).sort();
    expect(found).toEqual(['horizontal P1 W1', 'vertical C1 P1', 'vertical C1 W1']);
    const crossing = pit.conflicts.find((c) => c.a === 'C1' && c.b === 'W1')!;
    // C1's centre 1.45 m, W1's 1.47 m there: they overlap (negative clear distance).
    expect(crossing.actual).toBeLessThan(0);
  });

  it('gives each listed pipe its parts inside the pit as a solid, cut at the outline, at its depth, in metres from the first corner', () => {
    const pit = excavationPipes(pipes, square, 2);
    expect(pit.solids.map((s) => s.id)).toEqual(pit.pipes.map((p) => p.id));
    const extent = (id: string): { east: number[]; north: number[]; up: number[] } => {
      const { positions } = pit.solids.find((s) => s.id === id)!;
      const axis = (k: number): number[] => {
        const values = positions.filter((_, i) => i % 3 === k);
        return [Math.min(...values), Math.max(...values)];
      };
      return { east: axis(0), north: axis(1), up: axis(2) };
    };
    // W1 (DN300) runs east at y = 2 m (7 m north of the corner at y = -5), its crown 1.31 → 1.33 m down over the pit: cut at x = 5 and 15.
    // (Within 1 cm across and in height: the tube is an 11-sided prism, as in the tiles.)
    const w1 = extent('W1');
    const near = (value: number, expected: number): void => expect(Math.abs(value - expected)).toBeLessThan(0.01);
    near(w1.east[0]!, 0);
    near(w1.east[1]!, 10);
    near(w1.north[0]!, 7 - 0.15);
    near(w1.north[1]!, 7 + 0.15);
    near(w1.up[1]!, -1.31);
    near(w1.up[0]!, -1.33 - 0.3);
    // P1, the 500 × 400 duct bank, a box: 0.5 m across, 0.4 m high, crown 0.6 m down.
    const p1 = extent('P1');
    expect(p1.north[1]! - p1.north[0]!).toBeCloseTo(0.5, 3);
    expect(p1.up).toEqual([expect.closeTo(-1.0, 3), expect.closeTo(-0.6, 3)]);
    for (const solid of pit.solids) {
      expect(solid.indices.length % 3).toBe(0);
      expect(Math.max(...solid.indices)).toBeLessThan(solid.positions.length / 3);
      for (let i = 0; i < solid.normals.length; i += 3) expect(Math.hypot(solid.normals[i]!, solid.normals[i + 1]!, solid.normals[i + 2]!)).toBeCloseTo(1, 3);
    }
  });

  it('a shallower pit meets only what lies above its floor', () => {
    expect(excavationPipes(pipes, square, 1).pipes.map((p) => p.id)).toEqual(['P1']);
    // Closed rings (first corner repeated) are the same pit.
    expect(excavationPipes(pipes, [...square, square[0]!], 1).pipes.map((p) => p.id)).toEqual(['P1']);
  });

  it('refuses a self-intersecting polygon, two corners, depth 0 or 1e6', () => {
    const bowTie = [at(0, 0), at(10, 10), at(10, 0), at(0, 10)];
    expect(() => excavationPipes(pipes, bowTie, 2)).toThrow(/crosses itself/);
    expect(() => excavationPipes(pipes, square.slice(0, 2), 2)).toThrow(/three corners or more; got 2/);
    expect(() => excavationPipes(pipes, square, 0)).toThrow(/more than 0/);
    expect(() => excavationPipes(pipes, square, 1e6)).toThrow(/at most 50 m deep/);
    expect(() => excavationPipes(pipes, square, '2')).toThrow(/a number/);
  });
});

describe('longitudinalProfile', () => {
  it('follows the sewer run by invert from head to outfall through the trunk, with slopes', () => {
    const profile = longitudinalProfile(pipes, 'S2');
    expect(profile.pipes.map((p) => p.id)).toEqual(['S1', 'S2']); // S1 (DN600) is the trunk, not the DN300 branch
    expect(profile.pipes[0]).toMatchObject({ from: 0, to: 50, invertFrom: -3, invertTo: -3.1, slope: 0.002 });
    expect(profile.pipes[1]!.from).toBeCloseTo(50, 2);
    expect(profile.length).toBeCloseTo(100, 1);
    expect(profile.backfalls).toEqual([]);
    expect(longitudinalProfile(pipes, 'S3').pipes.map((p) => p.id)).toEqual(['S3', 'S2']);
  });

  it('refuses an unknown pipe', () => {
    expect(() => longitudinalProfile(pipes, 'NOPE')).toThrow(/no pipe "NOPE"/);
  });
});

describe('trace', () => {
  it('downstream and upstream on sewers by invert', () => {
    expect(trace(pipes, 'S1', { direction: 'downstream' })).toMatchObject({ pipes: ['S1', 'S2'], ends: ['SC'], direction: 'downstream' });
    const up = trace(pipes, 'S2', { direction: 'upstream' });
    expect([...up.pipes].sort()).toEqual(['S1', 'S2', 'S3']);
    expect(up.ends.sort()).toEqual(['SA', 'SD']);
  });

  it('connected pipes of the category, with the valves that shut the picked pipe off', () => {
    const water = trace(pipes, 'W1');
    expect([...water.pipes].sort()).toEqual(['W0', 'W1', 'W2']);
    expect(water.length).toBeCloseTo(200, 0);
    expect(water.ends.sort()).toEqual(['J0', 'J3']);
    expect(water).toMatchObject({ valves: ['J1'], unbounded: false });
    expect(trace(pipes, 'S1')).toMatchObject({ valves: [], unbounded: true });
  });

  it('refuses upstream on a pressure pipe, an unknown id and an unknown direction', () => {
    expect(() => trace(pipes, 'W1', { direction: 'upstream' })).toThrow(/gravity flow.*JS/);
    expect(() => trace(pipes, 'X9')).toThrow(/no pipe "X9"/);
    expect(() => trace(pipes, 'W1', { direction: 'sideways' })).toThrow(/one of 'connected', 'upstream', 'downstream'/);
    expect(() => trace(pipes, 42)).toThrow(/non-empty string/);
  });
});

describe('gas pressure (GB 50028 class from network.json)', () => {
  it('is carried to the section and the pit lists, and the GB 50289 checks go by it', () => {
    const doc = streetDocument();
    doc.edges.category[doc.edges.id.indexOf('C1')] = 'RQ';
    doc.edges.gasPressure = doc.edges.id.map((id) => (id === 'C1' ? 'subHighA' : null));
    const gas = planningPipesFromDocument(doc);
    expect(gas.clearance[gas.indexOfId.get('C1')!]!.gasPressure).toBe('subHighA');
    expect(gas.clearance[gas.indexOfId.get('W1')!]!.gasPressure).toBe('medium');
    const section = crossSection(gas, [at(5, 0), at(15, 0)]);
    expect(section.pipes.map((p) => [p.id, p.gasPressure])).toEqual([['C1', 'subHighA']]);
    const pit = excavationPipes(gas, [at(8, -1), at(12, -1), at(12, 1), at(8, 1)], 3);
    expect(pit.pipes.map((p) => [p.id, p.gasPressure])).toEqual([['C1', 'subHighA']]);
    // Without the column every gas pipe is checked as medium pressure, as before.
    expect(crossSection(pipes, [at(5, 0), at(15, 0)]).pipes[0]!.gasPressure).toBeNull();
  });
});

describe('pipeDepth (measure kind "depth")', () => {
  const pick = (x: number, y: number, height = 0): [number, number, number][] => [[...at(x, y), height]];

  it('interpolates crown, invert and ground by plan length at the point of the centre line nearest the pick', () => {
    // W1 runs from x = -50 to 50 at y = 2, crown 1.2 → 1.4 m, DN300: a quarter of the way, crown 1.25, invert 1.55.
    const depth = pipeDepth(pipes, pick(-25, 2.1, -1.1));
    expect(depth).toMatchObject({ kind: 'depth', pipeId: 'W1', category: 'JS', depthTop: 1.25, depthBottom: 1.55, ground: 0, distance: 0.1 });
    expect(depth.at[0]).toBeCloseTo(at(-25, 2)[0], 8);
    expect(depth.at[1]).toBeCloseTo(at(-25, 2)[1], 8);
    expect(depth.points).toEqual(pick(-25, 2.1, -1.1));
    // The ground between the ends too (surveyed 2 m at J1, 4 m at J2).
    const doc = streetDocument();
    doc.edges.groundFrom = doc.edges.id.map((id) => (id === 'W1' ? 2 : 0));
    doc.edges.groundTo = doc.edges.id.map((id) => (id === 'W1' ? 4 : 0));
    expect(pipeDepth(planningPipesFromDocument(doc), pick(25, 2))).toMatchObject({ pipeId: 'W1', ground: 3.5, depthTop: 1.35 });
  });

  it('snaps to the picked pipe when its id is given, else to the nearest pipe', () => {
    // 0.7 m south of the duct bank P1 and 0.1 m north of W1: the id decides.
    expect(pipeDepth(pipes, pick(0, 2.1))).toMatchObject({ pipeId: 'W1' });
    expect(pipeDepth(pipes, pick(0, 2.1), 'P1')).toMatchObject({ pipeId: 'P1', depthTop: 0.6, depthBottom: 1, distance: 0.7 });
    // A sewer's surveyed depth is at its invert (3.1 m at SB); the crown is a diameter above.
    expect(pipeDepth(pipes, pick(0, -3))).toMatchObject({ category: 'PS', depthTop: 2.5, depthBottom: 3.1 });
  });

  it('refuses a pick away from every pipe, a pick beside another pipe, two points and an unknown id', () => {
    expect(() => pipeDepth(pipes, pick(-80, 40))).toThrow(/no pipe within 2 m of \[117\.\d+, 39\.\d+\]/);
    expect(() => pipeDepth(pipes, pick(0, 2.1), 'S2')).toThrow(/pipe "S2" is more than 2 m beside/);
    expect(() => pipeDepth(pipes, [...pick(0, 2), ...pick(1, 2)])).toThrow(/one pick on the pipe; got 2 points/);
    expect(() => pipeDepth(pipes, pick(0, 2), 'X9')).toThrow(/no pipe "X9"/);
    expect(() => pipeDepth(pipes, [[200, 2, 0]])).toThrow(/longitude −180…180/);
  });
});

describe('planningPipesFromDocument', () => {
  it('refuses a network.json built before the depths were written', () => {
    const doc = streetDocument();
    delete doc.edges.depthTopFrom;
    expect(() => planningPipesFromDocument(doc)).toThrow(/rebuild the pipes/);
  });
});
