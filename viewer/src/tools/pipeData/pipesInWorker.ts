import type { PipesLoaded } from '../../../../workers/formats/pipeAnalyses.js';
import type { PluginContext } from '../../platform/LayerPlugin.js';
import type { WorkerHost } from '../../platform/WorkerHost.js';

const loads = new WeakMap<WorkerHost, Promise<PipesLoaded>>();

/**
 * The pipes (the config's `tools.network`, network.json of every category) loaded into this
 * viewer's planning worker, once: every pipe tool (cross-section, trace, clearance, the
 * excavation tool's pipe list) awaits this before its `planning.*` request. The document's bytes
 * move to the worker unparsed (the main thread never parses 50k pipes). A failed load is
 * forgotten, so the next tool use tries again.
 */
export function pipesInWorker(context: Pick<PluginContext, 'workers' | 'config' | 'baseUrl' | 'authHeaders'>): Promise<PipesLoaded> {
  let load = loads.get(context.workers);
  if (!load) {
    load = (async () => {
      const url = context.config.tools?.network;
      if (!url) throw new Error('this viewer has no pipe network for the tools (config tools.network)');
      const response = await fetch(new URL(url, context.baseUrl), { headers: context.authHeaders() });
      if (!response.ok) throw new Error(`the pipe network ${url} could not be read (HTTP ${response.status})`);
      return context.workers.request('planning.loadPipes', { document: await response.arrayBuffer() });
    })();
    loads.set(context.workers, load);
    load.catch(() => loads.delete(context.workers));
  }
  return load;
}
