import { ToolInputLink } from '../../platform/ToolInputLink.js';
import { TRACE_DIRECTIONS, type TraceDirection, type TraceResult } from '../../../../workers/formats/pipeAnalyses.js';
import { csvText, exportFileName, saveFile } from '../../platform/exportFile.js';
import { h } from '../../platform/h.js';
import type { LayerContext, PluginContext } from '../../platform/LayerPlugin.js';
import { defineTool, type ToolInstance, type ToolPointerEvent } from '../../platform/ToolPlugin.js';
import { toolPanel } from '../../platform/toolPanel.js';
import type { UiContext } from '../../platform/UiContext.js';
import { pipesInWorker } from '../pipeData/pipesInWorker.js';
import { traceMessages } from './traceMessages.js';

export const TRACE_TOOL = 'trace';
const EMPHASIS_OWNER = 'trace';
const TRACED_COLOUR = '#00e5ff';
const PICKED_COLOUR = '#ffd400';
const VALVE_COLOUR = '#ff0000';
/** Pipes listed in the panel (all are in the CSV and the page API's answer). */
const LISTED = 200;

/**
 * Network trace: a click on a pipe (or `cimTwin.tools.trace(pipeId, {direction})`) → what is
 * connected to it, or upstream / downstream on a gravity sewer (flow by invert), and the valves
 * to close to shut it off — computed in the planning worker (workers/planning/trace.ts),
 * highlighted in the pipe tiles through the store's emphasis and listed. URL input: `pipeId;direction`.
 */
class TraceModel {
  result: TraceResult | undefined;
  error: string | undefined;
  busy = false;
  direction: TraceDirection = 'connected';
  private readonly listeners = new Set<() => void>();
  private readonly link: ToolInputLink;

  constructor(readonly context: PluginContext) {
    this.link = new ToolInputLink(context.store, TRACE_TOOL, (input) => {
      const [pipeId, direction] = input.split(';');
      this.trace(pipeId, { direction: direction || 'connected' }).catch((error: unknown) => this.fail(error));
    });
    this.link.follow();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Bad input (unknown pipe, a direction that does not apply) rejects with the kernel's message and changes nothing. */
  async trace(pipeId: unknown, options?: unknown): Promise<TraceResult> {
    this.busy = true;
    this.changed();
    try {
      await pipesInWorker(this.context);
      const result = await this.context.workers.request('planning.trace', { pipeId, options: options ?? {} });
      this.result = result;
      this.direction = result.direction;
      this.error = undefined;
      this.link.write(`${result.pipeId};${result.direction}`);
      return result;
    } finally {
      this.busy = false;
      this.changed();
    }
  }

  fail(error: unknown): void {
    this.error = error instanceof Error ? error.message : String(error);
    this.changed();
  }

  destroy(): void {
    this.link.destroy();
    this.listeners.clear();
  }

  changed(): void {
    for (const listener of this.listeners) listener();
  }
}

export const traceTool = defineTool({
  id: TRACE_TOOL,
  label: 'trace.label',
  messages: traceMessages,
  createState: (context) => new TraceModel(context),
  create: (context, model) => new TraceInstance(context, model),
  pageApi: (model) => ({ trace: (pipeId: unknown, options?: unknown) => model.trace(pipeId, options) }),
  mountPanel: (ui, container, model) => mountTracePanel(ui, container, model),
  destroyState: (model) => model.destroy(),
});

class TraceInstance implements ToolInstance {
  readonly id = TRACE_TOOL;
  private active = false;
  private readonly stop: () => void;

  constructor(
    private readonly context: LayerContext,
    private readonly model: TraceModel,
  ) {
    this.stop = model.onChange(() => this.emphasise());
  }

  activate(): void {
    this.active = true;
    this.emphasise();
  }

  deactivate(): void {
    this.active = false;
    this.emphasise();
  }

  /** A click on a pipe of the network layer traces from it, in the panel's direction. */
  onPointer(event: ToolPointerEvent): boolean {
    if (event.kind !== 'click') return event.kind === 'double-click';
    const layer = this.context.config.tools?.networkLayer;
    if (!event.feature || event.feature.tileset !== layer) return false;
    this.model.trace(event.feature.id, { direction: this.model.direction }).catch((error: unknown) => this.model.fail(error));
    return true;
  }

  destroy(): void {
    this.stop();
    this.context.store.getState().setEmphasis(EMPHASIS_OWNER, []);
  }

  private emphasise(): void {
    const layer = this.context.config.tools?.networkLayer;
    const result = this.model.result;
    if (!layer) return;
    if (!this.active || !result) {
      this.context.store.getState().setEmphasis(EMPHASIS_OWNER, []);
      return;
    }
    this.context.store.getState().setEmphasis(EMPHASIS_OWNER, [
      { layer, ids: [result.pipeId], color: PICKED_COLOUR },
      { layer, ids: result.valves, color: VALVE_COLOUR },
      { layer, ids: result.pipes.slice(1), color: TRACED_COLOUR },
    ]);
    this.context.requestRender();
  }
}

function mountTracePanel(ui: UiContext, container: HTMLElement, model: TraceModel): () => void {
  const t = (key: string, params?: Record<string, string | number>): string => ui.t(`trace.${key}`, params);
  const frame = toolPanel(ui, container, { id: 'trace-panel', title: t('title') });
  function render(): void {
    const result = model.result;
    const directions = h(
      'div',
      { className: 'tool-choice', attrs: { role: 'group', 'aria-label': t('direction') } },
      ...TRACE_DIRECTIONS.map((direction) =>
        h(
          'button',
          {
            attrs: { type: 'button', 'data-direction': direction, 'aria-pressed': String(model.direction === direction) },
            on: {
              click: () => {
                model.direction = direction;
                if (model.result) model.trace(model.result.pipeId, { direction }).catch((error: unknown) => model.fail(error));
                else model.changed();
              },
            },
          },
          t(direction),
        ),
      ),
    );
    const parts: (HTMLElement | string)[] = [directions];
    if (model.error) parts.push(h('p', { className: 'tool-message tool-error', attrs: { role: 'alert' } }, model.error));
    if (!result) parts.push(h('p', { className: 'tool-message tool-hint' }, model.busy ? t('loading') : t('pick')));
    else {
      parts.push(
        h(
          'p',
          { className: 'tool-summary' },
          t('summary', { id: result.pipeId, pipes: result.pipes.length, length: result.length.toFixed(0), direction: t(result.direction) }),
        ),
        // Gravity sewers have no valves to close: nothing to say about them.
        h(
          'p',
          {},
          result.valves.length
            ? t('valves', { valves: result.valves.join(', ') })
            : result.direction === 'connected' && result.category !== 'PS'
              ? t('noValves')
              : '',
        ),
        h('p', {}, t('ends', { ends: result.ends.slice(0, 20).join(', ') + (result.ends.length > 20 ? ' …' : '') })),
        h('ol', { className: 'tool-list' }, ...result.pipes.slice(0, LISTED).map((id) => h('li', {}, id))),
      );
      if (result.pipes.length > LISTED) parts.push(h('p', {}, t('more', { count: result.pipes.length - LISTED })));
    }
    frame.body.replaceChildren(...parts);
    frame.actions.replaceChildren(
      ...(result
        ? [
            h(
              'button',
              {
                attrs: { type: 'button' },
                on: {
                  click: () =>
                    saveFile(
                      exportFileName('trace', 'csv'),
                      'text/csv',
                      csvText([['role', 'id'], ...result.pipes.map((id, i) => [i === 0 ? 'picked' : 'pipe', id]), ...result.valves.map((id) => ['valve', id])]),
                    ),
                },
              },
              'CSV',
            ),
          ]
        : []),
    );
  }
  render();
  const stop = model.onChange(render);
  return () => {
    stop();
    frame.root.remove();
  };
}
