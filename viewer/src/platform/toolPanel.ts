import { h } from './h.js';
import type { UiContext } from './UiContext.js';

export interface ToolPanelFrame {
  root: HTMLElement;
  /** The title's text node holder (retitled on a language change by the tool). */
  title: HTMLElement;
  /** Where the tool shows its prompt, its result, or what is wrong with its input. */
  body: HTMLElement;
  /** A row of buttons under the body (exports). */
  actions: HTMLElement;
  /** A message in the body's place: what to do next, or why nothing ran (role=alert for errors). */
  message(text: string, kind?: 'hint' | 'error'): void;
}

/**
 * The common frame of a tool's result panel: a title with a close button (which ends the tool),
 * a body and an actions row. Appended to `container` (the left dock slot the host gives the tool).
 */
export function toolPanel(ui: UiContext, container: HTMLElement, options: { id: string; title: string }): ToolPanelFrame {
  const title = h('h2', {}, options.title);
  const close = h(
    'button',
    {
      className: 'tool-close',
      attrs: { type: 'button', 'aria-label': ui.t('panels.close'), title: ui.t('panels.close') },
      on: { click: () => ui.store.getState().setTool(null) },
    },
    '×',
  );
  const body = h('div', { className: 'tool-body' });
  const actions = h('div', { className: 'tool-actions' });
  const root = h(
    'section',
    { id: options.id, className: 'panel tool-panel', attrs: { 'aria-label': options.title } },
    h('div', { className: 'tool-title' }, title, close),
    body,
    actions,
  );
  container.append(root);
  return {
    root,
    title,
    body,
    actions,
    message(text, kind = 'hint') {
      body.replaceChildren(h('p', { className: `tool-message tool-${kind}`, attrs: kind === 'error' ? { role: 'alert' } : {} }, text));
    },
  };
}
