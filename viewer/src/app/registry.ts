import { basemapPlugin } from '../../../layers/basemap/basemapPlugin.js';
import { followPlugin } from '../../../layers/follow/followPlugin.js';
import { groundPlugin } from '../../../layers/ground/groundPlugin.js';
import { incidentsPlugin } from '../../../layers/incidents/incidentsPlugin.js';
import { labelsPlugin } from '../../../layers/labels/labelsPlugin.js';
import { parkingPlugin } from '../../../layers/parking/parkingPlugin.js';
import { sensorsPlugin } from '../../../layers/sensors/sensorsPlugin.js';
import { spawnSensorsWorker } from '../../../layers/sensors/spawnSensorsWorker.js';
import { tilesetPartsPlugin, tilesetsPlugin } from '../../../layers/tilesets/tilesetsPlugin.js';
import type { WorkerName } from '../../../workers/protocol/WorkerRequests.js';
import type { RegisteredPlugin } from '../platform/LayerPlugin.js';
import type { RegisteredTool } from '../platform/ToolPlugin.js';
import type { WorkerEndpoint } from '../platform/WorkerHost.js';
import { undergroundTool } from '../tools/underground/UndergroundTool.js';
import { crossSectionTool } from '../tools/crossSection/crossSectionTool.js';
import { traceTool } from '../tools/trace/traceTool.js';
import { clearanceTool } from '../tools/clearance/clearanceTool.js';
import { measureTool } from '../tools/measure/measureTool.js';
import { heightLimitTool } from '../tools/heightLimit/heightLimitTool.js';
import { sunlightTool } from '../tools/sunlight/sunlightTool.js';
import { viewshedTool } from '../tools/viewshed/viewshedTool.js';
import { excavationTool } from '../tools/excavation/excavationTool.js';

/** Every kind of layer the viewer can draw: one line each. */
export const LAYER_PLUGINS: readonly RegisteredPlugin[] = [
  tilesetsPlugin,
  tilesetPartsPlugin,
  groundPlugin,
  labelsPlugin,
  basemapPlugin,
  sensorsPlugin,
  incidentsPlugin,
  parkingPlugin,
  followPlugin,
];

/** Every tool, in toolbar order. */
export const TOOL_PLUGINS: readonly RegisteredTool[] = [
  undergroundTool,
  measureTool,
  excavationTool,
  crossSectionTool,
  traceTool,
  clearanceTool,
  heightLimitTool,
  sunlightTool,
  viewshedTool,
];

/** Every Web Worker, by the name its requests start with (workers/protocol/WorkerRequests.ts). */
export const WORKERS: Record<WorkerName, () => WorkerEndpoint> = {
  sensors: spawnSensorsWorker,
  analysis: () => new Worker(new URL('../../../workers/analysis/analysisWorker.ts', import.meta.url), { type: 'module', name: 'analysis' }),
  parking: () => new Worker(new URL('../../../workers/parking/parkingWorker.ts', import.meta.url), { type: 'module', name: 'parking' }),
  planning: () => new Worker(new URL('../../../workers/planning/planningWorker.ts', import.meta.url), { type: 'module', name: 'planning' }),
};
