// Worker-thread entry: registers the TypeScript loader, loads the task function named in
// workerData ({ module: file URL, exportName }) and serves it: { id, task } in, { id, ok,
// result | error } out. One entry for every pool.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const run = (await import(workerData.module))[workerData.exportName];
parentPort.on('message', async ({ id, task }) => {
  try {
    parentPort.postMessage({ id, ok: true, result: await run(task) });
  } catch (error) {
    parentPort.postMessage({ id, ok: false, error: String(error && error.stack ? error.stack : error) });
  }
});
