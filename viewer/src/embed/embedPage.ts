import { createViewer } from '../createViewer.js';
import { EMPTY_VIEWER_CONFIG, viewerConfigProblems, type ViewerConfig } from '../../../workers/formats/viewerConfig.js';
import { EmbedBridge } from './EmbedBridge.js';
import { embedViewerQuery } from './embedViewerQuery.js';

/**
 * `/embed.html`: one viewer filling an iframe, driven by its parent over postMessage
 * (EmbedBridge). The query holds the host's settings (`view`, `layers`, `mode`, `lang`, and
 * `host`, the parent's origin); a sign-in token travels in the fragment (`#token=`), which is
 * never sent to a server or in a Referer. The page answers only the origins the deployment
 * lists (config `embed.origins`).
 */
const params = new URLSearchParams(location.search);
const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? undefined;
if (token) history.replaceState(null, '', `${location.pathname}${location.search}`); // out of the address bar and history
const config = await loadConfig();
const { query, bookmark } = embedViewerQuery({ view: params.get('view'), layers: params.get('layers'), mode: params.get('mode'), lang: params.get('lang') });
const viewer = await createViewer(document.getElementById('app')!, { config, query, ...(token ? { token } : {}) });
if (bookmark && config.bookmarks.some((b) => b.id === bookmark)) void viewer.api.flyTo(bookmark, { duration: 0 });
const ancestor = (location as Location & { ancestorOrigins?: DOMStringList }).ancestorOrigins?.[0];
const bridge = new EmbedBridge({
  api: viewer.api,
  allowedOrigins: config.embed?.origins ?? [],
  parent: window.parent,
  self: window,
  ...((params.get('host') ?? ancestor) ? { parentOrigin: (params.get('host') ?? ancestor)! } : {}),
});
// The frame's own page API, with the bridge's counters in stats() (tests and diagnostics).
const api = { ...viewer.api, stats: () => ({ ...viewer.api.stats(), embed: bridge.stats() }) };
Object.assign(window, { cimTwin: api, CimTwin: { viewer, bridge } });

async function loadConfig(): Promise<ViewerConfig> {
  try {
    const response = await fetch('config.json', { cache: 'no-cache' });
    const value: unknown = await response.json();
    const problems = viewerConfigProblems(value);
    if (problems.length) throw new Error(problems.join('; '));
    return value as ViewerConfig;
  } catch (error) {
    console.error('the viewer config is unusable, showing an empty globe:', error);
    return EMPTY_VIEWER_CONFIG;
  }
}
