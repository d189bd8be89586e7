import { Worker } from 'node:worker_threads';
import { capJobs } from './capJobs.js';
import { WorkerPoolError } from './WorkerPoolError.js';
import { WorkerTaskError } from './WorkerTaskError.js';

/** Heap limit of each worker thread (MB) unless a run says otherwise (--worker-memory). */
export const DEFAULT_WORKER_MEMORY_MB = 256;

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
  /** Heap limit of each worker thread, MB (default DEFAULT_WORKER_MEMORY_MB). */
  heapLimitMb?: number;
}

interface WorkerState {
  worker: Worker;
  /** Ids of the tasks posted to it, oldest first: the first is the one it is running. */
  posted: number[];
  weight: number;
  /** It has loaded the task module: a death before that is the pool's failure, not a task's. */
  ready: boolean;
  /** Why it died, from its 'error' event (which comes before 'exit'). */
  error?: Error;
}

interface Job<Task, Result> {
  task: Task;
  weight: number;
  /** Makes the task again when the one posted was lost with its worker (its buffers went with it). */
  remake: (() => Task) | undefined;
  resolve: (r: Result) => void;
  reject: (e: Error) => void;
}

type Reply<Result> = { ready: true } | { id: number; ok: true; result: Result } | { id: number; ok: false; error: string };

/**
 * Runs tasks on `jobs` worker threads (at most one per core; in this thread for jobs = 1).
 * Callers key results by their own ids; completion order does not matter for the output, so
 * tilesets are byte-identical whatever --jobs.
 *
 * A task that throws, or whose worker dies while running it (out of its heap limit, exit),
 * rejects with a WorkerTaskError and only that task fails: the worker is replaced and the
 * tasks queued behind it run on. Workers that cannot start at all fail the pool (WorkerPoolError).
 */
export class WorkerPool<Task, Result> {
  readonly jobs: number;
  private readonly workers: WorkerState[] = [];
  private readonly queue: Job<Task, Result>[] = [];
  private readonly running = new Map<number, Job<Task, Result> & { state: WorkerState }>();
  private readonly heapLimitMb: number;
  private nextId = 0;
  private broken: WorkerPoolError | undefined;
  private closing = false;

  constructor(
    jobs: number,
    private readonly taskFunction: PoolTask<Task, Result>,
    private readonly options: PoolOptions = {},
  ) {
    this.jobs = capJobs(jobs).jobs;
    this.heapLimitMb = options.heapLimitMb ?? DEFAULT_WORKER_MEMORY_MB;
    if (this.jobs <= 1) return;
    for (let i = 0; i < this.jobs; i++) this.workers.push(this.startWorker());
  }

  /**
   * `weight`: the task's expected cost, for spreading eager tasks evenly (default 1).
   * `remake`: for a task whose buffers are transferred, makes it again if it is lost with a
   * worker that died running an earlier task (without it, such a task fails too).
   */
  run(task: Task, weight = 1, remake?: () => Task): Promise<Result> {
    if (this.jobs <= 1) {
      return this.taskFunction.run(task).catch((error: unknown) => {
        throw new WorkerTaskError(error instanceof Error ? error.message : String(error));
      });
    }
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      this.queue.push({ task, weight, remake, resolve, reject });
      this.pump();
    });
  }

  private startWorker(): WorkerState {
    // A tile is bounded (≤ 250k vertices); a tight heap makes V8 collect early instead of
    // growing each worker's heap towards its default limit, and caps what one task can take.
    const worker = new Worker(new URL('./taskWorker.mjs', import.meta.url), {
      workerData: { module: this.taskFunction.module.href, exportName: this.taskFunction.exportName },
      resourceLimits: { maxOldGenerationSizeMb: this.heapLimitMb },
      execArgv: [],
    });
    const state: WorkerState = { worker, posted: [], weight: 0, ready: false };
    worker.on('message', (message: Reply<Result>) => {
      if ('ready' in message) state.ready = true;
      else this.settle(state, message);
    });
    worker.on('error', (error: Error) => (state.error = error));
    worker.on('exit', (code: number) => this.died(state, code));
    return state;
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const state = this.options.dispatch === 'eager' ? this.leastLoaded() : this.workers.find((w) => w.posted.length === 0);
      if (!state) return;
      const job = this.queue.shift()!;
      const id = this.nextId++;
      this.running.set(id, { ...job, state });
      state.posted.push(id);
      state.weight += job.weight;
      state.worker.postMessage({ id, task: job.task }, this.taskFunction.transfer?.(job.task) ?? []);
    }
  }

  private leastLoaded(): WorkerState {
    return this.workers.reduce((best, w) => (w.weight < best.weight ? w : best));
  }

  private settle(state: WorkerState, message: Exclude<Reply<Result>, { ready: true }>): void {
    const job = this.running.get(message.id);
    if (!job) return;
    this.running.delete(message.id);
    state.posted.splice(state.posted.indexOf(message.id), 1);
    state.weight -= job.weight;
    if (message.ok) job.resolve(message.result);
    else job.reject(new WorkerTaskError(message.error));
    this.pump();
  }

  /** A worker ended: the task it was running fails; the ones queued behind it go to a new worker. */
  private died(state: WorkerState, code: number): void {
    if (this.closing) return;
    this.workers.splice(this.workers.indexOf(state), 1);
    const reason =
      (state.error as NodeJS.ErrnoException | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? `its worker thread ran out of memory (heap limit ${this.heapLimitMb} MB)`
        : state.error
          ? `its worker thread failed: ${state.error.message}`
          : `its worker thread exited (code ${code})`;
    const lost = state.posted.map((id) => {
      const job = this.running.get(id)!;
      this.running.delete(id);
      return job;
    });
    if (!state.ready) {
      // It never loaded the task module: every worker would fail the same way.
      this.broken = new WorkerPoolError(`the worker threads cannot start: ${reason.replace(/^its worker thread /, '')}`);
      for (const job of [...lost, ...this.queue.splice(0), ...[...this.running.values()]]) job.reject(this.broken);
      this.running.clear();
      void this.close();
      return;
    }
    const [first, ...behind] = lost;
    first?.reject(new WorkerTaskError(reason));
    const requeue: Job<Task, Result>[] = [];
    for (const job of behind) {
      if (job.remake) requeue.push({ ...job, task: job.remake() });
      else if (!this.taskFunction.transfer) requeue.push(job);
      else job.reject(new WorkerTaskError(`${reason} while running an earlier task, and this one went with it`));
    }
    this.queue.unshift(...requeue);
    this.workers.push(this.startWorker());
    this.pump();
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
