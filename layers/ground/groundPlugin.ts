import { definePlugin } from '../../viewer/src/platform/LayerPlugin.js';
import { GroundLayer } from './GroundLayer.js';

/** Vector ground layers from GeoJSON (water, green space, roads). */
export const groundPlugin = definePlugin({
  kind: 'ground',
  createLayer: (definition, context) => (definition.kind === 'ground' ? new GroundLayer(definition, context) : undefined),
});
