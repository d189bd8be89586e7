import { buildingLegend } from '../../../layers/tilesets/buildingStyle.js';
import type { UiContext } from '../platform/UiContext.js';
import type { StyleAttribute, StyleRule } from '../platform/ViewerState.js';
import { h } from '../platform/h.js';
import { watchAny } from '../platform/ViewerStore.js';

const ATTRIBUTES: StyleAttribute[] = ['height', 'use', 'year', 'cimLevel'];
const FILTERS: Record<string, StyleRule['filter']> = {
  'height>24': { attribute: 'height', op: '>', value: 24 },
  'height>50': { attribute: 'height', op: '>', value: 50 },
  'height>100': { attribute: 'height', op: '>', value: 100 },
  'year>=2000': { attribute: 'year', op: '>=', value: 2000 },
};

function filterKey(filter: StyleRule['filter']): string {
  return filter ? `${filter.attribute}${filter.op}${filter.value}` : '';
}

/** Colour-by and filter choices for buildings, with the legend (also shown in wall mode). */
export function mountStylePanel(parent: HTMLElement, legendParent: HTMLElement, ui: UiContext): { root: HTMLElement; destroy(): void } {
  const { store } = ui;
  const root = h('aside', { id: 'style-panel', className: 'panel', attrs: { hidden: '' } });
  const legend = h('div', { id: 'legend' });
  parent.append(root);
  legendParent.append(legend);

  function render(): void {
    const { style } = store.getState();
    const colorBy = h('select', {
      id: 'style-color-by',
      on: { change: () => store.getState().setStyle({ ...store.getState().style, colorBy: colorBy.value as StyleAttribute }) },
    });
    colorBy.replaceChildren(...ATTRIBUTES.map((a) => h('option', { attrs: { value: a } }, ui.t(`style.attr.${a}`))));
    colorBy.value = style.colorBy;
    const filter = h('select', {
      id: 'style-filter',
      on: {
        change: () => {
          const { colorBy: current } = store.getState().style;
          const chosen = FILTERS[filter.value];
          store.getState().setStyle(chosen ? { colorBy: current, filter: chosen } : { colorBy: current });
        },
      },
    });
    const key = filterKey(style.filter);
    filter.replaceChildren(
      h('option', { attrs: { value: '' } }, ui.t('style.filterNone')),
      ...Object.keys(FILTERS).map((k) => h('option', { attrs: { value: k } }, ui.t(`style.filters.${k}`))),
      // A filter from a shared link that is not one of the presets is still shown.
    );
    if (key && !FILTERS[key]) filter.append(h('option', { attrs: { value: key } }, key));
    filter.value = key;
    root.replaceChildren(h('h2', {}, ui.t('panels.style')), h('label', {}, ui.t('style.colorBy'), colorBy), h('label', {}, ui.t('style.filter'), filter));
    legend.replaceChildren(
      h('h3', {}, `${ui.t('panels.legend')} · ${ui.t(`style.attr.${style.colorBy}`)}${key ? ` · ${FILTERS[key] ? ui.t(`style.filters.${key}`) : key}` : ''}`),
      h(
        'ul',
        {},
        ...buildingLegend(style).map((entry) =>
          h('li', {}, h('span', { className: 'swatch', attrs: { style: `background:${entry.color}` } }), entry.translate ? ui.t(entry.label) : entry.label),
        ),
      ),
    );
  }
  render();
  const stop = watchAny(store, [(s) => s.language, (s) => s.style], render);
  return {
    root,
    destroy: () => {
      stop();
      root.remove();
      legend.remove();
    },
  };
}
