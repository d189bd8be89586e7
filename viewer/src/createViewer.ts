import './cesiumBaseUrl.js';
import 'cesium/Build/Cesium/Widgets/CesiumWidget/CesiumWidget.css';
import './style.css';
import { EMPTY_VIEWER_CONFIG, viewerConfigProblems, type ViewerConfig } from '../../workers/formats/viewerConfig.js';
import { followClock } from './app/clock/followClock.js';
import { createCommands } from './app/createCommands.js';
import { createPageApi, type CimTwinApi } from './app/createPageApi.js';
import { sessionFromToken } from './app/sessionFromToken.js';
import { defaultViewerState } from './app/defaultViewerState.js';
import type { ViewerState } from './platform/ViewerState.js';
import { LAYER_PLUGINS, TOOL_PLUGINS, WORKERS } from './app/registry.js';
import { stateFromQuery, stateToQuery } from './app/urlState.js';
import { Translator } from './i18n/translate.js';
import type { RegisteredPlugin } from './platform/LayerPlugin.js';
import type { RegisteredTool } from './platform/ToolPlugin.js';
import type { UiContext } from './platform/UiContext.js';
import { ViewerEvents } from './platform/ViewerEvents.js';
import { createSignInStore, readTokenOf } from './platform/SignInStore.js';
import { pipeAccessOf, type Role } from '../../workers/formats/dataAccess.js';
import { createViewerStore, watch } from './platform/ViewerStore.js';
import { WorkerHost } from './platform/WorkerHost.js';
import { h } from './platform/h.js';
import { SceneHost } from './scene/SceneHost.js';
import { mountInfoPanel } from './ui/InfoPanel.js';
import { mountLayerPanel } from './ui/LayerPanel.js';
import { mountStatusBar } from './ui/StatusBar.js';
import { mountStylePanel } from './ui/StylePanel.js';
import { mountTimeline } from './ui/timeline/Timeline.js';
import { mountToolbar } from './ui/Toolbar.js';
import { mountToolPalette } from './ui/ToolPalette.js';
import { WallTour } from './wall/WallTour.js';
import { mountCockpitKpis } from './embed/CockpitKpis.js';

export interface ViewerOptions {
  /** The deployment config, or the URL of its JSON (default: `config.json` beside the page). */
  config?: ViewerConfig | string;
  /** Base for the config's relative URLs (default: the page's address). */
  baseUrl?: string;
  /** Shared-link state to start from (a URL query, e.g. `location.search`). */
  query?: string;
  /**
   * The standalone page: keep the page's URL query, title and language in step with the viewer.
   * An embedded viewer leaves its host page alone (the default).
   */
  syncPage?: boolean;
  plugins?: readonly RegisteredPlugin[];
  tools?: readonly RegisteredTool[];
  /** A bearer token an embedding host signs the viewer in with (kept in the sign-in store, never in state or URL). */
  token?: string;
  /**
   * The demo sign-in (POST /api/auth/demo): the data role's token used for reads while no
   * account is signed in (null: public), and the switch to another role shown in the sign-in
   * UI. `switchTo` gets the signed-in account's token, to keep it across the reload.
   */
  dataRole?: { role: Role; token: string | null; choices: readonly Role[]; switchTo(role: Role, accountToken: string | undefined): void };
  /**
   * Called when a sign-in or sign-out changes which pipe categories this viewer may read (the
   * layers were made with the previous role's token and config): the standalone page mounts a
   * new viewer with the account's token. Without it, the layers keep the role they started with.
   */
  onDataRoleChange?(accountToken: string | undefined): void;
}

export interface CimTwinViewer {
  /** The page API: what `window.cimTwin` is on the standalone page. */
  readonly api: CimTwinApi;
  /** Resolves when the layers are loaded and the first view's tiles are in. */
  readonly ready: Promise<void>;
  /** The config it runs with (as the server gave it to its token: what that role may load). */
  readonly config: ViewerConfig;
  /** Releases everything the viewer made: WebGL context, workers, sockets, listeners, timers, DOM. Safe to call twice. */
  destroy(): void;
  isDestroyed(): boolean;
}

/**
 * Mounts a viewer in `container`: config → store (from the query) → scene host (layers and
 * tools from the plugins) → UI → page API. Each part knows only the store and the contracts
 * in platform/; `destroy()` undoes exactly what this did, in reverse.
 */
export async function createViewer(container: HTMLElement, options: ViewerOptions = {}): Promise<CimTwinViewer> {
  const started = performance.now();
  const baseUrl = options.baseUrl ?? location.href;
  // The config lists what the role can load: fetched with the token the reads are made with.
  const startToken = options.token ?? options.dataRole?.token ?? undefined;
  const config = typeof options.config === 'object' ? options.config : await loadConfig(new URL(options.config ?? 'config.json', baseUrl).href, startToken);
  const registered = options.plugins ?? LAYER_PLUGINS;
  const cleanups: (() => void)[] = [];
  const undo = (run: () => void): void => void cleanups.push(run);

  const initial = stateFromQuery(options.query ?? '', startState(config, options.query ?? ''));
  if (initial.mode === 'wall') initial.tour = { running: true, index: -1 };
  const store = createViewerStore(initial);
  const events = new ViewerEvents();
  undo(() => events.clear());
  const registeredTools = options.tools ?? TOOL_PLUGINS;
  const translator = new Translator([...registered.map((p) => p.messages), ...registeredTools.map((t) => t.messages)]);
  const workers = new WorkerHost(WORKERS);
  undo(() => workers.destroy());
  const signIn = createSignInStore(options.dataRole?.token ?? null);
  const handedOver = options.token ? sessionFromToken(options.token) : undefined;
  if (options.token && !handedOver) console.warn('the token handed to the viewer is not a sign-in token; continuing signed out');
  if (handedOver) signIn.setState({ session: handedOver });
  // Reads go with the signed-in account's token, else the demo sign-in's data role, else none (public).
  const authHeaders = (): Record<string, string> => {
    const token = readTokenOf(signIn.getState());
    return token ? { Authorization: `Bearer ${token}` } : {};
  };
  const accessOf = (role: Role | undefined): string => {
    const access = pipeAccessOf(role ?? options.dataRole?.role ?? 'public');
    return access.allCategories ? '*' : access.categories.join(',');
  };
  const startAccess = accessOf(signIn.getState().session?.role);
  undo(
    signIn.subscribe((state) => {
      if (accessOf(state.session?.role) !== startAccess) options.onDataRoleChange?.(state.session?.token);
    }),
  );
  const pluginContext = { store, events, config, baseUrl, workers, query: options.query ?? '', signIn, authHeaders };
  const plugins = registered.map((p) => p.start(pluginContext));
  undo(() => plugins.forEach((p) => p.destroy()));
  const tools = registeredTools.map((t) => t.start(pluginContext));
  undo(() => tools.forEach((t) => t.destroy()));

  const root = h('div', { className: 'cim-twin' });
  const globe = h('div', { className: 'cim-twin-globe' });
  const overlay = h('div', { className: 'cim-twin-overlay' });
  // Panels stack in two docks (flex columns), so none can cover another at any size.
  const left = h('div', { className: 'dock dock-left' });
  const right = h('div', { className: 'dock dock-right' });
  overlay.append(left, right);
  root.append(globe, overlay);
  container.append(root);
  undo(() => root.remove());

  let commands: UiContext['commands'] | undefined;
  const host = new SceneHost({
    container: globe,
    store,
    config,
    events,
    workers,
    baseUrl,
    authHeaders,
    plugins,
    tools,
    onPick: (outcome) => {
      if (outcome && 'flyTo' in outcome) void host.flyTo(outcome.flyTo, 1.5);
      else store.getState().select(outcome?.select ?? null);
    },
  });
  undo(() => host.destroy());
  commands = createCommands(store, host, plugins, config, events);

  const ui: UiContext = {
    store,
    events,
    config,
    baseUrl,
    t: (key, params, fallback) => translator.translate(store.getState().language, key, params, fallback),
    hasTranslation: (key) => translator.has(store.getState().language, key),
    text: (value, fallback) => translator.text(store.getState().language, value, fallback),
    commands,
    actionsFor: (feature) => plugins.flatMap((p) => p.featureActions(feature, ui)),
    authHeaders,
    ...(options.dataRole
      ? {
          dataRole: {
            role: options.dataRole.role,
            choices: options.dataRole.choices,
            switchTo: (role: Role) => options.dataRole!.switchTo(role, signIn.getState().session?.token),
          },
        }
      : {}),
  };
  const layerPanel = mountLayerPanel(left, ui);
  const stylePanel = mountStylePanel(left, right, ui);
  const toolPalette = mountToolPalette(left, ui, tools);
  undo(() => layerPanel.destroy());
  undo(() => stylePanel.destroy());
  undo(() => toolPalette.destroy());
  undo(
    mountToolbar(overlay, ui, (panel) => {
      layerPanel.root.hidden = panel !== 'layers';
      stylePanel.root.hidden = panel !== 'style';
      toolPalette.root.hidden = panel !== 'tools';
    }),
  );
  undo(mountInfoPanel(right, ui, (detail, feature) => plugins.map((p) => p.mountDetail(ui, detail, feature)).find((close) => close !== undefined)));
  const statusBar = mountStatusBar(overlay, ui);
  undo(() => statusBar.destroy());
  // The clock's timeline, where there is a history to replay (the live feed's server keeps it).
  if (config.live) undo(mountTimeline(overlay, ui, signIn));
  for (const plugin of plugins) undo(plugin.mountUi(ui, { overlay, left, right, statusStrip: statusBar.plugins }));

  // The selection is described (and announced) whenever it changes, whoever changed it.
  undo(
    watch(
      store,
      (s) => s.selection,
      () => void commands?.describeSelection(),
    ),
  );
  undo(events.on('recovered', () => void commands?.describeSelection()));
  undo(followClock(store, events));

  // Chrome follows the store: mode (wall = kiosk layout), underground.
  const applyChrome = (): void => {
    const state = store.getState();
    root.classList.toggle('mode-wall', state.mode === 'wall');
    root.classList.toggle('mode-cockpit', state.mode === 'cockpit');
    root.classList.toggle('underground', state.underground);
    root.lang = state.language;
    if (options.syncPage) {
      document.documentElement.lang = state.language;
      document.title = ui.text(config.title, ui.t('app.title'));
    }
  };
  applyChrome();
  undo(watch(store, (s) => s.language, applyChrome));
  undo(watch(store, (s) => s.mode, applyChrome));
  undo(watch(store, (s) => s.underground, applyChrome));
  // Wall operators leave kiosk mode with Escape (a keyboard is attached to the wall controller).
  const onKey = (event: KeyboardEvent): void => {
    if (event.key === 'Escape' && store.getState().mode === 'wall') store.getState().setMode('planner');
  };
  document.addEventListener('keydown', onKey);
  undo(() => document.removeEventListener('keydown', onKey));
  if (options.syncPage) undo(syncUrl(store, config));

  const tour = new WallTour(
    store,
    config.bookmarks,
    (view, seconds) => host.flyTo(view, seconds),
    (id) => events.emit('tourStep', { bookmark: id }),
  );
  undo(() => tour.destroy());

  let destroyed = false;
  const ready = host
    .start()
    .then(() => host.waitForTiles())
    .then(() => {
      if (destroyed) return;
      events.emit('ready', { seconds: (performance.now() - started) / 1000 });
      if (store.getState().selection) void commands?.describeSelection();
    });
  const api = createPageApi(store, host, commands, plugins, tools, events, config, ready);
  // The leadership cockpit's KPI strip, shown in cockpit mode (embedded tiles).
  undo(mountCockpitKpis(overlay, ui, api));
  return {
    api,
    ready,
    config,
    destroy() {
      if (destroyed) return;
      destroyed = true;
      commands = undefined;
      for (const cleanup of cleanups.reverse()) {
        try {
          cleanup();
        } catch (error) {
          console.warn('a viewer cleanup failed', error);
        }
      }
    },
    isDestroyed: () => destroyed,
  };
}

/** The URL always holds the shareable state (replaceState: no history entry per camera move). */
function syncUrl(store: ReturnType<typeof createViewerStore>, config: ViewerConfig): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastQuery = '';
  const stop = store.subscribe((state, previous) => {
    const { camera, layers, style, mode, language, underground, selection, clock, tool, toolInput } = state;
    const p = previous;
    if (
      clock === p.clock &&
      tool === p.tool &&
      toolInput === p.toolInput &&
      camera === p.camera &&
      layers === p.layers &&
      style === p.style &&
      mode === p.mode &&
      language === p.language &&
      underground === p.underground &&
      selection === p.selection
    )
      return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      const query = stateToQuery(store.getState(), config.layers);
      if (query !== lastQuery) history.replaceState(null, '', `${location.pathname}?${(lastQuery = query)}`);
    }, 300);
  });
  return () => {
    clearTimeout(timer);
    stop();
  };
}

async function loadConfig(url: string, token: string | undefined): Promise<ViewerConfig> {
  try {
    const response = await fetch(url, { cache: 'no-cache', ...(token ? { headers: { Authorization: `Bearer ${token}` } } : {}) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const config: unknown = await response.json();
    const problems = viewerConfigProblems(config);
    if (problems.length) throw new Error(problems.join('; '));
    return config as ViewerConfig;
  } catch (error) {
    console.error(`the viewer config ${url} is unusable, showing an empty globe:`, error);
    return EMPTY_VIEWER_CONFIG;
  }
}

/** The state before the query's settings: the config's defaults, and in cockpit mode the deployment's cockpit view and layers. */
function startState(config: ViewerConfig, query: string): ViewerState {
  const base = defaultViewerState(config);
  if (new URLSearchParams(query).get('mode') !== 'cockpit' || !config.cockpit) return base;
  const cockpit = stateFromQuery(config.cockpit.layers ? `layers=${encodeURIComponent(config.cockpit.layers)}` : '', base);
  return config.cockpit.view ? { ...cockpit, camera: config.cockpit.view } : cockpit;
}
