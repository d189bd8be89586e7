import './cesiumBaseUrl.js';
import 'cesium/Build/Cesium/Widgets/CesiumWidget/CesiumWidget.css';
import './style.css';
import { createPageApi } from './api/createPageApi.js';
import { ViewerEvents } from './api/ViewerEvents.js';
import { loadViewerConfig } from './config/ViewerConfig.js';
import { hasTranslation, translate } from './i18n/translate.js';
import { SceneHost } from './render/SceneHost.js';
import { SearchService } from './search/SearchService.js';
import { bookmark } from './state/bookmarks.js';
import { defaultViewerState } from './state/defaultViewerState.js';
import { createViewerStore, watch } from './state/createViewerStore.js';
import { rangeFor, viewLookingAt } from './state/viewLookingAt.js';
import { stateFromQuery, stateToQuery } from './state/urlState.js';
import { mountAlarmList } from './ui/AlarmList.js';
import { mountInfoPanel } from './ui/InfoPanel.js';
import { mountLayerPanel } from './ui/LayerPanel.js';
import { mountStatusBar } from './ui/StatusBar.js';
import { mountStylePanel } from './ui/StylePanel.js';
import { mountToolbar } from './ui/Toolbar.js';
import type { UiContext } from './ui/UiContext.js';
import { WallTour } from './wall/WallTour.js';

/**
 * Wires the viewer: config → store (from the URL) → scene host (Cesium adapters) → UI → page
 * API. Each part only knows the store and the interfaces below it.
 */
const started = performance.now();
const config = await loadViewerConfig();
const defaults = defaultViewerState(config.live ? 'connecting' : 'off');
const initial = stateFromQuery(location.search, defaults);
if (initial.mode === 'wall') initial.tour = { running: true, index: -1 };
const store = createViewerStore(initial);
const events = new ViewerEvents();
const host = new SceneHost(document.getElementById('globe')!, store, config, events);
const search = new SearchService(config.tilesUrl, ['buildings', 'pipes']);

const ui: UiContext = {
  store,
  events,
  t: (key, params, fallback) => translate(store.getState().language, key, params, fallback),
  hasTranslation: (key) => hasTranslation(store.getState().language, key),
  liveApiUrl: config.live ? config.live.apiUrl : undefined,
  commands: {
    flyToBookmark: async (id) => {
      const found = bookmark(id);
      if (found) await host.flyTo(found.view);
    },
    search: (query) => search.search(query),
    goToHit: async (hit) => {
      if (hit.height < 0) store.getState().setUnderground(true);
      await host.flyTo(viewLookingAt(hit.lon, hit.lat, hit.height, rangeFor(hit.height), hit.height < 0 ? -50 : -35));
      store.getState().select({ tileset: hit.tileset, id: hit.id });
      await host.waitForTiles();
      await host.refreshSelection();
    },
    stats: () => host.stats(),
    showSensor: async (datastream, lon, lat) => {
      await host.flyTo(viewLookingAt(lon, lat, 0, 300, -45));
      store.getState().select({ tileset: 'sensors', id: String(datastream) });
    },
  },
};

const overlay = document.getElementById('overlay')!;
const layerPanel = mountLayerPanel(overlay, ui, config.basemap !== undefined);
const stylePanel = mountStylePanel(overlay, ui);
mountToolbar(overlay, ui, (panel) => {
  layerPanel.root.hidden = panel !== 'layers';
  stylePanel.root.hidden = panel !== 'style';
});
mountInfoPanel(overlay, ui);
mountStatusBar(overlay, ui);
mountAlarmList(overlay, ui);

// Page chrome follows the store: language, mode (wall = kiosk layout), underground.
const applyChrome = (): void => {
  const state = store.getState();
  document.documentElement.lang = state.language;
  document.title = translate(state.language, 'app.title');
  document.body.classList.toggle('mode-wall', state.mode === 'wall');
  document.body.classList.toggle('underground', state.underground);
};
applyChrome();
watch(store, (s) => s.language, applyChrome);
watch(store, (s) => s.mode, applyChrome);
watch(store, (s) => s.underground, applyChrome);
// Wall operators leave kiosk mode with Escape (a keyboard is attached to the wall controller).
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && store.getState().mode === 'wall') store.getState().setMode('planner');
});

// The URL always holds the shareable state (replaceState: no history entry per camera move).
// Only the URL's own slices count: the live feed's frequent updates must not keep postponing it.
let urlTimer: ReturnType<typeof setTimeout> | undefined;
let lastQuery = '';
store.subscribe((state, previous) => {
  const { camera, layers, style, mode, language, underground, selection } = state;
  const p = previous;
  if (
    camera === p.camera &&
    layers === p.layers &&
    style === p.style &&
    mode === p.mode &&
    language === p.language &&
    underground === p.underground &&
    selection === p.selection
  )
    return;
  clearTimeout(urlTimer);
  urlTimer = setTimeout(() => {
    const query = stateToQuery(store.getState());
    if (query !== lastQuery) history.replaceState(null, '', `${location.pathname}?${(lastQuery = query)}`);
  }, 300);
});

new WallTour(
  store,
  (view, seconds) => host.flyTo(view, seconds),
  (id) => events.emit('tourStep', { bookmark: id }),
);

const ready = host
  .start()
  .then(() => host.waitForTiles())
  .then(() => {
    events.emit('ready', { seconds: (performance.now() - started) / 1000 });
    if (store.getState().selection) void host.refreshSelection();
  });
(window as unknown as { cimTwin: unknown }).cimTwin = createPageApi(store, host, events, search, ready);
