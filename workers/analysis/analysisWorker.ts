import { isolateBurst } from '../network/isolateBurst.js';
import { serveWorkerRequests } from '../protocol/serveWorkerRequests.js';

/** The analysis worker: network kernels behind the `analysis.*` requests of the message map. */
serveWorkerRequests<'analysis'>({
  'analysis.isolateBurst': ({ graph, burstEdge }) => isolateBurst(graph, burstEdge),
});
