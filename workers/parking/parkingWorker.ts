import { serveWorkerRequests } from '../protocol/serveWorkerRequests.js';
import { parkingRequestHandlers } from './guidanceKernel.js';

/** The parking worker: guidance over the road graph behind the `parking.*` requests (its own worker, so a long analysis never delays a guidance answer). */
serveWorkerRequests<'parking'>(parkingRequestHandlers());
