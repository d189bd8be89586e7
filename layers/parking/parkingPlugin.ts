import type { ParkingLayerDefinition } from '../../workers/formats/viewerConfig.js';
import { definePlugin } from '../../viewer/src/platform/LayerPlugin.js';
import type { UiContext } from '../../viewer/src/platform/UiContext.js';
import { serverApiBase } from '../../viewer/src/platform/historyApi.js';
import type { TopicFeedConnection } from '../../viewer/src/platform/TopicFeed.js';
import type { FeatureProperties } from '../../viewer/src/platform/ViewerEvents.js';
import en from './i18n.en.json';
import zhCN from './i18n.zh-CN.json';
import { ParkingLayer } from './ParkingLayer.js';
import { ParkingModel, type ParkingSiteView } from './ParkingModel.js';
import { ParkingSource } from './ParkingSource.js';
import { floorFeatureId, floorHeight, parseFeatureId } from './parkingGeometry.js';
import { mountParkingDetail } from './ui/ParkingDetail.js';
import { mountParkingLegend } from './ui/ParkingLegend.js';
import './parking.css';
import * as guidanceHooks from './guidance/guidanceHooks.js';

export interface ParkingPluginState {
  /** The one store of sites and states (layers/parking/ParkingModel.ts): guidance and KPIs read it too. */
  model: ParkingModel;
  source: ParkingSource | undefined;
  /** The config's parking layer, if any. */
  layerId: string | undefined;
  connection: TopicFeedConnection | 'replay' | 'off';
  error: string | null;
  errorListeners: Set<() => void>;
  /** The UI's context once mounted: the page API's selectFloor goes through the viewer's commands. */
  ui: UiContext | undefined;
  /** The layer drawn in the current scene (the page API's floorOnScreen asks it). */
  layer: ParkingLayer | undefined;
  /** Guidance and district KPIs (layers/parking/guidance/guidanceHooks.ts). */
  guidance: guidanceHooks.GuidanceParts | undefined;
}

/** The page API's `parking` part (documented in docs/parking.md). */
export interface ParkingPageApi {
  parking: {
    /** Every site as shown now (at the replay's time in a replay): plain data. */
    sites(): ParkingSiteView[];
    /** Flies to a garage's floor and selects it; resolves to the info panel's properties (null: no such floor). */
    selectFloor(siteId: string, levelId: string): Promise<FeatureProperties | null>;
    /** Where a drawn floor's top face is on screen (CSS px), for a test's click; null when not drawn or off screen. */
    floorOnScreen(siteId: string, levelId: string): { x: number; y: number } | null;
  } & Partial<guidanceHooks.GuidancePageApi>;
}

/** The broker's WebSocket URL: a path means the page's own origin. */
function absoluteMqttUrl(url: string, baseUrl: string): string {
  if (/^wss?:\/\//.test(url)) return url;
  const base = new URL(baseUrl);
  return `${base.protocol === 'https:' ? 'wss' : 'ws'}://${base.host}${url.startsWith('/') ? '' : '/'}${url}`;
}

/**
 * Smart parking (issue 15): the sites from `/api/parking/sites` in the ParkingModel, kept live by
 * the parking topic and following the clock in a replay; the layer (ParkingLayer), the legend,
 * the site and floor detail in the info panel, and `cimTwin.parking` in the page API.
 */
export const parkingPlugin = definePlugin<ParkingPluginState>({
  kind: 'parking',
  messages: { 'zh-CN': { ...zhCN, ...guidanceHooks.guidanceMessages['zh-CN'] }, en: { ...en, ...guidanceHooks.guidanceMessages.en } },
  createState: ({ config, baseUrl, store, workers }) => {
    const definition = config.layers.find((l): l is ParkingLayerDefinition => l.kind === 'parking');
    const model = new ParkingModel(Date.now());
    const state: ParkingPluginState = {
      model,
      source: undefined,
      layerId: definition?.id,
      connection: 'off',
      error: null,
      errorListeners: new Set(),
      ui: undefined,
      layer: undefined,
      guidance: undefined,
    };
    // The parking API and topic are the live backbone's: a deployment without one has no parking to show.
    if (!definition || !config.live) return state;
    state.source = new ParkingSource({
      apiBase: serverApiBase(config, baseUrl),
      mqttUrl: config.live ? absoluteMqttUrl(config.live.mqttUrl, baseUrl) : undefined,
      viewer: store,
      model,
      onConnection: (connection) => (state.connection = connection),
      onError: (message) => {
        if (message === state.error) return;
        state.error = message;
        if (message) console.error(`parking: ${message}`);
        state.errorListeners.forEach((listener) => listener());
      },
    });
    state.source.start();
    state.guidance = guidanceHooks.startGuidance({ config, baseUrl, workers }, model);
    return state;
  },
  destroyState: (state) => {
    state.source?.stop();
    state.guidance?.stop();
  },
  createLayer: (definition, context, state) => {
    if (definition.kind !== 'parking') return undefined;
    const layer = (state.layer = new ParkingLayer(definition, context, state.model));
    return state.guidance ? guidanceHooks.withGuidanceRoute(layer, context, state.guidance) : layer;
  },
  locate: async (state, _layerId, featureId) => {
    const { siteId, levelId } = parseFeatureId(featureId);
    const site = state.model.site(siteId);
    if (!site) return undefined;
    const level = levelId ? site.levels.find((l) => l.id === levelId) : undefined;
    return { lon: site.lon, lat: site.lat, height: level ? floorHeight(level.storey) : 0 };
  },
  search: async (state, query, limit) => {
    const words = query.trim().toLowerCase();
    if (!words || !state.layerId) return [];
    const layerId = state.layerId;
    return state.model
      .sites()
      .filter((s) => s.name.toLowerCase().includes(words) || s.id.toLowerCase() === words)
      .slice(0, limit)
      .map((s) => ({ tileset: layerId, id: s.id, name: s.name, address: '', lon: s.lon, lat: s.lat, height: 0, score: s.kind === 'onStreet' ? 40 : 55 }));
  },
  mountUi: (ui, slots, state) => {
    const layerId = state.layerId;
    if (!layerId) return () => undefined;
    state.ui = ui;
    const stop = mountParkingLegend(
      slots,
      ui,
      state.model,
      layerId,
      () => state.error,
      (listener) => {
        state.errorListeners.add(listener);
        return () => state.errorListeners.delete(listener);
      },
    );
    const stopGuidance = state.guidance ? guidanceHooks.mountGuidanceUi(ui, slots, state.guidance) : () => undefined;
    return () => {
      stop();
      stopGuidance();
      state.ui = undefined;
    };
  },
  mountDetail: (ui, container, feature, state) =>
    feature.tileset === state.layerId && state.model.site(parseFeatureId(feature.id).siteId)
      ? mountParkingDetail(container, ui, state.model, feature.id)
      : undefined,
  featureActions: (state, feature, ui) => (state.guidance ? guidanceHooks.guidanceFeatureActions(state.guidance, feature, ui) : []),
  snapshot: (state) => ({
    parking: {
      sites: state.model.size,
      connection: state.connection,
      error: state.error,
      time: state.model.time,
      guidance: state.guidance ? guidanceHooks.guidanceSnapshot(state.guidance) : null,
    },
  }),
  pageApi: (state): Record<string, never> => {
    const api: ParkingPageApi = {
      parking: {
        sites: () => state.model.views(),
        ...(state.guidance ? guidanceHooks.guidancePageApi(state.guidance) : {}),
        selectFloor: async (siteId, levelId) => {
          const site = state.model.site(siteId);
          if (!state.ui || !state.layerId || !site?.levels.some((l) => l.id === levelId)) return null;
          const { store, commands } = state.ui;
          const level = site.levels.find((l) => l.id === levelId)!;
          // Underground floors are seen in underground view; from 220 m, so the garage's floors and its street are in view.
          if (level.storey < 0) store.getState().setUnderground(true);
          await commands.flyTo({ lon: site.lon, lat: site.lat, height: floorHeight(level.storey), range: 220 }, { duration: 0 });
          store.getState().select({ tileset: state.layerId, id: floorFeatureId(siteId, levelId) });
          return (await commands.describeSelection())?.properties ?? null;
        },
        floorOnScreen: (siteId, levelId) => state.layer?.floorOnScreen(siteId, levelId) ?? null,
      },
    };
    return api as unknown as Record<string, never>;
  },
});
