import { serveWorkerRequests } from '../protocol/serveWorkerRequests.js';
import { buildingToolHandlers } from './buildingToolHandlers.js';
import { pipeToolHandlers } from './pipeToolHandlers.js';

/**
 * The planning worker: the planner's analyses (cross-section, excavation, trace, measure,
 * sunlight, height limit, viewshed) behind the `planning.*` requests. Their data (pipes,
 * building footprints) is loaded into it once and kept; a long analysis here never delays the
 * emergency analyses of the analysis worker.
 */
serveWorkerRequests<'planning'>({
  'planning.ready': () => true,
  ...pipeToolHandlers(),
  ...buildingToolHandlers(),
});
