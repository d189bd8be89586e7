import { Credit, ImageryLayer, UrlTemplateImageryProvider, WebMapTileServiceImageryProvider, WebMercatorTilingScheme, type ImageryProvider } from 'cesium';
import type { BasemapConfig, LayerDefinition } from '../../workers/formats/viewerConfig.js';
import { definePlugin, type LayerContext, type LayerInstance } from '../../viewer/src/platform/LayerPlugin.js';
import { watch } from '../../viewer/src/platform/ViewerStore.js';

/**
 * The optional online basemap (Tianditu WMTS or any XYZ template) from the deployment config;
 * without one the district is drawn from the seed vectors alone and this adapter does nothing.
 */
function createBasemapLayer(definition: LayerDefinition, context: LayerContext): LayerInstance | undefined {
  const config = context.config.basemap;
  if (!config) return undefined;
  const { globe } = context.scene;
  const layers = providersFor(config).map((provider) => {
    const layer = new ImageryLayer(provider);
    globe.imageryLayers.add(layer);
    return layer;
  });
  const apply = (): void => {
    const state = context.store.getState().layers[definition.id];
    for (const layer of layers) {
      layer.show = state?.visible ?? definition.visible;
      layer.alpha = state?.opacity ?? definition.opacity ?? 1;
    }
    context.requestRender();
  };
  apply();
  const stop = watch(context.store, (s) => s.layers[definition.id], apply);
  return {
    id: definition.id,
    ready: Promise.resolve(),
    destroy: () => {
      stop();
      for (const layer of layers) globe.imageryLayers.remove(layer, true);
    },
  };
}

function providersFor(config: BasemapConfig): ImageryProvider[] {
  if (config.type === 'xyz') {
    return [new UrlTemplateImageryProvider({ url: config.url, maximumLevel: config.maximumLevel ?? 18, credit: new Credit(config.credit ?? '') })];
  }
  // Tianditu: base layer (vec/img) plus its Chinese annotation layer (cva/cia), Web Mercator ("w").
  const annotation = config.layer === 'img' ? 'cia' : 'cva';
  return [config.layer ?? 'vec', annotation].map(
    (layer) =>
      new WebMapTileServiceImageryProvider({
        url: `https://t{s}.tianditu.gov.cn/${layer}_w/wmts?tk=${encodeURIComponent(config.key)}`,
        layer,
        style: 'default',
        format: 'tiles',
        tileMatrixSetID: 'w',
        subdomains: ['0', '1', '2', '3', '4', '5', '6', '7'],
        tilingScheme: new WebMercatorTilingScheme(),
        maximumLevel: 18,
        credit: new Credit('天地图'),
      }),
  );
}

export const basemapPlugin = definePlugin({ kind: 'basemap', createLayer: createBasemapLayer });
