// Worker-thread entry: registers the TypeScript loader, loads the task function named in
// workerData ({ module: file URL, exportName }), says { ready: true } and serves it: { id, task }
// in, { id, ok, result | error } out (error: the message, which reports show). One entry for
// every pool. Tasks run one after another, in the order posted: an async task must not
// interleave with the next (eager pools post many at once), and a worker that dies was running
// the oldest task it was sent.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const run = (await import(workerData.module))[workerData.exportName];
parentPort.postMessage({ ready: true });
let previous = Promise.resolve();
parentPort.on('message', ({ id, task }) => {
  previous = previous.then(async () => {
    try {
      parentPort.postMessage({ id, ok: true, result: await run(task) });
    } catch (error) {
      parentPort.postMessage({ id, ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  });
});
