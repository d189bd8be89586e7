// Must run before Cesium is first used: Cesium looks up its workers and assets in the global
// CESIUM_BASE_URL. Resolved against this module's own address, so a page that loads the viewer
// from another server (the <cim-twin> element on a cockpit's origin) still finds them on the
// viewer's server. (vite.config.ts defines the path; see there why not CESIUM_BASE_URL itself.)
declare const __CIM_TWIN_CESIUM_PATH__: string;
(window as unknown as { CESIUM_BASE_URL: string }).CESIUM_BASE_URL = new URL(__CIM_TWIN_CESIUM_PATH__, import.meta.url).href;
