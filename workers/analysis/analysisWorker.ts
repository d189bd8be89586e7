import { isolateBurst } from '../network/isolateBurst.js';
import { HydraulicModelCache } from '../hydraulics/HydraulicModelCache.js';
import { hydraulicWhatIf } from '../hydraulics/hydraulicWhatIf.js';
import { serveWorkerRequests } from '../protocol/serveWorkerRequests.js';

const hydraulicModels = new HydraulicModelCache();

/** The analysis worker: network kernels behind the `analysis.*` requests of the message map. */
serveWorkerRequests<'analysis'>({
  'analysis.isolateBurst': ({ graph, burstEdge }) => isolateBurst(graph, burstEdge),
  'analysis.hydraulics': async ({ model, closeLinks, ...options }) => hydraulicWhatIf(await hydraulicModels.get(model.key, model.inp), closeLinks, options),
});
