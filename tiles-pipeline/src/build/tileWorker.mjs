// Worker-thread entry: registers the TypeScript loader, then serves runTileTask.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { runTileTask } = await import('./runTileTask.ts');
parentPort.on('message', async (task) => {
  try {
    parentPort.postMessage({ ok: true, result: await runTileTask(task) });
  } catch (error) {
    parentPort.postMessage({ ok: false, error: String(error && error.stack ? error.stack : error) });
  }
});
