import { watchAny } from '../state/createViewerStore.js';
import { LAYER_CATALOG, type LayerDefinition } from '../state/layerCatalog.js';
import { h } from './h.js';
import type { UiContext } from './UiContext.js';

const GROUPS = ['live', 'buildings', 'underground', 'ground'] as const;

/** Toggle and opacity per layer, grouped; pipe categories show their CJJ 61 colour. */
export function mountLayerPanel(parent: HTMLElement, ui: UiContext, hasBasemap: boolean): { root: HTMLElement; destroy(): void } {
  const { store } = ui;
  const root = h('aside', { id: 'layers-panel', className: 'panel', attrs: { hidden: '' } });
  parent.append(root);

  function row(definition: LayerDefinition): HTMLElement {
    const layer = store.getState().layers[definition.id] ?? { visible: definition.visible, opacity: 1 };
    const checkbox = h('input', {
      attrs: { type: 'checkbox', 'data-layer': definition.id },
      on: { change: () => store.getState().setLayerVisible(definition.id, checkbox.checked) },
    });
    checkbox.checked = layer.visible;
    const label = h(
      'label',
      {},
      checkbox,
      definition.swatch ? h('span', { className: 'swatch', attrs: { style: `background:${definition.swatch}` } }) : null,
      ui.t(`layers.${definition.label}`, undefined, ui.t(definition.label)),
    );
    const items: HTMLElement[] = [label];
    // Parts share their tileset's opacity; they only toggle.
    if (definition.kind !== 'tilesetPart' && definition.kind !== 'labels' && definition.kind !== 'sensors') {
      const slider = h('input', {
        attrs: { type: 'range', min: '0', max: '1', step: '0.05', 'aria-label': ui.t('layers.opacity'), 'data-opacity': definition.id },
        on: { input: () => store.getState().setLayerOpacity(definition.id, Number(slider.value)) },
      });
      slider.value = String(layer.opacity);
      items.push(slider);
    }
    return h('li', { className: definition.kind === 'tilesetPart' ? 'part' : '' }, ...items);
  }

  function render(): void {
    root.replaceChildren(
      h('h2', {}, ui.t('panels.layers')),
      ...GROUPS.map((group) =>
        h(
          'section',
          {},
          h('h3', {}, ui.t(`groups.${group}`)),
          h('ul', {}, ...LAYER_CATALOG.filter((d) => d.group === group && (d.kind !== 'basemap' || hasBasemap)).map(row)),
          group === 'underground' ? h('p', { className: 'hint' }, ui.t('legend.pipesNote')) : null,
        ),
      ),
    );
  }
  render();
  const stop = watchAny(store, [(s) => s.language, (s) => s.layers], render);
  return {
    root,
    destroy: () => {
      stop();
      root.remove();
    },
  };
}
