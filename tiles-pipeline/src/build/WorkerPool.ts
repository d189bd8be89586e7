import { Worker } from 'node:worker_threads';

/** A task function a pool can run: plain data in (structured-clonable), plain data out. */
export interface PoolTask<Task, Result> {
  /** The module (file URL) exporting the function, for the worker threads. */
  module: URL;
  exportName: string;
  /** The same function, for running in this thread (jobs = 1). */
  run: (task: Task) => Promise<Result>;
}

/**
 * Runs tasks on `jobs` worker threads (or in this thread for jobs = 1). Callers key results by
 * their own ids; completion order does not matter for the output, so tilesets are
 * byte-identical whatever --jobs.
 */
export class WorkerPool<Task, Result> {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: { task: Task; resolve: (r: Result) => void; reject: (e: Error) => void }[] = [];

  constructor(
    readonly jobs: number,
    private readonly taskFunction: PoolTask<Task, Result>,
  ) {
    if (jobs <= 1) return;
    for (let i = 0; i < jobs; i++) {
      // A tile is bounded (≤ 250k vertices); a tight heap makes V8 collect early instead of
      // growing each worker's heap towards its default limit.
      const worker = new Worker(new URL('./taskWorker.mjs', import.meta.url), {
        workerData: { module: taskFunction.module.href, exportName: taskFunction.exportName },
        resourceLimits: { maxOldGenerationSizeMb: 256 },
      });
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  run(task: Task): Promise<Result> {
    if (this.workers.length === 0) return this.taskFunction.run(task);
    return new Promise((resolve, reject) => {
      this.queue.push({ task, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const job = this.queue.shift()!;
      const onMessage = (message: { ok: boolean; result?: Result; error?: string }): void => {
        worker.off('error', onError);
        this.idle.push(worker);
        if (message.ok) job.resolve(message.result!);
        else job.reject(new Error(message.error));
        this.pump();
      };
      const onError = (error: Error): void => {
        worker.off('message', onMessage);
        job.reject(error);
      };
      worker.once('message', onMessage);
      worker.once('error', onError);
      worker.postMessage(job.task);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
