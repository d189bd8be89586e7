import { createViewer } from './createViewer.js';

/**
 * The standalone page: one viewer filling the window, its state in the URL, its API on
 * `window.cimTwin`; `window.CimTwin.createViewer` mounts more (tests, and hosts that load the
 * page's bundle).
 */
const viewer = await createViewer(document.getElementById('app')!, { query: location.search, syncPage: true });
Object.assign(window, { cimTwin: viewer.api, CimTwin: { createViewer, viewer } });
