import {
  Cartesian3,
  Color,
  ColorGeometryInstanceAttribute,
  GeometryInstance,
  PerInstanceColorAppearance,
  PointPrimitiveCollection,
  Primitive,
  Rectangle,
  RectangleGeometry,
  WallGeometry,
} from 'cesium';
import type { ViewshedResult } from '../../../../workers/formats/buildingAnalyses.js';
import { exportFileName, geoJsonText, saveFile } from '../../platform/exportFile.js';
import { h } from '../../platform/h.js';
import type { LayerContext, PluginContext } from '../../platform/LayerPlugin.js';
import { ToolInputLink } from '../../platform/ToolInputLink.js';
import { defineTool, type ToolInstance, type ToolPointerEvent } from '../../platform/ToolPlugin.js';
import { toolPanel } from '../../platform/toolPanel.js';
import type { UiContext } from '../../platform/UiContext.js';
import { AnalysisModel } from '../buildingData/AnalysisModel.js';
import { buildingsInWorker } from '../buildingData/buildingsInWorker.js';
import { viewshedMessages } from './viewshedMessages.js';

export const VIEWSHED_TOOL = 'viewshed';
const VISIBLE = Color.fromCssColorString('#34c759').withAlpha(0.5);
const HIDDEN = Color.fromCssColorString('#ff3b30').withAlpha(0.5);
const DEFAULT_EYE_HEIGHT = 1.6;
const DEFAULT_RADIUS = 300;

interface ViewshedInput {
  point: { lon: number; lat: number; height: number };
  eyeHeight: number;
  radius: number;
}

/** `lon,lat,height;eyeHeight;radius` in the URL. */
function inputText({ point, eyeHeight, radius }: ViewshedInput): string {
  return `${point.lon.toFixed(7)},${point.lat.toFixed(7)},${point.height.toFixed(2)};${eyeHeight};${radius}`;
}

function parseInput(text: string): ViewshedInput {
  const [point, eyeHeight, radius] = text.split(';');
  const [lon, lat, height] = (point ?? '').split(',').map(Number) as [number, number, number];
  return { point: { lon, lat, height }, eyeHeight: eyeHeight ? Number(eyeHeight) : DEFAULT_EYE_HEIGHT, radius: radius ? Number(radius) : DEFAULT_RADIUS };
}

class ViewshedModel extends AnalysisModel<ViewshedResult> {
  eyeHeight = DEFAULT_EYE_HEIGHT;
  radius = DEFAULT_RADIUS;
  point: ViewshedInput['point'] | undefined;
  private readonly link: ToolInputLink;

  constructor(context: PluginContext) {
    super(context);
    this.link = new ToolInputLink(context.store, VIEWSHED_TOOL, (input) => {
      const { point, eyeHeight, radius } = parseInput(input);
      this.viewshed(point, eyeHeight, radius).catch((error: unknown) => this.fail(error));
    });
    this.link.follow();
  }

  /** Bad input (a point off the Earth, an eye height or radius out of range) rejects with the kernel's message and changes nothing. */
  viewshed(point: unknown, eyeHeight: unknown = this.eyeHeight, radius: unknown = this.radius): Promise<ViewshedResult> {
    return this.run(async () => {
      await buildingsInWorker(this.context);
      const result = await this.context.workers.request('planning.viewshed', { point, eyeHeight, radius });
      const p = point as ViewshedInput['point'];
      this.point = { lon: p.lon, lat: p.lat, height: p.height ?? 0 };
      this.eyeHeight = eyeHeight as number;
      this.radius = result.radius;
      this.link.write(inputText({ point: this.point, eyeHeight: this.eyeHeight, radius: this.radius }));
      return result;
    });
  }

  override destroy(): void {
    this.link.destroy();
    super.destroy();
  }
}

/**
 * Viewshed (可视域): a click (or `cimTwin.tools.viewshed({lon, lat, height}, eyeHeight, radius)`)
 * → the ground cells and the buildings' walls within the radius that the eye sees past the
 * extruded footprints (workers/planning/viewshed.ts in the planning worker), green seen and red
 * hidden, with the shares seen; GeoJSON export.
 */
export const viewshedTool = defineTool({
  id: VIEWSHED_TOOL,
  label: 'viewshed.label',
  messages: viewshedMessages,
  createState: (context) => new ViewshedModel(context),
  create: (context, model) => new ViewshedInstance(context, model),
  pageApi: (model) => ({ viewshed: (point: unknown, eyeHeight?: unknown, radius?: unknown) => model.viewshed(point, eyeHeight, radius) }),
  mountPanel: (ui, container, model) => mountViewshedPanel(ui, container, model),
  destroyState: (model) => model.destroy(),
});

class ViewshedInstance implements ToolInstance {
  readonly id = VIEWSHED_TOOL;
  private readonly eye = new PointPrimitiveCollection();
  private drawn: Primitive[] = [];
  private active = false;
  private readonly stop: () => void;

  constructor(
    private readonly context: LayerContext,
    private readonly model: ViewshedModel,
  ) {
    context.scene.primitives.add(this.eye);
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

  onPointer(event: ToolPointerEvent): boolean {
    if (event.kind !== 'click') return event.kind === 'double-click';
    if (!event.position) return true;
    this.model.viewshed(event.position).catch((error: unknown) => this.model.fail(error));
    return true;
  }

  destroy(): void {
    this.stop();
    this.clear();
    this.context.scene.primitives.remove(this.eye);
  }

  private clear(): void {
    for (const primitive of this.drawn.splice(0)) this.context.scene.primitives.remove(primitive);
    this.eye.removeAll();
  }

  private draw(): void {
    this.clear();
    const { result, point } = this.model;
    if (!this.active || !result || !point) return this.context.requestRender();
    this.eye.add({
      position: Cartesian3.fromDegrees(point.lon, point.lat, result.eye.height),
      pixelSize: 12,
      color: Color.WHITE,
      outlineColor: Color.BLACK,
      outlineWidth: 2,
    });
    const cells: GeometryInstance[] = [];
    const walls: GeometryInstance[] = [];
    for (const feature of result.geojson.features) {
      const ring = feature.geometry.coordinates[0]!;
      const colour = ColorGeometryInstanceAttribute.fromColor(feature.properties.visible ? VISIBLE : HIDDEN);
      if (feature.properties.kind === 'ground') {
        const lons = ring.map((p) => p[0]!);
        const lats = ring.map((p) => p[1]!);
        cells.push(
          new GeometryInstance({
            geometry: new RectangleGeometry({
              rectangle: Rectangle.fromDegrees(Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)),
              height: 0.3,
            }),
            attributes: { color: colour },
          }),
        );
      } else {
        const { base, top } = feature.properties;
        walls.push(
          new GeometryInstance({
            geometry: new WallGeometry({
              positions: [Cartesian3.fromDegrees(ring[0]![0]!, ring[0]![1]!), Cartesian3.fromDegrees(ring[1]![0]!, ring[1]![1]!)],
              minimumHeights: [base + 0.2, base + 0.2],
              maximumHeights: [top + 0.2, top + 0.2],
            }),
            attributes: { color: colour },
          }),
        );
      }
    }
    for (const instances of [cells, walls]) {
      if (instances.length === 0) continue;
      this.drawn.push(
        this.context.scene.primitives.add(
          new Primitive({ geometryInstances: instances, appearance: new PerInstanceColorAppearance({ flat: true, translucent: true }), asynchronous: false }),
        ) as Primitive,
      );
    }
    this.context.requestRender();
  }
}

function mountViewshedPanel(ui: UiContext, container: HTMLElement, model: ViewshedModel): () => void {
  const t = (key: string, params?: Record<string, string | number>): string => ui.t(`viewshed.${key}`, params);
  const frame = toolPanel(ui, container, { id: 'viewshed-panel', title: t('title') });
  const rerun = (): void => {
    const eyeHeight = Number(eyeInput.value);
    const radius = Number(radiusInput.value);
    if (!(eyeHeight >= 0 && eyeHeight <= 500 && radius >= 1 && radius <= 2000)) return model.fail(new Error(t('bad')));
    model.eyeHeight = eyeHeight;
    model.radius = radius;
    if (model.point) model.viewshed(model.point, eyeHeight, radius).catch((error: unknown) => model.fail(error));
    else model.changed();
  };
  const eyeInput = h('input', {
    attrs: { type: 'number', name: 'eyeHeight', min: '0', max: '500', step: '0.1', 'aria-label': t('eyeHeight') },
    on: { change: rerun },
  }) as HTMLInputElement;
  const radiusInput = h('input', {
    attrs: { type: 'number', name: 'radius', min: '1', max: '2000', step: '10', 'aria-label': t('radius') },
    on: { change: rerun },
  }) as HTMLInputElement;
  function render(): void {
    const { result } = model;
    if (document.activeElement !== eyeInput) eyeInput.value = String(model.eyeHeight);
    if (document.activeElement !== radiusInput) radiusInput.value = String(model.radius);
    const parts: (HTMLElement | string)[] = [
      h('label', { className: 'tool-field' }, t('eyeHeight'), ' ', eyeInput),
      h('label', { className: 'tool-field' }, t('radius'), ' ', radiusInput),
    ];
    if (model.error) parts.push(h('p', { className: 'tool-message tool-error', attrs: { role: 'alert' } }, model.error));
    if (!result) parts.push(h('p', { className: 'tool-message tool-hint' }, model.busy ? t('loading') : t('pick')));
    else
      parts.push(
        h(
          'p',
          { className: 'tool-summary' },
          t('summary', { all: result.visiblePercent, ground: result.groundVisiblePercent, faces: result.facesVisiblePercent }),
        ),
        h('p', { className: 'tool-note' }, t('legend')),
      );
    frame.body.replaceChildren(...parts);
    frame.actions.replaceChildren(
      ...(result
        ? [
            h(
              'button',
              {
                attrs: { type: 'button' },
                on: { click: () => saveFile(exportFileName('viewshed', 'geojson'), 'application/geo+json', geoJsonText(result.geojson)) },
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
