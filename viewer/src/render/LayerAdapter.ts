import type { Scene } from 'cesium';
import type { ViewerEvents } from '../api/ViewerEvents.js';
import type { ViewerConfig } from '../config/ViewerConfig.js';
import type { LayerDefinition } from '../state/layerCatalog.js';
import type { ViewerStore } from '../state/createViewerStore.js';

/** What an adapter gets: the scene it draws into, the store it follows, the deployment config. */
export interface AdapterContext {
  scene: Scene;
  store: ViewerStore;
  config: ViewerConfig;
  /** Asks for a frame (the scene renders on demand). */
  requestRender(): void;
  events: ViewerEvents;
  /** Resolves after the scene's first frame: secondary layers load after it, not before. */
  firstFrame: Promise<void>;
}

/**
 * A renderer adapter owns the engine objects of one layer, follows the store and destroys
 * what it created. Tileset adapters also answer picks and feature lookups.
 */
export interface LayerAdapter {
  readonly id: string;
  /** Resolves when the layer's data is loaded (or failed, which it logs). */
  readonly ready: Promise<void>;
  stats?(): { tiles: number; features: number; tilesLoaded: boolean; tileErrors: number };
  destroy(): void;
}

export type AdapterFactory = (definition: LayerDefinition, context: AdapterContext) => LayerAdapter | undefined;
