import type { FollowFeature, FollowUpdate } from '../../workers/formats/followSession.js';
import type { CameraView, FeatureRef, LayerState } from '../../viewer/src/platform/ViewerState.js';

/** What a leader's screen shows, as the update followers apply: its camera, selection, layers and underground view. */
export function followUpdateOf(state: {
  camera: CameraView;
  selection: FeatureRef | null;
  layers: Record<string, LayerState>;
  underground: boolean;
}): FollowUpdate {
  const { lon, lat, height, heading, pitch } = state.camera;
  // Centimetres and hundredths of a degree: finer is noise, and equal states compare equal.
  const round = (value: number, digits: number): number => Number(value.toFixed(digits));
  return {
    view: { camera: { lon: round(lon, 7), lat: round(lat, 7), height: round(height, 2), heading: round(normalDegrees(heading), 2), pitch: round(pitch, 2) } },
    selection: state.selection ? ({ tileset: state.selection.tileset, id: state.selection.id } satisfies FollowFeature) : null,
    layers: Object.fromEntries(Object.entries(state.layers).map(([id, layer]) => [id, { visible: layer.visible, opacity: layer.opacity }])),
    underground: state.underground,
  };
}

/** Heading in (-180, 180]: the format bounds it, and a camera may report 359.9 or -0.1 for the same view. */
function normalDegrees(value: number): number {
  const wrapped = ((value % 360) + 360) % 360;
  return wrapped > 180 ? wrapped - 360 : wrapped;
}
