import type { ViewerEvents } from '../api/ViewerEvents.js';
import type { ViewerStore } from '../state/createViewerStore.js';
import type { SearchHit } from '../search/searchFeatures.js';
import type { ViewerStats } from '../render/SceneHost.js';

/** What UI components may do: read and change the store, translate, and ask for commands. Never an engine object. */
export interface UiContext {
  store: ViewerStore;
  events: ViewerEvents;
  t(key: string, params?: Record<string, string | number>, fallback?: string): string;
  hasTranslation(key: string): boolean;
  /** Base URL of the live API ('' = this origin), undefined without a live feed. */
  liveApiUrl: string | undefined;
  commands: {
    flyToBookmark(id: string): Promise<void>;
    search(query: string): Promise<SearchHit[]>;
    goToHit(hit: SearchHit): Promise<void>;
    stats(): ViewerStats;
    /** Flies to a sensor and selects it. */
    showSensor(datastream: number, lon: number, lat: number): Promise<void>;
  };
}
