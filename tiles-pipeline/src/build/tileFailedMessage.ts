import { WorkerTaskError } from './WorkerTaskError.js';

/**
 * What a feature whose tile could not be built is told (issue TILE_FAILED): which tile, how
 * many features went with it, and why. The run goes on without that tile.
 */
export function tileFailedMessage(path: string, features: number, error: WorkerTaskError): string {
  const hint = /out of memory/.test(error.message) ? ' (raise --worker-memory, or lower --max-features)' : '';
  return `not drawn: its tile "${path === '' ? 'root' : path}" (${features} feature${features === 1 ? '' : 's'}) could not be built: ${error.message}${hint}`;
}
