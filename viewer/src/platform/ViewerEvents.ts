import type { ClockReading } from '../../../workers/formats/history.js';
import type { CameraView, FeatureRef } from './ViewerState.js';

/** A feature's properties by the source's own field names (名称, 管径, height …). */
export type FeatureProperties = Record<string, string | number | boolean | null>;

/** What the viewer announces; the page API forwards these to hosts (and the widget to its parent frame). */
export interface ViewerEventMap {
  ready: { seconds: number };
  /** properties: null when the feature could not be described (its tile is not loaded). */
  select: { feature: FeatureRef | null; properties: FeatureProperties | null; /** The field holding its name, when known. */ nameField?: string };
  recovered: { count: number; seconds: number };
  tourStep: { bookmark: string };
  /** An incident was created or changed (its lifecycle, notes, dispatches). */
  incident: { id: string; change: string; state: string; level: string; headline: string };
  /** A sensor entered the alarm state. */
  alarm: { datastream: number; name: string; type: string; value: number; unit: string; time: string; lon: number; lat: number };
  /** The clock changed mode, time (a seek or step), speed or play state — not on every tick. */
  clock: ClockReading;
  /** The camera after a rendered frame, only while someone listens (the embed bridge's viewChanged; unthrottled). */
  view: CameraView;
}

export type ViewerEventName = keyof ViewerEventMap;

export class ViewerEvents {
  private readonly listeners = new Map<ViewerEventName, Set<(event: never) => void>>();

  on<K extends ViewerEventName>(name: K, listener: (event: ViewerEventMap[K]) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as (event: never) => void);
    return () => set.delete(listener as (event: never) => void);
  }

  emit<K extends ViewerEventName>(name: K, event: ViewerEventMap[K]): void {
    for (const listener of this.listeners.get(name) ?? []) {
      try {
        (listener as (event: ViewerEventMap[K]) => void)(event);
      } catch (error) {
        console.error(`a "${name}" listener failed`, error);
      }
    }
  }

  /** Whether anyone listens to `name` (lets per-frame events cost nothing when unheard). */
  listening(name: ViewerEventName): boolean {
    return (this.listeners.get(name)?.size ?? 0) > 0;
  }

  /** Forgets every listener (the viewer was destroyed). */
  clear(): void {
    this.listeners.clear();
  }
}
