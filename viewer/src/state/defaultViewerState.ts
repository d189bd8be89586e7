import { BOOKMARKS } from './bookmarks.js';
import { defaultLayers } from './urlState.js';
import type { LiveState, ViewerState } from './ViewerState.js';

/** The state a fresh page starts from (before the URL's parameters are applied). */
export function defaultViewerState(liveConnection: LiveState['connection']): ViewerState {
  return {
    camera: BOOKMARKS[0]!.view,
    layers: defaultLayers(),
    selection: null,
    style: { colorBy: 'height' },
    mode: 'planner',
    language: 'zh-CN',
    underground: false,
    tour: { running: false, index: -1 },
    clock: null,
    live: {
      connection: liveConnection,
      since: Date.now(),
      sensors: 0,
      messagesPerSecond: 0,
      ageAtRenderMs: null,
      drawn: { points: 0, clusters: 0 },
      alarms: [],
      selectedReading: null,
    },
  };
}
