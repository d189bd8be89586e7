import type { BuildingsLoaded } from '../../../../workers/formats/buildingAnalyses.js';
import type { PluginContext } from '../../platform/LayerPlugin.js';
import type { WorkerHost } from '../../platform/WorkerHost.js';

const loads = new WeakMap<WorkerHost, Promise<BuildingsLoaded>>();

/**
 * The buildings' footprints (the config's `tools.buildings`, footprints.json) loaded into this
 * viewer's planning worker, once: every building tool (height limit, sunlight, viewshed) awaits
 * this before its `planning.*` request. The document's bytes move to the worker unparsed. A
 * failed load is forgotten, so the next use tries again.
 */
export function buildingsInWorker(context: Pick<PluginContext, 'workers' | 'config' | 'baseUrl' | 'authHeaders'>): Promise<BuildingsLoaded> {
  let load = loads.get(context.workers);
  if (!load) {
    load = (async () => {
      const url = context.config.tools?.buildings;
      if (!url) throw new Error('this viewer has no building footprints for the tools (config tools.buildings)');
      const response = await fetch(new URL(url, context.baseUrl), { headers: context.authHeaders() });
      if (!response.ok) throw new Error(`the building footprints ${url} could not be read (HTTP ${response.status})`);
      return context.workers.request('planning.loadBuildings', { document: await response.arrayBuffer() });
    })();
    loads.set(context.workers, load);
    load.catch(() => loads.delete(context.workers));
  }
  return load;
}
