import type { LatencySummary } from '../../../workers/live/LatencyHistogram.js';
import type { SceneHost, ViewerStats } from '../render/SceneHost.js';
import type { SearchHit } from '../search/searchFeatures.js';
import type { SearchService } from '../search/SearchService.js';
import { bookmark } from '../state/bookmarks.js';
import type { ViewerStore } from '../state/createViewerStore.js';
import { rangeFor, viewLookingAt } from '../state/viewLookingAt.js';
import type { CameraView, Language, StyleRule, ViewerMode, ViewerState } from '../state/ViewerState.js';
import type { FeatureProperties, ViewerEventMap, ViewerEventName, ViewerEvents } from './ViewerEvents.js';

/** Where `flyTo` goes: a bookmark id, a camera view, a point to look at, or a feature. */
export type FlyTarget = string | CameraView | { lon: number; lat: number; height?: number; range?: number } | { featureId: string; tileset?: string };

/**
 * The page API (`window.cimTwin`): what tests, embedding hosts and the cockpit widget's
 * postMessage bridge drive. Plain data in and out; documented in the README.
 */
export interface CimTwinApi {
  readonly version: string;
  readonly ready: Promise<void>;
  flyTo(target: FlyTarget, options?: { duration?: number }): Promise<void>;
  select(featureId: string | null, tileset?: string): Promise<FeatureProperties | null>;
  search(query: string): Promise<SearchHit[]>;
  setLayerVisible(id: string, visible: boolean): void;
  setLayerOpacity(id: string, opacity: number): void;
  setStyle(rule: StyleRule): void;
  setMode(mode: ViewerMode, options?: { tour?: boolean }): void;
  setLanguage(language: Language): void;
  setUnderground(on: boolean): void;
  getState(): ViewerState;
  /** Scene figures, and when `ready` resolved (ms since navigation start). */
  stats(): ViewerStats & {
    readyMs: number | null;
    live: {
      state: string;
      sensors: number;
      alarms: number;
      messagesPerSecond: number;
      ageAtRenderMs: LatencySummary | null;
      drawn: { points: number; clusters: number };
    };
  };
  acknowledgeAlarm(datastream: number): void;
  /** Looks at a point and selects what is drawn there (tests, and "what is here?" tools). */
  pickAtLonLat(lon: number, lat: number, height: number, range?: number): Promise<FeatureProperties | null>;
  waitForTiles(): Promise<boolean>;
  on<K extends ViewerEventName>(name: K, listener: (event: ViewerEventMap[K]) => void): () => void;
}

export function createPageApi(store: ViewerStore, host: SceneHost, events: ViewerEvents, search: SearchService, ready: Promise<void>): CimTwinApi {
  const lastSelect = (): FeatureProperties | null => currentProperties;
  let currentProperties: FeatureProperties | null = null;
  let readyMs: number | null = null;
  void ready.then(() => (readyMs = performance.now()));
  events.on('select', (event) => (currentProperties = event.properties));

  async function goToFeature(featureId: string, tileset: string | undefined, duration: number): Promise<FeatureProperties | null> {
    if (tileset === 'sensors') {
      // Sensors are not in a search index: the layer knows where they are.
      store.getState().select({ tileset, id: featureId });
      await host.refreshSelection();
      const properties = lastSelect();
      if (properties && typeof properties['lon'] === 'number' && typeof properties['lat'] === 'number')
        await host.flyTo(viewLookingAt(properties['lon'], properties['lat'], 0, 300, -45), duration);
      return properties;
    }
    const hit = tileset ? await search.find(tileset, featureId) : await search.find('buildings', featureId);
    if (!hit) {
      store.getState().select(null);
      return null;
    }
    if (hit.height < 0) store.getState().setUnderground(true);
    await host.flyTo(viewLookingAt(hit.lon, hit.lat, hit.height, rangeFor(hit.height), hit.height < 0 ? -50 : -35), duration);
    store.getState().select({ tileset: hit.tileset, id: hit.id });
    await host.waitForTiles();
    await host.refreshSelection();
    return lastSelect();
  }

  return {
    version: '0.2.0',
    ready,
    async flyTo(target, options = {}) {
      const duration = options.duration ?? 2;
      if (typeof target === 'string') {
        const found = bookmark(target);
        if (!found) throw new Error(`no bookmark "${target}"`);
        return host.flyTo(found.view, duration);
      }
      if ('featureId' in target) {
        await goToFeature(target.featureId, target.tileset, duration);
        return;
      }
      if ('pitch' in target) return host.flyTo(target, duration);
      const height = target.height ?? 0;
      return host.flyTo(viewLookingAt(target.lon, target.lat, height, target.range ?? rangeFor(height)), duration);
    },
    select: (featureId, tileset) => (featureId === null ? (store.getState().select(null), Promise.resolve(null)) : goToFeature(featureId, tileset, 0)),
    search: (query) => search.search(query),
    setLayerVisible: (id, visible) => store.getState().setLayerVisible(id, visible),
    setLayerOpacity: (id, opacity) => store.getState().setLayerOpacity(id, opacity),
    setStyle: (rule) => store.getState().setStyle(rule),
    setMode: (mode, options = {}) => {
      store.getState().setMode(mode);
      if (mode === 'wall') store.getState().setTour(options.tour ?? true);
    },
    setLanguage: (language) => store.getState().setLanguage(language),
    setUnderground: (on) => store.getState().setUnderground(on),
    getState: () => {
      const { camera, layers, selection, style, mode, language, underground, tour, clock, live } = store.getState();
      return structuredClone({ camera, layers, selection, style, mode, language, underground, tour, clock, live });
    },
    stats: () => {
      const { live } = store.getState();
      return {
        ...host.stats(),
        readyMs,
        live: {
          state: live.connection,
          sensors: live.sensors,
          alarms: live.alarms.length,
          messagesPerSecond: live.messagesPerSecond,
          ageAtRenderMs: live.ageAtRenderMs,
          drawn: live.drawn,
        },
      };
    },
    acknowledgeAlarm: (datastream) => store.getState().acknowledgeAlarm(datastream),
    async pickAtLonLat(lon, lat, height, range = 650) {
      await host.flyTo(viewLookingAt(lon, lat, height, range, -50), 0);
      await host.waitForTiles();
      const at = host.toWindow(lon, lat, height);
      const picked = at ? host.pickAt(at.x, at.y) : undefined;
      store.getState().select(picked?.feature ?? null);
      await host.refreshSelection();
      return picked?.properties ?? null;
    },
    waitForTiles: () => host.waitForTiles(),
    on: (name, listener) => events.on(name, listener),
  };
}
