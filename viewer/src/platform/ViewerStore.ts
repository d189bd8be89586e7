import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CameraView, ClockState, Emphasis, FeatureRef, GroundWindow, Language, LayerState, StyleRule, ViewerMode, ViewerState } from './ViewerState.js';

export interface ViewerActions {
  setCamera(camera: CameraView): void;
  setLayerVisible(id: string, visible: boolean): void;
  setLayerOpacity(id: string, opacity: number): void;
  select(feature: FeatureRef | null): void;
  setStyle(rule: StyleRule): void;
  setMode(mode: ViewerMode): void;
  setLanguage(language: Language): void;
  setUnderground(on: boolean): void;
  /** Activates a tool (null: none) with its input (none by default). */
  setTool(id: string | null, input?: string | null): void;
  /** The active tool's input changed (a new result to share). */
  setToolInput(input: string | null): void;
  setTour(running: boolean, index?: number): void;
  /** Sets the clock (the clock commands, viewer/src/app/clock/, compute the next state). */
  setClock(clock: ClockState): void;
  /** Replaces what `owner` emphasises (an empty list clears it). */
  setEmphasis(owner: string, emphasis: readonly Emphasis[]): void;
  /** Opens a window into the ground (an excavation pit) or closes it (null). */
  setGroundWindow(window: GroundWindow | null): void;
}

export type ViewerStore = StoreApi<ViewerState & ViewerActions>;

/** The one store of a viewer's core state (zustand vanilla: no UI framework needed to read or watch it). */
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
    setTool: (tool, input = null) => set({ tool, toolInput: tool === null ? null : input }),
    setToolInput: (toolInput) => set({ toolInput }),
    setTour: (running, index) => set((s) => ({ tour: { running, index: index ?? s.tour.index } })),
    setClock: (clock) => set({ clock }),
    setEmphasis: (owner, list) =>
      set((s) => {
        const emphasis = { ...s.emphasis };
        if (list.length) emphasis[owner] = list;
        else delete emphasis[owner];
        return { emphasis };
      }),
    setGroundWindow: (groundWindow) => set({ groundWindow }),
  }));
}

function layerOf(layers: Record<string, LayerState>, id: string): LayerState {
  return layers[id] ?? { visible: true, opacity: 1 };
}

/** Calls `listener` when the selected slice of any zustand store changes (compared by reference). */
export function watch<S, T>(store: StoreApi<S>, select: (state: S) => T, listener: (value: T, previous: T) => void): () => void {
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
export function watchAny<S>(store: StoreApi<S>, selects: readonly ((state: S) => unknown)[], listener: () => void): () => void {
  let previous = selects.map((select) => select(store.getState()));
  return store.subscribe((state) => {
    const next = selects.map((select) => select(state));
    if (next.every((value, i) => value === previous[i])) return;
    previous = next;
    listener();
  });
}
