import { booleanIntersects, booleanPointInPolygon, lineString, point, polygon } from '@turf/turf';
import { describe, expect, it } from 'vitest';
import type { Footprint, LonLat } from '../formats/incident.js';
import type { LiveStateDocument } from '../formats/liveState.js';
import type { NetworkDocument } from '../formats/networkDocument.js';
import type { SearchIndexDocument } from '../formats/searchIndex.js';
import { Random } from '../random/Random.js';
import { AreaIndex, areaImpact } from './areaImpact.js';
import { emptyAreaSources, type AreaSources } from './AreaSources.js';
import { buildingsFromSearchIndex, pipesFromNetwork, poisFromGeoJson, sensorsFromLiveState } from './areaSourcesFromDocuments.js';
import { LocalPlane } from './LocalPlane.js';

/** Hand-made places are put in metres east/north of this point. */
const plane = new LocalPlane(117.15, 39.1);
const at = (x: number, y: number): LonLat => [plane.lon(x), plane.lat(y)];
const column = (points: [number, number][], axis: 0 | 1): Float64Array => Float64Array.from(points, (p) => at(p[0], p[1])[axis]);

function handMade(): AreaSources {
  const buildings: [number, number][] = [
    [0, 0],
    [100, 0],
    [300, -50],
    [0, 250],
    [50, 300],
  ];
  const pois: [number, number][] = [
    [20, 20],
    [-30, 40],
    [60, -60],
    [600, 600],
  ];
  const sensors: [number, number][] = [
    [10, -10],
    [300, 300],
  ];
  const pipes: [[number, number], [number, number]][] = [
    [
      [-500, 50],
      [500, 50],
    ],
    [
      [200, 200],
      [400, 400],
    ],
    [
      [-500, 149],
      [500, 149],
    ],
    [
      [-500, 151],
      [500, 151],
    ],
    [
      [-50, 200],
      [150, 200],
    ],
  ];
  return {
    buildings: { ids: buildings.map((_, i) => `B${i + 1}`), lon: column(buildings, 0), lat: column(buildings, 1) },
    pois: {
      ids: ['school', 'car-park', 'berths', 'far-car-park'],
      kinds: ['school', 'parking_lot', 'onstreet_berths', 'parking_lot'],
      names: ['', '', '', ''],
      capacity: Float64Array.from([NaN, 120, 16, 300]),
      lon: column(pois, 0),
      lat: column(pois, 1),
    },
    sensors: { ids: [7, 8], types: ['manhole_cover', 'waterlogging'], lon: column(sensors, 0), lat: column(sensors, 1) },
    pipes: {
      ids: pipes.map((_, i) => `P${i + 1}`),
      categories: pipes.map(() => 'JS'),
      fromLon: column(
        pipes.map((p) => p[0]),
        0,
      ),
      fromLat: column(
        pipes.map((p) => p[0]),
        1,
      ),
      toLon: column(
        pipes.map((p) => p[1]),
        0,
      ),
      toLat: column(
        pipes.map((p) => p[1]),
        1,
      ),
    },
  };
}

/** An L: the square (0, 0)–(400, 400) without its upper-right (100, 100)–(400, 400). */
const L_RING: LonLat[] = [at(0, 0), at(400, 0), at(400, 100), at(100, 100), at(100, 400), at(0, 400)];

describe('area impact on a hand-made set', () => {
  const index = new AreaIndex(handMade());

  it('a circle takes what lies within its radius: points by distance, pipes by their nearest point', () => {
    const impact = areaImpact(index, { kind: 'circle', centre: at(0, 0), radiusMetres: 150 });
    expect(impact.buildings.ids).toEqual(['B1', 'B2']);
    expect(impact.pois.ids).toEqual(['school']);
    expect(impact.parking.ids).toEqual(['car-park', 'berths']);
    expect(impact.parking.spaces).toBe(136);
    expect(impact.sensors.ids).toEqual([7]);
    // P1 crosses the circle with both ends outside; P3 passes 149 m from the centre, P4 151 m.
    expect(impact.pipes.ids).toEqual(['P1', 'P3']);
    expect(impact.buildings.index).toBeInstanceOf(Uint32Array);
    expect(impact.areaSquareMetres).toBeCloseTo(Math.PI * 150 ** 2, 6);
  });

  it('a concave polygon leaves out its notch; a pipe crossing an arm counts, one inside the notch does not', () => {
    const impact = areaImpact(index, { kind: 'polygon', ring: L_RING });
    // B1 is a corner of the ring (on the boundary: in), B2 on its lower edge, B4 and B5 in the upright arm, B3 below it.
    expect(impact.buildings.ids).toEqual(['B1', 'B2', 'B4', 'B5']);
    expect(impact.sensors.ids).toEqual([]);
    expect(impact.pipes.ids).toEqual(['P1', 'P3', 'P4', 'P5']);
    expect(impact.pois.ids).toEqual(['school']);
    expect(impact.areaSquareMetres).toBeCloseTo(400 * 100 + 100 * 300, -1);
    // The same ring closed gives the same answer.
    expect(areaImpact(index, { kind: 'polygon', ring: [...L_RING, L_RING[0]!] }).buildings.ids).toEqual(impact.buildings.ids);
  });

  it('a point needs a radius; bad footprints are refused with the reason', () => {
    expect(() => areaImpact(index, { kind: 'point', at: at(0, 0) })).toThrow(/pointRadiusMetres/);
    expect(areaImpact(index, { kind: 'point', at: at(0, 0) }, { pointRadiusMetres: 150 }).buildings.ids).toEqual(['B1', 'B2']);
    const bowTie: Footprint = { kind: 'polygon', ring: [at(0, 0), at(100, 100), at(100, 0), at(0, 100)] };
    expect(() => areaImpact(index, bowTie)).toThrow(/crosses itself/);
    expect(() => areaImpact(index, { kind: 'polygon', ring: [at(0, 0), at(1, 1)] })).toThrow(/at least 3/);
    expect(() => areaImpact(index, { kind: 'polygon', ring: [at(0, 0), at(10, 0), at(20, 0)] })).toThrow(/no area/);
    expect(() => areaImpact(index, { kind: 'circle', centre: [200, 0], radiusMetres: 10 })).toThrow(/not a \[lon, lat\]/);
    expect(() => areaImpact(index, { kind: 'circle', centre: at(0, 0), radiusMetres: -1 })).toThrow(/radius/);
  });

  it('with footprint bounds a building counts when its box meets the area', () => {
    const sources = handMade();
    // B3's box reaches from x = 120 to 480: its centre (300, -50) is outside a 150 m circle, its box is not.
    sources.buildings.bounds = {
      minLon: Float64Array.from(sources.buildings.lon, (lon, i) => (i === 2 ? at(120, 0)[0] : lon)),
      minLat: Float64Array.from(sources.buildings.lat, (lat, i) => (i === 2 ? at(0, -70)[1] : lat)),
      maxLon: Float64Array.from(sources.buildings.lon, (lon, i) => (i === 2 ? at(480, 0)[0] : lon)),
      maxLat: Float64Array.from(sources.buildings.lat, (lat, i) => (i === 2 ? at(0, -30)[1] : lat)),
    };
    const bounded = new AreaIndex(sources);
    expect(areaImpact(bounded, { kind: 'circle', centre: at(0, 0), radiusMetres: 150 }).buildings.ids).toEqual(['B1', 'B2', 'B3']);
    expect(areaImpact(bounded, { kind: 'polygon', ring: L_RING }).buildings.ids).toEqual(['B1', 'B2', 'B4', 'B5']);
    // Moved up to touch the L's lower edge, the box is in.
    sources.buildings.bounds.maxLat[2] = at(0, 0)[1];
    expect(areaImpact(new AreaIndex(sources), { kind: 'polygon', ring: L_RING }).buildings.ids).toEqual(['B1', 'B2', 'B3', 'B4', 'B5']);
  });

  it('works with empty layers and refuses columns of different lengths', () => {
    expect(areaImpact(new AreaIndex(emptyAreaSources()), { kind: 'circle', centre: at(0, 0), radiusMetres: 100 }).buildings.ids).toEqual([]);
    const broken = handMade();
    broken.sensors.ids.push(9);
    expect(() => new AreaIndex(broken)).toThrow(/sensors columns differ/);
  });
});

describe('area impact agrees with turf', () => {
  it('on random points and pipes against a random star-shaped polygon', () => {
    const random = new Random(2026);
    const count = 2000;
    const points: [number, number][] = Array.from({ length: count }, () => [random.range(-1000, 1000), random.range(-1000, 1000)]);
    const ends: [number, number][] = points.map(([x, y]) => [x + random.range(-200, 200), y + random.range(-200, 200)]);
    const sources = emptyAreaSources();
    sources.buildings = { ids: points.map((_, i) => String(i)), lon: column(points, 0), lat: column(points, 1) };
    sources.pipes = {
      ids: points.map((_, i) => String(i)),
      categories: points.map(() => 'JS'),
      fromLon: column(points, 0),
      fromLat: column(points, 1),
      toLon: column(ends, 0),
      toLat: column(ends, 1),
    };
    const index = new AreaIndex(sources);
    for (let trial = 0; trial < 5; trial++) {
      // A star: vertices at increasing angles, random radii (never crosses itself).
      const n = 12;
      const ring: LonLat[] = Array.from({ length: n }, (_, k) => {
        const angle = (2 * Math.PI * k) / n;
        const radius = random.range(150, 800);
        return at(radius * Math.cos(angle), radius * Math.sin(angle));
      });
      const impact = areaImpact(index, { kind: 'polygon', ring });
      const shape = polygon([[...ring, ring[0]!]]);
      const expectedBuildings = points.flatMap(([x, y], i) => (booleanPointInPolygon(point(at(x, y)), shape) ? [String(i)] : []));
      const expectedPipes = points.flatMap(([x, y], i) => (booleanIntersects(lineString([at(x, y), at(...ends[i]!)]), shape) ? [String(i)] : []));
      expect(impact.buildings.ids).toEqual(expectedBuildings);
      expect(impact.pipes.ids).toEqual(expectedPipes);
      expect(expectedBuildings.length).toBeGreaterThan(50);
    }
  });
});

describe('area sources from the documents', () => {
  it('reads the search index, network.json, the live state and the POI GeoJSON into columns', () => {
    const searchIndex = {
      format: 'cim-twin-search-index',
      version: 1,
      featureClass: 'building',
      count: 1,
      ids: ['NK1'],
      names: [''],
      addresses: [''],
      lon: [117.1],
      lat: [39.1],
      height: [10],
    } satisfies SearchIndexDocument;
    expect(buildingsFromSearchIndex(searchIndex).ids).toEqual(['NK1']);
    expect(() => buildingsFromSearchIndex({ ...searchIndex, count: 2 })).toThrow(/count/);
    const network = {
      nodes: { id: ['a', 'b'], lon: [117.1, 117.2], lat: [39.1, 39.2], category: ['JS', 'JS'], feature: [null, null], kind: [null, null] },
      edges: { id: ['e1'], from: [0], to: [1], length: [10], diameter: [300], category: ['JS'], type: ['pipe'] },
    } as unknown as NetworkDocument;
    const pipes = pipesFromNetwork(network);
    expect([pipes.fromLon[0], pipes.toLat[0]]).toEqual([117.1, 39.2]);
    expect(() => pipesFromNetwork({ ...network, edges: { ...network.edges, to: [5] } })).toThrow(/node that does not exist/);
    const live = {
      serverTime: 0,
      types: [{ id: 'waterlogging' }],
      count: 1,
      ids: [42],
      names: ['x'],
      type: [0],
      lon: [117.1],
      lat: [39.1],
      time: [null],
      result: [null],
    } as unknown as LiveStateDocument;
    expect(sensorsFromLiveState(live)).toMatchObject({ ids: [42], types: ['waterlogging'] });
    const pois = poisFromGeoJson({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { id: 'P1', kind: 'parking_lot', capacity: 50 }, geometry: { type: 'Point', coordinates: [117.1, 39.1] } },
        { type: 'Feature', properties: { id: 'L' }, geometry: { type: 'LineString', coordinates: [] } },
      ],
    });
    expect(pois.ids).toEqual(['P1']);
    expect([...pois.capacity]).toEqual([50]);
    expect(() => poisFromGeoJson({})).toThrow(/FeatureCollection/);
  });
});
