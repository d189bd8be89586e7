import { Cesium3DTileColorBlendMode, Cesium3DTileFeature, Cesium3DTileset, Cesium3DTileStyle, type Cesium3DTile } from 'cesium';
import type { FeatureProperties } from '../api/ViewerEvents.js';
import { buildingStyle, PIPE_HIGHLIGHT } from '../styling/buildingStyle.js';
import { tilesetPartsStyle } from '../styling/tilesetPartsStyle.js';
import { watchAny } from '../state/createViewerStore.js';
import { partsOf, type LayerDefinition } from '../state/layerCatalog.js';
import type { ViewerState } from '../state/ViewerState.js';
import type { AdapterContext, LayerAdapter } from './LayerAdapter.js';

/** Tile cache per tileset: bounded so a wall running for weeks keeps a flat memory profile. */
const CACHE_BYTES = 192 * 1024 * 1024;
const CACHE_OVERFLOW_BYTES = 128 * 1024 * 1024;

/**
 * One 3D Tiles tileset (buildings, pipes, the water model) and its parts (pipe categories,
 * wells): show/hide, opacity, styling rule, selection highlight. Underground tilesets draw
 * only in underground mode, where the ground lets them be seen.
 */
export class TilesetAdapter implements LayerAdapter {
  readonly id: string;
  readonly ready: Promise<void>;
  private tileset: Cesium3DTileset | undefined;
  private destroyed = false;
  private readonly unsubscribe: (() => void)[] = [];
  private tiles = 0;
  private tileErrors = 0;
  private failed = false;
  private visibleFeatures = 0;
  private featuresThisFrame = 0;
  private schemaNames: Promise<Record<string, string>> | undefined;

  constructor(
    private readonly definition: LayerDefinition,
    private readonly context: AdapterContext,
  ) {
    this.id = definition.id;
    this.ready = this.load();
  }

  private async load(): Promise<void> {
    const url = `${this.context.config.tilesUrl}${this.definition.tileset}/tileset.json`;
    let tileset: Cesium3DTileset;
    try {
      tileset = await Cesium3DTileset.fromUrl(url, {
        maximumScreenSpaceError: this.definition.group === 'underground' ? 8 : 16,
        cacheBytes: CACHE_BYTES,
        maximumCacheOverflowBytes: CACHE_OVERFLOW_BYTES,
      });
    } catch (error) {
      this.tileErrors++;
      this.failed = true;
      console.error(`tileset ${url} failed to load`, error);
      return;
    }
    if (this.destroyed) {
      tileset.destroy();
      return;
    }
    this.tileset = tileset;
    if (this.definition.group === 'underground') {
      // Keep the data's CJJ 61 colours: white leaves them as they are, the highlight replaces them.
      tileset.colorBlendMode = Cesium3DTileColorBlendMode.MIX;
      tileset.colorBlendAmount = 0.85;
    }
    tileset.tileLoad.addEventListener(() => this.tiles++);
    tileset.tileUnload.addEventListener(() => this.tiles--);
    tileset.tileFailed.addEventListener((error: { url: string; message: string }) => {
      this.tileErrors++;
      console.error('tile failed', error.url, error.message);
    });
    tileset.tileVisible.addEventListener((tile: Cesium3DTile) => {
      this.featuresThisFrame += tile.content.featuresLength;
    });
    const scene = this.context.scene;
    const onPreRender = (): void => {
      this.visibleFeatures = this.featuresThisFrame;
      this.featuresThisFrame = 0;
    };
    scene.preRender.addEventListener(onPreRender);
    this.unsubscribe.push(() => scene.preRender.removeEventListener(onPreRender));
    scene.primitives.add(tileset);

    const { store } = this.context;
    this.apply(store.getState());
    // Re-style only when something the style depends on changed.
    this.unsubscribe.push(watchAny(store, [(s) => s.layers, (s) => s.selection, (s) => s.style, (s) => s.underground], () => this.apply(store.getState())));
  }

  private apply(state: ViewerState): void {
    const tileset = this.tileset;
    if (!tileset) return;
    const layer = state.layers[this.id] ?? { visible: this.definition.visible, opacity: 1 };
    tileset.show = layer.visible && (this.definition.group !== 'underground' || state.underground);
    const selected = state.selection && state.selection.tileset === this.definition.tileset ? state.selection.id : undefined;
    const json =
      this.id === 'buildings'
        ? buildingStyle(state.style, selected, state.underground ? Math.min(layer.opacity, 0.35) : layer.opacity)
        : tilesetPartsStyle(
            partsOf(this.definition.tileset!).map((definition) => ({ definition, visible: state.layers[definition.id]?.visible ?? definition.visible })),
            selected,
            layer.opacity,
            PIPE_HIGHLIGHT,
          );
    tileset.style = new Cesium3DTileStyle(json);
    this.context.requestRender();
  }

  /** The tileset name of a picked feature if it is one of ours. */
  owns(feature: Cesium3DTileFeature): boolean {
    return feature.tileset === this.tileset;
  }

  get tilesetName(): string {
    return this.definition.tileset!;
  }

  /** A loaded feature by its `id` property (undefined when its tile is not loaded). */
  findFeature(id: string): Cesium3DTileFeature | undefined {
    const root = this.tileset?.root;
    if (!root) return undefined;
    const stack: Cesium3DTile[] = [root];
    while (stack.length) {
      const tile = stack.pop()!;
      // Unloaded tiles have an empty placeholder content (0 features).
      const content = tile.content;
      if (content?.featuresLength) {
        for (let i = 0; i < content.featuresLength; i++) {
          const feature = content.getFeature(i);
          if (feature.getProperty('id') === id) return feature;
        }
      }
      stack.push(...tile.children);
    }
    return undefined;
  }

  /** Display names of the properties (the source's own field names, e.g. 名称), from the tileset's schema. */
  propertyNames(): Promise<Record<string, string>> {
    this.schemaNames ??= fetch(`${this.context.config.tilesUrl}${this.definition.tileset}/tileset.json`)
      .then((r) => r.json() as Promise<{ schema?: { classes?: Record<string, { properties?: Record<string, { name?: string }> }> } }>)
      .then((json) => {
        const names: Record<string, string> = {};
        for (const featureClass of Object.values(json.schema?.classes ?? {}))
          for (const [id, property] of Object.entries(featureClass.properties ?? {})) if (property.name) names[id] ??= property.name;
        return names;
      })
      .catch(() => ({}));
    return this.schemaNames;
  }

  stats(): { tiles: number; features: number; tilesLoaded: boolean; tileErrors: number } {
    const tileset = this.tileset;
    return {
      tiles: this.tiles,
      features: tileset?.show ? this.visibleFeatures : 0,
      tilesLoaded: this.failed || (tileset !== undefined && (!tileset.show || tileset.tilesLoaded)),
      tileErrors: this.tileErrors,
    };
  }

  destroy(): void {
    this.destroyed = true;
    for (const stop of this.unsubscribe.splice(0)) stop();
    if (this.tileset && !this.tileset.isDestroyed()) this.context.scene.primitives.remove(this.tileset); // remove() destroys it
    this.tileset = undefined;
  }
}

export function featureProperties(feature: Cesium3DTileFeature): FeatureProperties {
  const properties: FeatureProperties = {};
  for (const id of feature.getPropertyIds()) {
    const value: unknown = feature.getProperty(id);
    properties[id] = typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string' ? value : value == null ? null : String(value);
  }
  return properties;
}
