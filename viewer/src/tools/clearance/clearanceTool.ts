import { Cartesian2, Cartesian3, Color, LabelCollection, LabelStyle, PointPrimitiveCollection, VerticalOrigin } from 'cesium';
import type { ClearanceConflict } from '../../../../workers/formats/pipeAnalyses.js';
import { clearanceRule, HORIZONTAL_CLEARANCES, VERTICAL_CLEARANCES } from '../../../../workers/standards/gb50289Clearances.js';
import { clearanceRuleText } from '../../../../workers/standards/gb50289PieceCheck.js';
import { csvText, exportFileName, saveFile } from '../../platform/exportFile.js';
import { h } from '../../platform/h.js';
import type { LayerContext, PluginContext } from '../../platform/LayerPlugin.js';
import { defineTool, type ToolInstance } from '../../platform/ToolPlugin.js';
import { toolPanel } from '../../platform/toolPanel.js';
import type { UiContext } from '../../platform/UiContext.js';
import { clearanceMessages } from './clearanceMessages.js';

export const CLEARANCE_TOOL = 'clearance';
const EMPHASIS_OWNER = 'clearance';
const FIRST_COLOUR = '#ff0000';
const SECOND_COLOUR = '#ff8c00';
const OTHERS_COLOUR = '#ff6f91';

/** What the tool reads of the pipes' build-report.json (tiles-pipeline's PipeBuildReport). */
interface BuildReportClearance {
  clearance?: { conflicts?: ClearanceConflict[]; found?: number; source?: string; failed?: string };
}

/**
 * Clearance conflicts (净距冲突): the pipes' build report's GB 50289 conflicts on the map — every
 * pipe of a conflict tinted, the current pair red and orange with a marker reading measured vs
 * required — and a list to step through (the camera goes to each). Read from the config's
 * `tools.buildReport`; the rule each went by is named from the standard's table
 * (workers/standards). URL input: the index of the conflict shown.
 */
class ClearanceModel {
  conflicts: ClearanceConflict[] | undefined;
  found = 0;
  source = '';
  current = -1;
  error: string | undefined;
  private loading: Promise<ClearanceConflict[]> | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: () => void;

  constructor(readonly context: PluginContext) {
    const { store } = context;
    const follow = (): void => {
      const { tool, toolInput } = store.getState();
      if (tool !== CLEARANCE_TOOL) return;
      void this.load()
        .then((conflicts) => {
          if (toolInput === null || toolInput === String(this.current)) return;
          const index = Number(toolInput);
          if (!Number.isInteger(index) || index < 0 || index >= conflicts.length)
            throw new Error(`the link's conflict "${toolInput.slice(0, 20)}" is not one of 0…${conflicts.length - 1}`);
          this.show(index);
        })
        .catch((error: unknown) => this.fail(error));
    };
    this.unsubscribe = store.subscribe((state, previous) => {
      if (state.tool !== previous.tool || state.toolInput !== previous.toolInput) follow();
    });
    follow();
  }

  /** The build report's conflicts, each with the rule it went by (loaded once). */
  load(): Promise<ClearanceConflict[]> {
    this.loading ??= (async () => {
      const url = this.context.config.tools?.buildReport;
      if (!url) throw new Error('this viewer has no pipe build report (config tools.buildReport)');
      const response = await fetch(new URL(url, this.context.baseUrl), { headers: this.context.authHeaders() });
      if (!response.ok) throw new Error(`the build report ${url} could not be read (HTTP ${response.status})`);
      const report = (await response.json()) as BuildReportClearance;
      if (report.clearance?.failed) throw new Error(report.clearance.failed);
      this.conflicts = (report.clearance?.conflicts ?? []).map((c) => ({ ...c, rule: c.rule ?? ruleOf(c) }));
      this.found = report.clearance?.found ?? this.conflicts.length;
      this.source = report.clearance?.source ?? '';
      this.changed();
      return this.conflicts;
    })();
    this.loading.catch(() => (this.loading = undefined));
    return this.loading;
  }

  show(index: number): void {
    if (!this.conflicts?.length) return;
    this.current = ((index % this.conflicts.length) + this.conflicts.length) % this.conflicts.length;
    const { store } = this.context;
    if (store.getState().tool === CLEARANCE_TOOL) store.getState().setToolInput(String(this.current));
    this.changed();
  }

  fail(error: unknown): void {
    this.error = error instanceof Error ? error.message : String(error);
    this.changed();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  destroy(): void {
    this.unsubscribe();
    this.listeners.clear();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

/** The rule of a build-report conflict (the report gives the categories and the type). */
function ruleOf(conflict: ClearanceConflict): string {
  const rule = clearanceRule(conflict.type === 'horizontal' ? HORIZONTAL_CLEARANCES : VERTICAL_CLEARANCES, ...conflict.categories);
  return rule ? clearanceRuleText(conflict.type, rule) : 'GB 50289';
}

export const clearanceTool = defineTool({
  id: CLEARANCE_TOOL,
  label: 'clearance.label',
  messages: clearanceMessages,
  createState: (context) => new ClearanceModel(context),
  create: (context, model) => new ClearanceInstance(context, model),
  pageApi: (model) => ({ clearanceConflicts: () => model.load().then((conflicts) => conflicts.map((c) => ({ ...c }))) }),
  mountPanel: (ui, container, model) => mountClearancePanel(ui, container, model),
  destroyState: (model) => model.destroy(),
});

class ClearanceInstance implements ToolInstance {
  readonly id = CLEARANCE_TOOL;
  private active = false;
  private readonly points = new PointPrimitiveCollection();
  private readonly labels = new LabelCollection();
  private readonly stop: () => void;

  constructor(
    private readonly context: LayerContext,
    private readonly model: ClearanceModel,
  ) {
    context.scene.primitives.add(this.points);
    context.scene.primitives.add(this.labels);
    this.stop = model.onChange(() => this.draw());
  }

  activate(): void {
    this.active = true;
    this.draw();
  }

  deactivate(): void {
    this.active = false;
    this.draw();
  }

  destroy(): void {
    this.stop();
    this.context.store.getState().setEmphasis(EMPHASIS_OWNER, []);
    this.context.scene.primitives.remove(this.points);
    this.context.scene.primitives.remove(this.labels);
  }

  private draw(): void {
    this.points.removeAll();
    this.labels.removeAll();
    const { store, config } = this.context;
    const layer = config.tools?.networkLayer;
    const conflicts = this.active ? (this.model.conflicts ?? []) : [];
    const current = conflicts[this.model.current];
    for (const [i, c] of conflicts.entries()) {
      this.points.add({
        position: Cartesian3.fromDegrees(c.lon, c.lat, 0.5),
        pixelSize: i === this.model.current ? 14 : 7,
        color: Color.fromCssColorString(i === this.model.current ? FIRST_COLOUR : OTHERS_COLOUR),
        outlineColor: Color.WHITE,
        outlineWidth: 1.5,
        disableDepthTestDistance: Number.POSITIVE_INFINITY,
      });
    }
    if (current) {
      this.labels.add({
        position: Cartesian3.fromDegrees(current.lon, current.lat, 0.5),
        text: `${current.a} × ${current.b}\n${current.actual.toFixed(2)} < ${current.required.toFixed(2)} m`,
        font: '14px sans-serif',
        fillColor: Color.WHITE,
        outlineColor: Color.BLACK,
        outlineWidth: 3,
        style: LabelStyle.FILL_AND_OUTLINE,
        verticalOrigin: VerticalOrigin.BOTTOM,
        pixelOffset: new Cartesian2(0, -12),
        disableDepthTestDistance: Number.POSITIVE_INFINITY,
      });
    }
    if (layer) {
      const others = conflicts.filter((c) => c !== current).flatMap((c) => [c.a, c.b]);
      store.getState().setEmphasis(
        EMPHASIS_OWNER,
        this.active && conflicts.length
          ? [
              ...(current
                ? [
                    { layer, ids: [current.a], color: FIRST_COLOUR },
                    { layer, ids: [current.b], color: SECOND_COLOUR },
                  ]
                : []),
              { layer, ids: others, color: OTHERS_COLOUR },
            ]
          : [],
      );
    }
    this.context.requestRender();
  }
}

function mountClearancePanel(ui: UiContext, container: HTMLElement, model: ClearanceModel): () => void {
  const t = (key: string, params?: Record<string, string | number>): string => ui.t(`clearance.${key}`, params);
  const frame = toolPanel(ui, container, { id: 'clearance-panel', title: t('title') });
  const go = (index: number): void => model.show(index);
  /** The camera goes to each conflict shown (stepped to, picked, or from a link). */
  let flownTo = -1;
  const button = (label: string, onClick: () => void): HTMLButtonElement => h('button', { attrs: { type: 'button' }, on: { click: onClick } }, label);
  function render(): void {
    const conflicts = model.conflicts;
    frame.actions.replaceChildren();
    if (model.error) return frame.message(model.error, 'error');
    if (!conflicts) return frame.message(t('loading'));
    if (conflicts.length === 0) return frame.message(t('none'));
    const current = conflicts[model.current];
    if (current && flownTo !== model.current) {
      flownTo = model.current;
      void ui.commands.flyTo({ lon: current.lon, lat: current.lat, range: 60 }).catch(() => undefined);
    }
    frame.body.replaceChildren(
      h('p', { className: 'tool-summary' }, t('summary', { found: model.found, listed: conflicts.length })),
      h(
        'div',
        { className: 'tool-choice' },
        button('◀', () => go(model.current - 1)),
        ` ${model.current + 1} / ${conflicts.length} `,
        button('▶', () => go(model.current + 1)),
      ),
      current
        ? h(
            'p',
            { className: 'tool-conflict' },
            t('pair', { a: current.a, b: current.b, categories: current.categories.join('–'), type: t(current.type) }),
            h('br'),
            t('measured', { actual: current.actual.toFixed(2), required: current.required.toFixed(2) }),
            h('br'),
            h('small', {}, current.rule ?? ''),
          )
        : h('p', { className: 'tool-message tool-hint' }, t('step')),
      h(
        'ol',
        { className: 'tool-list', attrs: { start: '0' } },
        ...conflicts.map((c, i) =>
          h(
            'li',
            { className: i === model.current ? 'tool-current' : '' },
            button(`${c.a} × ${c.b} · ${c.actual.toFixed(2)}/${c.required.toFixed(2)} m`, () => go(i)),
          ),
        ),
      ),
      h('p', {}, h('small', {}, model.source)),
    );
    frame.actions.append(
      button('CSV', () =>
        saveFile(
          exportFileName('clearance-conflicts', 'csv'),
          'text/csv',
          csvText([
            ['type', 'pipe_a', 'pipe_b', 'categories', 'required_m', 'actual_m', 'lon', 'lat', 'rule'],
            ...conflicts.map((c) => [c.type, c.a, c.b, c.categories.join('-'), c.required, c.actual, c.lon, c.lat, c.rule ?? '']),
          ]),
        ),
      ),
    );
  }
  render();
  const stop = model.onChange(render);
  return () => {
    stop();
    frame.root.remove();
  };
}
