import type { ParkingGuidanceEntry } from '../../../workers/formats/parking.js';
import type { ParkingKpis } from '../../../workers/parking/parkingKpis.js';
import type { ParkingTurnover } from '../../../workers/parking/parkingKpis.js';
import type { FeatureAction, LayerContext, LayerInstance, PluginContext, UiSlots } from '../../../viewer/src/platform/LayerPlugin.js';
import { serverApiBase } from '../../../viewer/src/platform/historyApi.js';
import type { UiContext } from '../../../viewer/src/platform/UiContext.js';
import type { FeatureRef } from '../../../viewer/src/platform/ViewerState.js';
import { countTurnover, kpisOf, mountKpiPanel } from '../kpi/KpiPanel.js';
import type { ParkingModel } from '../ParkingModel.js';
import { guidanceActions, mountGuidancePanel } from './GuidancePanel.js';
import { mountGuidanceRoute, type DrawnRoute } from './GuidanceRoute.js';
import en from './i18n.en.json';
import zhCN from './i18n.zh-CN.json';
import { ParkingGuidance, roadGraphUrlOf, type GuideOptions } from './ParkingGuidance.js';

/**
 * Guidance and district KPIs as the parking plugin's parts (layers/parking/parkingPlugin.ts calls
 * these, one line per hook): the guidance state and turnover counter per viewer, the two panels,
 * the route in each scene, "Parking nearby" on incidents, and `cimTwin.parking.guide`/`kpis`.
 */
export interface GuidanceParts {
  guidance: ParkingGuidance;
  turnover: ParkingTurnover;
  model: ParkingModel;
  drawn: DrawnRoute;
  stop(): void;
}

export const guidanceMessages = { 'zh-CN': zhCN, en };

export function startGuidance(context: Pick<PluginContext, 'config' | 'baseUrl' | 'workers'>, model: ParkingModel): GuidanceParts {
  const guidance = new ParkingGuidance(model, context.workers, {
    apiBase: serverApiBase(context.config, context.baseUrl),
    baseUrl: context.baseUrl,
    roadGraphUrl: roadGraphUrlOf(context.config),
  });
  const counting = countTurnover(model);
  return {
    guidance,
    turnover: counting.turnover,
    model,
    drawn: { siteId: null, vertices: 0, ready: false },
    stop: () => {
      counting.stop();
      guidance.destroy();
    },
  };
}

/** The guidance panel in the left dock (planners), the KPIs in the right dock (planner and wall). */
export function mountGuidanceUi(ui: UiContext, slots: UiSlots, parts: GuidanceParts): () => void {
  const stops = [mountGuidancePanel(slots.left, ui, parts.guidance), mountKpiPanel(slots.right, ui, parts.model, parts.turnover)];
  return () => stops.forEach((stop) => stop());
}

/** The layer with the guidance route drawn in its scene (removed with it). */
export function withGuidanceRoute<L extends LayerInstance>(layer: L, context: LayerContext, parts: GuidanceParts): L {
  const unmount = mountGuidanceRoute(context, parts.guidance, (drawn) => (parts.drawn = drawn));
  const destroy = layer.destroy.bind(layer);
  layer.destroy = () => {
    unmount();
    destroy();
  };
  return layer;
}

export function guidanceFeatureActions(parts: GuidanceParts, feature: FeatureRef, ui: UiContext): FeatureAction[] {
  return guidanceActions(parts.guidance, feature, ui);
}

/** `cimTwin.parking.guide` and `cimTwin.parking.kpis` (docs/parking.md). */
export interface GuidancePageApi {
  /** Sites ranked for a destination and an arrival time (0–60 min), best first; does not touch the panel. */
  guide(destination: { lon: number; lat: number }, options?: GuideOptions): Promise<ParkingGuidanceEntry[]>;
  /** Shows a destination in the panel (as a click would), ranks for it and, with `select`, draws that site's route. */
  showGuidance(
    destination: { lon: number; lat: number; label?: string },
    options?: { arriveInMinutes?: number; from?: { lon: number; lat: number }; select?: string | 'first' },
  ): Promise<ParkingGuidanceEntry[]>;
  /** The district KPIs now (at the replay's time in a replay). */
  kpis(): ParkingKpis;
}

export function guidancePageApi(parts: GuidanceParts): GuidancePageApi {
  return {
    guide: (destination, options) => parts.guidance.guide(destination, options),
    showGuidance: async (destination, options = {}) => {
      const { guidance } = parts;
      if (options.arriveInMinutes !== undefined) guidance.store.getState().set({ arriveInMinutes: options.arriveInMinutes });
      await guidance.setDestination(
        { lon: destination.lon, lat: destination.lat, label: destination.label ?? '' },
        options.from ? { lon: options.from.lon, lat: options.from.lat } : null,
      );
      const { entries, message, status } = guidance.store.getState();
      if (status === 'error') throw new Error(message ?? 'parking guidance failed');
      const select = options.select === 'first' ? entries[0]?.siteId : options.select;
      if (select) guidance.select(select);
      return structuredClone(entries);
    },
    kpis: () => kpisOf(parts.model, parts.turnover),
  };
}

/** What the page API's getState() shows of guidance: the panel's request and the route drawn. */
export function guidanceSnapshot(parts: GuidanceParts): Record<string, unknown> {
  const { destination, arriveInMinutes, entries, selected, status, workerMs } = parts.guidance.store.getState();
  return { destination, arriveInMinutes, ranked: entries.map((e) => e.siteId), selected, status, workerMs, route: { ...parts.drawn } };
}
