import {
  Cartesian3,
  Cesium3DTileColorBlendMode,
  Cesium3DTileFeature,
  Cesium3DTileset,
  Cesium3DTileStyle,
  ClippingPolygon,
  ClippingPolygonCollection,
  Resource,
  type Cesium3DTile,
} from 'cesium';
import type { TilesetLayerDefinition, TilesetPartDefinition } from '../../workers/formats/viewerConfig.js';
import { nameFieldOf } from '../../workers/formats/featureNames.js';
import type { FeatureDescription, LayerContext, LayerInstance, LayerStats, PickOutcome } from '../../viewer/src/platform/LayerPlugin.js';
import type { FeatureProperties } from '../../viewer/src/platform/ViewerEvents.js';
import type { GroundWindow, ViewerState } from '../../viewer/src/platform/ViewerState.js';
import { watchAny } from '../../viewer/src/platform/ViewerStore.js';
import { buildingStyle, PIPE_HIGHLIGHT } from './buildingStyle.js';
import { showOnly } from './emphasisConditions.js';
import { NetworkLines } from './NetworkLines.js';
import { tilesetPartsStyle } from './tilesetPartsStyle.js';

/** Tile cache per tileset: bounded so a wall running for weeks keeps a flat memory profile. */
const CACHE_BYTES = 192 * 1024 * 1024;
const CACHE_OVERFLOW_BYTES = 128 * 1024 * 1024;

/** What the tileset's metadata schema says about its properties: display names and the NAME semantic. */
interface SchemaInfo {
  /** Property id → the source's field name (名称 for u540d_u79f0_). */
  names: Record<string, string>;
  /** The property id carrying the NAME semantic, if any. */
  nameProperty?: string;
  /** Source columns the pipeline read into a built-in property: shown once, as the built-in. */
  normalised: Set<string>;
}

/**
 * One 3D Tiles tileset (buildings, pipes, a water model) and its parts (pipe categories,
 * wells): show/hide, opacity, styling, selection highlight, picking and describing features.
 * Underground tilesets draw only in underground mode, where the ground lets them be seen — or,
 * above ground, inside the store's ground window (an excavation pit): there the tileset is shown
 * clipped to the window (an inverse clipping polygon: tiles outside it are not even loaded), only
 * the features the window names for this layer, if it names any (an excavation pit names none of
 * the pipes': it draws the pipes it meets itself, cut at its outline).
 */
export class TilesetLayer implements LayerInstance {
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
  private schema: Promise<SchemaInfo> | undefined;
  private readonly url: string;
  private readonly parts: TilesetPartDefinition[];
  /** The network's centre lines, loaded the first time the tileset is shown (network.json is large). */
  private lines: NetworkLines | undefined;
  /** The ground window's outline this tileset is clipped to (above ground), and the collection it was given for it. */
  private windowFor: GroundWindow['polygon'] | null = null;
  private windowClip: ClippingPolygonCollection | undefined;

  constructor(
    private readonly definition: TilesetLayerDefinition,
    private readonly context: LayerContext,
  ) {
    this.id = definition.id;
    this.url = new URL(definition.url, context.baseUrl).href;
    this.parts = context.config.layers.filter((l): l is TilesetPartDefinition => l.kind === 'tilesetPart' && l.of === definition.id);
    this.ready = this.load();
  }

  private async load(): Promise<void> {
    let tileset: Cesium3DTileset;
    try {
      // The data role's token on the tileset and, derived from it, every child request (its
      // categories' tilesets and tiles): the server decides what this role is sent.
      tileset = await Cesium3DTileset.fromUrl(new Resource({ url: this.url, headers: this.context.authHeaders() }), {
        // Networks are thin: they need finer levels to read (8 px) than Cesium's default (16 px).
        maximumScreenSpaceError: this.definition.maximumScreenSpaceError ?? (this.definition.underground ? 8 : 16),
        cacheBytes: CACHE_BYTES,
        maximumCacheOverflowBytes: CACHE_OVERFLOW_BYTES,
      });
    } catch (error) {
      this.tileErrors++;
      this.failed = true;
      console.error(`tileset ${this.url} failed to load`, error);
      return;
    }
    if (this.destroyed) {
      tileset.destroy();
      return;
    }
    this.tileset = tileset;
    if (this.definition.styling === 'dataColors') {
      // Keep the data's own colours (CJJ 61): white leaves them as they are, the highlight replaces them.
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
    this.unsubscribe.push(
      watchAny(store, [(s) => s.layers, (s) => s.selection, (s) => s.style, (s) => s.underground, (s) => s.emphasis, (s) => s.groundWindow], () =>
        this.apply(store.getState()),
      ),
    );
  }

  private apply(state: ViewerState): void {
    const tileset = this.tileset;
    if (!tileset) return;
    const layer = state.layers[this.id] ?? { visible: this.definition.visible, opacity: this.definition.opacity ?? 1 };
    const everywhere = layer.visible && (!this.definition.underground || state.underground);
    const window = layer.visible && !everywhere && this.definition.underground ? state.groundWindow : null;
    // The features this layer draws in the window (undefined: all of them); none: not even traversed.
    const windowFeatures = window?.features[this.id];
    tileset.show = everywhere || (window !== null && windowFeatures?.length !== 0);
    this.clipToWindow(tileset, window?.polygon ?? null);
    const selected = state.selection?.tileset === this.id ? state.selection.id : undefined;
    const emphasis = Object.values(state.emphasis).flatMap((list) => list.filter((e) => e.layer === this.id));
    const json =
      this.definition.styling === 'buildings'
        ? // Underground, buildings fade so the networks below them read.
          buildingStyle(state.style, selected, state.underground ? Math.min(layer.opacity, 0.35) : layer.opacity, emphasis)
        : tilesetPartsStyle(
            this.parts.map((definition) => ({ definition, visible: state.layers[definition.id]?.visible ?? definition.visible })),
            selected,
            layer.opacity,
            PIPE_HIGHLIGHT,
            emphasis,
          );
    // In a window only the features it names are drawn: hidden by the style, the others collapse
    // in the vertex shader and make no pixels (drawn, every feature of every tile the window
    // meets is shaded and then discarded by the clip, pixel by pixel).
    if (windowFeatures) json.show = showOnly(json.show, windowFeatures);
    tileset.style = new Cesium3DTileStyle(json);
    this.applyLines(state, everywhere);
    this.context.requestRender();
  }

  /** Shows only what lies inside the ground window (null: the whole tileset, as before). */
  private clipToWindow(tileset: Cesium3DTileset, window: GroundWindow['polygon'] | null): void {
    if (window === this.windowFor) return;
    this.windowFor = window;
    // Only the collection this layer set is taken back (the setter destroys the one it replaces).
    if (this.windowClip && tileset.clippingPolygons === this.windowClip) tileset.clippingPolygons = undefined as unknown as ClippingPolygonCollection;
    this.windowClip = undefined;
    if (!window || !ClippingPolygonCollection.isSupported(this.context.scene)) return;
    this.windowClip = new ClippingPolygonCollection({
      polygons: [new ClippingPolygon({ positions: window.map(([lon, lat]) => Cartesian3.fromDegrees(lon, lat, 0)) })],
      inverse: true,
    });
    tileset.clippingPolygons = this.windowClip;
  }

  private applyLines(state: ViewerState, shown: boolean): void {
    const url = this.definition.network;
    if (!url || (!shown && !this.lines)) return;
    if (!this.lines) {
      const lines = (this.lines = new NetworkLines(this.context.scene));
      lines
        .load(new URL(url, this.context.baseUrl).href, this.context.authHeaders())
        .then(() => this.applyLines(this.context.store.getState(), this.tileset?.show ?? false))
        .catch((error: unknown) => console.error(`network lines of ${this.id} failed to load`, error));
    }
    // A category shows when a visible part covers its pipe segments (or the tileset has no parts).
    const categoryVisible = (category: string): boolean => {
      const covering = this.parts.filter((p) => p.match?.['category']?.includes(category) && (p.match['kind'] ?? ['segment']).includes('segment'));
      return covering.length === 0 || covering.some((p) => state.layers[p.id]?.visible ?? p.visible);
    };
    this.lines.apply(shown, categoryVisible);
    this.context.requestRender();
  }

  pick(picked: unknown): PickOutcome | undefined {
    if (!(picked instanceof Cesium3DTileFeature) || picked.tileset !== this.tileset) return undefined;
    const id: unknown = picked.getProperty('id');
    if (typeof id !== 'string') return undefined;
    return { select: { tileset: this.id, id }, properties: rawProperties(picked) };
  }

  async describe(featureId: string): Promise<FeatureDescription | null> {
    const feature = this.findFeature(featureId);
    if (!feature) return null;
    const raw = rawProperties(feature);
    const schema = await this.schemaInfo();
    const properties: FeatureProperties = {};
    // Under the source's field names; where two share a name (a source "height" beside the
    // built-in one, kept as src_height) the second keeps its id.
    for (const [id, value] of Object.entries(raw)) {
      if (schema.normalised.has(id)) continue;
      const name = schema.names[id] ?? id;
      properties[name in properties ? id : name] = value;
    }
    // The NAME property, when this feature has a value there (sources merged into one tileset may
    // name their features in other fields: 名称 in a Shapefile beside name in a GeoJSON).
    const semantic = schema.nameProperty !== undefined ? (schema.names[schema.nameProperty] ?? schema.nameProperty) : undefined;
    const nameField = semantic !== undefined && properties[semantic] ? semantic : nameFieldOf(properties);
    return { properties, ...(nameField !== undefined ? { nameField } : {}) };
  }

  /** A loaded feature by its `id` property (undefined when its tile is not loaded). */
  private findFeature(id: string): Cesium3DTileFeature | undefined {
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

  /** Display names and the NAME property from the tileset's metadata schema (read once). */
  private schemaInfo(): Promise<SchemaInfo> {
    type Property = { name?: string; semantic?: string; extras?: { normalisedAs?: unknown } };
    type Schema = { schema?: { classes?: Record<string, { properties?: Record<string, Property> }> } };
    this.schema ??= fetch(this.url, { headers: this.context.authHeaders() })
      .then((r) => r.json() as Promise<Schema>)
      .then((json) => {
        const info: SchemaInfo = { names: {}, normalised: new Set() };
        for (const featureClass of Object.values(json.schema?.classes ?? {}))
          for (const [id, property] of Object.entries(featureClass.properties ?? {})) {
            if (property.name) info.names[id] ??= property.name;
            if (property.semantic === 'NAME') info.nameProperty ??= id;
            if (typeof property.extras?.normalisedAs === 'string') info.normalised.add(id);
          }
        return info;
      })
      .catch(() => ({ names: {}, normalised: new Set<string>() }));
    return this.schema;
  }

  stats(): LayerStats {
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
    this.lines?.destroy();
    this.lines = undefined;
    if (this.tileset && !this.tileset.isDestroyed()) this.context.scene.primitives.remove(this.tileset); // remove() destroys it
    this.tileset = undefined;
  }
}

/** A feature's properties by property id, as plain values. */
function rawProperties(feature: Cesium3DTileFeature): FeatureProperties {
  const properties: FeatureProperties = {};
  for (const id of feature.getPropertyIds()) {
    const value: unknown = feature.getProperty(id);
    properties[id] = typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string' ? value : value == null ? null : String(value);
  }
  return properties;
}
