import { isolateBurst } from '../network/isolateBurst.js';
import { HydraulicModelCache } from '../hydraulics/HydraulicModelCache.js';
import { hydraulicWhatIf } from '../hydraulics/hydraulicWhatIf.js';
import { serveWorkerRequests } from '../protocol/serveWorkerRequests.js';
import { roadRequestHandlers } from '../routing/roadRequests.js';
import { areaRequestHandlers } from '../spatial/areaRequests.js';
import { networkRequestHandlers } from '../network/networkRequests.js';

const hydraulicModels = new HydraulicModelCache();

/** The analysis worker: network kernels behind the `analysis.*` requests of the message map. */
serveWorkerRequests<'analysis'>({
  ...roadRequestHandlers(),
  ...areaRequestHandlers(),
  ...networkRequestHandlers(),
  'analysis.isolateBurst': ({ graph, burstEdge }) => isolateBurst(graph, burstEdge),
  'analysis.hydraulics': async ({ model, closeLinks, ...options }) => hydraulicWhatIf(await hydraulicModels.get(model.key, model.inp), closeLinks, options),
});
