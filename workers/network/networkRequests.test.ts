import { MessageChannel } from 'node:worker_threads';
import { transfer, wrap, type Endpoint } from 'comlink';
import { describe, expect, it } from 'vitest';
import { serveWorkerRequests, type WorkerEntry } from '../protocol/serveWorkerRequests.js';
import { withTransferables } from '../protocol/transferablesOf.js';
import type { RequestOf, ResponseOf, WorkerHandlers, WorkerRequestType } from '../protocol/WorkerRequests.js';
import { burstImpact } from './burstImpact.js';
import { networkRequestHandlers } from './networkRequests.js';
import { prepareSupplyNetwork } from './prepareSupplyNetwork.js';
import { handMadeSupplyNetwork } from './supplyNetworkFixtures.js';

/** The burst-impact requests served on a MessagePort as the analysis worker serves them, and a typed caller. */
function analysisOnPort(): <K extends WorkerRequestType>(type: K, payload: RequestOf<K>) => Promise<ResponseOf<K>> {
  const { port1, port2 } = new MessageChannel();
  serveWorkerRequests<'analysis'>(networkRequestHandlers() as unknown as WorkerHandlers<'analysis'>, port2 as unknown as Endpoint);
  const remote = wrap<WorkerEntry>(port1 as unknown as Endpoint);
  return async (type, payload) => (await remote.handle(type, withTransferables(payload, transfer))) as ResponseOf<typeof type>;
}

describe('analysis.loadNetwork / burstImpact / criticality', () => {
  it('keeps a network under a handle and answers bursts as the kernel does, buffers moved both ways', async () => {
    const request = analysisOnPort();
    const sent = handMadeSupplyNetwork();
    const loaded = await request('analysis.loadNetwork', sent);
    expect(loaded).toMatchObject({ handle: 1, nodes: 13, edges: 13, sources: 1, services: 6, facilities: 3, sensors: 4 });
    expect(sent.graph.edgeFrom.byteLength).toBe(0); // moved into the worker, not copied
    const expected = burstImpact(prepareSupplyNetwork(handMadeSupplyNetwork()), 2);
    for (let i = 0; i < 3; i++) expect(await request('analysis.burstImpact', { handle: loaded.handle, burstEdge: 2 })).toEqual(expected);
  });

  it('ranks every pipe once per network, and copies the answer out so it can be asked again', async () => {
    const request = analysisOnPort();
    const { handle } = await request('analysis.loadNetwork', handMadeSupplyNetwork());
    const first = await request('analysis.criticality', { handle });
    const second = await request('analysis.criticality', { handle });
    expect(second).toEqual(first);
    expect(Array.from(first.rankedEdges.slice(0, 2))).toEqual([0, 10]);
  });

  it('says which handle is unknown, and forgets a released network', async () => {
    const request = analysisOnPort();
    const { handle } = await request('analysis.loadNetwork', handMadeSupplyNetwork());
    expect(await request('analysis.releaseNetwork', { handle })).toBe(true);
    await expect(request('analysis.burstImpact', { handle, burstEdge: 2 })).rejects.toThrow(`no network loaded under handle ${handle}`);
    const bad = handMadeSupplyNetwork();
    bad.services.edge = new Int32Array(2);
    await expect(request('analysis.loadNetwork', bad)).rejects.toThrow('services.edge: 2 rows, expected 6');
  });
});
