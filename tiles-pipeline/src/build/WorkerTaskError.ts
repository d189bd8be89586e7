/**
 * One task of a WorkerPool failed: it threw, or its worker thread died while running it (out
 * of its heap limit, exited). The message says why; the caller names the task (tile, check).
 */
export class WorkerTaskError extends Error {
  override name = 'WorkerTaskError';
}
