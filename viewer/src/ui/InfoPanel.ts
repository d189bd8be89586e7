import { firstText } from '../../../workers/formats/featureNames.js';
import type { ViewerEventMap } from '../platform/ViewerEvents.js';
import type { FeatureRef } from '../platform/ViewerState.js';
import type { FeatureAction } from '../platform/LayerPlugin.js';
import type { UiContext } from '../platform/UiContext.js';
import { h } from '../platform/h.js';
import { watch } from '../platform/ViewerStore.js';

/** Properties first in the panel, in this order; the rest follow as the data lists them. */
const LEADING = ['name', 'name_en', 'address', 'categoryName', 'kind', 'height', 'floors', 'use', 'year', 'cimLevel', 'diameter', 'material', 'depth'];

/**
 * The selected feature's properties as text, with field labels in the UI language (the
 * source's own field name, e.g. 权属单位, when there is no translation), and what the owning
 * plugin adds below them (a sensor's chart).
 */
export function mountInfoPanel(
  parent: HTMLElement,
  ui: UiContext,
  mountDetail: (container: HTMLElement, feature: FeatureRef) => (() => void) | undefined,
): () => void {
  const { store, events } = ui;
  const root = h('aside', { id: 'info', className: 'panel', attrs: { hidden: '', 'aria-live': 'polite' } });
  parent.append(root);
  let last: ViewerEventMap['select'] | undefined;
  let closeDetail: (() => void) | undefined;

  function label(field: string): string {
    const key = `fields.${field}`;
    return ui.hasTranslation(key) ? ui.t(key) : field;
  }

  function render(): void {
    closeDetail?.();
    closeDetail = undefined;
    const event = last;
    if (!event?.feature) {
      root.hidden = true;
      root.replaceChildren();
      return;
    }
    if (!event.properties) {
      // Nothing to describe: a feature whose tile is gone, or an incident not yet reported at the replay time.
      const replaying = store.getState().clock.mode === 'replay';
      root.replaceChildren(
        h(
          'button',
          { className: 'close', attrs: { type: 'button', 'aria-label': ui.t('panels.close') }, on: { click: () => store.getState().select(null) } },
          '×',
        ),
        h('h2', { id: 'info-title' }, event.feature.id),
        h('p', { id: 'info-absent' }, ui.t(replaying ? 'info.absentAtReplayTime' : 'info.noData')),
      );
      root.hidden = false;
      return;
    }
    const properties = event.properties;
    const nameField = event.nameField;
    // In English, the feature's English name when the data has one (天津大悦城 → Joy City Tianjin).
    const englishName = store.getState().language === 'en' ? firstText(properties, 'nameEn') : '';
    const title = englishName || (nameField !== undefined ? String(properties[nameField] ?? '') : '') || ui.t('info.untitled');
    const fields = Object.keys(properties).filter((field) => properties[field] !== null && properties[field] !== '');
    fields.sort((a, b) => rank(a) - rank(b));
    root.replaceChildren(
      h(
        'button',
        { className: 'close', attrs: { type: 'button', 'aria-label': ui.t('panels.close') }, on: { click: () => store.getState().select(null) } },
        '×',
      ),
      h('h2', { id: 'info-title' }, title),
      h('p', { id: 'info-id' }, `${ui.t('info.copyId')}: ${event.feature.id}`),
      ...actionButtons(ui.actionsFor(event.feature)),
      h(
        'table',
        { id: 'info-table' },
        h(
          'tbody',
          {},
          ...fields.map((field) =>
            h(
              'tr',
              { attrs: { 'data-field': field } },
              h('th', { attrs: { scope: 'row' } }, label(field)),
              h('td', {}, displayValue(field, properties[field]!)),
            ),
          ),
        ),
      ),
    );
    root.hidden = false;
    closeDetail = mountDetail(root, event.feature);
  }

  /** Codes (use, kind) in words, with the code kept: 'commercial' → 商业 (commercial). */
  function displayValue(field: string, value: string | number | boolean): string {
    const key = `values.${field}.${String(value)}`;
    if (typeof value === 'string' && ui.hasTranslation(key)) {
      const words = ui.t(key);
      return words === value ? words : `${words} (${value})`;
    }
    if (typeof value === 'boolean') return ui.t(value ? 'info.yes' : 'info.no');
    return formatValue(value, field);
  }

  const stops = [
    events.on('select', (event) => {
      last = event;
      render();
    }),
    watch(store, (s) => s.language, render),
  ];
  return () => {
    stops.forEach((stop) => stop());
    closeDetail?.();
    root.remove();
  };
}

/** The plugins' actions on the feature, as buttons (none: nothing shown). */
function actionButtons(actions: readonly FeatureAction[]): HTMLElement[] {
  if (!actions.length) return [];
  return [
    h(
      'div',
      { className: 'feature-actions' },
      ...actions.map((action) => h('button', { attrs: { type: 'button', 'data-action': action.id }, on: { click: () => void action.run() } }, action.label)),
    ),
  ];
}

function rank(field: string): number {
  const at = LEADING.indexOf(field);
  return at === -1 ? LEADING.length : at;
}

/** Values as the trade writes them: a pipe's diameter in metres as DN in millimetres (DN300). */
const FORMATS: Record<string, (value: number) => string> = {
  diameter: (metres) => `DN${Math.round(metres * 1000)}`,
};

function formatValue(value: string | number | boolean, field?: string): string {
  const format = field === undefined ? undefined : FORMATS[field];
  if (typeof value === 'number' && format) return format(value);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Math.round(value * 1000) / 1000);
  return String(value);
}
