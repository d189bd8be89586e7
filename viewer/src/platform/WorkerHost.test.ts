import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { isolateBurst } from '../../../workers/network/isolateBurst.js';
import { networkGraph } from '../../../workers/network/NetworkGraph.js';
import { serveWorkerRequests } from '../../../workers/protocol/serveWorkerRequests.js';
import type { WorkerHandlers } from '../../../workers/protocol/WorkerRequests.js';
import { WorkerHost, type WorkerEndpoint } from './WorkerHost.js';

/** A chain 0 — 1(valve) — 2 — 3(valve) — 4 of water pipes. */
const graph = () => networkGraph(5, Uint32Array.from([0, 1, 2, 3]), Uint32Array.from([1, 2, 3, 4]), Uint8Array.from([0, 1, 0, 1, 0]), new Uint8Array(4));

/** An analysis "worker" on a MessagePort, counting how many requests run at once. */
function analysisOnPort(): { endpoint: WorkerEndpoint; peak: () => number } {
  const { port1, port2 } = new MessageChannel();
  let running = 0;
  let peak = 0;
  serveWorkerRequests<'analysis'>(
    {
      'analysis.isolateBurst': async ({ graph, burstEdge }) => {
        peak = Math.max(peak, ++running);
        await new Promise((resolve) => setTimeout(resolve, 20));
        running--;
        return isolateBurst(graph, burstEdge);
      },
      // Only the request this test makes: the analysis worker serves more.
    } as WorkerHandlers<'analysis'>,
    port2 as unknown as WorkerEndpoint,
  );
  return { endpoint: port1 as unknown as WorkerEndpoint, peak: () => peak };
}

describe('worker host', () => {
  it('answers a typed request as the kernel would, moving the buffers instead of copying them', async () => {
    const worker = analysisOnPort();
    const host = new WorkerHost({ analysis: () => worker.endpoint });
    const sent = graph();
    const result = await host.request('analysis.isolateBurst', { graph: sent, burstEdge: 1 });
    expect(result).toEqual(isolateBurst(graph(), 1));
    expect(result.valveNodes).toBeInstanceOf(Uint32Array);
    // Transferred: the sender's arrays are detached.
    expect(sent.edgeFrom.byteLength).toBe(0);
    host.destroy();
  });

  it('keeps at most maxInFlight requests running per worker; the rest wait their turn', async () => {
    const worker = analysisOnPort();
    const host = new WorkerHost({ analysis: () => worker.endpoint }, 2);
    const results = await Promise.all([0, 1, 2, 3, 0, 1].map((edge) => host.request('analysis.isolateBurst', { graph: graph(), burstEdge: edge })));
    expect(results).toHaveLength(6);
    expect(worker.peak()).toBe(2);
    expect(host.load()['analysis']).toEqual({ inFlight: 0, waiting: 0 });
    host.destroy();
  });

  it('refuses requests once destroyed, and names a worker that is not registered', async () => {
    const host = new WorkerHost({});
    await expect(host.request('analysis.isolateBurst', { graph: graph(), burstEdge: 0 })).rejects.toThrow('no worker "analysis"');
    host.destroy();
    await expect(host.request('analysis.isolateBurst', { graph: graph(), burstEdge: 0 })).rejects.toThrow('destroyed');
  });
});

describe('worker host: stopping', () => {
  it('refuses the requests still running when a worker stops, so their callers are not left waiting', async () => {
    const { port1, port2 } = new MessageChannel();
    serveWorkerRequests<'analysis'>(
      { 'analysis.isolateBurst': () => new Promise<never>(() => undefined) } as Partial<WorkerHandlers<'analysis'>> as WorkerHandlers<'analysis'>, // never answers
      port2 as unknown as WorkerEndpoint,
    );
    const host = new WorkerHost({ analysis: () => port1 as unknown as WorkerEndpoint });
    const request = host.request('analysis.isolateBurst', { graph: graph(), burstEdge: 0 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    host.stop('analysis');
    await expect(request).rejects.toThrow('worker "analysis" stopped');
    host.destroy();
  });
});
