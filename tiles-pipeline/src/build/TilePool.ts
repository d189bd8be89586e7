import { Worker } from 'node:worker_threads';
import { runTileTask } from './runTileTask.js';
import type { TileTask, TileTaskResult } from './TileTask.js';

/**
 * Runs tile tasks on `jobs` worker threads (or in this thread for jobs = 1). Results come back
 * keyed by tile path; order of completion does not matter for the output, so the tileset is
 * byte-identical whatever --jobs.
 */
export class TilePool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: { task: TileTask; resolve: (r: TileTaskResult) => void; reject: (e: Error) => void }[] = [];

  constructor(readonly jobs: number) {
    if (jobs <= 1) return;
    for (let i = 0; i < jobs; i++) {
      // A tile is bounded (≤ 250k vertices); a tight heap makes V8 collect early instead of
      // growing each worker's heap towards its default limit.
      const worker = new Worker(new URL('./tileWorker.mjs', import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: 256 } });
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  run(task: TileTask): Promise<TileTaskResult> {
    if (this.workers.length === 0) return runTileTask(task);
    return new Promise((resolve, reject) => {
      this.queue.push({ task, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const job = this.queue.shift()!;
      const onMessage = (message: { ok: boolean; result?: TileTaskResult; error?: string }): void => {
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
