import { createViewer } from './createViewer.js';

/**
 * The standalone page: one viewer filling the window, its state in the URL, its API on
 * `window.cimTwin`; `window.CimTwin.createViewer` mounts more (tests, and hosts that load the
 * page's bundle). A sign-in token may be handed over in the fragment (`#token=`), as to the
 * embed page: taken out of the address bar and history at once, never sent in a request line.
 */
const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? undefined;
if (token) history.replaceState(null, '', `${location.pathname}${location.search}`);
const viewer = await createViewer(document.getElementById('app')!, { query: location.search, syncPage: true, ...(token ? { token } : {}) });
Object.assign(window, { cimTwin: viewer.api, CimTwin: { createViewer, viewer } });
