import type { SearchHit } from '../platform/LayerPlugin.js';
import type { UiContext } from '../platform/UiContext.js';
import { h } from '../platform/h.js';
import { watchAny } from '../platform/ViewerStore.js';

export type PanelName = 'layers' | 'style' | 'tools' | null;

/**
 * The planner's toolbar: search, bookmarks, panels (layers, style, the tool palette), underground, language and wall mode.
 * Hidden in wall mode (no editing controls on a kiosk).
 */
export function mountToolbar(parent: HTMLElement, ui: UiContext, onPanel: (panel: PanelName) => void): () => void {
  const { store } = ui;
  let openPanel: PanelName = null;
  const input = h('input', {
    id: 'search-input',
    attrs: { type: 'search', autocomplete: 'off', spellcheck: 'false' },
    on: {
      input: () => scheduleSearch(),
      keydown: (event) => {
        if (event.key === 'Enter') {
          const first = results.querySelector('button');
          if (first instanceof HTMLButtonElement) first.click();
        } else if (event.key === 'Escape') clearResults();
      },
    },
  });
  const results = h('ul', { id: 'search-results', attrs: { role: 'listbox' } });
  const title = h('h1', { id: 'app-title' });
  const bookmarks = h('select', { id: 'bookmarks', on: { change: () => void ui.commands.flyTo(bookmarks.value).then(() => (bookmarks.value = '')) } });
  const buttons = h('div', { className: 'toolbar-buttons' });
  const root = h('header', { id: 'toolbar' }, title, h('div', { className: 'search' }, input, results), bookmarks, buttons);
  parent.append(root);

  let timer: ReturnType<typeof setTimeout> | undefined;
  let query = 0;
  function scheduleSearch(): void {
    clearTimeout(timer);
    timer = setTimeout(() => void runSearch(), 150);
  }
  async function runSearch(): Promise<void> {
    const mine = ++query;
    const text = input.value;
    if (!text.trim()) return clearResults();
    const hits = await ui.commands.search(text);
    if (mine !== query) return;
    showResults(hits);
  }
  function showResults(hits: SearchHit[]): void {
    const english = store.getState().language === 'en';
    results.replaceChildren(
      ...(hits.length
        ? hits.map((hit) =>
            h(
              'li',
              {},
              h(
                'button',
                {
                  attrs: { type: 'button', 'data-id': hit.id },
                  on: { click: () => void ui.commands.goToFeature({ tileset: hit.tileset, id: hit.id }).then(clearResults) },
                },
                h('span', { className: 'hit-name' }, (english && hit.nameEn) || hit.name || hit.id),
                h('span', { className: 'hit-detail' }, hit.address || hit.id),
              ),
            ),
          )
        : [h('li', { className: 'no-results' }, ui.t('search.noResults'))]),
    );
  }
  function clearResults(): void {
    results.replaceChildren();
  }

  function button(id: string, label: string, pressed: boolean, onClick: () => void): HTMLButtonElement {
    return h('button', { id, attrs: { type: 'button', 'aria-pressed': String(pressed) }, on: { click: onClick } }, label);
  }
  function render(): void {
    const state = store.getState();
    title.textContent = ui.text(ui.config.title, ui.t('app.title'));
    input.placeholder = ui.t('search.placeholder');
    input.setAttribute('aria-label', ui.t('search.label'));
    bookmarks.replaceChildren(
      h('option', { attrs: { value: '' } }, ui.t('bookmarks.title')),
      ...ui.config.bookmarks.map((b) => h('option', { attrs: { value: b.id } }, ui.text(b.label, b.id))),
    );
    buttons.replaceChildren(
      button('toggle-layers', ui.t('panels.layers'), openPanel === 'layers', () => togglePanel('layers')),
      button('toggle-style', ui.t('panels.style'), openPanel === 'style', () => togglePanel('style')),
      button('toggle-tools', ui.t('panels.tools'), openPanel === 'tools', () => togglePanel('tools')),
      button('toggle-underground', ui.t(state.underground ? 'underground.off' : 'underground.on'), state.underground, () =>
        state.setUnderground(!store.getState().underground),
      ),
      button('toggle-language', ui.t('language.switch'), false, () => store.getState().setLanguage(store.getState().language === 'en' ? 'zh-CN' : 'en')),
      button('toggle-wall', ui.t('mode.wall'), false, () => store.getState().setMode('wall')),
    );
  }
  function togglePanel(panel: Exclude<PanelName, null>): void {
    openPanel = openPanel === panel ? null : panel;
    onPanel(openPanel);
    render();
  }
  render();
  const stop = watchAny(store, [(s) => s.language, (s) => s.underground], render);
  return () => {
    stop();
    root.remove();
  };
}
