import { definePlugin } from '../../viewer/src/platform/LayerPlugin.js';
import { LabelsLayer } from './LabelsLayer.js';

/** Decluttered map labels (landmarks, streets). */
export const labelsPlugin = definePlugin({
  kind: 'labels',
  createLayer: (definition, context) => (definition.kind === 'labels' ? new LabelsLayer(definition, context) : undefined),
});
