import { describe, expect, it } from 'vitest';
import type { LonLat } from '../formats/incident.js';
import { Random } from '../random/Random.js';
import { LocalPlane } from '../spatial/LocalPlane.js';
import { buildRoadGraph } from './buildRoadGraph.js';
import { MinHeap } from './MinHeap.js';
import { rankResources, routeOf, snapResources } from './rankResources.js';
import { roadComponents } from './roadComponents.js';
import { roadGraph, BACKWARD, FORWARD, type RoadGraph } from './RoadGraph.js';
import { roadGraphDocument, roadGraphFromDocument } from './roadGraphDocument.js';
import { roadLinesFromGeoJson } from './RoadLines.js';
import { RoadRouter } from './RoadRouter.js';
import type { RoadSpeeds } from './roadSpeeds.js';
import type { ResourcePoints } from './resourcePoints.js';

/** Hand-made roads are drawn in metres east/north of this point. */
const plane = new LocalPlane(117.15, 39.1);
const at = (x: number, y: number): LonLat => [plane.lon(x), plane.lat(y)];
const SPEEDS: RoadSpeeds = { byClass: { arterial: 50, local: 30 }, fallback: 30, access: 5 };
const kmh = (v: number): number => v / 3.6;

interface Road {
  line: [number, number][];
  roadClass: string;
  oneway?: string;
  name?: string;
}
const roads = (list: Road[]): unknown => ({
  type: 'FeatureCollection',
  features: list.map((r) => ({
    type: 'Feature',
    properties: { class: r.roadClass, name: r.name ?? '', ...(r.oneway ? { oneway: r.oneway } : {}) },
    geometry: { type: 'LineString', coordinates: r.line.map(([x, y]) => at(x, y)) },
  })),
});
const routerFor = (list: Road[], speeds = SPEEDS): RoadRouter => {
  const { parts } = buildRoadGraph(roadLinesFromGeoJson(roads(list)).lines);
  return new RoadRouter(roadGraph(parts, speeds), speeds);
};
const stations = (points: { id: string; kind?: 'fire' | 'medical' | 'police'; x: number; y: number }[]): ResourcePoints => ({
  ids: points.map((p) => p.id),
  kinds: points.map((p) => p.kind ?? 'fire'),
  names: points.map((p) => p.id),
  lon: Float64Array.from(points, (p) => at(p.x, p.y)[0]),
  lat: Float64Array.from(points, (p) => at(p.x, p.y)[1]),
});
/** Route r in metres on the hand-made plane, rounded to 0.1 m. */
const routeMetres = (route: LonLat[]): [number, number][] =>
  route.map(([lon, lat]) => [Math.round(plane.x(lon) * 10) / 10, Math.round(plane.y(lat) * 10) / 10]);

// A straight local street from the station (0, 0) to the incident (1000, 0), and an arterial
// detour up and over: 1000 m at 30 km/h = 120 s against 1600 m at 50 km/h = 115.2 s.
const street: Road = {
  line: [
    [0, 0],
    [500, 0],
    [1000, 0],
  ],
  roadClass: 'local',
  name: '直路',
};
const detour: Road = {
  line: [
    [0, 0],
    [0, 300],
    [1000, 300],
    [1000, 0],
  ],
  roadClass: 'arterial',
  name: '干道',
};
const detourFromIncident: Road = {
  line: [
    [1000, 0],
    [1000, 300],
    [0, 300],
    [0, 0],
  ],
  roadClass: 'arterial',
};

describe('shortest paths on a hand-made road graph', () => {
  it('the faster, longer arterial beats the short local street, and the route follows it', () => {
    const router = routerFor([street, detour]);
    const ranked = rankResources(router, at(1000, 0), snapResources(router, stations([{ id: 'S', x: 0, y: 0 }])), 1);
    expect(ranked.ids).toEqual(['S']);
    expect(ranked.travelSeconds[0]).toBeCloseTo(1600 / kmh(50), 1);
    expect(routeMetres(routeOf(ranked, 0))).toEqual([
      [0, 0],
      [0, 300],
      [1000, 300],
      [1000, 0],
    ]);
    expect(ranked.routeMetres[0]).toBeCloseTo(1600, 0);
  });

  it('a one-way arterial against the trip is not taken; allowed the other way it is', () => {
    // Digitised from the incident back to the station: "yes" forbids the trip, "-1" allows only it.
    const blocked = routerFor([street, { ...detourFromIncident, oneway: 'yes' }]);
    const slow = rankResources(blocked, at(1000, 0), snapResources(blocked, stations([{ id: 'S', x: 0, y: 0 }])), 1);
    expect(slow.travelSeconds[0]).toBeCloseTo(1000 / kmh(30), 1);
    const allowed = routerFor([street, { ...detourFromIncident, oneway: '-1' }]);
    const fast = rankResources(allowed, at(1000, 0), snapResources(allowed, stations([{ id: 'S', x: 0, y: 0 }])), 1);
    expect(fast.travelSeconds[0]).toBeCloseTo(1600 / kmh(50), 1);
  });

  it('counts the walk to the road and the part-edges at both ends', () => {
    const router = routerFor([street, detour]);
    // 40 m off the street at x = 200: 28.8 s on foot, then 800 m of street (96 s) to the incident.
    const ranked = rankResources(router, at(1000, 0), snapResources(router, stations([{ id: 'S', x: 200, y: -40 }])), 1);
    expect(ranked.travelSeconds[0]).toBeCloseTo(40 / kmh(5) + 800 / kmh(30), 1);
    expect(routeMetres(routeOf(ranked, 0))).toEqual([
      [200, -40],
      [200, 0],
      [500, 0],
      [1000, 0],
    ]);
    // The incident off the road too: its own walk is added.
    const off = rankResources(router, at(700, 30), snapResources(router, stations([{ id: 'S', x: 200, y: -40 }])), 1);
    expect(off.travelSeconds[0]).toBeCloseTo(40 / kmh(5) + 500 / kmh(30) + 30 / kmh(5), 1);
    expect(off.incidentOnRoad.offRoadMetres).toBeCloseTo(30, 3);
  });

  it('on a one-way street a station cannot drive straight to an incident behind it: it goes round', () => {
    // The street runs one way from the incident end (1000, 0) to the station end (0, 0).
    const router = routerFor([{ ...street, line: [...street.line].reverse(), oneway: 'yes' }, detour]);
    const ranked = rankResources(router, at(1000, 0), snapResources(router, stations([{ id: 'S', x: 200, y: -40 }])), 1);
    // Walk, 200 m with the one-way to (0, 0), then the arterial.
    expect(ranked.travelSeconds[0]).toBeCloseTo(40 / kmh(5) + 200 / kmh(30) + 1600 / kmh(50), 1);
    expect(routeMetres(routeOf(ranked, 0))[2]).toEqual([0, 0]);
  });

  it('ranks the k nearest, overall or per kind, with one search', () => {
    const router = routerFor([street, detour]);
    const points = stations([
      { id: 'far', x: 0, y: 0 },
      { id: 'near', x: 900, y: 0 },
      { id: 'mid', x: 500, y: 0 },
      { id: 'hospital', kind: 'medical', x: 600, y: 0 },
    ]);
    const resources = snapResources(router, points);
    const two = rankResources(router, at(1000, 0), resources, 2);
    expect(two.ids).toEqual(['near', 'hospital']);
    const fire = rankResources(router, at(1000, 0), resources, 2, { kinds: ['fire'] });
    expect(fire.ids).toEqual(['near', 'mid']);
    const perKind = rankResources(router, at(1000, 0), resources, 2, { perKind: true, kinds: ['medical', 'fire'] });
    expect(perKind.ids).toEqual(['hospital', 'near', 'mid']);
    expect(perKind.kinds).toEqual(['medical', 'fire', 'fire']);
    expect(perKind.travelSeconds[1]).toBeLessThan(perKind.travelSeconds[2]!);
    expect(() => rankResources(router, at(1000, 0), resources, 0)).toThrow(/positive integer/);
  });

  it('times every node as a plain Bellman-Ford does, on random street grids with one-way streets', () => {
    const random = new Random(13);
    for (let trial = 0; trial < 12; trial++) {
      const list: Road[] = [];
      const size = 4 + random.int(0, 4);
      for (let i = 0; i < size; i++) {
        const along = random.range(-30, 30);
        const pick = (): Pick<Road, 'roadClass' | 'oneway'> => ({
          roadClass: random.chance(0.3) ? 'arterial' : 'local',
          ...(random.chance(0.25) ? { oneway: random.chance(0.5) ? 'yes' : '-1' } : {}),
        });
        list.push({
          line: [
            [i * 200 + along, -50],
            [i * 200 - along, size * 200],
          ],
          ...pick(),
        });
        list.push({
          line: [
            [-50, i * 200 + along],
            [size * 200, i * 200 - along],
          ],
          ...pick(),
        });
      }
      const router = routerFor(list);
      const { graph } = router;
      const node = random.int(0, graph.nodeCount - 1);
      const target = router.snap(graph.nodeLon[node]!, graph.nodeLat[node]!);
      const times = new Float64Array(graph.nodeCount).fill(Infinity);
      router.searchToward(target, (n, seconds) => (times[n] = seconds));
      expect(router.exhausted).toBe(true);
      const reference = bellmanFordTo(graph, target.edge, target.fraction);
      for (let n = 0; n < graph.nodeCount; n++) {
        if (reference[n] === Infinity) expect(times[n]).toBe(Infinity);
        else expect(times[n]).toBeCloseTo(reference[n]!, 6);
      }
    }
  });
});

/** Seconds from every node to a point on an edge, by relaxing every allowed arc until nothing changes. */
function bellmanFordTo(graph: RoadGraph, edge: number, fraction: number): Float64Array {
  const seconds = new Float64Array(graph.nodeCount).fill(Infinity);
  if (graph.edgeDirections[edge]! & FORWARD) seconds[graph.edgeFrom[edge]!] = fraction * graph.edgeSeconds[edge]!;
  if (graph.edgeDirections[edge]! & BACKWARD) seconds[graph.edgeTo[edge]!] = Math.min(seconds[graph.edgeTo[edge]!]!, (1 - fraction) * graph.edgeSeconds[edge]!);
  for (let changed = true; changed;) {
    changed = false;
    for (let e = 0; e < graph.edgeFrom.length; e++) {
      const a = graph.edgeFrom[e]!;
      const b = graph.edgeTo[e]!;
      const t = graph.edgeSeconds[e]!;
      if (graph.edgeDirections[e]! & FORWARD && seconds[b]! + t < seconds[a]! - 1e-9) {
        seconds[a] = seconds[b]! + t;
        changed = true;
      }
      if (graph.edgeDirections[e]! & BACKWARD && seconds[a]! + t < seconds[b]! - 1e-9) {
        seconds[b] = seconds[a]! + t;
        changed = true;
      }
    }
  }
  return seconds;
}

describe('building the road graph', () => {
  it('nodes two crossing streets at their crossing, keeping their length', () => {
    const { parts, stats } = buildRoadGraph(
      roadLinesFromGeoJson(
        roads([
          {
            line: [
              [0, 0],
              [100, 0],
              [200, 0],
            ],
            roadClass: 'local',
          },
          {
            line: [
              [130, -100],
              [130, 100],
            ],
            roadClass: 'arterial',
          },
        ]),
      ).lines,
    );
    expect(stats.crossings).toBe(1);
    expect(parts.nodeLon.length).toBe(5);
    expect(parts.edgeFrom.length).toBe(4);
    const metres = [...parts.edgeMetres].sort((a, b) => a - b);
    expect(metres[0]).toBeCloseTo(70, 1);
    expect(metres.reduce((a, b) => a + b, 0)).toBeCloseTo(400, 1);
    // Every edge's polyline starts and ends on its nodes.
    for (let e = 0; e < parts.edgeFrom.length; e++) {
      expect(parts.geometryLon[parts.geometryStart[e]!]).toBe(parts.nodeLon[parts.edgeFrom[e]!]);
      expect(parts.geometryLat[parts.geometryStart[e + 1]! - 1]).toBe(parts.nodeLat[parts.edgeTo[e]!]);
    }
  });

  it('joins a street that ends within the snap distance of another, and not one further away', () => {
    const build = (gap: number) =>
      buildRoadGraph(
        roadLinesFromGeoJson(
          roads([
            {
              line: [
                [0, 0],
                [200, 0],
              ],
              roadClass: 'local',
            },
            {
              line: [
                [100, gap],
                [100, 150],
              ],
              roadClass: 'local',
            },
          ]),
        ).lines,
        { snapMetres: 2 },
      );
    const joined = build(1.5);
    expect(joined.stats.snappedEnds).toBe(1);
    expect(roadComponents(roadGraph(joined.parts)).sizes).toEqual(Uint32Array.from([4]));
    const apart = build(5);
    expect(apart.stats.snappedEnds).toBe(0);
    expect(roadComponents(roadGraph(apart.parts)).sizes).toEqual(Uint32Array.from([2, 2]));
  });

  it('reports a one-way dead end as its own strongly connected component', () => {
    const graph = roadGraph(
      buildRoadGraph(
        roadLinesFromGeoJson(
          roads([
            {
              line: [
                [0, 0],
                [200, 0],
              ],
              roadClass: 'local',
            },
            {
              line: [
                [100, 0],
                [100, 150],
              ],
              roadClass: 'local',
              oneway: 'yes',
            },
          ]),
        ).lines,
      ).parts,
    );
    expect([...roadComponents(graph).sizes]).toEqual([3, 1]);
  });

  it('round-trips through the road-graph file, and refuses what is not one', () => {
    const { parts } = buildRoadGraph(roadLinesFromGeoJson(roads([street, detour])).lines);
    const doc = roadGraphDocument(parts, 2);
    const text = JSON.stringify(doc);
    const read = roadGraphFromDocument(new TextEncoder().encode(text).buffer as ArrayBuffer, SPEEDS);
    expect([...read.edgeFrom]).toEqual([...parts.edgeFrom]);
    expect([...read.edgeDirections]).toEqual([...parts.edgeDirections]);
    read.nodeLon.forEach((lon, n) => expect(lon).toBeCloseTo(parts.nodeLon[n]!, 7));
    expect(read.edgeSeconds[0]).toBeCloseTo(read.edgeMetres[0]! / kmh(read.classes[read.edgeClass[0]!] === 'arterial' ? 50 : 30), 6);
    expect(() => roadGraphFromDocument({ ...doc, format: 'other' } as never)).toThrow(/not a cim-twin-road-graph v1/);
    expect(() => roadGraphFromDocument({ ...doc, edges: { ...doc.edges, directions: doc.edges.directions.map(() => 0) } })).toThrow(/direction/);
    expect(() => roadGraphFromDocument({ ...doc, edges: { ...doc.edges, from: [...doc.edges.from.slice(1), 99] } })).toThrow(/node that does not exist/);
    expect(() => roadGraphFromDocument(doc, { ...SPEEDS, byClass: { arterial: 0 } })).toThrow(/positive number of km\/h/);
  });

  it('reads lines, skips what is not one and names a bad coordinate', () => {
    const { lines, skipped } = roadLinesFromGeoJson({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { highway: 'primary', oneway: 'yes' },
          geometry: {
            type: 'MultiLineString',
            coordinates: [
              [
                [117, 39],
                [117.01, 39],
              ],
              [[117, 39.01]],
            ],
          },
        },
        { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [117, 39] } },
      ],
    });
    expect(lines.vertexStart.length - 1).toBe(1);
    expect(lines.classes).toEqual(['primary']);
    expect([...lines.oneway]).toEqual([1]);
    expect(skipped).toEqual({ notALine: 1, tooShort: 1 });
    expect(() => roadLinesFromGeoJson({ features: 3 })).toThrow(/FeatureCollection/);
    expect(() =>
      roadLinesFromGeoJson({
        features: [
          {
            geometry: {
              type: 'LineString',
              coordinates: [
                [117, 39],
                [117, 'x'],
              ],
            },
          },
        ],
      }),
    ).toThrow(/feature 0/);
  });
});

describe('MinHeap', () => {
  it('pops keys in ascending order, growing past its first capacity', () => {
    const random = new Random(7);
    const heap = new MinHeap(4);
    const keys = Array.from({ length: 500 }, () => random.range(0, 1000));
    keys.forEach((key, i) => heap.push(i, key));
    const popped: number[] = [];
    while (heap.length > 0) popped.push(keys[heap.pop()]!);
    expect(popped).toEqual([...keys].sort((a, b) => a - b));
  });
});
