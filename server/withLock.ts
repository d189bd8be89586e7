import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { isProcessAlive } from '../tiles-pipeline/src/index.js';

/**
 * Runs `work` while holding a lock file (created with O_EXCL), so that two processes preparing
 * the demo at once (npm start beside the tests, test files in parallel) take turns instead of
 * building into the same folders. A lock left by a process that died is taken over.
 */
export async function withLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSafe(path));
      if (!Number.isInteger(owner) || owner <= 0 || !isProcessAlive(owner)) {
        rmSync(path, { force: true });
        continue;
      }
      await sleep(200);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(path, { force: true });
  }
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
