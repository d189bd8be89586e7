import type { Scene } from 'cesium';
import type { CameraView, LayerDefinition, LayerKind, ViewerConfig } from '../../../workers/formats/viewerConfig.js';
import type { UiContext } from './UiContext.js';
import type { FeatureProperties, ViewerEvents } from './ViewerEvents.js';
import type { SignInStore } from './SignInStore.js';
import type { FeatureRef } from './ViewerState.js';
import type { ViewerStore } from './ViewerStore.js';
import type { WorkerHost } from './WorkerHost.js';

/** What a plugin's viewer-lifetime state is made from (the scene is not there yet, and may be rebuilt). */
export interface PluginContext {
  store: ViewerStore;
  events: ViewerEvents;
  config: ViewerConfig;
  /** The page's own origin, for resolving relative URLs of the config. */
  baseUrl: string;
  /** Web Workers of this viewer, with one typed message map (workers/protocol/WorkerRequests.ts). */
  workers: WorkerHost;
  /** The query the viewer started from (a shared link's `?follow=wall`). */
  query: string;
  /** Who is signed in on this viewer (one sign-in for every plugin that writes to the server). */
  signIn: SignInStore;
  /**
   * The Authorization header of the viewer's data role (the signed-in account's, else the demo
   * sign-in's; none when public): every read of role-controlled data (pipe tiles, network.json,
   * build report, search indexes, pipe attributes) sends it — the server decides what it gets.
   */
  authHeaders(): Record<string, string>;
}

/** What a layer instance gets: the scene it draws into, and everything the plugin context has. */
export interface LayerContext extends Omit<PluginContext, 'query' | 'signIn'> {
  scene: Scene;
  /** Asks for a frame (the scene renders on demand). */
  requestRender(): void;
  /** Resolves after the scene's first frame: secondary layers load after it, not before. */
  firstFrame: Promise<void>;
  /** Another layer of the same scene (tileset parts find their tileset), once created. */
  layer(id: string): LayerInstance | undefined;
  /** What map labels keep clear of on screen (cluster markers): layers add sources, the labels layer reads them. */
  obstacles: ScreenObstacles;
}

/** A box on screen: centre and size in CSS pixels. */
export interface ScreenBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ScreenObstacles {
  /** A source of boxes, asked each time labels are placed; returns its removal. */
  add(source: () => readonly ScreenBox[]): () => void;
  boxes(): ScreenBox[];
  /** A source's boxes changed (markers shown or hidden): labels are placed again. */
  changed(): void;
  onChange(listener: () => void): () => void;
}

/** The obstacles of one scene. */
export function createScreenObstacles(): ScreenObstacles {
  const sources = new Set<() => readonly ScreenBox[]>();
  const listeners = new Set<() => void>();
  return {
    add(source) {
      sources.add(source);
      return () => sources.delete(source);
    },
    boxes: () => [...sources].flatMap((source) => source()),
    changed: () => listeners.forEach((listener) => listener()),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** What a click on an engine object means for the layer that owns it. */
export type PickOutcome =
  /** Select this feature; its properties as drawn. */
  | { select: FeatureRef; properties: FeatureProperties }
  /** Move the camera instead (a cluster: come closer). */
  | { flyTo: CameraView };

/** A feature's properties for the info panel and the page API, by the source's field names. */
export interface FeatureDescription {
  properties: FeatureProperties;
  /** The field that holds the feature's name, when the data says which. */
  nameField?: string;
}

/** Where a feature is, to fly to it: degrees and metres (negative below the ground). */
export interface FeatureLocation {
  lon: number;
  lat: number;
  height: number;
}

export interface LayerStats {
  tiles: number;
  features: number;
  tilesLoaded: boolean;
  tileErrors: number;
}

/**
 * One layer in one scene: owns its engine objects, follows the store, destroys what it created.
 * Optional hooks answer the host's questions; the host never asks "which layer is this?".
 */
export interface LayerInstance {
  readonly id: string;
  /** Resolves when the layer's data is loaded (or failed, which it logs). */
  readonly ready: Promise<void>;
  /** The meaning of a picked engine object, if it is this layer's. */
  pick?(picked: unknown): PickOutcome | undefined;
  /** A feature's properties (null when it is not loaded or unknown). */
  describe?(featureId: string): Promise<FeatureDescription | null>;
  stats?(): LayerStats;
  destroy(): void;
}

/**
 * Where a plugin's UI goes: panels in the left dock (under the toolbar) or the right dock
 * (beside the info panel; shown on the wall too) — docks stack their panels so none covers
 * another — free-floating things on the overlay, items in the status strip.
 */
export interface UiSlots {
  overlay: HTMLElement;
  left: HTMLElement;
  right: HTMLElement;
  statusStrip: HTMLElement;
}

/** A plugin's kind: the kind of config layer it draws, or its own name when it draws none (linked screens). */
export type PluginKind = LayerKind | 'follow';

/**
 * A kind of layer: registered by one line in the viewer's layer registry. `S` is the plugin's
 * own state slice, created once per viewer (it outlives scene rebuilds after a WebGL context
 * loss); layer instances are created per scene and per config entry of the plugin's kind.
 */
export interface LayerPlugin<S = undefined> {
  readonly kind: PluginKind;
  createState?(context: PluginContext): S;
  createLayer(definition: LayerDefinition, context: LayerContext, state: S): LayerInstance | undefined;
  /** Where a feature is without loading it (search index, catalogue), to fly there. */
  locate?(state: S, layerId: string, featureId: string): Promise<FeatureLocation | undefined>;
  /** Search hits of this plugin's layers. */
  search?(state: S, query: string, limit: number): Promise<SearchHit[]>;
  /** Panels and status items; returns the unmount. */
  mountUi?(ui: UiContext, slots: UiSlots, state: S): () => void;
  /** Extra content for the info panel under a selected feature's properties (a chart); returns the unmount. */
  mountDetail?(ui: UiContext, container: HTMLElement, feature: FeatureRef, state: S): (() => void) | undefined;
  /** Actions the plugin offers on a feature of any layer (open an incident from a sensor); shown by the info panel and the alarm list. */
  featureActions?(state: S, feature: FeatureRef, ui: UiContext): FeatureAction[];
  /** The plugin's part of the page API's `getState()` and `stats()`, by key. */
  snapshot?(state: S): Record<string, unknown>;
  statsOf?(state: S): Record<string, unknown>;
  /** Methods the plugin adds to the page API (`cimTwin.acknowledgeAlarm`). */
  pageApi?(state: S): Record<string, (...args: never[]) => unknown>;
  /** UI strings of the plugin, merged into the viewer's resources. */
  messages?: Record<'zh-CN' | 'en', object>;
  destroyState?(state: S): void;
}

/** Something a user can do with a feature, offered by a plugin (a button, labelled in the UI language). */
export interface FeatureAction {
  id: string;
  label: string;
  run(): void | Promise<void>;
}

/** A search hit: a feature of a layer, where it is, and how well it matched. */
export interface SearchHit {
  tileset: string;
  id: string;
  name: string;
  /** The English name, when the data has one. */
  nameEn?: string;
  address: string;
  lon: number;
  lat: number;
  height: number;
  score: number;
}

/** A plugin started for one viewer: its hooks bound to its state (the registry's view of it). */
export interface PluginRuntime {
  readonly kind: PluginKind;
  createLayer(definition: LayerDefinition, context: LayerContext): LayerInstance | undefined;
  locate(layerId: string, featureId: string): Promise<FeatureLocation | undefined>;
  search(query: string, limit: number): Promise<SearchHit[]>;
  mountUi(ui: UiContext, slots: UiSlots): () => void;
  mountDetail(ui: UiContext, container: HTMLElement, feature: FeatureRef): (() => void) | undefined;
  featureActions(feature: FeatureRef, ui: UiContext): FeatureAction[];
  snapshot(): Record<string, unknown>;
  statsOf(): Record<string, unknown>;
  pageApi(): Record<string, (...args: never[]) => unknown>;
  destroy(): void;
}

/** A registry entry: the plugin's kind and strings, and how to start it for a viewer. */
export interface RegisteredPlugin {
  readonly kind: PluginKind;
  readonly messages?: Record<'zh-CN' | 'en', object>;
  start(context: PluginContext): PluginRuntime;
}

/** Registers a plugin: binds its hooks to the state it creates, so the host needs no casts. */
export function definePlugin<S>(plugin: LayerPlugin<S>): RegisteredPlugin {
  return {
    kind: plugin.kind,
    ...(plugin.messages ? { messages: plugin.messages } : {}),
    start(context) {
      const state = plugin.createState ? plugin.createState(context) : (undefined as S);
      return {
        kind: plugin.kind,
        createLayer: (definition, layerContext) => plugin.createLayer(definition, layerContext, state),
        locate: async (layerId, featureId) => plugin.locate?.(state, layerId, featureId),
        search: async (query, limit) => (await plugin.search?.(state, query, limit)) ?? [],
        mountUi: (ui, slots) => plugin.mountUi?.(ui, slots, state) ?? (() => undefined),
        mountDetail: (ui, container, feature) => plugin.mountDetail?.(ui, container, feature, state),
        featureActions: (feature, ui) => plugin.featureActions?.(state, feature, ui) ?? [],
        snapshot: () => plugin.snapshot?.(state) ?? {},
        statsOf: () => plugin.statsOf?.(state) ?? {},
        pageApi: () => plugin.pageApi?.(state) ?? {},
        destroy: () => plugin.destroyState?.(state),
      };
    },
  };
}
