import type { AlarmAcknowledgement } from '../../../workers/formats/alarms.js';
import type { ClockReading } from '../../../workers/formats/history.js';
import type { LatencySummary } from '../../../workers/live/LatencyHistogram.js';
import type { LiveState } from '../../../layers/sensors/sensorsState.js';
import type { PluginRuntime, SearchHit } from '../platform/LayerPlugin.js';
import type { ToolPageApi, ToolRuntime } from '../platform/ToolPlugin.js';
import type { FlyTarget, SceneStats, ViewerCommands } from '../platform/UiContext.js';
import type { FeatureProperties, ViewerEventMap, ViewerEventName, ViewerEvents } from '../platform/ViewerEvents.js';
import type { Language, StyleRule, ViewerMode, ViewerState } from '../platform/ViewerState.js';
import { viewLookingAt } from '../platform/viewLookingAt.js';
import type { ViewerStore } from '../platform/ViewerStore.js';
import type { SceneHost } from '../scene/SceneHost.js';
import type { ViewerConfig } from '../../../workers/formats/viewerConfig.js';
import { defaultSearchLayer } from './createCommands.js';

export type { FlyTarget };

/** The live sensors' figures in `stats()` (from the sensors plugin). */
export interface LiveStats {
  state: string;
  sensors: number;
  alarms: number;
  messagesPerSecond: number;
  ageAtRenderMs: LatencySummary | null;
  drawn: { points: number; clusters: number };
}

/**
 * The page API (`window.cimTwin`, and `viewer.api` of `createViewer`): what tests, embedding
 * hosts and the cockpit widget's postMessage bridge drive. Plain data in and out; documented
 * in docs/viewer.md. Feature properties come back under the source's own field names.
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
  /** Activates a tool by id (null: none), with its input as in a shared link's `input=`. */
  setTool(id: string | null, input?: string): void;
  /**
   * The planner's tools run headlessly: plain data in, plain data out, `[lon, lat]` degrees and
   * metres (`cimTwin.tools.crossSection([[lon, lat], [lon, lat]])`); docs/tools.md lists them.
   * Bad input rejects with a message saying what is wrong.
   */
  tools: ToolPageApi;
  /** The core state, plus each plugin's slice (`live`). */
  getState(): ViewerState & { live?: LiveState };
  /** Scene figures, when `ready` resolved (ms since navigation start), and each plugin's (`live`). */
  stats(): SceneStats & { readyMs: number | null; live: LiveStats };
  /**
   * Acknowledges the sensor's active alarm as the signed-in operator or admin: stored on the
   * server (audited) and shown on every screen; resolves with the stored acknowledgement, rejects
   * when nobody with that role is signed in, in a replay, or when the alarm is not active.
   */
  acknowledgeAlarm(datastream: number): Promise<AlarmAcknowledgement>;
  /** Looks at a point and selects what is drawn there (tests, and "what is here?" tools). */
  pickAtLonLat(lon: number, lat: number, height: number, range?: number): Promise<FeatureProperties | null>;
  waitForTiles(): Promise<boolean>;
  /**
   * The viewer's one clock (docs/viewer.md, "The clock"): live, or a replay of the past. Times
   * are ISO 8601; each call returns the reading after it; a bad time or speed throws.
   */
  clock: PageClockApi;
  on<K extends ViewerEventName>(name: K, listener: (event: ViewerEventMap[K]) => void): () => void;
}

export interface PageClockApi {
  /** `{mode: 'live' | 'replay', time: ISO 8601, speed}` (speed 1 when live, 0 while paused). */
  get(): ClockReading;
  /** Replays from `isoTime` (in the past) at `speed` 1 … 3,600 (default 60), playing unless `paused`. */
  replay(isoTime: string, options?: { speed?: number; paused?: boolean }): ClockReading;
  live(): ClockReading;
  play(): ClockReading;
  pause(): ClockReading;
  /** Moves a replay to `isoTime` (from live it starts one; now or later is live). */
  seek(isoTime: string): ClockReading;
  /** One step back (-1) or forward (+1): 10 s at 1× … 1 h at 3,600×. */
  step(direction: -1 | 1): ClockReading;
  setSpeed(speed: number): ClockReading;
}

const NO_LIVE: LiveStats = { state: 'off', sensors: 0, alarms: 0, messagesPerSecond: 0, ageAtRenderMs: null, drawn: { points: 0, clusters: 0 } };

export function createPageApi(
  store: ViewerStore,
  host: SceneHost,
  commands: ViewerCommands,
  plugins: readonly PluginRuntime[],
  tools: readonly ToolRuntime[],
  events: ViewerEvents,
  config: ViewerConfig,
  ready: Promise<void>,
): CimTwinApi {
  let readyMs: number | null = null;
  void ready.then(() => (readyMs = performance.now()));
  const extensions = Object.assign({}, ...plugins.map((p) => p.pageApi())) as Partial<Pick<CimTwinApi, 'acknowledgeAlarm'>>;

  return {
    // Plugins' own parts (`cimTwin.signIn`, `cimTwin.incidents`, `cimTwin.analyze`); the core's names below win.
    ...extensions,
    version: '0.3.0',
    ready,
    flyTo: (target, options) => commands.flyTo(target, options),
    select: (featureId, tileset) => {
      if (featureId === null) {
        store.getState().select(null);
        return Promise.resolve(null);
      }
      return commands.goToFeature({ tileset: tileset ?? defaultSearchLayer(config), id: featureId }, { duration: 0 });
    },
    search: (query) => commands.search(query),
    setLayerVisible: (id, visible) => store.getState().setLayerVisible(id, visible),
    setLayerOpacity: (id, opacity) => store.getState().setLayerOpacity(id, opacity),
    setStyle: (rule) => store.getState().setStyle(rule),
    setMode: (mode, options = {}) => {
      store.getState().setMode(mode);
      if (mode === 'wall') store.getState().setTour(options.tour ?? true);
    },
    setLanguage: (language) => store.getState().setLanguage(language),
    setUnderground: (on) => store.getState().setUnderground(on),
    setTool: (id, input) => store.getState().setTool(id, input ?? null),
    tools: Object.assign({}, ...tools.map((t) => t.pageApi())) as ToolPageApi,
    getState: () => {
      const { camera, layers, selection, style, mode, language, underground, tool, toolInput, tour, clock } = store.getState();
      return Object.assign(
        structuredClone({ camera, layers, selection, style, mode, language, underground, tool, toolInput, tour, clock }),
        ...plugins.map((p) => p.snapshot()),
      );
    },
    stats: () => Object.assign({ ...host.stats(), readyMs, live: NO_LIVE }, ...plugins.map((p) => p.statsOf())),
    acknowledgeAlarm: (datastream) => extensions.acknowledgeAlarm?.(datastream) ?? Promise.reject(new Error('no sensors layer in this viewer')),
    async pickAtLonLat(lon, lat, height, range = 650) {
      await host.flyTo(viewLookingAt(lon, lat, height, range, -50), 0);
      await host.waitForTiles();
      const at = host.toWindow(lon, lat, height);
      const picked = at ? host.pickAt(at.x, at.y) : undefined;
      store.getState().select(picked && 'select' in picked ? picked.select : null);
      return (await commands.describeSelection())?.properties ?? null;
    },
    waitForTiles: () => host.waitForTiles(),
    clock: pageClockApi(commands),
    on: (name, listener) => events.on(name, listener),
  };
}

function pageClockApi({ clock }: ViewerCommands): PageClockApi {
  const then = (change: () => void): ClockReading => {
    change();
    return clock.reading();
  };
  return {
    get: () => clock.reading(),
    replay: (isoTime, options = {}) =>
      then(() => clock.replay(isoTime, { ...(options.speed !== undefined ? { speed: options.speed } : {}), playing: !options.paused })),
    live: () => then(() => clock.live()),
    play: () => then(() => clock.play()),
    pause: () => then(() => clock.pause()),
    seek: (isoTime) => then(() => clock.seek(isoTime)),
    step: (direction) => then(() => clock.step(direction < 0 ? -1 : 1)),
    setSpeed: (speed) => then(() => clock.setSpeed(speed)),
  };
}
