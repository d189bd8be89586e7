import { releaseProxy, transfer, wrap, type Endpoint, type Remote } from 'comlink';
import type { WorkerEntry } from '../../../workers/protocol/serveWorkerRequests.js';
import { withTransferables } from '../../../workers/protocol/transferablesOf.js';
import { type RequestOf, type ResponseOf, type WorkerName, workerNameOf, type WorkerRequestType } from '../../../workers/protocol/WorkerRequests.js';

/** A started worker, or anything that speaks to one (a MessagePort in tests). */
export type WorkerEndpoint = Endpoint & { terminate?(): void; close?(): void };

interface Running {
  endpoint: WorkerEndpoint;
  remote: Remote<WorkerEntry>;
  inFlight: number;
  queue: (() => void)[];
  /** Rejects a request still running when the worker is stopped. */
  pending: Set<(error: Error) => void>;
}

/**
 * The viewer's Web Workers behind one typed message map (workers/protocol/WorkerRequests.ts):
 * `request(type, payload)` starts the worker that serves the type on first use, puts the
 * payload's buffers on the transfer list, and keeps at most `maxInFlight` requests per worker
 * running (the rest wait their turn: backpressure, as Cesium's `maximumActiveTasks`).
 * `destroy()` terminates every worker it started.
 */
export class WorkerHost {
  private readonly running = new Map<WorkerName, Running>();
  private destroyed = false;

  constructor(
    private readonly spawners: Partial<Record<WorkerName, () => WorkerEndpoint>>,
    private readonly maxInFlight = 4,
  ) {}

  async request<K extends WorkerRequestType>(type: K, payload: RequestOf<K>): Promise<ResponseOf<K>> {
    const worker = this.worker(workerNameOf(type));
    if (worker.inFlight >= this.maxInFlight) await new Promise<void>((resolve) => worker.queue.push(resolve));
    if (this.destroyed) throw new Error('the viewer was destroyed');
    worker.inFlight++;
    let reject: ((error: Error) => void) | undefined;
    try {
      // A request still running when the worker stops is refused, so nobody waits (and is kept
      // alive) for an answer that will never come.
      const stopped = new Promise<never>((_, rejectStopped) => worker.pending.add((reject = rejectStopped)));
      return (await Promise.race([worker.remote.handle(type, withTransferables(payload, transfer)), stopped])) as ResponseOf<K>;
    } finally {
      if (reject) worker.pending.delete(reject);
      worker.inFlight--;
      worker.queue.shift()?.();
    }
  }

  /** Requests running or waiting, per worker (the page API's stats show them). */
  load(): Record<string, { inFlight: number; waiting: number }> {
    return Object.fromEntries([...this.running].map(([name, w]) => [name, { inFlight: w.inFlight, waiting: w.queue.length }]));
  }

  /** Stops one worker (it starts again on its next request). */
  stop(name: WorkerName): void {
    const worker = this.running.get(name);
    if (!worker) return;
    this.running.delete(name);
    // comlink keeps the endpoint in a FinalizationRegistry and answers in a map held by the
    // endpoint's listener: releasing the proxy drops both, or a request in flight would keep
    // its caller (a whole scene) alive in a cycle through that registry.
    worker.remote[releaseProxy]();
    worker.endpoint.terminate?.();
    worker.endpoint.close?.();
    for (const rejectRequest of [...worker.pending]) rejectRequest(new Error(`worker "${name}" stopped`));
    for (const resume of worker.queue.splice(0)) resume();
  }

  destroy(): void {
    this.destroyed = true;
    for (const name of [...this.running.keys()]) this.stop(name);
  }

  private worker(name: WorkerName): Running {
    if (this.destroyed) throw new Error('the viewer was destroyed');
    let worker = this.running.get(name);
    if (!worker) {
      const spawn = this.spawners[name];
      if (!spawn) throw new Error(`no worker "${name}" is registered`);
      const endpoint = spawn();
      worker = { endpoint, remote: wrap<WorkerEntry>(endpoint), inFlight: 0, queue: [], pending: new Set() };
      this.running.set(name, worker);
    }
    return worker;
  }
}
