import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoPaths, prepareDemo } from '../server/prepareDemo.js';
import { isolateBurst } from '../workers/network/isolateBurst.js';
import { type NetworkDocument, networkGraphFromDocument } from '../workers/network/networkGraphFromDocument.js';
import type { PipeBuildReport } from '../tiles-pipeline/src/pipes/buildPipes.js';
import type { SearchIndexDocument } from '../workers/formats/searchIndex.js';
import { burstImpact } from '../workers/network/burstImpact.js';
import { burstImpactReport } from '../workers/network/burstImpactReport.js';
import { criticality } from '../workers/network/criticality.js';
import { prepareSupplyNetwork } from '../workers/network/prepareSupplyNetwork.js';
import { supplyNetworkFromDocument } from '../workers/network/supplyNetworkFromDocument.js';

const root = join(import.meta.dirname, '..');
let doc: NetworkDocument;
let report: PipeBuildReport;
let buildingIds: Set<string>;
let sensorSites: { id: string; feature: string | null }[];

beforeAll(async () => {
  const paths = demoPaths(root);
  await prepareDemo(paths, () => undefined);
  doc = JSON.parse(readFileSync(join(paths.tilesDir, 'pipes/network.json'), 'utf8')) as NetworkDocument;
  report = JSON.parse(readFileSync(join(paths.tilesDir, 'pipes/build-report.json'), 'utf8')) as PipeBuildReport;
  buildingIds = new Set((JSON.parse(readFileSync(join(paths.tilesDir, 'buildings/search-index.json'), 'utf8')) as SearchIndexDocument).ids);
  const sites = JSON.parse(readFileSync(join(paths.groundDir, 'nankai-sensor-sites.geojson'), 'utf8')) as {
    features: { properties: { id: string; feature?: string } }[];
  };
  sensorSites = sites.features.map((f) => ({ id: f.properties.id, feature: f.properties.feature ?? null }));
});

describe('network.json supports analyses without a server (seed water network)', () => {
  it('a burst water main is isolated by a few valves, and the cut-off part is small', () => {
    const { graph, edgeIds } = networkGraphFromDocument(doc, 'JS');
    expect(edgeIds.length).toBeGreaterThan(1000);
    // A main in the middle of the list: an ordinary street segment.
    const burst = Math.floor(edgeIds.length / 2);
    const result = isolateBurst(graph, burst);
    expect(result.unbounded).toBe(false);
    expect(result.valveNodes.length).toBeGreaterThanOrEqual(1);
    expect(result.valveNodes.length).toBeLessThanOrEqual(12);
    expect(result.isolatedEdges.length).toBeLessThan(edgeIds.length / 50);
    for (const node of result.valveNodes) expect(doc.valves.some((v) => v.node === node)).toBe(true);
  });

  it('every valve bounding the cut sits on the isolated part', () => {
    const { graph } = networkGraphFromDocument(doc, 'JS');
    const result = isolateBurst(graph, 10);
    const touched = new Set<number>();
    for (const e of result.isolatedEdges) touched.add(graph.edgeFrom[e]!).add(graph.edgeTo[e]!);
    for (const node of result.valveNodes) expect(touched.has(node)).toBe(true);
  });
});

describe('burst impact on the seed water network (service connections from the seeds)', () => {
  it('connects every building of the buildings tileset, by its tile id: from the survey, the unrecorded ones inferred', () => {
    const services = doc.services!;
    expect(services.building.length).toBeGreaterThan(20_000);
    for (const id of services.building) expect(buildingIds.has(id)).toBe(true);
    expect(report.services!.fromTable).toBeGreaterThan(20_000);
    expect(report.services!.inferred).toBeGreaterThan(400); // every 40th building's point was not recorded
    expect(report.services!.fromTable + report.services!.inferred + report.services!.unserved).toBe(buildingIds.size);
    expect(doc.facilities!.kind).toEqual(expect.arrayContaining(['hospital', 'school', 'care_home']));
  });

  it('a burst on a real main: valves to close, buildings that lose water, a sensor or not — all by their tile ids', () => {
    const { network, ids } = supplyNetworkFromDocument(doc, { sensors: sensorSites });
    expect(network.sourceNodes.length).toBe(5); // the water works and the four district inlets (水源)
    const prepared = prepareSupplyNetwork(network);
    // A main in the middle of the list: an ordinary street segment.
    const burst = Math.floor(ids.edgeIds.length / 2);
    const result = burstImpactReport(burstImpact(prepared, burst), ids);
    expect(result.unbounded).toBe(false);
    expect(result.valvesToClose.length).toBeGreaterThanOrEqual(1);
    for (const valve of result.valvesToClose) expect(doc.valves.some((v) => v.id === valve)).toBe(true);
    expect(result.isolatedEdges).toContain(ids.edgeIds[burst]);
    expect(result.buildings.length).toBeGreaterThan(0);
    for (const building of result.buildings) expect(buildingIds.has(building)).toBe(true);
  });

  it('a pipe upstream of a hospital cuts the hospital off, and criticality ranks the pipes whose burst does first', () => {
    const { network, ids } = supplyNetworkFromDocument(doc);
    const prepared = prepareSupplyNetwork(network);
    const hospital = ids.facilities.findIndex((f) => f.kind === 'hospital' && f.building !== null);
    expect(hospital).toBeGreaterThanOrEqual(0);
    // The main feeding the hospital's building: a pipe at the node its service connects to.
    const row = ids.buildingIds.indexOf(ids.facilities[hospital]!.building!);
    const tapped = network.services.edge[row]!;
    const node = network.services.node[row]!;
    const { graph } = network;
    if (tapped < 0) expect(graph.valveNodes[node]).toBe(0); // the survey never connects at a valve: any pipe at the node feeds it
    const pipe = tapped >= 0 ? tapped : graph.adjacencyEdges[graph.adjacencyStart[node]!]!;
    const result = burstImpactReport(burstImpact(prepared, pipe), ids);
    expect(result.criticalFacilities.map((f) => f.id)).toContain(ids.facilities[hospital]!.id);
    expect(result.buildings).toContain(ids.facilities[hospital]!.building);

    const ranked = criticality(prepared);
    const first = ranked.rankedEdges[0]!;
    expect(ranked.segmentFacilities[ranked.segmentOfEdge[first]!]).toBeGreaterThanOrEqual(1);
    // The ranking's first answer is what a burst there does.
    expect(burstImpact(prepared, first).facilities.length).toBe(ranked.segmentFacilities[ranked.segmentOfEdge[first]!]);
  });
});
