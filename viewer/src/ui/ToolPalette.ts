import { h } from '../platform/h.js';
import type { ToolRuntime } from '../platform/ToolPlugin.js';
import type { UiContext } from '../platform/UiContext.js';
import { watchAny } from '../platform/ViewerStore.js';

/**
 * The planner's tools: a palette (a panel of buttons, opened from the toolbar) and the active
 * tool's result panel, both in the left dock. Choosing the active tool again ends it; so does the
 * panel's close button or Escape. The panel is mounted while its tool is active, so a tool
 * opened from a shared link or the page API shows its panel too.
 */
export function mountToolPalette(dock: HTMLElement, ui: UiContext, tools: readonly ToolRuntime[]): { root: HTMLElement; destroy(): void } {
  const { store } = ui;
  const listed = tools.filter((tool) => tool.palette);
  const heading = h('h2', {});
  const buttons = h('div', { className: 'tool-buttons' });
  const root = h('aside', { id: 'tools-panel', className: 'panel', attrs: { hidden: '' } }, heading, buttons);
  const slot = h('div', { className: 'tool-slot' });
  dock.append(root, slot);

  function render(): void {
    const active = store.getState().tool;
    heading.textContent = ui.t('tools.title');
    buttons.replaceChildren(
      ...listed.map((tool) =>
        h(
          'button',
          {
            attrs: { type: 'button', 'data-tool': tool.id, 'aria-pressed': String(active === tool.id) },
            on: { click: () => store.getState().setTool(store.getState().tool === tool.id ? null : tool.id) },
          },
          ui.t(tool.label),
        ),
      ),
    );
  }

  let unmountPanel: (() => void) | undefined;
  let mounted: string | null = null;
  function mountPanel(): void {
    const { tool, language } = store.getState();
    const key = tool === null ? null : `${tool}|${language}`;
    if (key === mounted) return;
    unmountPanel?.();
    unmountPanel = undefined;
    slot.replaceChildren();
    mounted = key;
    const runtime = tools.find((t) => t.id === tool);
    if (runtime) unmountPanel = runtime.mountPanel(ui, slot);
  }

  const onKey = (event: KeyboardEvent): void => {
    const target = event.target as HTMLElement | null;
    if (event.key !== 'Escape' || target?.tagName === 'INPUT') return;
    const { tool, mode } = store.getState();
    if (mode !== 'wall' && tool !== null && tool !== 'underground') store.getState().setTool(null);
  };
  document.addEventListener('keydown', onKey);

  render();
  mountPanel();
  const stop = watchAny(store, [(s) => s.tool, (s) => s.language], () => {
    render();
    mountPanel();
  });
  return {
    root,
    destroy() {
      stop();
      document.removeEventListener('keydown', onKey);
      unmountPanel?.();
      root.remove();
      slot.remove();
    },
  };
}
