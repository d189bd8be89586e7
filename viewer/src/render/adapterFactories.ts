import type { LayerKind } from '../state/layerCatalog.js';
import { createBasemapAdapter } from './BasemapAdapter.js';
import { GroundAdapter } from './GroundAdapter.js';
import { LabelsAdapter } from './LabelsAdapter.js';
import { absoluteMqttUrl, SensorsAdapter } from './SensorsAdapter.js';
import type { AdapterFactory } from './LayerAdapter.js';
import { TilesetAdapter } from './TilesetAdapter.js';

/**
 * Which adapter draws each kind of layer. Tileset parts have none of their own: their tileset's
 * adapter filters its features by them. A new kind of layer = one adapter + one line here.
 */
export const ADAPTER_FACTORIES: Record<LayerKind, AdapterFactory | undefined> = {
  tileset: (definition, context) => new TilesetAdapter(definition, context),
  tilesetPart: undefined,
  areas: (definition, context) => new GroundAdapter(definition, context),
  roads: (definition, context) => new GroundAdapter(definition, context),
  labels: (definition, context) => new LabelsAdapter(definition, context),
  basemap: createBasemapAdapter,
  // No live feed configured (CIM_LIVE=off): no sensors layer.
  sensors: (definition, context) =>
    context.config.live
      ? new SensorsAdapter(
          definition,
          context,
          { ...context.config.live, mqttUrl: absoluteMqttUrl(context.config.live.mqttUrl), apiUrl: context.config.live.apiUrl || location.origin },
          context.events,
        )
      : undefined,
};
