import type { ParkingGuidanceEntry } from '../../../workers/formats/parking.js';
import type { FeatureAction, SearchHit } from '../../../viewer/src/platform/LayerPlugin.js';
import type { UiContext } from '../../../viewer/src/platform/UiContext.js';
import { h } from '../../../viewer/src/platform/h.js';
import type { FeatureRef } from '../../../viewer/src/platform/ViewerState.js';
import { watchAny } from '../../../viewer/src/platform/ViewerStore.js';
import { ARRIVAL_CHOICES, type ParkingGuidance } from './ParkingGuidance.js';
import './guidance.css';

/** One ranked site's figures as the panel words them: the chance % and free spaces expected; the walk and the drive. */
export function entryFigures(ui: UiContext, entry: ParkingGuidanceEntry): [string, string] {
  return [
    ui.t('parkingGuidance.chance', { chance: Math.round(entry.probabilityFree * 100), free: Math.round(entry.expectedFree) }),
    ui.t('parkingGuidance.distances', { walk: entry.walkMeters, drive: Math.max(1, Math.round(entry.driveSeconds / 60)) }),
  ];
}

const chanceClass = (entry: ParkingGuidanceEntry): string => (entry.probabilityFree >= 0.8 ? 'good' : entry.probabilityFree >= 0.5 ? 'fair' : 'poor');

/**
 * The guidance panel (left dock: planners; a wall has no mouse): the destination — a map click,
 * a search through the viewer's search command, or an incident's "Parking nearby" — the arrival
 * time, and the ranked sites (names as text); choosing one draws its route and flies there.
 */
export function mountGuidancePanel(parent: HTMLElement, ui: UiContext, guidance: ParkingGuidance): () => void {
  const root = h('aside', { id: 'parking-guidance', className: 'panel', attrs: { 'aria-live': 'polite' } });
  parent.append(root);
  let hits: SearchHit[] = [];
  let query = '';

  const search = async (text: string): Promise<void> => {
    query = text;
    hits = text.trim() ? (await ui.commands.search(text, 5)).filter((hit) => Number.isFinite(hit.lon) && Number.isFinite(hit.lat)) : [];
    render();
  };

  function flyToRoute(entry: ParkingGuidanceEntry): void {
    const lons = entry.route.coordinates.map(([lon]) => lon);
    const lats = entry.route.coordinates.map(([, lat]) => lat);
    const destination = guidance.store.getState().destination;
    if (destination) {
      lons.push(destination.lon);
      lats.push(destination.lat);
    }
    const [west, east, south, north] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
    const spanMetres = Math.max((east - west) * 86_000, (north - south) * 111_000, 300);
    void ui.commands.flyTo({ lon: (west + east) / 2, lat: (south + north) / 2, range: spanMetres * 1.6 }, { duration: 1.2 });
  }

  let shown = '';
  function render(): void {
    const state = guidance.store.getState();
    root.dataset['revision'] = String(state.revision);
    // Re-rankings arrive every few seconds, mostly unchanged: the panel is rebuilt only when what
    // it shows changes (a rebuild under the pointer would swallow a click).
    const signature = JSON.stringify([
      ui.store.getState().language,
      state.destination,
      state.arriveInMinutes,
      state.status,
      state.message,
      state.picking,
      state.selected,
      state.entries.map((e) => [e.siteId, e.name]),
      hits.map((hit) => [hit.id, hit.name]),
      query,
    ]);
    // The same sites in the same order (a re-ranking that moved only the figures): the rows' text
    // is updated in place, so the buttons stay under the pointer.
    if (signature === shown) {
      for (const entry of state.entries) {
        const [chance, distances] = root.querySelectorAll<HTMLElement>(`li[data-site="${CSS.escape(entry.siteId)}"] .parking-figures`);
        const [chanceText, distancesText] = entryFigures(ui, entry);
        if (chance) {
          chance.textContent = chanceText;
          chance.className = `parking-figures chance-${chanceClass(entry)}`;
        }
        if (distances) distances.textContent = distancesText;
      }
      return;
    }
    shown = signature;
    const input = h('input', {
      attrs: {
        type: 'search',
        name: 'parking-destination',
        value: query,
        placeholder: ui.t('parkingGuidance.searchPlaceholder'),
        'aria-label': ui.t('parkingGuidance.search'),
      },
    });
    const form = h(
      'form',
      {
        className: 'parking-search',
        on: {
          submit: (event) => {
            event.preventDefault();
            void search(input.value);
          },
        },
      },
      input,
      h('button', { attrs: { type: 'submit' } }, ui.t('parkingGuidance.search')),
      h(
        'button',
        {
          className: state.picking ? 'active' : '',
          attrs: { type: 'button', 'aria-pressed': String(state.picking), 'data-action': 'pick-on-map' },
          on: { click: () => guidance.store.getState().set({ picking: !guidance.store.getState().picking }) },
        },
        ui.t(state.picking ? 'parkingGuidance.clickMap' : 'parkingGuidance.pickOnMap'),
      ),
    );
    const hitList = hits.length
      ? h(
          'ul',
          { className: 'parking-hits' },
          ...hits.map((hit) =>
            h(
              'li',
              {},
              h(
                'button',
                {
                  attrs: { type: 'button' },
                  on: {
                    click: () => {
                      hits = [];
                      void guidance.setDestination({ lon: hit.lon, lat: hit.lat, label: hit.name });
                    },
                  },
                },
                hit.name,
                hit.address ? h('span', { className: 'parking-muted' }, ` ${hit.address}`) : null,
              ),
            ),
          ),
        )
      : null;
    const arrival = h(
      'div',
      { className: 'parking-arrival', attrs: { role: 'group', 'aria-label': ui.t('parkingGuidance.arrival') } },
      h('span', { className: 'parking-muted' }, ui.t('parkingGuidance.arrival')),
      ...ARRIVAL_CHOICES.map((minutes) =>
        h(
          'button',
          {
            className: state.arriveInMinutes === minutes ? 'active' : '',
            attrs: { type: 'button', 'aria-pressed': String(state.arriveInMinutes === minutes), 'data-minutes': String(minutes) },
            on: { click: () => void guidance.setArrival(minutes) },
          },
          minutes === 0 ? ui.t('parkingGuidance.now') : `+${minutes}′`,
        ),
      ),
    );
    const destination = state.destination
      ? h(
          'p',
          { className: 'parking-destination' },
          ui.t('parkingGuidance.destination'),
          ' ',
          h('strong', {}, state.destination.label || `${state.destination.lon.toFixed(5)}, ${state.destination.lat.toFixed(5)}`),
        )
      : h('p', { className: 'parking-muted' }, ui.t('parkingGuidance.chooseDestination'));
    let results: HTMLElement | null = null;
    if (state.status === 'loading') results = h('p', { className: 'parking-muted' }, ui.t('parkingGuidance.working'));
    else if (state.status === 'error') results = h('p', { className: 'message' }, state.message ?? '');
    else if (state.status === 'ready' && state.entries.length === 0) results = h('p', { className: 'parking-muted' }, ui.t('parkingGuidance.none'));
    else if (state.entries.length > 0)
      results = h(
        'ol',
        { className: 'parking-ranked' },
        ...state.entries.map((entry) =>
          h(
            'li',
            { className: entry.siteId === state.selected ? 'selected' : '', attrs: { 'data-site': entry.siteId } },
            h(
              'button',
              {
                attrs: { type: 'button', 'aria-pressed': String(entry.siteId === state.selected) },
                on: {
                  click: () => {
                    guidance.select(entry.siteId);
                    flyToRoute(guidance.store.getState().entries.find((e) => e.siteId === entry.siteId) ?? entry);
                  },
                },
              },
              h('span', { className: 'parking-name' }, entry.name),
              h('span', { className: `parking-figures chance-${chanceClass(entry)}` }, entryFigures(ui, entry)[0]),
              h('span', { className: 'parking-figures' }, entryFigures(ui, entry)[1]),
            ),
          ),
        ),
      );
    root.replaceChildren(h('h2', {}, ui.t('parkingGuidance.title')), form, hitList ?? '', destination, arrival, results ?? '');
  }

  render();
  const stops = [
    watchAny(
      guidance.store,
      [(s) => s.entries, (s) => s.selected, (s) => s.status, (s) => s.destination, (s) => s.arriveInMinutes, (s) => s.picking, (s) => s.revision],
      render,
    ),
    watchAny(ui.store, [(s) => s.language], render),
  ];
  return () => {
    stops.forEach((stop) => stop());
    root.remove();
  };
}

/** "Parking nearby" on an incident: its place (from the viewer's search, which finds incidents by id) becomes the destination. */
export function guidanceActions(guidance: ParkingGuidance, feature: FeatureRef, ui: UiContext): FeatureAction[] {
  const incidents = ui.config.layers.find((l) => l.kind === 'incidents')?.id;
  if (!incidents || feature.tileset !== incidents || ui.store.getState().mode === 'wall') return [];
  return [
    {
      id: 'parking-nearby',
      label: ui.t('parkingGuidance.nearby'),
      run: async () => {
        const hit = (await ui.commands.search(feature.id, 20)).find((h) => h.id === feature.id);
        if (!hit) return guidance.store.getState().set({ status: 'error', message: ui.t('parkingGuidance.noPlace') });
        await guidance.setDestination({ lon: hit.lon, lat: hit.lat, label: hit.name });
      },
    },
  ];
}
