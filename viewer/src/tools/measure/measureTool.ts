import {
  Cartesian2,
  Cartesian3,
  Color,
  ColorGeometryInstanceAttribute,
  GeometryInstance,
  HorizontalOrigin,
  LabelCollection,
  LabelStyle,
  Material,
  PerInstanceColorAppearance,
  PointPrimitiveCollection,
  PolygonGeometry,
  PolygonHierarchy,
  PolylineCollection,
  Primitive,
  VerticalOrigin,
} from 'cesium';
import { MEASURE_KINDS, type MeasurePoint, type MeasureResult } from '../../../../workers/formats/measure.js';
import { csvText, exportFileName, geoJsonText, saveFile } from '../../platform/exportFile.js';
import { h } from '../../platform/h.js';
import type { LayerContext } from '../../platform/LayerPlugin.js';
import { defineTool, type ToolInstance, type ToolPointerEvent } from '../../platform/ToolPlugin.js';
import { toolPanel } from '../../platform/toolPanel.js';
import type { UiContext } from '../../platform/UiContext.js';
import { MEASURE_TOOL, MeasureModel, type SnapTarget } from './MeasureModel.js';
import { measureMessages } from './measureMessages.js';

const LINE_COLOUR = Color.fromCssColorString('#ffb300');
const FILL_COLOUR = Color.fromCssColorString('#ffb300').withAlpha(0.3);

/**
 * Measure: distance along a polyline (per leg and total, over the ground and in 3D), the
 * horizontal area of a polygon, the height between two picks, the depth below the ground of a
 * picked pipe's crown and invert (from network.json's surveyed depths, in the planning worker). Clicks snap to what is under the
 * pointer (a building's wall or roof, a pipe, the ground: the picked surface point); a rubber
 * band follows the pointer; double-click or Enter ends. Labels per leg and the total on the
 * scene; the panel lists the legs and exports GeoJSON and CSV.
 */
export const measureTool = defineTool({
  id: MEASURE_TOOL,
  label: 'measure.label',
  messages: measureMessages,
  createState: (context) => new MeasureModel(context),
  create: (context, model) => new MeasureInstance(context, model),
  pageApi: (model) => ({ measure: (request: unknown) => model.measure(request) }),
  mountPanel: (ui, container, model) => mountMeasurePanel(ui, container, model),
  destroyState: (model) => model.destroy(),
});

class MeasureInstance implements ToolInstance {
  readonly id = MEASURE_TOOL;
  private readonly lines = new PolylineCollection();
  private readonly points = new PointPrimitiveCollection();
  private readonly labels = new LabelCollection();
  private fill: Primitive | undefined;
  private active = false;
  private pointer: MeasurePoint | undefined;
  private readonly stop: (() => void)[] = [];

  constructor(
    private readonly context: LayerContext,
    private readonly model: MeasureModel,
  ) {
    for (const collection of [this.lines, this.points, this.labels]) context.scene.primitives.add(collection);
    this.stop.push(model.onChange(() => this.draw()));
  }

  activate(): void {
    this.active = true;
    const onKey = (event: KeyboardEvent): void => {
      const target = event.target as HTMLElement | null;
      if (event.key === 'Enter' && target?.tagName !== 'INPUT' && target?.tagName !== 'BUTTON') this.model.finish();
    };
    document.addEventListener('keydown', onKey);
    this.stopKeys = () => document.removeEventListener('keydown', onKey);
    this.draw();
  }

  private stopKeys: (() => void) | undefined;

  deactivate(): void {
    this.active = false;
    this.pointer = undefined;
    this.stopKeys?.();
    this.stopKeys = undefined;
    this.model.drawing = [];
    this.draw();
  }

  onPointer(event: ToolPointerEvent): boolean {
    if (event.kind === 'move') {
      if (this.model.drawing.length === 0 || !event.position) return false;
      this.pointer = [event.position.lon, event.position.lat, event.position.height];
      this.draw();
      return true;
    }
    if (event.kind === 'double-click') {
      this.pointer = undefined;
      this.model.finish();
      return true;
    }
    if (!event.position) return true;
    const snapped = this.snapTarget(event);
    this.model.click(
      [event.position.lon, event.position.lat, event.position.height],
      snapped,
      event.x,
      event.y,
      snapped === 'pipe' ? event.feature?.id : undefined,
    );
    return true;
  }

  private snapTarget(event: ToolPointerEvent): SnapTarget {
    const tileset = event.feature?.tileset;
    if (!tileset) return 'ground';
    const { tools } = this.context.config;
    if (tileset === tools?.networkLayer || tileset.startsWith(`${tools?.networkLayer ?? 'pipes'}.`)) return 'pipe';
    return 'building';
  }

  destroy(): void {
    for (const stop of this.stop.splice(0)) stop();
    this.stopKeys?.();
    this.removeFill();
    for (const collection of [this.lines, this.points, this.labels]) this.context.scene.primitives.remove(collection);
  }

  /** The points and lines drawn so far with the rubber band, or the last result with its labels. */
  private draw(): void {
    this.lines.removeAll();
    this.points.removeAll();
    this.labels.removeAll();
    this.removeFill();
    if (!this.active) return this.context.requestRender();
    const { drawing, result, kind } = this.model;
    if (drawing.length > 0) {
      const path = [...drawing.map((d) => d.point), ...(this.pointer ? [this.pointer] : [])];
      if (kind === 'area' && path.length > 2) path.push(path[0]!);
      this.polyline(path);
      drawing.forEach((d) => this.point(d.point));
      if (kind !== 'area')
        for (let i = 0; i + 1 < path.length; i++) this.label(midpoint(path[i]!, path[i + 1]!), `${horizontalMetres(path[i]!, path[i + 1]!).toFixed(2)} m`);
    } else if (result) this.drawResult(result);
    this.context.requestRender();
  }

  private drawResult(result: MeasureResult): void {
    const total = (text: string): void => this.label(result.points[result.points.length - 1]!, text, true);
    result.points.forEach((p) => this.point(p));
    if (result.kind === 'distance') {
      this.polyline(result.points);
      result.legs.forEach((leg, i) => this.label(midpoint(result.points[i]!, result.points[i + 1]!), `${leg.ground.toFixed(2)} m`));
      total(`Σ ${result.ground.toFixed(2)} m · 3D ${result.spatial.toFixed(2)} m`);
    } else if (result.kind === 'area') {
      this.polyline([...result.points, result.points[0]!]);
      this.fill = this.context.scene.primitives.add(
        new Primitive({
          geometryInstances: new GeometryInstance({
            geometry: new PolygonGeometry({
              polygonHierarchy: new PolygonHierarchy(result.points.map(([lon, lat, height]) => Cartesian3.fromDegrees(lon, lat, height))),
              perPositionHeight: true,
              vertexFormat: PerInstanceColorAppearance.FLAT_VERTEX_FORMAT,
            }),
            attributes: { color: ColorGeometryInstanceAttribute.fromColor(FILL_COLOUR) },
          }),
          appearance: new PerInstanceColorAppearance({ flat: true, translucent: true }),
          asynchronous: false,
        }),
      ) as Primitive;
      const centre = result.points.reduce<[number, number, number]>((sum, p) => [sum[0] + p[0], sum[1] + p[1], Math.max(sum[2], p[2])], [0, 0, -Infinity]);
      this.label(
        [centre[0] / result.points.length, centre[1] / result.points.length, centre[2]],
        `${formatArea(result.area)} · ${result.perimeter.toFixed(2)} m`,
        true,
      );
    } else if (result.kind === 'height') {
      // The rise as a vertical line over the lower pick and a level line to the upper one.
      const [a, b] = result.points as [MeasurePoint, MeasurePoint];
      const [low, high] = a[2] <= b[2] ? [a, b] : [b, a];
      this.polyline([low, [low[0], low[1], high[2]], high]);
      this.label([low[0], low[1], (low[2] + high[2]) / 2], `Δh ${result.height.toFixed(2)} m`, true);
    } else {
      // A pipe's depth: a plumb line from the ground down to the invert at the point of the pipe picked, ticks at crown and invert.
      const [lon, lat] = result.at;
      const crown: MeasurePoint = [lon, lat, result.ground - result.depthTop];
      const invert: MeasurePoint = [lon, lat, result.ground - result.depthBottom];
      this.polyline([[lon, lat, result.ground], invert]);
      this.point(crown);
      this.point(invert);
      this.label([lon, lat, result.ground], `${result.pipeId} ▽ ${result.depthTop.toFixed(2)} / ${result.depthBottom.toFixed(2)} m`, true);
    }
  }

  private polyline(path: readonly MeasurePoint[]): void {
    if (path.length < 2) return;
    this.lines.add({
      positions: path.map(([lon, lat, height]) => Cartesian3.fromDegrees(lon, lat, height)),
      width: 3,
      material: Material.fromType('Color', { color: LINE_COLOUR }),
    });
  }

  private point([lon, lat, height]: MeasurePoint): void {
    this.points.add({
      position: Cartesian3.fromDegrees(lon, lat, height),
      pixelSize: 9,
      color: LINE_COLOUR,
      outlineColor: Color.BLACK,
      outlineWidth: 1.5,
      disableDepthTestDistance: Number.POSITIVE_INFINITY,
    });
  }

  private label([lon, lat, height]: MeasurePoint, text: string, emphasis = false): void {
    const wall = this.context.store.getState().mode === 'wall';
    this.labels.add({
      position: Cartesian3.fromDegrees(lon, lat, height),
      text,
      font: `${emphasis ? 'bold ' : ''}${wall ? 22 : 13}px sans-serif`,
      fillColor: emphasis ? LINE_COLOUR : Color.WHITE,
      outlineColor: Color.BLACK,
      outlineWidth: 3,
      style: LabelStyle.FILL_AND_OUTLINE,
      horizontalOrigin: HorizontalOrigin.LEFT,
      verticalOrigin: VerticalOrigin.BOTTOM,
      pixelOffset: new Cartesian2(6, -6),
      disableDepthTestDistance: Number.POSITIVE_INFINITY,
    });
  }

  private removeFill(): void {
    if (this.fill) this.context.scene.primitives.remove(this.fill);
    this.fill = undefined;
  }
}

function midpoint(a: MeasurePoint, b: MeasurePoint): MeasurePoint {
  return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2];
}

/** The rubber band's leg labels: a local plane is plenty while the pointer moves (the result uses geodesics). */
function horizontalMetres(a: MeasurePoint, b: MeasurePoint): number {
  const metresPerLat = 111_132;
  const metresPerLon = 111_320 * Math.cos((((a[1] + b[1]) / 2) * Math.PI) / 180);
  return Math.hypot((b[0] - a[0]) * metresPerLon, (b[1] - a[1]) * metresPerLat);
}

function formatArea(area: number): string {
  return area >= 10_000 ? `${(area / 10_000).toFixed(3)} ha` : `${area.toFixed(1)} m²`;
}

/** The result panel: the kind, the prompt or what is wrong, the figures, and the exports. */
function mountMeasurePanel(ui: UiContext, container: HTMLElement, model: MeasureModel): () => void {
  const t = (key: string, params?: Record<string, string | number>): string => ui.t(`measure.${key}`, params);
  const frame = toolPanel(ui, container, { id: 'measure-panel', title: t('title') });
  const button = (label: string, onClick: () => void, attrs: Record<string, string> = {}): HTMLButtonElement =>
    h('button', { attrs: { type: 'button', ...attrs }, on: { click: onClick } }, label);
  const kinds = MEASURE_KINDS;

  function render(): void {
    const { result, error, drawing, kind, busy } = model;
    const choice = h(
      'div',
      { className: 'tool-choice' },
      ...kinds.map((k) => button(t(`kind.${k}`), () => model.setKind(k), { 'aria-pressed': String(k === kind), 'data-kind': k })),
    );
    const body: (HTMLElement | string)[] = [choice];
    if (error) body.push(h('p', { className: 'tool-message tool-error', attrs: { role: 'alert' } }, error));
    if (busy) body.push(h('p', { className: 'tool-message tool-hint' }, t('busy')));
    else if (drawing.length > 0) body.push(h('p', { className: 'tool-message tool-hint' }, t('more', { count: drawing.length })));
    else if (result) body.push(...resultRows(result));
    else if (!error) body.push(h('p', { className: 'tool-message tool-hint' }, t(`prompt.${kind}`)));
    frame.body.replaceChildren(...body);
    frame.actions.replaceChildren();
    if (result && drawing.length === 0)
      frame.actions.append(
        button('GeoJSON', () => saveFile(exportFileName('measure', 'geojson'), 'application/geo+json', geoJsonText(measureGeoJson(result)))),
        button('CSV', () => saveFile(exportFileName('measure', 'csv'), 'text/csv', measureCsv(result))),
        button(t('clear'), () => model.clear()),
      );
  }

  function resultRows(result: MeasureResult): HTMLElement[] {
    const row = (label: string, value: string): HTMLElement => h('tr', {}, h('th', {}, label), h('td', { className: 'measure-value' }, value));
    const snapped = model.snapped;
    if (result.kind === 'distance')
      return [
        h(
          'table',
          { className: 'tool-table', attrs: { 'data-result': 'distance' } },
          row(t('ground'), `${result.ground.toFixed(2)} m`),
          row(t('spatial'), `${result.spatial.toFixed(2)} m`),
        ),
        h(
          'table',
          { className: 'tool-table' },
          h('tr', {}, ...[t('leg'), t('ground'), t('spatial'), t('rise'), t('azimuth')].map((label) => h('th', {}, label))),
          ...result.legs.map((leg, i) =>
            h(
              'tr',
              {},
              h('td', {}, `${i + 1}${snapped ? ` (${t(`snapped.${snapped[i + 1]}`)})` : ''}`),
              h('td', {}, leg.ground.toFixed(2)),
              h('td', {}, leg.spatial.toFixed(2)),
              h('td', {}, leg.rise.toFixed(2)),
              h('td', {}, `${leg.azimuth.toFixed(1)}°`),
            ),
          ),
        ),
      ];
    if (result.kind === 'area')
      return [
        h(
          'table',
          { className: 'tool-table', attrs: { 'data-result': 'area' } },
          row(t('area'), formatArea(result.area)),
          row(t('perimeter'), `${result.perimeter.toFixed(2)} m`),
        ),
      ];
    if (result.kind === 'height')
      return [
        h(
          'table',
          { className: 'tool-table', attrs: { 'data-result': 'height' } },
          row(t('height'), `${result.height.toFixed(2)} m`),
          row(t('horizontal'), `${result.ground.toFixed(2)} m`),
          row(t('spatial'), `${result.spatial.toFixed(2)} m`),
        ),
      ];
    return [
      h(
        'table',
        { className: 'tool-table', attrs: { 'data-result': 'depth' } },
        row(t('pipe'), `${result.pipeId} (${result.category})`),
        row(t('depthTop'), `${result.depthTop.toFixed(2)} m`),
        row(t('depthBottom'), `${result.depthBottom.toFixed(2)} m`),
        row(t('groundHeight'), `${result.ground.toFixed(2)} m`),
        row(t('offset'), `${result.distance.toFixed(2)} m`),
      ),
    ];
  }

  render();
  const stop = model.onChange(render);
  return () => {
    stop();
    frame.root.remove();
  };
}

/** The measurement as a GeoJSON feature (a LineString, or a Polygon for an area), its figures in the properties. */
export function measureGeoJson(result: MeasureResult): object {
  const coordinates = result.points.map((p) => [...p]);
  const figures: Record<string, unknown> = { ...result };
  delete figures['points'];
  return {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        geometry:
          result.kind === 'area'
            ? { type: 'Polygon', coordinates: [[...coordinates, coordinates[0]]] }
            : result.kind === 'depth'
              ? { type: 'Point', coordinates: [...result.at, result.ground] }
              : { type: 'LineString', coordinates },
        properties: figures,
      },
    ],
  };
}

/** The measurement as a table: the points, then the figures (legs for a distance). */
export function measureCsv(result: MeasureResult): string {
  const rows: unknown[][] = [['point', 'lon', 'lat', 'height_m'], ...result.points.map((p, i) => [i + 1, ...p]), []];
  if (result.kind === 'distance')
    rows.push(['leg', 'ground_m', 'spatial_m', 'rise_m', 'azimuth_deg'], ...result.legs.map((l, i) => [i + 1, l.ground, l.spatial, l.rise, l.azimuth]), [
      'total',
      result.ground,
      result.spatial,
    ]);
  else if (result.kind === 'area') rows.push(['area_m2', 'perimeter_m'], [result.area, result.perimeter]);
  else if (result.kind === 'height') rows.push(['height_m', 'horizontal_m', 'spatial_m'], [result.height, result.ground, result.spatial]);
  else
    rows.push(
      ['pipe', 'category', 'at_lon', 'at_lat', 'depth_top_m', 'depth_bottom_m', 'ground_m', 'offset_m'],
      [result.pipeId, result.category, ...result.at, result.depthTop, result.depthBottom, result.ground, result.distance],
    );
  return csvText(rows);
}
