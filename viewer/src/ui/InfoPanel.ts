import type { ViewerEventMap } from '../api/ViewerEvents.js';
import { watch } from '../state/createViewerStore.js';
import { h } from './h.js';
import { mountSensorChart } from './SensorChart.js';
import type { UiContext } from './UiContext.js';

/** Properties first in the panel, in this order; the rest follow as the tiles list them. */
const LEADING = ['name', 'name_en', 'address', 'categoryName', 'kind', 'height', 'floors', 'use', 'year', 'cimLevel', 'diameter', 'material', 'depth'];

/**
 * The selected feature's properties as text, with field labels in the UI language (the
 * source's own field name, e.g. 权属单位, when there is no translation).
 */
export function mountInfoPanel(parent: HTMLElement, ui: UiContext): () => void {
  const { store, events } = ui;
  const root = h('aside', { id: 'info', className: 'panel', attrs: { hidden: '', 'aria-live': 'polite' } });
  parent.append(root);
  let last: ViewerEventMap['select'] | undefined;
  let closeChart: (() => void) | undefined;

  function label(id: string, sourceNames: Record<string, string>): string {
    const key = `fields.${id}`;
    return ui.hasTranslation(key) ? ui.t(key) : (sourceNames[id] ?? id);
  }

  function render(): void {
    closeChart?.();
    closeChart = undefined;
    const event = last;
    if (!event?.feature) {
      root.hidden = true;
      root.replaceChildren();
      return;
    }
    const properties = event.properties ?? { id: event.feature.id };
    const title = titleOf(properties, event.sourceNames) || ui.t('info.untitled');
    const ids = Object.keys(properties).filter((id) => properties[id] !== null && properties[id] !== '');
    ids.sort((a, b) => rank(a) - rank(b));
    root.replaceChildren(
      h(
        'button',
        { className: 'close', attrs: { type: 'button', 'aria-label': ui.t('panels.close') }, on: { click: () => store.getState().select(null) } },
        '×',
      ),
      h('h2', { id: 'info-title' }, title),
      h('p', { id: 'info-id' }, `${ui.t('info.copyId')}: ${event.feature.id}`),
      h(
        'table',
        { id: 'info-table' },
        h(
          'tbody',
          {},
          ...ids.map((id) =>
            h(
              'tr',
              { attrs: { 'data-field': id } },
              h('th', { attrs: { scope: 'row' } }, label(id, event.sourceNames)),
              h('td', {}, displayValue(id, properties[id]!)),
            ),
          ),
        ),
      ),
    );
    root.hidden = false;
    if (event.feature.tileset === 'sensors' && event.properties && ui.liveApiUrl !== undefined) {
      closeChart = mountSensorChart(root, {
        apiUrl: ui.liveApiUrl,
        datastream: Number(event.feature.id),
        warning: Number(event.properties['warning']),
        alarm: Number(event.properties['alarm']),
        unit: String(event.properties['unit'] ?? ''),
        title: ui.t('chart.title'),
        width: Math.max(260, root.clientWidth - 24),
        follow: (listener) =>
          watch(
            store,
            (s) => s.live.selectedReading,
            (reading) => reading && listener(reading.time, reading.value),
          ),
        onResync: (listener) =>
          watch(
            store,
            (s) => s.live.connection,
            (now, before) => now === 'live' && before !== 'connecting' && listener(),
          ),
      });
    }
  }

  /** Codes (use, kind) in words, with the code kept: 'commercial' → 商业 (commercial). */
  function displayValue(id: string, value: string | number | boolean): string {
    const key = `values.${id}.${String(value)}`;
    if (typeof value === 'string' && ui.hasTranslation(key)) {
      const words = ui.t(key);
      return words === value ? words : `${words} (${value})`;
    }
    return formatValue(value);
  }

  const stops = [
    events.on('select', (event) => {
      last = event;
      render();
    }),
    watch(store, (s) => s.language, render),
    // The selected sensor's value and state follow the live feed (the row text only).
    watch(
      store,
      (s) => s.live.selectedReading,
      (reading) => {
        if (!reading || last?.feature?.tileset !== 'sensors' || last.feature.id !== String(reading.datastream)) return;
        for (const [field, value] of [
          ['value', reading.value],
          ['state', reading.state],
        ] as const) {
          const cell = root.querySelector(`tr[data-field="${field}"] td`);
          if (cell) cell.textContent = displayValue(field, value);
          if (last.properties) last.properties[field] = value;
        }
      },
    ),
  ];
  return () => {
    stops.forEach((stop) => stop());
    root.remove();
  };
}

/** Source field names that hold a feature's name (English, CIM and CJJ 61 Chinese tables). */
const NAME_FIELDS = ['name', 'NAME', '名称', '建筑名称', 'categoryName'];

function titleOf(properties: Record<string, unknown>, sourceNames: Record<string, string>): string {
  for (const field of NAME_FIELDS) {
    const id = field in properties ? field : Object.keys(sourceNames).find((key) => sourceNames[key] === field);
    const value = id === undefined ? undefined : properties[id];
    if (typeof value === 'string' && value.trim()) return value;
  }
  return '';
}

function rank(id: string): number {
  const at = LEADING.indexOf(id);
  return at === -1 ? LEADING.length : at;
}

function formatValue(value: string | number | boolean): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Math.round(value * 1000) / 1000);
  return String(value);
}
