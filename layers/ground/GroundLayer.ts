import {
  Cartesian3,
  Color,
  ColorGeometryInstanceAttribute,
  CorridorGeometry,
  CornerType,
  GeometryInstance,
  PerInstanceColorAppearance,
  PolygonGeometry,
  PolygonHierarchy,
  Primitive,
} from 'cesium';
import type { GroundLayerDefinition } from '../../workers/formats/viewerConfig.js';
import type { LayerContext, LayerInstance } from '../../viewer/src/platform/LayerPlugin.js';
import type { ViewerState } from '../../viewer/src/platform/ViewerState.js';
import { watchAny } from '../../viewer/src/platform/ViewerStore.js';
import { fetchGeoJson, linesOf, polygonsOf, type GroundFeature } from './groundData.js';
import { corridorMinusWindow, polygonMinusWindow, type WindowRing } from './groundWindowCut.js';

/** How much of the ground's opacity is left in underground mode. */
const UNDERGROUND_FACTOR = 0.3;

/**
 * Vector polygons (water, green space) or lines (roads, as corridors of their width) drawn on
 * the ground from GeoJSON, coloured by a property, as one batched primitive (one draw call, not
 * an entity per feature). Opacity changes rebuild the batch: it is small. Where the ground is
 * open (the store's groundWindow: an excavation pit) the features reaching it are drawn less the
 * window, so the pit is not covered by a road's surface.
 */
export class GroundLayer implements LayerInstance {
  readonly id: string;
  readonly ready: Promise<void>;
  private primitive: Primitive | undefined;
  private features: GroundFeature[] = [];
  private destroyed = false;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly definition: GroundLayerDefinition,
    private readonly context: LayerContext,
  ) {
    this.id = definition.id;
    this.ready = this.load();
  }

  private async load(): Promise<void> {
    // Ground vectors dress the scene; the tiles and the first frame come first.
    await this.context.firstFrame;
    if (this.destroyed) return;
    try {
      this.features = await fetchGeoJson(new URL(this.definition.url, this.context.baseUrl).href);
    } catch (error) {
      console.error(`ground layer ${this.id} failed to load`, error);
      return;
    }
    if (this.destroyed) return;
    const { store } = this.context;
    this.rebuild(store.getState());
    this.unsubscribe.push(
      watchAny(store, [(s) => s.layers[this.id], (s) => s.underground, (s) => s.groundWindow?.polygon], () => this.rebuild(store.getState())),
    );
  }

  private rebuild(state: ViewerState): void {
    const layer = state.layers[this.id] ?? { visible: this.definition.visible, opacity: this.definition.opacity ?? 1 };
    const alpha = layer.opacity * (state.underground ? UNDERGROUND_FACTOR : 1);
    this.removePrimitive();
    if (!layer.visible || alpha <= 0.01) {
      this.context.requestRender();
      return;
    }
    const window = state.groundWindow?.polygon ?? null;
    const instances = this.definition.geometry === 'polygons' ? this.polygonInstances(alpha, window) : this.lineInstances(alpha, window);
    this.primitive = this.context.scene.primitives.add(
      new Primitive({
        geometryInstances: instances,
        appearance: new PerInstanceColorAppearance({ flat: true, translucent: alpha < 1 }),
        asynchronous: false,
        releaseGeometryInstances: true,
      }),
    ) as Primitive;
    this.context.requestRender();
  }

  private colorOf(feature: GroundFeature, alpha: number): Color {
    const { colorProperty, colors, defaultColor } = this.definition;
    const value = colorProperty === undefined ? undefined : feature.properties[colorProperty];
    return Color.fromCssColorString((value !== undefined && colors?.[String(value)]) || defaultColor).withAlpha(alpha);
  }

  private polygonInstances(alpha: number, window: WindowRing | null): GeometryInstance[] {
    const instances: GeometryInstance[] = [];
    for (const feature of this.features) {
      const color = ColorGeometryInstanceAttribute.fromColor(this.colorOf(feature, alpha));
      for (const rings of polygonsOf(feature.geometry)) {
        const cut = window ? polygonMinusWindow(rings, window) : null;
        for (const part of cut ?? [rings]) this.pushPolygon(instances, part, color);
      }
    }
    return instances;
  }

  private pushPolygon(instances: GeometryInstance[], rings: number[][][], color: ColorGeometryInstanceAttribute): void {
    const [outer, ...holes] = rings.map((ring) => Cartesian3.fromDegreesArray(ring.flatMap(([lon, lat]) => [lon!, lat!])));
    if (!outer || outer.length < 3) return;
    instances.push(
      new GeometryInstance({
        geometry: new PolygonGeometry({
          polygonHierarchy: new PolygonHierarchy(
            outer,
            holes.map((h) => new PolygonHierarchy(h)),
          ),
          height: this.definition.height,
          vertexFormat: PerInstanceColorAppearance.FLAT_VERTEX_FORMAT,
        }),
        attributes: { color },
      }),
    );
  }

  private lineInstances(alpha: number, window: WindowRing | null): GeometryInstance[] {
    const { widthProperty, widthFactor = 1, defaultWidth = 10 } = this.definition;
    const instances: GeometryInstance[] = [];
    for (const feature of this.features) {
      const color = ColorGeometryInstanceAttribute.fromColor(this.colorOf(feature, alpha));
      const width = Math.max(1, (widthProperty !== undefined ? Number(feature.properties[widthProperty]) * widthFactor : NaN) || defaultWidth);
      for (const line of linesOf(feature.geometry)) {
        if (line.length < 2) continue;
        // A road over the pit: its corridor as polygons less the pit.
        const cut = window ? corridorMinusWindow(line, width, window) : null;
        if (cut) {
          for (const part of cut) this.pushPolygon(instances, part, color);
          continue;
        }
        instances.push(
          new GeometryInstance({
            geometry: new CorridorGeometry({
              positions: Cartesian3.fromDegreesArray(line.flatMap(([lon, lat]) => [lon!, lat!])),
              width,
              height: this.definition.height,
              cornerType: CornerType.MITERED,
              vertexFormat: PerInstanceColorAppearance.FLAT_VERTEX_FORMAT,
            }),
            attributes: { color },
          }),
        );
      }
    }
    return instances;
  }

  private removePrimitive(): void {
    if (this.primitive) this.context.scene.primitives.remove(this.primitive);
    this.primitive = undefined;
  }

  destroy(): void {
    this.destroyed = true;
    for (const stop of this.unsubscribe.splice(0)) stop();
    this.removePrimitive();
  }
}
