import type { ViewerConfig } from '../../../workers/formats/viewerConfig.js';
import type { CameraView, ViewerState } from '../platform/ViewerState.js';
import { defaultLayers } from './urlState.js';

/** With no bookmark in the config: the whole Earth over China. */
const EARTH: CameraView = { lon: 110, lat: 30, height: 2e7, heading: 0, pitch: -90 };

/** The state a fresh viewer starts from (before the URL's parameters are applied): the config's first view and layer defaults. */
export function defaultViewerState(config: ViewerConfig): ViewerState {
  return {
    camera: config.bookmarks[0]?.view ?? EARTH,
    layers: defaultLayers(config.layers),
    selection: null,
    style: { colorBy: 'height' },
    mode: 'planner',
    language: 'zh-CN',
    underground: false,
    tool: null,
    toolInput: null,
    tour: { running: false, index: -1 },
    clock: { mode: 'live' },
    emphasis: {},
    groundWindow: null,
  };
}
