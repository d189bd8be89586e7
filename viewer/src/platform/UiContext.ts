import type { Role } from '../../../workers/formats/dataAccess.js';
import type { CameraView, LocalizedText, ViewerConfig } from '../../../workers/formats/viewerConfig.js';
import type { ClockCommands } from './ClockCommands.js';
import type { FeatureAction, FeatureDescription, SearchHit } from './LayerPlugin.js';
import type { FeatureProperties, ViewerEvents } from './ViewerEvents.js';
import type { FeatureRef } from './ViewerState.js';
import type { ViewerStore } from './ViewerStore.js';

/** Where `flyTo` goes: a bookmark id, a camera view, a point to look at, or a feature. */
export type FlyTarget = string | CameraView | { lon: number; lat: number; height?: number; range?: number } | { featureId: string; tileset?: string };

/** Figures of the scene for the status strip and the page API. */
export interface SceneStats {
  tilesLoaded: boolean;
  tiles: number;
  featuresVisible: number;
  tileErrors: number;
  /** Median CPU time of the last 120 rendered frames (ms). */
  frameTimeMs: number;
  /** Frames rendered in the last second (the scene renders on demand: 0 when nothing moves). */
  framesPerSecond: number;
  recoveries: number;
  heapBytes: number | null;
  /** When the first frame was drawn, ms since navigation start (performance.now()). */
  firstFrameMs: number | null;
}

/**
 * What the viewer can be asked to do: one set of commands behind the UI and the page API alike
 * (so a button and `cimTwin.select()` take the same path).
 */
export interface ViewerCommands {
  flyTo(target: FlyTarget, options?: { duration?: number }): Promise<void>;
  /** Flies to a feature, selects it and resolves to its properties (null when it cannot be found). */
  goToFeature(feature: FeatureRef, options?: { duration?: number }): Promise<FeatureProperties | null>;
  /** The current selection's description (the info panel's content), announced as a `select` event. */
  describeSelection(): Promise<FeatureDescription | null>;
  search(query: string, limit?: number): Promise<SearchHit[]>;
  stats(): SceneStats;
  /** The viewer's one clock: live or replay (see ClockCommands). */
  clock: ClockCommands;
}

/** What UI components (the viewer's and the plugins') may do: read and change the store, translate, run commands. Never an engine object. */
export interface UiContext {
  store: ViewerStore;
  events: ViewerEvents;
  config: ViewerConfig;
  /** The page's origin and path, for resolving the config's relative URLs. */
  baseUrl: string;
  /** The Authorization header of the viewer's data role (PluginContext.authHeaders). */
  authHeaders(): Record<string, string>;
  /** The UI string for a key of the resources ({name} placeholders filled in). */
  t(key: string, params?: Record<string, string | number>, fallback?: string): string;
  hasTranslation(key: string): boolean;
  /** Config text in the current language (an i18n key when it is a plain string). */
  text(value: LocalizedText | undefined, fallback?: string): string;
  commands: ViewerCommands;
  /** What the plugins offer to do with a feature (buttons in the info panel and the alarm list). */
  actionsFor(feature: FeatureRef): FeatureAction[];
  /** The demo sign-in's data role and the roles it can switch to (absent outside the demo): shown in the sign-in UI. */
  dataRole?: DataRoleChoice;
}

/** The demo's data role: which one this viewer reads with, and a switch to another (the page reloads the layers). */
export interface DataRoleChoice {
  role: Role;
  choices: readonly Role[];
  switchTo(role: Role): void;
}
