import {
  Cartesian3,
  Color,
  ColorGeometryInstanceAttribute,
  GeometryInstance,
  HorizontalOrigin,
  LabelCollection,
  LabelStyle,
  PerInstanceColorAppearance,
  PointPrimitiveCollection,
  PolygonGeometry,
  PolygonHierarchy,
  PolylineCollection,
  Primitive,
  VerticalOrigin,
} from 'cesium';
import type { HeightLimitResult } from '../../../../workers/formats/buildingAnalyses.js';
import { csvText, exportFileName, geoJsonText, saveFile } from '../../platform/exportFile.js';
import { h } from '../../platform/h.js';
import type { LayerContext, PluginContext } from '../../platform/LayerPlugin.js';
import { ToolInputLink } from '../../platform/ToolInputLink.js';
import { defineTool, type ToolInstance, type ToolPointerEvent } from '../../platform/ToolPlugin.js';
import { toolPanel } from '../../platform/toolPanel.js';
import type { UiContext } from '../../platform/UiContext.js';
import { AnalysisModel } from '../buildingData/AnalysisModel.js';
import { buildingsInWorker } from '../buildingData/buildingsInWorker.js';
import { heightLimitMessages } from './heightLimitMessages.js';

export const HEIGHT_LIMIT_TOOL = 'heightLimit';
const EMPHASIS_OWNER = 'heightLimit';
const OVER_COLOUR = '#ff3b30';
const PLANE_COLOUR = Color.fromCssColorString('#ff9500').withAlpha(0.28);
const EDGE_COLOUR = Color.fromCssColorString('#ff9500');
const LISTED = 100;
const LABELLED = 60;
const DEFAULT_LIMIT = 24;

/** The polygon and the limit: `limit;lon,lat;lon,lat;…` in the URL. */
function inputText(polygon: readonly (readonly [number, number])[], limit: number): string {
  return [String(limit), ...polygon.map(([lon, lat]) => `${lon.toFixed(7)},${lat.toFixed(7)}`)].join(';');
}

function parseInput(text: string): { polygon: [number, number][]; limit: number } {
  const [limit, ...corners] = text.split(';');
  return { limit: Number(limit), polygon: corners.map((c) => c.split(',').map(Number) as [number, number]) };
}

class HeightLimitModel extends AnalysisModel<HeightLimitResult> {
  /** Corners clicked so far (lon, lat, height), until a double-click runs the analysis. */
  drawing: [number, number, number][] = [];
  polygon: [number, number][] = [];
  limit = DEFAULT_LIMIT;
  private readonly link: ToolInputLink;

  constructor(context: PluginContext) {
    super(context);
    this.link = new ToolInputLink(context.store, HEIGHT_LIMIT_TOOL, (input) => {
      const { polygon, limit } = parseInput(input);
      this.heightLimit(polygon, limit).catch((error: unknown) => this.fail(error));
    });
    this.link.follow();
  }

  /** Bad input (a crossing polygon, a limit that is not a number) rejects with the kernel's message and changes nothing. */
  heightLimit(polygon: unknown, limitMeters: unknown): Promise<HeightLimitResult> {
    return this.run(async () => {
      await buildingsInWorker(this.context);
      const result = await this.context.workers.request('planning.heightLimit', { polygon, limitMeters });
      this.polygon = (polygon as [number, number][]).map(([lon, lat]) => [lon, lat]);
      this.limit = result.limitMeters;
      this.drawing = [];
      this.link.write(inputText(this.polygon, this.limit));
      return result;
    });
  }

  override destroy(): void {
    this.link.destroy();
    super.destroy();
  }
}

/**
 * Height limit (限高分析): a polygon (clicked corners, double-click ends; or
 * `cimTwin.tools.heightLimit(polygon, limitMeters)`) and a limit → the buildings partly inside it
 * whose top rises above the limit, computed in the planning worker from the footprints
 * (workers/planning/heightLimit.ts), coloured in the buildings' tiles (the store's emphasis) and
 * labelled with their excess, under a translucent plane at the limit. CSV and GeoJSON exports.
 */
export const heightLimitTool = defineTool({
  id: HEIGHT_LIMIT_TOOL,
  label: 'heightLimit.label',
  messages: heightLimitMessages,
  createState: (context) => new HeightLimitModel(context),
  create: (context, model) => new HeightLimitInstance(context, model),
  pageApi: (model) => ({ heightLimit: (polygon: unknown, limitMeters: unknown) => model.heightLimit(polygon, limitMeters) }),
  mountPanel: (ui, container, model) => mountHeightLimitPanel(ui, container, model),
  destroyState: (model) => model.destroy(),
});

class HeightLimitInstance implements ToolInstance {
  readonly id = HEIGHT_LIMIT_TOOL;
  private readonly lines = new PolylineCollection();
  private readonly points = new PointPrimitiveCollection();
  private readonly labels = new LabelCollection();
  private plane: Primitive | undefined;
  private active = false;
  private readonly stop: () => void;

  constructor(
    private readonly context: LayerContext,
    private readonly model: HeightLimitModel,
  ) {
    for (const collection of [this.lines, this.points, this.labels]) context.scene.primitives.add(collection);
    this.stop = model.onChange(() => this.draw());
  }

  activate(): void {
    this.active = true;
    this.draw();
  }

  deactivate(): void {
    this.active = false;
    this.model.drawing = [];
    this.draw();
  }

  onPointer(event: ToolPointerEvent): boolean {
    if (event.kind === 'move') return false;
    if (event.kind === 'double-click') {
      const corners = this.model.drawing.map(([lon, lat]) => [lon, lat] as [number, number]);
      // The double-click's own two clicks added the last corner twice.
      while (corners.length > 1 && sameCorner(corners[corners.length - 1]!, corners[corners.length - 2]!)) corners.pop();
      if (corners.length >= 3) this.model.heightLimit(corners, this.model.limit).catch((error: unknown) => this.model.fail(error));
      return true;
    }
    if (!event.position) return true;
    this.model.drawing.push([event.position.lon, event.position.lat, event.position.height]);
    this.draw();
    return true;
  }

  destroy(): void {
    this.stop();
    this.removePlane();
    this.context.store.getState().setEmphasis(EMPHASIS_OWNER, []);
    for (const collection of [this.lines, this.points, this.labels]) this.context.scene.primitives.remove(collection);
  }

  private draw(): void {
    this.lines.removeAll();
    this.points.removeAll();
    this.labels.removeAll();
    this.removePlane();
    const { store } = this.context;
    const layer = this.context.config.tools?.buildingsLayer;
    const result = this.model.result;
    if (!this.active) {
      store.getState().setEmphasis(EMPHASIS_OWNER, []);
      return this.context.requestRender();
    }
    const { drawing } = this.model;
    if (drawing.length > 0) {
      for (const [lon, lat, height] of drawing) this.points.add({ position: Cartesian3.fromDegrees(lon, lat, height), pixelSize: 8, color: EDGE_COLOUR });
      if (drawing.length > 1) this.lines.add({ positions: drawing.map(([lon, lat, height]) => Cartesian3.fromDegrees(lon, lat, height + 0.5)), width: 2 });
    } else if (result) {
      const limit = result.limitMeters;
      const ring = this.model.polygon;
      this.plane = this.context.scene.primitives.add(
        new Primitive({
          geometryInstances: new GeometryInstance({
            geometry: new PolygonGeometry({
              polygonHierarchy: new PolygonHierarchy(ring.map(([lon, lat]) => Cartesian3.fromDegrees(lon, lat))),
              height: limit,
            }),
            attributes: { color: ColorGeometryInstanceAttribute.fromColor(PLANE_COLOUR) },
          }),
          appearance: new PerInstanceColorAppearance({ flat: true, translucent: true, closed: false }),
          asynchronous: false,
        }),
      ) as Primitive;
      const outline = this.lines.add({ positions: [...ring, ring[0]!].map(([lon, lat]) => Cartesian3.fromDegrees(lon, lat, limit)), width: 2 });
      outline.material.uniforms.color = EDGE_COLOUR;
      for (const building of result.buildings.slice(0, LABELLED)) {
        this.labels.add({
          position: Cartesian3.fromDegrees(building.lon, building.lat, building.height + 2),
          text: `+${building.excess.toFixed(1)} m`,
          font: '600 13px sans-serif',
          fillColor: Color.WHITE,
          outlineColor: Color.fromCssColorString(OVER_COLOUR),
          outlineWidth: 3,
          style: LabelStyle.FILL_AND_OUTLINE,
          horizontalOrigin: HorizontalOrigin.CENTER,
          verticalOrigin: VerticalOrigin.BOTTOM,
          disableDepthTestDistance: Number.POSITIVE_INFINITY,
        });
      }
    }
    if (layer)
      store
        .getState()
        .setEmphasis(EMPHASIS_OWNER, result && drawing.length === 0 ? [{ layer, ids: result.buildings.map((b) => b.id), color: OVER_COLOUR }] : []);
    this.context.requestRender();
  }

  private removePlane(): void {
    if (this.plane) this.context.scene.primitives.remove(this.plane);
    this.plane = undefined;
  }
}

function sameCorner(a: readonly [number, number], b: readonly [number, number]): boolean {
  return Math.abs(a[0] - b[0]) < 1e-7 && Math.abs(a[1] - b[1]) < 1e-7;
}

function mountHeightLimitPanel(ui: UiContext, container: HTMLElement, model: HeightLimitModel): () => void {
  const t = (key: string, params?: Record<string, string | number>): string => ui.t(`heightLimit.${key}`, params);
  const frame = toolPanel(ui, container, { id: 'height-limit-panel', title: t('title') });
  const limitInput = h('input', {
    attrs: { type: 'number', min: '0', max: '1000', step: '0.5', value: String(model.limit), 'aria-label': t('limit'), name: 'limit' },
    on: {
      change: () => {
        const value = Number(limitInput.value);
        if (!(limitInput.value !== '' && Number.isFinite(value) && value >= 0 && value <= 1000)) return model.fail(new Error(t('badLimit')));
        model.limit = value;
        if (model.polygon.length >= 3) model.heightLimit(model.polygon, value).catch((error: unknown) => model.fail(error));
        else model.changed();
      },
    },
  }) as HTMLInputElement;
  function render(): void {
    const result = model.result;
    if (document.activeElement !== limitInput) limitInput.value = String(model.limit);
    const parts: (HTMLElement | string)[] = [h('label', { className: 'tool-field' }, t('limit'), ' ', limitInput)];
    if (model.error) parts.push(h('p', { className: 'tool-message tool-error', attrs: { role: 'alert' } }, model.error));
    if (!result || model.drawing.length > 0) parts.push(h('p', { className: 'tool-message tool-hint' }, model.busy ? t('loading') : t('pick')));
    else {
      const summary = { inside: result.inside, over: result.buildings.length, limit: result.limitMeters, area: Math.round(result.areaSquareMetres) };
      parts.push(h('p', { className: 'tool-summary' }, result.buildings.length ? t('summary', summary) : t('none', summary)));
      if (result.buildings.length) {
        const [id, height, excess] = t('columns').split('|');
        parts.push(
          h(
            'table',
            { className: 'tool-table' },
            h('thead', {}, h('tr', {}, h('th', {}, id ?? ''), h('th', {}, height ?? ''), h('th', {}, excess ?? ''))),
            h(
              'tbody',
              {},
              ...result.buildings
                .slice(0, LISTED)
                .map((b) =>
                  h('tr', { attrs: { 'data-id': b.id } }, h('td', {}, b.id), h('td', {}, b.height.toFixed(1)), h('td', {}, `+${b.excess.toFixed(1)}`)),
                ),
            ),
          ),
        );
        if (result.buildings.length > LISTED) parts.push(h('p', {}, t('more', { count: result.buildings.length - LISTED })));
      }
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
                      exportFileName('height-limit', 'csv'),
                      'text/csv',
                      csvText([
                        ['id', 'height_m', 'excess_m', 'lon', 'lat', 'limit_m'],
                        ...result.buildings.map((b) => [b.id, b.height, b.excess, b.lon, b.lat, result.limitMeters]),
                      ]),
                    ),
                },
              },
              'CSV',
            ),
            h(
              'button',
              {
                attrs: { type: 'button' },
                on: {
                  click: () =>
                    saveFile(
                      exportFileName('height-limit', 'geojson'),
                      'application/geo+json',
                      geoJsonText({
                        type: 'FeatureCollection',
                        features: [
                          {
                            type: 'Feature',
                            properties: { kind: 'limit', limitMeters: result.limitMeters },
                            geometry: { type: 'Polygon', coordinates: [[...model.polygon, model.polygon[0]!]] },
                          },
                          ...result.buildings.map((b) => ({
                            type: 'Feature',
                            properties: { kind: 'over', id: b.id, height: b.height, excess: b.excess },
                            geometry: { type: 'Point', coordinates: [b.lon, b.lat] },
                          })),
                        ],
                      }),
                    ),
                },
              },
              'GeoJSON',
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
