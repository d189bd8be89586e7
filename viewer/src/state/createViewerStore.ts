import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AlarmEntry, CameraView, FeatureRef, Language, LayerState, LiveState, SensorReading, StyleRule, ViewerMode, ViewerState } from './ViewerState.js';

export interface ViewerActions {
  setCamera(camera: CameraView): void;
  setLayerVisible(id: string, visible: boolean): void;
  setLayerOpacity(id: string, opacity: number): void;
  select(feature: FeatureRef | null): void;
  setStyle(rule: StyleRule): void;
  setMode(mode: ViewerMode): void;
  setLanguage(language: Language): void;
  setUnderground(on: boolean): void;
  setTour(running: boolean, index?: number): void;
  setLiveSummary(summary: Omit<LiveState, 'alarms' | 'selectedReading'>): void;
  setSelectedReading(reading: SensorReading | null): void;
  raiseAlarm(alarm: Omit<AlarmEntry, 'acknowledged'>): void;
  clearAlarm(datastream: number): void;
  acknowledgeAlarm(datastream: number): void;
}

/** Alarms kept in the list (the newest; older ones are in the history API). */
const MAX_ALARMS = 200;

export type ViewerStore = StoreApi<ViewerState & ViewerActions>;

/** The one store of the viewer (zustand vanilla: no UI framework needed to read or watch it). */
export function createViewerStore(initial: ViewerState): ViewerStore {
  return createStore<ViewerState & ViewerActions>()((set) => ({
    ...initial,
    setCamera: (camera) => set({ camera }),
    setLayerVisible: (id, visible) => set((s) => ({ layers: { ...s.layers, [id]: { ...layerOf(s.layers, id), visible } } })),
    setLayerOpacity: (id, opacity) => set((s) => ({ layers: { ...s.layers, [id]: { ...layerOf(s.layers, id), opacity: Math.min(1, Math.max(0, opacity)) } } })),
    select: (selection) => set({ selection }),
    setStyle: (style) => set({ style }),
    setMode: (mode) => set((s) => ({ mode, tour: mode === 'wall' ? s.tour : { running: false, index: -1 } })),
    setLanguage: (language) => set({ language }),
    setUnderground: (underground) => set({ underground }),
    setTour: (running, index) => set((s) => ({ tour: { running, index: index ?? s.tour.index } })),
    setLiveSummary: (summary) => set((s) => ({ live: { ...s.live, ...summary } })),
    setSelectedReading: (selectedReading) => set((s) => ({ live: { ...s.live, selectedReading } })),
    raiseAlarm: (alarm) =>
      set((s) => ({
        live: {
          ...s.live,
          alarms: [{ ...alarm, acknowledged: false }, ...s.live.alarms.filter((a) => a.datastream !== alarm.datastream)].slice(0, MAX_ALARMS),
        },
      })),
    clearAlarm: (datastream) => set((s) => ({ live: { ...s.live, alarms: s.live.alarms.filter((a) => a.datastream !== datastream) } })),
    acknowledgeAlarm: (datastream) =>
      set((s) => ({ live: { ...s.live, alarms: s.live.alarms.map((a) => (a.datastream === datastream ? { ...a, acknowledged: true } : a)) } })),
  }));
}

function layerOf(layers: Record<string, LayerState>, id: string): LayerState {
  return layers[id] ?? { visible: true, opacity: 1 };
}

/** Calls `listener` when the selected slice changes (shallow-compared by reference). */
export function watch<T>(store: ViewerStore, select: (state: ViewerState) => T, listener: (value: T, previous: T) => void): () => void {
  let previous = select(store.getState());
  return store.subscribe((state) => {
    const next = select(state);
    if (next === previous) return;
    const old = previous;
    previous = next;
    listener(next, old);
  });
}

/** Calls `listener` once per store change in which any of the selected slices changed. */
export function watchAny(store: ViewerStore, selects: readonly ((state: ViewerState) => unknown)[], listener: () => void): () => void {
  let previous = selects.map((select) => select(store.getState()));
  return store.subscribe((state) => {
    const next = selects.map((select) => select(state));
    if (next.every((value, i) => value === previous[i])) return;
    previous = next;
    listener();
  });
}
