import { describe, expect, it } from 'vitest';
import { EMPTY_VIEWER_CONFIG, type ViewerConfig } from '../../../workers/formats/viewerConfig.js';
import type { FeatureLocation, PluginRuntime } from '../platform/LayerPlugin.js';
import type { CameraView } from '../platform/ViewerState.js';
import { ViewerEvents } from '../platform/ViewerEvents.js';
import { createViewerStore } from '../platform/ViewerStore.js';
import type { SceneHost } from '../scene/SceneHost.js';
import { createCommands } from './createCommands.js';
import { defaultViewerState } from './defaultViewerState.js';

const CONFIG: ViewerConfig = {
  ...EMPTY_VIEWER_CONFIG,
  layers: [
    {
      id: 'buildings',
      kind: 'tileset',
      group: 'buildings',
      label: { en: 'Buildings', 'zh-CN': '建筑' },
      visible: true,
      url: 'x/tileset.json',
      styling: 'buildings',
    },
  ],
};

/** The scene's camera as the commands see it: where it was last sent. */
function recordingHost(): { host: SceneHost; flights: CameraView[] } {
  const flights: CameraView[] = [];
  const host = {
    flyTo: (view: CameraView) => (flights.push(view), Promise.resolve()),
    layer: () => undefined,
    waitForTiles: () => Promise.resolve(true),
  } as unknown as SceneHost;
  return { host, flights };
}

describe('viewer commands', () => {
  it('a camera set while a feature is still being located is not undone when the location arrives (the latest move wins)', async () => {
    let arrive: (location: FeatureLocation) => void = () => {};
    const plugin = {
      kind: 'tileset',
      locate: () => new Promise<FeatureLocation>((resolve) => (arrive = resolve)),
    } as unknown as PluginRuntime;
    const store = createViewerStore(defaultViewerState(CONFIG));
    const { host, flights } = recordingHost();
    const commands = createCommands(store, host, [plugin], CONFIG, new ViewerEvents());

    const toFeature = commands.flyTo({ featureId: 'NK000002', tileset: 'buildings' }, { duration: 1 });
    const camera: CameraView = { lon: 117.16, lat: 39.1, height: 650, heading: 30, pitch: -30 };
    await commands.flyTo(camera, { duration: 0 });
    arrive({ lon: 117.17, lat: 39.11, height: 20 });
    await toFeature;

    expect(flights).toEqual([camera]);
    expect(store.getState().selection).toEqual({ tileset: 'buildings', id: 'NK000002' }); // selected all the same

    // Not superseded: the feature is flown to.
    const again = commands.flyTo({ featureId: 'NK000003', tileset: 'buildings' }, { duration: 1 });
    arrive({ lon: 117.17, lat: 39.11, height: 20 });
    await again;
    expect(flights).toHaveLength(2);
    expect(flights[1]).toMatchObject({ pitch: -35 });
  });
});
