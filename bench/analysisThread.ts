import { Worker } from 'node:worker_threads';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { WorkerHost, type WorkerEndpoint } from '../viewer/src/platform/WorkerHost.js';

/**
 * The viewer's analysis worker in a Node worker_thread behind the viewer's own WorkerHost: the
 * same requests, structured clone and transfers as in a browser, on a real second thread.
 * `ready()` answers once the thread has compiled and loaded the worker's modules (a request
 * that needs no data), so the benchmarks time requests, not start-up.
 */
export function analysisWorkerThread(): { host: WorkerHost; ready(): Promise<number>; stop(): Promise<void> } {
  const thread = new Worker(new URL('./analysisThreadEntry.mjs', import.meta.url));
  const endpoint = nodeEndpoint(thread) as unknown as WorkerEndpoint;
  const host = new WorkerHost({ analysis: () => Object.assign(endpoint, { terminate: () => void thread.terminate() }) });
  return {
    host,
    ready: async () => {
      const started = performance.now();
      await host.request('analysis.releaseNetwork', { handle: 0 });
      return performance.now() - started;
    },
    stop: async () => {
      host.destroy();
      await thread.terminate();
    },
  };
}
