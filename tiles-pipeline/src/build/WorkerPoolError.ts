/** A WorkerPool cannot run tasks at all (its worker threads do not start): the run fails. */
export class WorkerPoolError extends Error {
  override name = 'WorkerPoolError';
}
