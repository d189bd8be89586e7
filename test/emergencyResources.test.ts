import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSensorCatalog } from '../server/live/SensorCatalog.js';
import { demoPaths, prepareDemo } from '../server/prepareDemo.js';
import { WorkerHost, type WorkerEndpoint } from '../viewer/src/platform/WorkerHost.js';
import type { LonLat } from '../workers/formats/incident.js';
import { serveWorkerRequests } from '../workers/protocol/serveWorkerRequests.js';
import type { WorkerHandlers } from '../workers/protocol/WorkerRequests.js';
import { buildRoadGraph } from '../workers/routing/buildRoadGraph.js';
import { rankResources, routeOf, snapResources, type SnappedResources } from '../workers/routing/rankResources.js';
import { roadGraphDocument, roadGraphFromDocument } from '../workers/routing/roadGraphDocument.js';
import { roadLinesFromGeoJson } from '../workers/routing/RoadLines.js';
import { roadRequestHandlers } from '../workers/routing/roadRequests.js';
import { RoadRouter } from '../workers/routing/RoadRouter.js';
import { resourcePointsFromPoiGeoJson, type ResourcePoints } from '../workers/routing/resourcePoints.js';
import { areaRequestHandlers } from '../workers/spatial/areaRequests.js';
import type { AreaSources } from '../workers/spatial/AreaSources.js';
import { buildingsFromSearchIndex, pipesFromNetwork, poisFromGeoJson } from '../workers/spatial/areaSourcesFromDocuments.js';

const root = join(import.meta.dirname, '..');
const paths = demoPaths(root);
/** 天津广播电视塔 (seeds/generated/nankai-landmarks.geojson), building NK000001. */
const TV_TOWER: LonLat = [117.1735, 39.0828];
let graphFile: Buffer;
let router: RoadRouter;
let poiCollection: unknown;
let resourcePoints: ResourcePoints;
let resources: SnappedResources;
let host: WorkerHost;

/** The analysis worker's road and area requests on a MessagePort: the real protocol (clone and transfer), in this thread. */
function analysisOnPort(): WorkerEndpoint {
  const { port1, port2 } = new MessageChannel();
  serveWorkerRequests<'analysis'>(
    { ...roadRequestHandlers(), ...areaRequestHandlers() } as unknown as WorkerHandlers<'analysis'>,
    port2 as unknown as WorkerEndpoint,
  );
  return port1 as unknown as WorkerEndpoint;
}

beforeAll(async () => {
  await prepareDemo(paths, () => undefined);
  graphFile = readFileSync(join(paths.groundDir, 'nankai-road-graph.json'));
  router = new RoadRouter(roadGraphFromDocument(new Uint8Array(graphFile)));
  poiCollection = JSON.parse(readFileSync(join(paths.groundDir, 'nankai-poi.geojson'), 'utf8'));
  resourcePoints = resourcePointsFromPoiGeoJson(poiCollection);
  resources = snapResources(router, resourcePoints);
  host = new WorkerHost({ analysis: analysisOnPort });
});

afterAll(() => host?.destroy());

describe('the seed district road graph', () => {
  it('is the streets noded as the builder does, one main component and a few short stubs at the edge', () => {
    const roads = JSON.parse(readFileSync(join(paths.groundDir, 'nankai-roads.geojson'), 'utf8'));
    const rebuilt = `${JSON.stringify(roadGraphDocument(buildRoadGraph(roadLinesFromGeoJson(roads).lines, { snapMetres: 2 }).parts, 2))}\n`;
    expect(graphFile.toString('utf8')).toBe(rebuilt);
    const { sizes } = router.components;
    const nodes = router.graph.nodeCount;
    expect(nodes).toBeGreaterThan(500);
    expect(sizes[0]! / nodes).toBeGreaterThan(0.99);
    // The rest: street runs cut off by the district outline that cross nothing inside it.
    for (const size of sizes.slice(1)) expect(size).toBeLessThanOrEqual(5);
  });

  it('snaps every point of interest within 150 m of a road, and every station within 80 m', () => {
    const pois = poisFromGeoJson(poiCollection);
    expect(pois.ids.length).toBeGreaterThan(1000);
    const far = pois.ids.filter((_, i) => router.snap(pois.lon[i]!, pois.lat[i]!).offRoadMetres > 150);
    expect(far).toEqual([]);
    expect(resourcePoints.ids.length).toBeGreaterThanOrEqual(11);
    for (const s of resources.snapped) expect(s.offRoadMetres).toBeLessThan(80);
  });
});

describe('resources for an incident at the TV tower', () => {
  it('ranks the fire stations the same way every time, in the worker as in the kernel, and each time matches the trip back', async () => {
    const direct = rankResources(router, TV_TOWER, resources, 3, { kinds: ['fire'] });
    expect(direct.names).toEqual(['长虹消防救援站', '王顶堤消防救援站', '南开消防救援站']);
    // The request's buffers move to the worker: send copies of the columns kept here.
    const sent = { ...resourcePoints, lon: resourcePoints.lon.slice(), lat: resourcePoints.lat.slice() };
    const loaded = await host.request('analysis.loadRoads', { graph: new Uint8Array(graphFile).buffer, resources: sent });
    expect(sent.lon.byteLength).toBe(0);
    expect(loaded.nodes).toBe(router.graph.nodeCount);
    for (let run = 0; run < 2; run++) {
      const ranked = await host.request('analysis.rankResources', { incident: TV_TOWER, k: 3, kinds: ['fire'] });
      expect(ranked.ids).toEqual(direct.ids);
      expect([...ranked.travelSeconds]).toEqual([...direct.travelSeconds]);
      expect(ranked.routeLonLat).toBeInstanceOf(Float64Array);
    }
    // Every seed street is two-way: the trip from the tower to each station takes as long.
    direct.resource.forEach((r, i) => {
      const back = rankResources(
        router,
        [resourcePoints.lon[r]!, resourcePoints.lat[r]!],
        snapResources(router, { ids: ['tower'], kinds: ['fire'], names: [''], lon: Float64Array.of(TV_TOWER[0]), lat: Float64Array.of(TV_TOWER[1]) }),
        1,
      );
      expect(back.travelSeconds[0]).toBeCloseTo(direct.travelSeconds[i]!, 6);
    });
  });

  it('draws each route as a continuous polyline on the roads from the station to the incident', () => {
    const ranked = rankResources(router, TV_TOWER, resources, 2, { perKind: true });
    expect(new Set(ranked.kinds)).toEqual(new Set(['fire', 'medical', 'police']));
    const { plane } = router.snapper;
    const { graph } = router;
    let longestSegment = 0;
    for (let e = 0; e < graph.edgeFrom.length; e++)
      for (let v = graph.geometryStart[e]!; v + 1 < graph.geometryStart[e + 1]!; v++)
        longestSegment = Math.max(
          longestSegment,
          Math.hypot(plane.x(graph.geometryLon[v + 1]!) - plane.x(graph.geometryLon[v]!), plane.y(graph.geometryLat[v + 1]!) - plane.y(graph.geometryLat[v]!)),
        );
    ranked.resource.forEach((r, i) => {
      const route = routeOf(ranked, i);
      expect(route[0]).toEqual([resourcePoints.lon[r], resourcePoints.lat[r]]);
      expect(route.at(-1)).toEqual(TV_TOWER);
      // Between the two off-road legs, every point is on a road and no step jumps further than a road segment.
      for (let p = 1; p < route.length - 1; p++) expect(router.snapper.snap(route[p]![0], route[p]![1])!.offRoadMetres).toBeLessThan(0.01);
      for (let p = 2; p < route.length - 1; p++) {
        const step = Math.hypot(plane.x(route[p]![0]) - plane.x(route[p - 1]![0]), plane.y(route[p]![1]) - plane.y(route[p - 1]![1]));
        expect(step).toBeLessThanOrEqual(longestSegment + 1e-6);
      }
      const straight = Math.hypot(plane.x(route[0]![0]) - plane.x(TV_TOWER[0]), plane.y(route[0]![1]) - plane.y(TV_TOWER[1]));
      expect(ranked.routeMetres[i]).toBeGreaterThanOrEqual(straight);
      // No faster than the arterial speed (50 km/h) over the whole route.
      expect(ranked.travelSeconds[i]).toBeGreaterThanOrEqual(ranked.routeMetres[i]! / (50 / 3.6) - 1e-6);
    });
  });
});

describe('area impact on the seed district', () => {
  let sources: AreaSources;
  beforeAll(async () => {
    const sensors = loadSensorCatalog(join(paths.groundDir, 'nankai-sensor-sites.geojson'));
    sources = {
      buildings: buildingsFromSearchIndex(JSON.parse(readFileSync(join(paths.tilesDir, 'buildings/search-index.json'), 'utf8'))),
      pois: poisFromGeoJson(poiCollection),
      sensors: {
        ids: sensors.map((s) => s.id),
        types: sensors.map((s) => s.type.id),
        lon: Float64Array.from(sensors, (s) => s.lon),
        lat: Float64Array.from(sensors, (s) => s.lat),
      },
      pipes: pipesFromNetwork(JSON.parse(readFileSync(join(paths.tilesDir, 'pipes/network.json'), 'utf8'))),
    };
    const counts = {
      buildings: sources.buildings.ids.length,
      pois: sources.pois.ids.length,
      sensors: sources.sensors.ids.length,
      pipes: sources.pipes.ids.length,
    };
    const loaded = await host.request('analysis.loadAreaSources', sources);
    expect(loaded).toMatchObject(counts);
  });

  it('a 500 m circle around the TV tower holds its building, and what it holds lies within 500 m', async () => {
    const impact = await host.request('analysis.areaImpact', { footprint: { kind: 'circle', centre: TV_TOWER, radiusMetres: 500 } });
    expect(impact.buildings.ids).toContain('NK000001');
    expect(impact.buildings.index).toBeInstanceOf(Uint32Array);
    expect(impact.pipes.ids.length).toBeGreaterThan(10);
    const smaller = await host.request('analysis.areaImpact', { footprint: { kind: 'point', at: TV_TOWER }, pointRadiusMetres: 100 });
    expect(smaller.buildings.ids).toContain('NK000001');
    expect(smaller.buildings.ids.length).toBeLessThan(impact.buildings.ids.length);
    for (const id of smaller.pipes.ids) expect(impact.pipes.ids).toContain(id);
  });

  it('the district outline holds every building, point of interest and sensor', async () => {
    const outline = (
      JSON.parse(readFileSync(join(paths.groundDir, 'nankai-boundary.geojson'), 'utf8')) as { features: { geometry: { coordinates: LonLat[][] } }[] }
    ).features[0]!.geometry.coordinates[0]!;
    const impact = await host.request('analysis.areaImpact', { footprint: { kind: 'polygon', ring: outline } });
    expect(impact.buildings.ids.length).toBe(21322);
    expect(impact.pois.ids.length + impact.parking.ids.length).toBe(poisFromGeoJson(poiCollection).ids.length);
    expect(impact.parking.spaces).toBeGreaterThan(1000);
    expect(impact.sensors.ids.length).toBeGreaterThan(1000);
    expect(impact.pipes.ids.length).toBeGreaterThan(50000);
    await expect(host.request('analysis.areaImpact', { footprint: { kind: 'polygon', ring: [TV_TOWER, TV_TOWER] } })).rejects.toThrow(/at least 3/);
  });
});
