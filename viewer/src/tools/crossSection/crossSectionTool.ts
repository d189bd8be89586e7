import { Cartesian3, Color, Material, PointPrimitiveCollection, PolylineCollection } from 'cesium';
import type { LonLat } from '../../../../workers/formats/pipeAnalyses.js';
import { pipeCategoryOf } from '../../../../workers/standards/cjj61Categories.js';
import { csvText, exportFileName, saveFile } from '../../platform/exportFile.js';
import { h } from '../../platform/h.js';
import type { LayerContext } from '../../platform/LayerPlugin.js';
import { defineTool, type ToolInstance, type ToolPointerEvent } from '../../platform/ToolPlugin.js';
import { toolPanel } from '../../platform/toolPanel.js';
import type { UiContext } from '../../platform/UiContext.js';
import { gasPressureLabel } from '../pipeData/gasPressureLabel.js';
import { CROSS_SECTION_TOOL, CrossSectionModel } from './CrossSectionModel.js';
import { categoryColour, DRAWING_HEIGHT, DRAWING_WIDTH, type DrawingLabels, profileSvg, sectionSvg } from './sectionSvg.js';
import { crossSectionMessages } from './crossSectionMessages.js';

const EMPHASIS_OWNER = 'crossSection';
const CUT_COLOUR = '#ffd400';
const CONFLICT_COLOUR = '#ff0000';
/** The section line is drawn a little above the flat ground the tiles stand on. */
const LINE_HEIGHT = 0.3;

/**
 * Cross-section (横断面) and longitudinal profile (纵断面): two clicks draw a line across a
 * street; the planning worker cuts the pipes (workers/planning/crossSection.ts) and the panel
 * draws the section — ground line, depth scale, pipes in their CJJ 61 colours, GB 50289
 * conflicts in red — with SVG, PNG and CSV exports. A sewer's row opens its profile.
 *
 * The inset is a 2D drawing (SVG painted on a canvas), not a three.js scene: a section is a
 * plane, and everything it shows — circles, boxes, a scale, dimension lines, text — is 2D;
 * three.js would add a WebGL context (the viewer already holds Cesium's) and a text renderer for
 * nothing, and the same SVG is the vector export.
 */
export const crossSectionTool = defineTool({
  id: CROSS_SECTION_TOOL,
  label: 'crossSection.label',
  messages: crossSectionMessages,
  createState: (context) => new CrossSectionModel(context),
  create: (context, model) => new CrossSectionInstance(context, model),
  pageApi: (model) => ({
    crossSection: (line: unknown) => model.section(line),
    profile: (pipeId: unknown) => model.profile(pipeId),
  }),
  mountPanel: (ui, container, model) => mountSectionPanel(ui, container, model),
  destroyState: (model) => model.destroy(),
});

class CrossSectionInstance implements ToolInstance {
  readonly id = CROSS_SECTION_TOOL;
  private readonly lines = new PolylineCollection();
  private readonly points = new PointPrimitiveCollection();
  private active = false;
  private pointer: LonLat | undefined;
  private readonly stop: () => void;

  constructor(
    private readonly context: LayerContext,
    private readonly model: CrossSectionModel,
  ) {
    context.scene.primitives.add(this.lines);
    context.scene.primitives.add(this.points);
    this.stop = model.onChange(() => this.draw());
  }

  activate(): void {
    this.active = true;
    this.draw();
  }

  deactivate(): void {
    this.active = false;
    this.pointer = undefined;
    this.model.firstPoint = undefined;
    this.draw();
  }

  onPointer(event: ToolPointerEvent): boolean {
    if (!event.position) return false;
    const point: LonLat = [event.position.lon, event.position.lat];
    if (event.kind === 'move') {
      if (!this.model.firstPoint) return false;
      this.pointer = point;
      this.draw();
      return true;
    }
    if (event.kind !== 'click') return true;
    this.pointer = undefined;
    this.model.click(point);
    return true;
  }

  destroy(): void {
    this.stop();
    this.context.store.getState().setEmphasis(EMPHASIS_OWNER, []);
    this.context.scene.primitives.remove(this.lines);
    this.context.scene.primitives.remove(this.points);
  }

  /** The line (or the rubber band from the first click), the cut pipes' crossings at their depth, and their emphasis in the pipe tiles. */
  private draw(): void {
    this.lines.removeAll();
    this.points.removeAll();
    const { store, config } = this.context;
    const layer = config.tools?.networkLayer;
    const result = this.active ? this.model.result : undefined;
    const line: readonly LonLat[] | undefined = this.model.firstPoint
      ? this.pointer
        ? [this.model.firstPoint, this.pointer]
        : [this.model.firstPoint, this.model.firstPoint]
      : result?.kind === 'section'
        ? result.section.line
        : undefined;
    if (this.active && line) {
      this.lines.add({
        positions: line.map(([lon, lat]) => Cartesian3.fromDegrees(lon, lat, LINE_HEIGHT)),
        width: 3,
        material: Material.fromType('Color', { color: Color.fromCssColorString('#1565c0') }),
      });
    }
    if (result?.kind === 'section') {
      const [[lon0, lat0], [lon1, lat1]] = result.section.line;
      const length = Math.max(result.section.length, 1e-9);
      for (const pipe of result.section.pipes) {
        const t = pipe.offset / length;
        this.points.add({
          position: Cartesian3.fromDegrees(lon0 + (lon1 - lon0) * t, lat0 + (lat1 - lat0) * t, pipe.ground - (pipe.depthTop + pipe.depthBottom) / 2),
          pixelSize: 9,
          color: Color.fromCssColorString(categoryColour(pipe.category)),
          outlineColor: Color.WHITE,
          outlineWidth: 1.5,
          disableDepthTestDistance: Number.POSITIVE_INFINITY,
        });
      }
    }
    if (layer) {
      if (result?.kind === 'section') {
        const conflicting = new Set(result.section.conflicts.flatMap((c) => [c.a, c.b]));
        store.getState().setEmphasis(EMPHASIS_OWNER, [
          { layer, ids: result.section.pipes.map((p) => p.id).filter((id) => !conflicting.has(id)), color: CUT_COLOUR },
          { layer, ids: [...conflicting], color: CONFLICT_COLOUR },
        ]);
      } else if (result?.kind === 'profile') {
        store.getState().setEmphasis(EMPHASIS_OWNER, [{ layer, ids: result.profile.pipes.map((p) => p.id), color: CUT_COLOUR }]);
      } else store.getState().setEmphasis(EMPHASIS_OWNER, []);
    }
    this.context.requestRender();
  }
}

/** The result panel: prompt or error, the drawing, the pipes and conflicts, and the exports. */
function mountSectionPanel(ui: UiContext, container: HTMLElement, model: CrossSectionModel): () => void {
  const t = (key: string, params?: Record<string, string | number>): string => ui.t(`crossSection.${key}`, params);
  const frame = toolPanel(ui, container, { id: 'cross-section-panel', title: t('title') });
  const canvas = h('canvas', { className: 'section-drawing', attrs: { width: String(DRAWING_WIDTH * 2), height: String(DRAWING_HEIGHT * 2) } });
  canvas.style.width = '100%';
  let drawing = 0;
  const labels = (): DrawingLabels => ({
    title: model.result?.kind === 'profile' ? t('profileTitle', { id: model.result.profile.startPipeId }) : t('title'),
    depth: t('depthAxis'),
    offset: t('offsetAxis'),
    ground: t('ground'),
    elevation: t('elevationAxis'),
    chainage: t('chainageAxis'),
    invert: t('invert'),
  });
  const svgText = (): string | undefined => {
    const result = model.result;
    if (!result) return undefined;
    return result.kind === 'section' ? sectionSvg(result.section, labels()) : profileSvg(result.profile, labels());
  };
  /** Paints the SVG on the canvas (at twice its size: sharp on high-DPI screens and in the PNG). */
  const paint = (svg: string): Promise<void> => {
    const run = ++drawing;
    canvas.removeAttribute('data-drawn');
    const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
    const image = new Image();
    return new Promise((resolve) => {
      image.onload = () => {
        if (run === drawing) {
          const context = canvas.getContext('2d')!;
          context.clearRect(0, 0, canvas.width, canvas.height);
          context.drawImage(image, 0, 0, canvas.width, canvas.height);
          canvas.setAttribute('data-drawn', String(run));
        }
        URL.revokeObjectURL(url);
        resolve();
      };
      image.onerror = () => {
        URL.revokeObjectURL(url);
        resolve();
      };
      image.src = url;
    });
  };
  const button = (label: string, onClick: () => void): HTMLButtonElement => h('button', { attrs: { type: 'button' }, on: { click: onClick } }, label);

  function render(): void {
    const result = model.result;
    frame.actions.replaceChildren();
    if (model.error) {
      frame.message(model.error, 'error');
      if (!result) return;
    }
    if (!result) {
      frame.message(model.busy ? t('loading') : model.firstPoint ? t('secondPoint') : t('firstPoint'));
      return;
    }
    const rows: HTMLElement[] = [];
    if (result.kind === 'section') {
      const { section } = result;
      const conflicting = new Set(section.conflicts.flatMap((c) => [c.a, c.b]));
      rows.push(
        h(
          'p',
          { className: 'tool-summary' },
          t('summary', { pipes: section.pipes.length, length: section.length.toFixed(1), conflicts: section.conflicts.length }),
        ),
        // The pipes and the conflicts scroll together below the drawing: both in view without scrolling the dock.
        h(
          'div',
          { className: 'section-results' },
          h(
            'table',
            { className: 'tool-table' },
            h('tr', {}, ...['offset', 'pipe', 'size', 'crown', 'invert', 'owner', ''].map((k) => h('th', {}, k ? t(`column.${k}`) : ''))),
            ...section.pipes.map((pipe) =>
              h(
                'tr',
                { className: conflicting.has(pipe.id) ? 'tool-conflict' : '' },
                h('td', {}, pipe.offset.toFixed(2)),
                h('td', {}, h('span', { className: 'category-swatch', attrs: { style: `background:${categoryColour(pipe.category)}` } }), ` ${pipe.id}`),
                h(
                  'td',
                  {},
                  pipe.diameter === null ? `${Math.round(pipe.width * 1000)}×${Math.round(pipe.height * 1000)}` : `DN${Math.round(pipe.diameter * 1000)}`,
                  // A gas pipe's pressure class beside its size (GB 50028): what its clearances go by.
                  pipe.gasPressure ? ` ${gasPressureLabel(pipe.gasPressure, ui.store.getState().language)}` : '',
                ),
                h('td', {}, pipe.depthTop.toFixed(2)),
                h('td', {}, pipe.depthBottom.toFixed(2)),
                h('td', {}, pipe.owner ?? ''),
                h(
                  'td',
                  {},
                  pipeCategoryOf(pipe.category)?.depthReference === 'bottom'
                    ? button(t('profile'), () => void model.profile(pipe.id).catch(() => undefined))
                    : '',
                ),
              ),
            ),
          ),
          ...section.conflicts.map((c) =>
            h(
              'p',
              { className: 'tool-conflict' },
              t('conflict', { a: c.a, b: c.b, type: t(c.type), actual: c.actual.toFixed(2), required: c.required.toFixed(2) }),
              h('br'),
              h('small', {}, c.rule ?? ''),
            ),
          ),
        ),
      );
    } else {
      const { profile } = result;
      rows.push(
        h(
          'p',
          { className: 'tool-summary' },
          t('profileSummary', { pipes: profile.pipes.length, length: profile.length.toFixed(1), backfalls: profile.backfalls.length }),
        ),
        button(t('backToSection'), () => model.backToSection()),
      );
    }
    frame.body.replaceChildren(
      ...(model.error ? [h('p', { className: 'tool-message tool-error', attrs: { role: 'alert' } }, model.error)] : []),
      canvas,
      ...rows,
    );
    const svg = svgText()!;
    void paint(svg);
    const stem = result.kind === 'section' ? 'cross-section' : 'profile';
    frame.actions.append(
      button('SVG', () => saveFile(exportFileName(stem, 'svg'), 'image/svg+xml', svg)),
      button('PNG', () => canvas.toBlob((blob) => blob && saveFile(exportFileName(stem, 'png'), 'image/png', blob))),
      button('CSV', () => saveFile(exportFileName(stem, 'csv'), 'text/csv', csvOf(model))),
    );
  }
  render();
  const stop = model.onChange(render);
  return () => {
    stop();
    drawing++;
    frame.root.remove();
  };
}

/** The result as a table: the pipes (or the profile's pipes), then the conflicts with their rules. */
function csvOf(model: CrossSectionModel): string {
  const result = model.result;
  if (!result) return csvText([]);
  if (result.kind === 'profile') {
    return csvText([
      ['pipe', 'from_m', 'to_m', 'invert_from_m', 'invert_to_m', 'ground_from_m', 'ground_to_m', 'slope_permille', 'height_m'],
      ...result.profile.pipes.map((p) => [p.id, p.from, p.to, p.invertFrom, p.invertTo, p.groundFrom, p.groundTo, Math.round(p.slope * 1e4) / 10, p.height]),
    ]);
  }
  const { section } = result;
  return csvText([
    ['pipe', 'category', 'offset_m', 'depth_top_m', 'depth_bottom_m', 'width_m', 'height_m', 'diameter_m', 'material', 'owner', 'gas_pressure'],
    ...section.pipes.map((p) => [
      p.id,
      p.category,
      p.offset,
      p.depthTop,
      p.depthBottom,
      p.width,
      p.height,
      p.diameter ?? '',
      p.material ?? '',
      p.owner ?? '',
      p.gasPressure ?? '',
    ]),
    [],
    ['conflict', 'pipe_a', 'pipe_b', 'required_m', 'actual_m', 'rule'],
    ...section.conflicts.map((c) => [c.type, c.a, c.b, c.required, c.actual, c.rule ?? '']),
  ]);
}
