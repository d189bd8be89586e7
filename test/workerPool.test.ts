import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { WorkerPool } from '../tiles-pipeline/src/build/WorkerPool.js';
import { WorkerPoolError } from '../tiles-pipeline/src/build/WorkerPoolError.js';
import { WorkerTaskError } from '../tiles-pipeline/src/build/WorkerTaskError.js';
import { type HostileTask, hostileTaskTransfer, runHostileTask } from './fixtures/workerPool/hostileTask.js';

const module = new URL('./fixtures/workerPool/hostileTask.ts', import.meta.url);
const sum = (...values: number[]): HostileTask => ({ kind: 'sum', values: Float64Array.from(values) });

function pool(options: { heapLimitMb?: number; transfer?: boolean } = {}): WorkerPool<HostileTask, number> {
  return new WorkerPool<HostileTask, number>(
    2,
    { module, exportName: 'runHostileTask', run: runHostileTask, ...(options.transfer ? { transfer: hostileTaskTransfer } : {}) },
    { dispatch: 'eager', heapLimitMb: options.heapLimitMb ?? 64 },
  );
}

// Real worker threads running a real task module; each failure is the real thing (an OOM under resourceLimits, process.exit in the thread).
describe('WorkerPool: a failing task fails alone', () => {
  it('a task that throws rejects with its message; the others finish', async () => {
    const p = pool();
    try {
      const results = await Promise.allSettled([p.run(sum(1, 2)), p.run({ kind: 'throw', message: 'bad ring' }), p.run(sum(3, 4))]);
      expect(results[0]).toEqual({ status: 'fulfilled', value: 3 });
      expect(results[1]!.status).toBe('rejected');
      const error = (results[1] as PromiseRejectedResult).reason as Error;
      expect(error).toBeInstanceOf(WorkerTaskError);
      expect(error.message).toBe('bad ring');
      expect(results[2]).toEqual({ status: 'fulfilled', value: 7 });
    } finally {
      await p.close();
    }
  });

  it('a task that runs out of its heap limit fails, named as such; tasks queued behind it on the same worker run on a new one', async () => {
    const p = pool({ heapLimitMb: 32 });
    try {
      // Eager dispatch: the hog goes to worker 0, then 1, 0, 1…: two sums wait behind the hog.
      const runs = [p.run({ kind: 'exhaust-memory' }), p.run(sum(1)), p.run(sum(2)), p.run(sum(3)), p.run(sum(4))];
      const results = await Promise.allSettled(runs);
      const error = (results[0] as PromiseRejectedResult).reason as Error;
      expect(error).toBeInstanceOf(WorkerTaskError);
      expect(error.message).toBe('its worker thread ran out of memory (heap limit 32 MB)');
      expect(results.slice(1)).toEqual([1, 2, 3, 4].map((value) => ({ status: 'fulfilled', value })));
      expect(await p.run(sum(5, 6))).toBe(11); // the pool still has its threads
    } finally {
      await p.close();
    }
  }, 60_000);

  it('a task that ends its thread fails with the exit code; the pool goes on', async () => {
    const p = pool();
    try {
      const [exited, after] = await Promise.allSettled([p.run({ kind: 'exit', code: 3 }), p.run(sum(2, 2))]);
      expect((exited as PromiseRejectedResult).reason).toBeInstanceOf(WorkerTaskError);
      expect(((exited as PromiseRejectedResult).reason as Error).message).toBe('its worker thread exited (code 3)');
      expect(after).toEqual({ status: 'fulfilled', value: 4 });
    } finally {
      await p.close();
    }
  });

  it('a task whose buffers went to a worker that died is made again when the caller says how, and fails otherwise', async () => {
    const p = pool({ transfer: true });
    try {
      let remade = 0;
      const remake = (): HostileTask => {
        remade++;
        return sum(10, 20);
      };
      const lost = [p.run({ kind: 'exit', code: 1 }), p.run(sum(1)), p.run(sum(10, 20), 1, remake), p.run(sum(2)), p.run(sum(5))];
      const results = await Promise.allSettled(lost);
      expect(results[0]!.status).toBe('rejected');
      expect(results[1]).toEqual({ status: 'fulfilled', value: 1 }); // on the other worker
      expect(results[2]).toEqual({ status: 'fulfilled', value: 30 });
      expect(remade).toBe(1);
      expect(results[3]).toEqual({ status: 'fulfilled', value: 2 });
      // Behind the dead one, transferred and without a way to make it again: it cannot be run.
      expect(results[4]!.status).toBe('rejected');
      expect(((results[4] as PromiseRejectedResult).reason as Error).message).toMatch(/went with it/);
    } finally {
      await p.close();
    }
  });

  it('workers that cannot even start fail the pool with one clear error', async () => {
    const p = pool({ heapLimitMb: 1 });
    try {
      const results = await Promise.allSettled([p.run(sum(1)), p.run(sum(2))]);
      for (const result of results) {
        expect(result.status).toBe('rejected');
        expect((result as PromiseRejectedResult).reason).toBeInstanceOf(WorkerPoolError);
        expect(((result as PromiseRejectedResult).reason as Error).message).toMatch(/^the worker threads cannot start: ran out of memory/);
      }
      await expect(p.run(sum(3))).rejects.toBeInstanceOf(WorkerPoolError);
    } finally {
      await p.close();
    }
  });

  it('never starts more threads than there are cores', async () => {
    const p = new WorkerPool<HostileTask, number>(1_000_000, { module, exportName: 'runHostileTask', run: runHostileTask });
    try {
      expect(p.jobs).toBe(availableParallelism());
      expect(await p.run(sum(1, 1))).toBe(2);
    } finally {
      await p.close();
    }
  });

  it('in this thread (jobs 1) a throw is a WorkerTaskError too', async () => {
    const p = new WorkerPool<HostileTask, number>(1, { module, exportName: 'runHostileTask', run: runHostileTask });
    await expect(p.run({ kind: 'throw', message: 'nope' })).rejects.toThrow(WorkerTaskError);
    await p.close();
  });
});
