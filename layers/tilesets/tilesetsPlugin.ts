import type { TilesetLayerDefinition } from '../../workers/formats/viewerConfig.js';
import { definePlugin } from '../../viewer/src/platform/LayerPlugin.js';
import { TilesetLayer } from './TilesetLayer.js';
import { TilesetSearch } from './TilesetSearch.js';
import { mountPipeAttributes } from './pipeAttributesDetail.js';

/** 3D Tiles tilesets; their search indexes answer search and fly-to for all of them. */
export const tilesetsPlugin = definePlugin({
  kind: 'tileset',
  createState: ({ config, baseUrl, authHeaders }) =>
    new TilesetSearch(
      config.layers
        .filter((l): l is TilesetLayerDefinition => l.kind === 'tileset' && l.searchIndex !== undefined)
        .map((l) => ({ layerId: l.id, url: new URL(l.searchIndex!, baseUrl).href })),
      authHeaders,
    ),
  createLayer: (definition, context) => (definition.kind === 'tileset' ? new TilesetLayer(definition, context) : undefined),
  locate: (search, layerId, featureId) => search.locate(layerId, featureId),
  search: (search, query, limit) => search.search(query, limit),
  mountDetail: (ui, container, feature) => mountPipeAttributes(ui, container, feature),
});

/** A tileset's parts have no engine objects of their own: their tileset's style shows and hides them. */
export const tilesetPartsPlugin = definePlugin({ kind: 'tilesetPart', createLayer: () => undefined });
