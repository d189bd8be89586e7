// Must run before Cesium is evaluated: Cesium looks up its workers and assets here.
declare const CESIUM_BASE_URL: string;
(window as unknown as { CESIUM_BASE_URL: string }).CESIUM_BASE_URL = CESIUM_BASE_URL;
