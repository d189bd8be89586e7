import { describe, expect, it } from 'vitest';
import { NETWORK_FORMAT, NETWORK_VERSION, type NetworkDocument } from '../formats/networkDocument.js';
import { metresPerDegree } from '../geometry/geodesy.js';
import { sensorType } from '../live/sensorTypes.js';
import { isolateBurst } from '../network/isolateBurst.js';
import { incidentProposalOf } from './incidentProposalOf.js';
import { ruleContext, type SensorSite } from './RuleContext.js';
import { RuleEvaluator } from './RuleEvaluator.js';

const LAT = 39.1;
const LON = 117.2;
const scale = metresPerDegree(LAT);
const at = (xMetres: number, yMetres = 0): [number, number] => [LON + xMetres / scale.lon, LAT + yMetres / scale.lat];

/**
 * A main n0 … n9 along x, 100 m a pipe, valves at n3 and n6; and 3 km away (x = 3000 m) a second
 * main m0 … m4, joined to n9 by a 3 km feeder. Pressure sensors at n1, n2, n4, n5, n7, n8 and
 * m1, m2, m3.
 */
function network(): NetworkDocument {
  const ids: string[] = [];
  const xs: number[] = [];
  for (let i = 0; i < 10; i++) {
    ids.push(`n${i}`);
    xs.push(i * 100);
  }
  for (let i = 0; i < 5; i++) {
    ids.push(`m${i}`);
    xs.push(3000 + i * 100);
  }
  const from: number[] = [];
  const to: number[] = [];
  const length: number[] = [];
  const edgeIds: string[] = [];
  const pipe = (a: number, b: number, metres: number): void => {
    edgeIds.push(`e${ids[a]}-${ids[b]}`);
    from.push(a);
    to.push(b);
    length.push(metres);
  };
  for (let i = 0; i < 9; i++) pipe(i, i + 1, 100);
  pipe(9, 10, 3000);
  for (let i = 10; i < 14; i++) pipe(i, i + 1, 100);
  return {
    format: NETWORK_FORMAT,
    version: NETWORK_VERSION,
    crs: 'EPSG:4326',
    categories: {},
    nodes: {
      id: ids,
      lon: xs.map((x) => at(x)[0]),
      lat: xs.map((x) => at(x)[1]),
      category: ids.map(() => 'JS'),
      feature: ids,
      kind: ids.map(() => null),
    },
    edges: { id: edgeIds, from, to, length, diameter: from.map(() => 300), category: from.map(() => 'JS'), type: from.map(() => 'pipe') },
    valves: [
      { id: 'v3', node: 3 },
      { id: 'v6', node: 6 },
    ],
  };
}

const pressure = sensorType('network_pressure')!;
const sites: SensorSite[] = [
  ...['n1', 'n2', 'n4', 'n5', 'n7', 'n8', 'm1', 'm2', 'm3'].map((node, i) => {
    const x = node.startsWith('n') ? Number(node.slice(1)) * 100 : 3000 + Number(node.slice(1)) * 100;
    return { datastreamId: 101 + i, name: `pressure ${node}`, type: pressure, lon: at(x)[0], lat: at(x)[1], feature: node };
  }),
  { datastreamId: 201, name: 'gas well', type: sensorType('gas_in_well')!, lon: at(500, 50)[0], lat: at(500, 50)[1], feature: 'GAS1' },
  ...[0, 300, 600, 5000, 5200].map((x, i) => ({
    datastreamId: 301 + i,
    name: `well ${x}`,
    type: sensorType('well_water_level')!,
    lon: at(x, 500)[0],
    lat: at(x, 500)[1],
    feature: `WS${i}`,
  })),
  ...[300, 5100].map((x, i) => ({
    datastreamId: 401 + i,
    name: `road ${x}`,
    type: sensorType('waterlogging')!,
    lon: at(x, 550)[0],
    lat: at(x, 550)[1],
    feature: `YS${i}`,
  })),
];
const id = (node: string): number => sites.find((s) => s.feature === node)!.datastreamId;

const T0 = Date.UTC(2026, 10, 30, 2, 0, 0);
const s = (seconds: number): number => T0 + seconds * 1000;

/** Every sensor reads normally at t = 0, so the rules know which are healthy. */
function evaluatorAtRest(): RuleEvaluator {
  const evaluator = new RuleEvaluator(ruleContext(sites, network()));
  for (const site of sites) evaluator.observeDatastream(site.datastreamId, site.type.normal.base, s(0));
  return evaluator;
}

/** A sensor reading `value` twice, `minDurationSeconds` apart: the second raises the state. */
function hold(evaluator: RuleEvaluator, datastream: number, value: number, fromSeconds: number) {
  const site = sites.find((x) => x.datastreamId === datastream)!;
  return [
    ...evaluator.observeDatastream(datastream, value, s(fromSeconds)),
    ...evaluator.observeDatastream(datastream, value, s(fromSeconds + site.type.thresholds.minDurationSeconds)),
  ];
}

describe('pipe burst rule: ≥ 3 pressure drops within 5 minutes, close along the network', () => {
  it('two drops are not enough; the third names a pipe whose isolation holds the dropping sensors', () => {
    const evaluator = evaluatorAtRest();
    expect(hold(evaluator, id('n4'), 0.12, 60)).toEqual([]);
    expect(hold(evaluator, id('n5'), 0.1, 70)).toEqual([]);
    const [finding, ...more] = hold(evaluator, id('n7'), 0.18, 80);
    expect(more).toEqual([]);
    expect(finding!.rule.id).toBe('pipe-burst');
    expect(finding!.evidence.map((e) => e.datastreamId).sort()).toEqual([id('n4'), id('n5'), id('n7')].sort());
    expect(finding!.at).toBe(s(100));
    const pipe = finding!.assets.find((a) => a.kind === 'pipe')!.id;
    expect(finding!.dedupeKey).toBe(`pipe-burst:${pipe}`);
    // The pipe between the valves at n3 and n6, whose isolation holds n4 and n5 (the one past n6 holds n7 but also the normal n8).
    const doc = network();
    const edges = doc.edges.id;
    const isolation = isolateBurst(ruleContext(sites, doc).network!.graph, edges.indexOf(pipe));
    const nodes = new Set(Array.from(isolation.isolatedEdges).flatMap((e) => [doc.nodes.id[doc.edges.from[e]!], doc.nodes.id[doc.edges.to[e]!]]));
    expect(nodes).toContain('n4');
    expect(nodes).toContain('n5');
    expect(nodes).not.toContain('n8');
    expect(['en3-n4', 'en4-n5', 'en5-n6']).toContain(pipe);
    expect(finding!.footprint.kind).toBe('circle');
  });

  it('names the pipe whose isolation holds all the drops when they sit inside one valve section', () => {
    const evaluator = evaluatorAtRest();
    // A drop at n1 and n2 (before the valve at n3) and n4 would be two sections; here: n4, n5 and, past the valve, nothing.
    hold(evaluator, id('n1'), 0.12, 10);
    hold(evaluator, id('n2'), 0.1, 20);
    const [finding] = hold(evaluator, id('n4'), 0.19, 30);
    const pipe = finding!.assets.find((a) => a.kind === 'pipe')!.id;
    // n0 … n3 is the section from the network's end to the first valve: it holds n1 and n2.
    expect(['en0-n1', 'en1-n2', 'en2-n3']).toContain(pipe);
  });

  it('stays quiet for drops far apart along the network, or spread over more than the window', () => {
    const far = evaluatorAtRest();
    expect([...hold(far, id('n1'), 0.1, 10), ...hold(far, id('n8'), 0.1, 20), ...hold(far, id('m2'), 0.1, 30)]).toEqual([]);
    const slow = evaluatorAtRest();
    expect([...hold(slow, id('n4'), 0.1, 10), ...hold(slow, id('n5'), 0.1, 200), ...hold(slow, id('n7'), 0.1, 400)]).toEqual([]);
    // Three drops in the far main, 100 m apart: that is a burst there.
    const there = evaluatorAtRest();
    const findings = [...hold(there, id('m1'), 0.1, 10), ...hold(there, id('m2'), 0.1, 20), ...hold(there, id('m3'), 0.1, 30)];
    expect(findings.map((f) => f.rule.id)).toEqual(['pipe-burst']);
  });

  it('proposes once per episode, and again once the area has been quiet for half an hour', () => {
    const evaluator = evaluatorAtRest();
    hold(evaluator, id('n4'), 0.1, 10);
    hold(evaluator, id('n5'), 0.1, 20);
    expect(hold(evaluator, id('n7'), 0.1, 30)).toHaveLength(1);
    expect(hold(evaluator, id('n8'), 0.1, 40)).toEqual([]); // joins the episode
    for (const node of ['n4', 'n5', 'n7', 'n8']) evaluator.observeDatastream(id(node), 0.32, s(600));
    hold(evaluator, id('n4'), 0.1, 1000);
    hold(evaluator, id('n5'), 0.1, 1010);
    expect(hold(evaluator, id('n7'), 0.1, 1020)).toEqual([]); // 7 minutes after: the same episode
    for (const node of ['n4', 'n5', 'n7']) evaluator.observeDatastream(id(node), 0.32, s(1100));
    hold(evaluator, id('n4'), 0.1, 3000);
    hold(evaluator, id('n5'), 0.1, 3010);
    expect(hold(evaluator, id('n7'), 0.1, 3020)).toHaveLength(1); // 31.5 minutes of quiet: a new one
  });
});

describe('gas leak and waterlogging rules', () => {
  it('a gas alarm held past the minimum duration proposes a leak; a one-reading spike does not', () => {
    const evaluator = evaluatorAtRest();
    expect(evaluator.observeDatastream(201, 40, s(10))).toEqual([]);
    expect(evaluator.observeDatastream(201, 0.5, s(40))).toEqual([]);
    const [finding] = hold(evaluator, 201, 40, 100);
    expect(finding!.rule.id).toBe('gas-leak');
    expect(finding!.footprint).toEqual({
      kind: 'circle',
      centre: [sites.find((x) => x.datastreamId === 201)!.lon, sites.find((x) => x.datastreamId === 201)!.lat],
      radiusMetres: 100,
    });
    expect(finding!.evidence[0]).toMatchObject({ datastreamId: 201, state: 'alarm', value: 40, since: s(110) });
    expect(hold(evaluator, 201, 45, 130)).toEqual([]);
    // Down to a warning and up again an hour later: still the same leak.
    hold(evaluator, 201, 15, 200);
    expect(hold(evaluator, 201, 40, 3800)).toEqual([]);
  });

  it('wells rising and water on the road nearby propose waterlogging with its area; wells alone do not', () => {
    const evaluator = evaluatorAtRest();
    expect([...hold(evaluator, 301, 1.8, 10), ...hold(evaluator, 302, 1.9, 20), ...hold(evaluator, 303, 2.0, 30)]).toEqual([]);
    const [finding] = hold(evaluator, 401, 20, 60);
    expect(finding!.rule.id).toBe('waterlogging');
    expect(finding!.evidence.map((e) => e.datastreamId).sort()).toEqual([301, 302, 303, 401]);
    expect(finding!.footprint.kind).toBe('polygon');
    // The far wells (5 km away) with their own road sensor are another area.
    hold(evaluator, 304, 1.8, 100);
    hold(evaluator, 305, 1.8, 110);
    const [other] = hold(evaluator, 402, 20, 120);
    expect(other!.dedupeKey).not.toBe(finding!.dedupeKey);
    expect(other!.footprint.kind).toBe('polygon');
  });

  it('a finding becomes a CAP-shaped incident proposal from the rule', () => {
    const evaluator = evaluatorAtRest();
    const [finding] = hold(evaluator, 201, 40, 100);
    const proposal = incidentProposalOf(finding!);
    expect(proposal).toMatchObject({
      event: '燃气泄漏',
      classification: { category: 'accident', subType: 'public-facility', level: 'III' },
      certainty: 'Observed',
      source: { kind: 'rule', ruleId: 'gas-leak', datastreamIds: [201], at: new Date(s(110)).toISOString() },
      dedupeKey: 'gas-leak:201',
    });
  });
});
