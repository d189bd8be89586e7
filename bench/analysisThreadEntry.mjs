// Worker-thread entry for the benchmarks: the viewer's analysis worker
// (workers/analysis/analysisWorker.ts) as it runs in a browser, its global scope's message
// channel played by this thread's parent port (comlink's Node adapter). See analysisThread.ts.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';

register();
const endpoint = nodeEndpoint(parentPort);
globalThis.addEventListener = endpoint.addEventListener.bind(endpoint);
globalThis.removeEventListener = endpoint.removeEventListener.bind(endpoint);
globalThis.postMessage = endpoint.postMessage.bind(endpoint);
await import('../workers/analysis/analysisWorker.ts');
