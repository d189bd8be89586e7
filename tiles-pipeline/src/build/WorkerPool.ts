import { Worker } from 'node:worker_threads';

/** A task function a pool can run: plain data in (structured-clonable), plain data out. */
export interface PoolTask<Task, Result> {
  /** The module (file URL) exporting the function, for the worker threads. */
  module: URL;
  exportName: string;
  /** The same function, for running in this thread (jobs = 1). */
  run: (task: Task) => Promise<Result>;
  /** Buffers a task hands over to its worker instead of having them copied. */
  transfer?: (task: Task) => ArrayBuffer[];
}

export interface PoolOptions {
  /**
   * 'idle' (default): a task goes to a worker once one is free, so at most `jobs` tasks are in
   * flight (large tasks, bounded memory). 'eager': every task is posted at once to the worker
   * with the least work queued (by weight), so the workers keep going while this thread is
   * busy with something else; for small, packed tasks.
   */
  dispatch?: 'idle' | 'eager';
}

interface WorkerState {
  worker: Worker;
  inFlight: number;
  weight: number;
}

interface Job<Task, Result> {
  task: Task;
  weight: number;
  resolve: (r: Result) => void;
  reject: (e: Error) => void;
}

/**
 * Runs tasks on `jobs` worker threads (or in this thread for jobs = 1). Callers key results by
 * their own ids; completion order does not matter for the output, so tilesets are
 * byte-identical whatever --jobs.
 */
export class WorkerPool<Task, Result> {
  private readonly workers: WorkerState[] = [];
  private readonly queue: Job<Task, Result>[] = [];
  private readonly running = new Map<number, Job<Task, Result> & { state: WorkerState }>();
  private nextId = 0;

  constructor(
    readonly jobs: number,
    private readonly taskFunction: PoolTask<Task, Result>,
    private readonly options: PoolOptions = {},
  ) {
    if (jobs <= 1) return;
    for (let i = 0; i < jobs; i++) {
      // A tile is bounded (≤ 250k vertices); a tight heap makes V8 collect early instead of
      // growing each worker's heap towards its default limit.
      const worker = new Worker(new URL('./taskWorker.mjs', import.meta.url), {
        workerData: { module: taskFunction.module.href, exportName: taskFunction.exportName },
        resourceLimits: { maxOldGenerationSizeMb: 256 },
        execArgv: [],
      });
      const state: WorkerState = { worker, inFlight: 0, weight: 0 };
      worker.on('message', (message: { id: number; ok: boolean; result?: Result; error?: string }) => this.settle(message));
      worker.on('error', (error: Error) => this.fail(state, error));
      this.workers.push(state);
    }
  }

  /** `weight`: the task's expected cost, for spreading eager tasks evenly (default 1). */
  run(task: Task, weight = 1): Promise<Result> {
    if (this.jobs <= 1) return this.taskFunction.run(task);
    if (this.workers.length === 0) return Promise.reject(new Error('every worker thread of the pool has died'));
    return new Promise((resolve, reject) => {
      this.queue.push({ task, weight, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const state = this.options.dispatch === 'eager' ? this.leastLoaded() : this.workers.find((w) => w.inFlight === 0);
      if (!state) return;
      const job = this.queue.shift()!;
      const id = this.nextId++;
      this.running.set(id, { ...job, state });
      state.inFlight++;
      state.weight += job.weight;
      state.worker.postMessage({ id, task: job.task }, this.taskFunction.transfer?.(job.task) ?? []);
    }
  }

  private leastLoaded(): WorkerState {
    return this.workers.reduce((best, w) => (w.weight < best.weight ? w : best));
  }

  private settle(message: { id: number; ok: boolean; result?: Result; error?: string }): void {
    const job = this.running.get(message.id);
    if (!job) return;
    this.running.delete(message.id);
    job.state.inFlight--;
    job.state.weight -= job.weight;
    if (message.ok) job.resolve(message.result!);
    else job.reject(new Error(message.error));
    this.pump();
  }

  /** A worker that died fails every task it held and leaves the pool; with none left, the queue fails too. */
  private fail(state: WorkerState, error: Error): void {
    for (const [id, job] of this.running) {
      if (job.state !== state) continue;
      this.running.delete(id);
      job.reject(error);
    }
    this.workers.splice(this.workers.indexOf(state), 1);
    if (this.workers.length === 0) for (const job of this.queue.splice(0)) job.reject(error);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
