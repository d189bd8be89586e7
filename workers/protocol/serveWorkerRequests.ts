import { expose, transfer, type Endpoint } from 'comlink';
import { withTransferables } from './transferablesOf.js';
import type { RequestOf, WorkerHandlers, WorkerName, WorkerRequestType } from './WorkerRequests.js';

/** What the worker exposes: one entry point for every request of the message map. */
export interface WorkerEntry {
  handle(type: WorkerRequestType, payload: unknown): Promise<unknown>;
}

/**
 * The worker side of the host: serves its handlers over an endpoint (the worker's global scope
 * in a browser, a MessagePort in tests), returning results with their buffers transferred. A
 * worker entry file is this one call around its kernels.
 */
export function serveWorkerRequests<N extends WorkerName>(handlers: WorkerHandlers<N>, endpoint?: Endpoint): void {
  const table = handlers as unknown as Record<string, (payload: unknown) => unknown>;
  const entry: WorkerEntry = {
    async handle(type, payload) {
      const handler = table[type];
      if (!handler) throw new Error(`this worker does not serve "${type}"`);
      const result = await handler(payload as RequestOf<WorkerRequestType>);
      return withTransferables(result, transfer);
    },
  };
  expose(entry, endpoint);
}
