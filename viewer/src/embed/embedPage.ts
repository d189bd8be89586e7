import { createViewer, type CimTwinViewer } from '../createViewer.js';
import { EmbedBridge } from './EmbedBridge.js';
import { cameraSetting, embedViewerQuery } from './embedViewerQuery.js';

/**
 * `/embed.html`: one viewer filling an iframe, driven by its parent over postMessage
 * (EmbedBridge). The query holds the host's settings (`view`, `layers`, `mode`, `lang`, and
 * `host`, the parent's origin); a sign-in token travels in the fragment (`#token=`), which is
 * never sent to a server or in a Referer. The page answers only the origins the deployment
 * lists (config `embed.origins`). A sign-in inside the frame that changes the data role mounts a new viewer (and
 * bridge) where the camera was; a sign-out returns to the host's token.
 */
const params = new URLSearchParams(location.search);
const handedOver = new URLSearchParams(location.hash.slice(1)).get('token') ?? undefined;
if (handedOver) history.replaceState(null, '', `${location.pathname}${location.search}`); // out of the address bar and history
const app = document.getElementById('app')!;
const ancestor = (location as Location & { ancestorOrigins?: DOMStringList }).ancestorOrigins?.[0];
const parentOrigin = params.get('host') ?? ancestor;
let current: { viewer: CimTwinViewer; bridge: EmbedBridge } | undefined;
let mounting: Promise<void> = Promise.resolve();

async function mount(token: string | undefined): Promise<void> {
  const camera = current?.viewer.api.getState().camera;
  current?.bridge.destroy();
  current?.viewer.destroy();
  current = undefined;
  const view = camera ? cameraSetting(camera) : params.get('view');
  const { query, bookmark } = embedViewerQuery({ view, layers: params.get('layers'), mode: params.get('mode'), lang: params.get('lang') });
  // config.json beside the page, read with the token (createViewer): it lists what that role may load.
  const viewer = await createViewer(app, {
    query,
    ...(token ? { token } : {}),
    onDataRoleChange: (signedIn) => void (mounting = mounting.then(() => mount(signedIn ?? handedOver))),
  });
  const { config } = viewer;
  if (bookmark && config.bookmarks.some((b) => b.id === bookmark)) void viewer.api.flyTo(bookmark, { duration: 0 });
  const bridge = new EmbedBridge({
    api: viewer.api,
    allowedOrigins: config.embed?.origins ?? [],
    parent: window.parent,
    self: window,
    ...(parentOrigin ? { parentOrigin } : {}),
  });
  current = { viewer, bridge };
  // The frame's own page API, with the bridge's counters in stats() (tests and diagnostics).
  const api = { ...viewer.api, stats: () => ({ ...viewer.api.stats(), embed: bridge.stats() }) };
  Object.assign(window, { cimTwin: api, CimTwin: { viewer, bridge } });
}

mounting = mount(handedOver);
await mounting;
