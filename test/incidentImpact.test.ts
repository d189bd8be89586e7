import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImpactAnalyst } from '../layers/incidents/impact/ImpactAnalyst.js';
import { demoPaths, prepareDemo } from '../server/prepareDemo.js';
import { WorkerHost, type WorkerEndpoint } from '../viewer/src/platform/WorkerHost.js';
import type { Incident } from '../workers/formats/incident.js';
import type { NetworkDocument } from '../workers/formats/networkDocument.js';
import type { IncidentImpactSources } from '../workers/formats/viewerConfig.js';
import { burstImpact } from '../workers/network/burstImpact.js';
import { burstImpactReport } from '../workers/network/burstImpactReport.js';
import { networkRequestHandlers } from '../workers/network/networkRequests.js';
import { prepareSupplyNetwork } from '../workers/network/prepareSupplyNetwork.js';
import { supplyNetworkFromDocument } from '../workers/network/supplyNetworkFromDocument.js';
import { serveWorkerRequests } from '../workers/protocol/serveWorkerRequests.js';
import type { WorkerHandlers } from '../workers/protocol/WorkerRequests.js';
import { roadRequestHandlers } from '../workers/routing/roadRequests.js';
import { areaRequestHandlers } from '../workers/spatial/areaRequests.js';

/**
 * The viewer's impact analyst (layers/incidents/impact) on the seed district's files, served
 * over HTTP, with the analysis worker's real handlers behind the worker host on a MessagePort
 * (clone and transfer as in the browser): the same answer as the kernel, and every failure —
 * a source that is missing, a pipe that is not in the network — a note or a sentence, never an
 * unhandled rejection. (EPANET's what-if runs in the browser test: it needs the browser worker.)
 */
const root = join(import.meta.dirname, '..');
const paths = demoPaths(root);
let server: Server;
let baseUrl: string;
let doc: NetworkDocument;
const hosts: WorkerHost[] = [];

function analysisHost(): WorkerHost {
  const host = new WorkerHost({
    analysis: (): WorkerEndpoint => {
      const { port1, port2 } = new MessageChannel();
      serveWorkerRequests<'analysis'>(
        { ...networkRequestHandlers(), ...roadRequestHandlers(), ...areaRequestHandlers() } as unknown as WorkerHandlers<'analysis'>,
        port2 as unknown as WorkerEndpoint,
      );
      return port1 as unknown as WorkerEndpoint;
    },
  });
  hosts.push(host);
  return host;
}

const SOURCES: IncidentImpactSources = {
  network: '/tiles/pipes/network.json',
  buildingsSearchIndex: '/tiles/buildings/search-index.json',
  pois: '/data/nankai-poi.geojson',
  roadGraph: '/data/nankai-road-graph.json',
  sensorSites: '/data/nankai-sensor-sites.geojson',
};

function incidentAt(pipe: string | null, at: [number, number]): Incident {
  return {
    id: `INC-TEST-${pipe ?? 'area'}`,
    footprint: { kind: 'point', at },
    assets: pipe ? [{ kind: 'pipe', id: pipe }] : [],
    source: { kind: 'manual' },
  } as unknown as Incident;
}

beforeAll(async () => {
  await prepareDemo(paths, () => undefined);
  doc = JSON.parse(readFileSync(join(paths.tilesDir, 'pipes/network.json'), 'utf8')) as NetworkDocument;
  // /tiles/ and /data/ as the demo server serves them; anything else 404.
  server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url!, 'http://x').pathname);
    const file = path.startsWith('/tiles/') ? join(paths.tilesDir, path.slice(7)) : path.startsWith('/data/') ? join(paths.groundDir, path.slice(6)) : null;
    let body: Buffer;
    try {
      if (!file || file.includes('..')) throw new Error('not served');
      body = readFileSync(file);
    } catch {
      return void response.writeHead(404).end('{"error":"not found"}');
    }
    response.writeHead(200).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}, 300_000);

afterAll(async () => {
  hosts.forEach((host) => host.destroy());
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

describe('impact of an incident, worked out through the analysis worker', () => {
  it('a burst on a named pipe: the kernel’s answer with ids and places, the footprint, and 3 units of each kind with routes', async () => {
    const { network, ids } = supplyNetworkFromDocument(doc);
    const burst = Math.floor(ids.edgeIds.length / 2); // an ordinary street main, as test/networkAnalysis.test.ts takes
    const expected = burstImpactReport(burstImpact(prepareSupplyNetwork(network), burst), ids);
    const from = doc.edges.from[ids.edgeIndex[burst]!]!;
    const analyst = new ImpactAnalyst(SOURCES, analysisHost(), baseUrl, null);
    const impact = await analyst.impactOf(incidentAt(ids.edgeIds[burst]!, [doc.nodes.lon[from]!, doc.nodes.lat[from]!]));

    expect(impact.notes).toEqual([]);
    expect(impact.pending).toEqual([]);
    expect(impact.pipe).toBe(ids.edgeIds[burst]);
    expect(impact.valvesToClose).toEqual(expected.valvesToClose);
    expect(impact.valvesToClose.length).toBeGreaterThan(0);
    expect(impact.isolatedEdges).toEqual(expected.isolatedEdges);
    expect(impact.buildings).toEqual(expected.buildings);
    // Valves on points stand where the point is.
    for (const valve of impact.valves) {
      const node = doc.nodes.feature.indexOf(valve.id);
      if (node >= 0) expect([valve.lon, valve.lat]).toEqual([doc.nodes.lon[node], doc.nodes.lat[node]]);
    }
    expect(impact.lines.isolated.length).toBe(4 * impact.isolatedEdges.length);
    expect(impact.area!.radiusMetres).toBe(200);
    expect(impact.area!.pipes).toContain(ids.edgeIds[burst]);
    for (const kind of ['fire', 'medical', 'police'] as const) {
      const units = impact.resources.filter((r) => r.kind === kind);
      expect(units.length).toBe(3);
      expect(units.map((u) => u.etaSeconds)).toEqual([...units.map((u) => u.etaSeconds)].sort((a, b) => a - b));
    }
    // Asked again (a note added, same footprint and assets): the same analysis, not a new one.
    expect(await analyst.impactOf(incidentAt(ids.edgeIds[burst]!, [doc.nodes.lon[from]!, doc.nodes.lat[from]!]))).toBe(impact);
  });

  it('a source that cannot be read is a note, and the other parts still answer', async () => {
    const analyst = new ImpactAnalyst({ ...SOURCES, network: '/tiles/pipes/missing-network.json' }, analysisHost(), baseUrl, null);
    const impact = await analyst.impactOf(incidentAt('JSL010800', [117.1555, 39.1125]));
    expect(impact.pipe).toBeNull();
    expect(impact.notes).toContain('burst: the water network (/tiles/pipes/missing-network.json): HTTP 404');
    expect(impact.notes).toContain('area: pipes: the water network (/tiles/pipes/missing-network.json): HTTP 404');
    expect(impact.area!.buildings.length).toBeGreaterThan(0);
    expect(impact.resources.length).toBe(9);
    expect(analyst.sources.status.network).toEqual({ state: 'failed', error: 'the water network (/tiles/pipes/missing-network.json): HTTP 404' });
  });

  it('a burst on a pipe the network does not have is refused with a sentence; an incident naming one gets a note', async () => {
    const analyst = new ImpactAnalyst(SOURCES, analysisHost(), baseUrl, null);
    await expect(analyst.burst('no-such-pipe')).rejects.toThrow('pipe no-such-pipe is not a pipe of the water network');
    const impact = await analyst.impactOf(incidentAt('no-such-pipe', [117.1555, 39.1125]));
    expect(impact.notes).toEqual(['burst: pipe no-such-pipe is not a pipe of the water network']);
  });
});
