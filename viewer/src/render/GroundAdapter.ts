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
import { watchAny } from '../state/createViewerStore.js';
import type { LayerDefinition } from '../state/layerCatalog.js';
import type { ViewerState } from '../state/ViewerState.js';
import { fetchGeoJson, linesOf, polygonsOf, type GroundFeature } from './groundData.js';
import type { AdapterContext, LayerAdapter } from './LayerAdapter.js';

/** Ground colours (offline "basemap" drawn from the seeds). */
const AREA_COLORS: Record<string, string> = { water: '#2b5d8a', green: '#2f5a3a', playground: '#7a4a3a' };
const ROAD_COLORS: Record<string, string> = { arterial: '#8a96ad', secondary: '#76829a', local: '#56627a' };
/** Ground vectors sit a little above the ellipsoid (the globe) so they never z-fight with it. */
const AREA_HEIGHT = 0.2;
const ROAD_HEIGHT = 0.4;
/** How much of the ground's opacity is left in underground mode. */
const UNDERGROUND_FACTOR = 0.3;

/**
 * Water, green space and roads drawn from the seed vectors as two batched primitives (one
 * draw call each, not an entity per feature). Opacity changes rebuild the batch: it is small.
 */
export class GroundAdapter implements LayerAdapter {
  readonly id: string;
  readonly ready: Promise<void>;
  private primitive: Primitive | undefined;
  private features: GroundFeature[] = [];
  private destroyed = false;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly definition: LayerDefinition,
    private readonly context: AdapterContext,
  ) {
    this.id = definition.id;
    this.ready = this.load();
  }

  private async load(): Promise<void> {
    const file = this.definition.kind === 'areas' ? 'nankai-areas.geojson' : 'nankai-roads.geojson';
    // Ground vectors and labels dress the scene; the tiles and the first frame come first.
    await this.context.firstFrame;
    if (this.destroyed) return;
    try {
      this.features = await fetchGeoJson(`${this.context.config.dataUrl}${file}`);
    } catch (error) {
      console.error(`ground layer ${this.id} failed to load`, error);
      return;
    }
    if (this.destroyed) return;
    const { store } = this.context;
    this.rebuild(store.getState());
    this.unsubscribe.push(watchAny(store, [(s) => s.layers[this.id], (s) => s.underground], () => this.rebuild(store.getState())));
  }

  private rebuild(state: ViewerState): void {
    const layer = state.layers[this.id] ?? { visible: true, opacity: 1 };
    const alpha = layer.opacity * (state.underground ? UNDERGROUND_FACTOR : 1);
    this.removePrimitive();
    if (!layer.visible || alpha <= 0.01) {
      this.context.requestRender();
      return;
    }
    const instances = this.definition.kind === 'areas' ? this.areaInstances(alpha) : this.roadInstances(alpha);
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

  private areaInstances(alpha: number): GeometryInstance[] {
    const instances: GeometryInstance[] = [];
    for (const feature of this.features) {
      const color = Color.fromCssColorString(AREA_COLORS[String(feature.properties['kind'])] ?? '#3a4456').withAlpha(alpha);
      for (const rings of polygonsOf(feature.geometry)) {
        const [outer, ...holes] = rings.map((ring) => Cartesian3.fromDegreesArray(ring.flatMap(([lon, lat]) => [lon!, lat!])));
        if (!outer || outer.length < 3) continue;
        instances.push(
          new GeometryInstance({
            geometry: new PolygonGeometry({
              polygonHierarchy: new PolygonHierarchy(
                outer,
                holes.map((h) => new PolygonHierarchy(h)),
              ),
              height: AREA_HEIGHT,
              vertexFormat: PerInstanceColorAppearance.FLAT_VERTEX_FORMAT,
            }),
            attributes: { color: ColorGeometryInstanceAttribute.fromColor(color) },
          }),
        );
      }
    }
    return instances;
  }

  private roadInstances(alpha: number): GeometryInstance[] {
    const instances: GeometryInstance[] = [];
    for (const feature of this.features) {
      const roadClass = String(feature.properties['class']);
      const color = Color.fromCssColorString(ROAD_COLORS[roadClass] ?? ROAD_COLORS['local']!).withAlpha(alpha);
      // Drawn at 70% of the right-of-way width: carriageway, not the whole corridor.
      const width = Math.max(6, Number(feature.properties['width']) * 0.7 || 12);
      for (const line of linesOf(feature.geometry)) {
        if (line.length < 2) continue;
        instances.push(
          new GeometryInstance({
            geometry: new CorridorGeometry({
              positions: Cartesian3.fromDegreesArray(line.flatMap(([lon, lat]) => [lon!, lat!])),
              width,
              height: ROAD_HEIGHT,
              cornerType: CornerType.MITERED,
              vertexFormat: PerInstanceColorAppearance.FLAT_VERTEX_FORMAT,
            }),
            attributes: { color: ColorGeometryInstanceAttribute.fromColor(color) },
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
