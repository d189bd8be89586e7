import { buildingFootprintsFromDocument } from '../formats/buildingFootprints.js';
import type { WorkerHandlers } from '../protocol/WorkerRequests.js';
import { facadeSunlight } from './facadeSunlight.js';
import { heightLimit } from './heightLimit.js';
import { type PlanningBuildings, planningBuildingsFrom } from './planningBuildings.js';
import { sunlight } from './sunlight.js';
import { viewshed } from './viewshed.js';

type BuildingRequestType = 'planning.loadBuildings' | 'planning.heightLimit' | 'planning.sunlight' | 'planning.facadeSunlight' | 'planning.viewshed';

/**
 * The planning worker's building requests: footprints.json loaded once (its bytes move in, are
 * parsed, checked and indexed here) and kept; the kernels answer from it. A request before the
 * load, or with bad input, is refused with the kernel's message.
 */
export function buildingToolHandlers(): Pick<WorkerHandlers<'planning'>, BuildingRequestType> {
  let buildings: PlanningBuildings | undefined;
  const loaded = (): PlanningBuildings => {
    if (!buildings) throw new Error('no building footprints are loaded in the planning worker (planning.loadBuildings first)');
    return buildings;
  };
  return {
    'planning.loadBuildings': ({ document }) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(new TextDecoder().decode(document));
      } catch (error) {
        throw new Error(`footprints.json is not JSON: ${(error as Error).message}`);
      }
      buildings = planningBuildingsFrom(buildingFootprintsFromDocument(parsed));
      let west = Infinity,
        south = Infinity,
        east = -Infinity,
        north = -Infinity;
      for (let b = 0; b < buildings.count; b++) {
        west = Math.min(west, buildings.bbox[b * 4]!);
        south = Math.min(south, buildings.bbox[b * 4 + 1]!);
        east = Math.max(east, buildings.bbox[b * 4 + 2]!);
        north = Math.max(north, buildings.bbox[b * 4 + 3]!);
      }
      return { buildings: buildings.count, bbox: [west, south, east, north] };
    },
    'planning.heightLimit': ({ polygon, limitMeters }) => heightLimit(loaded(), polygon, limitMeters),
    'planning.sunlight': ({ point, options }) => sunlight(loaded(), point, options),
    'planning.facadeSunlight': ({ buildingId, options }) => facadeSunlight(loaded(), buildingId, options),
    'planning.viewshed': ({ point, eyeHeight, radius, options }) => viewshed(loaded(), point, eyeHeight, radius, options),
  };
}
