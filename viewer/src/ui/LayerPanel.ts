import { LAYER_GROUPS, type LayerDefinition } from '../../../workers/formats/viewerConfig.js';
import type { UiContext } from '../platform/UiContext.js';
import { h } from '../platform/h.js';
import { watchAny } from '../platform/ViewerStore.js';

/** Toggle and opacity per layer of the config, grouped; tileset parts show their legend colour. */
export function mountLayerPanel(parent: HTMLElement, ui: UiContext): { root: HTMLElement; destroy(): void } {
  const { store, config } = ui;
  const root = h('aside', { id: 'layers-panel', className: 'panel', attrs: { hidden: '' } });
  parent.append(root);
  // The basemap row only when the deployment has one; sensors and parking only with a live backbone.
  const listed = config.layers.filter((d) => (d.kind !== 'basemap' || config.basemap) && ((d.kind !== 'sensors' && d.kind !== 'parking') || config.live));

  function row(definition: LayerDefinition): HTMLElement {
    const layer = store.getState().layers[definition.id] ?? { visible: definition.visible, opacity: definition.opacity ?? 1 };
    const checkbox = h('input', {
      attrs: { type: 'checkbox', 'data-layer': definition.id },
      on: { change: () => store.getState().setLayerVisible(definition.id, checkbox.checked) },
    });
    checkbox.checked = layer.visible;
    const swatch = definition.kind === 'tilesetPart' ? definition.swatch : undefined;
    const label = h(
      'label',
      {},
      checkbox,
      swatch ? h('span', { className: 'swatch', attrs: { style: `background:${swatch}` } }) : null,
      ui.text(definition.label, definition.id),
    );
    const items: HTMLElement[] = [label];
    // Parts share their tileset's opacity; they only toggle.
    if (definition.kind !== 'tilesetPart' && definition.kind !== 'labels' && definition.kind !== 'sensors' && definition.kind !== 'parking') {
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
      ...LAYER_GROUPS.flatMap((group) => {
        const layers = listed.filter((d) => d.group === group);
        if (!layers.length) return [];
        return h(
          'section',
          {},
          h('h3', {}, ui.t(`groups.${group}`)),
          h('ul', {}, ...layers.map(row)),
          layers.some((d) => d.kind === 'tilesetPart') ? h('p', { className: 'hint' }, ui.t('legend.pipesNote')) : null,
        );
      }),
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
