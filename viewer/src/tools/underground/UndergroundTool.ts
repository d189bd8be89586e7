import {
  Cartesian2,
  Cartesian3,
  Cartographic,
  Color,
  HorizontalOrigin,
  LabelCollection,
  LabelStyle,
  Material,
  NearFarScalar,
  PolylineCollection,
  SceneTransforms,
  VerticalOrigin,
  Math as CesiumMath,
} from 'cesium';
import type { LayerContext } from '../../platform/LayerPlugin.js';
import { defineTool, type ToolInstance, type ToolPointerEvent } from '../../platform/ToolPlugin.js';
import { watchAny } from '../../platform/ViewerStore.js';
import { depthLabelStep, depthStaff } from './depthTicks.js';

const STAFF_DEPTH = 10;
const GROUND_ALPHA = 0.3;

/**
 * Underground view as a tool: the ground turns translucent, the networks show, the camera may
 * go below the surface, and a depth staff (a ruler from the surface to −10 m, a tick every
 * metre, labels as far apart as the view allows) stands where the view centre meets the
 * ground — or, once clicked, where the user clicked.
 */
export const undergroundTool = defineTool({
  id: 'underground',
  label: 'underground.on',
  // The toolbar's own underground button switches it.
  palette: false,
  create: (context) => new UndergroundTool(context),
});

class UndergroundTool implements ToolInstance {
  readonly id = 'underground';
  private readonly staff = new PolylineCollection();
  private readonly staffLabels = new LabelCollection();
  private readonly unsubscribe: (() => void)[] = [];
  /** Where the user pinned the staff (degrees), else it follows the view centre. */
  private pinned: { lon: number; lat: number } | undefined;

  constructor(private readonly context: LayerContext) {
    const { scene, store } = context;
    scene.primitives.add(this.staff);
    scene.primitives.add(this.staffLabels);
    this.apply();
    const onMoveEnd = (): void => this.placeStaff();
    scene.camera.moveEnd.addEventListener(onMoveEnd);
    this.unsubscribe.push(
      watchAny(store, [(s) => s.underground], () => this.apply()),
      watchAny(store, [(s) => s.language, (s) => s.mode], () => this.placeStaff()),
      () => scene.camera.moveEnd.removeEventListener(onMoveEnd),
    );
  }

  activate(): void {
    if (!this.context.store.getState().underground) this.context.store.getState().setUnderground(true);
  }

  deactivate(): void {
    this.pinned = undefined;
  }

  /** A click on the ground pins the staff there; the click still selects what it hit. */
  onPointer(event: ToolPointerEvent): boolean {
    if (event.kind === 'click' && event.position) {
      this.pinned = { lon: event.position.lon, lat: event.position.lat };
      this.placeStaff();
    }
    return false;
  }

  private apply(): void {
    const { scene, store } = this.context;
    const on = store.getState().underground;
    const globe = scene.globe;
    globe.translucency.enabled = on;
    globe.translucency.frontFaceAlpha = GROUND_ALPHA;
    globe.translucency.backFaceAlpha = GROUND_ALPHA;
    globe.translucency.frontFaceAlphaByDistance = new NearFarScalar(200, GROUND_ALPHA, 5000, 0.8);
    scene.screenSpaceCameraController.enableCollisionDetection = !on;
    if (!on) this.pinned = undefined;
    this.placeStaff();
  }

  private placeStaff(): void {
    const { scene, store } = this.context;
    this.staff.removeAll();
    this.staffLabels.removeAll();
    const state = store.getState();
    if (!state.underground) {
      this.context.requestRender();
      return;
    }
    let at = this.pinned;
    if (!at) {
      const canvas = scene.canvas;
      const centre = scene.camera.pickEllipsoid(new Cartesian2(canvas.clientWidth / 2, canvas.clientHeight / 2));
      if (!centre) return;
      const c = Cartographic.fromCartesian(centre);
      at = { lon: CesiumMath.toDegrees(c.longitude), lat: CesiumMath.toDegrees(c.latitude) };
    }
    const { lon, lat } = at;
    const fontPx = state.mode === 'wall' ? 22 : 13;
    // Labels as dense as the view allows without touching: measure a metre of depth on screen.
    const top = SceneTransforms.worldToWindowCoordinates(scene, Cartesian3.fromDegrees(lon, lat, 0));
    const bottom = SceneTransforms.worldToWindowCoordinates(scene, Cartesian3.fromDegrees(lon, lat, -STAFF_DEPTH));
    const pixelsPerMetre = top && bottom ? Cartesian2.distance(top, bottom) / STAFF_DEPTH : 0;
    const step = depthLabelStep(pixelsPerMetre, fontPx * 1.5);
    // One material per polyline: a polyline destroys its material when removed.
    const line = (): Material => Material.fromType('Color', { color: Color.WHITE.withAlpha(0.9) });
    this.staff.add({ positions: [Cartesian3.fromDegrees(lon, lat, 0), Cartesian3.fromDegrees(lon, lat, -STAFF_DEPTH)], width: 3, material: line() });
    // Labels beside the longer ticks, with room for the text: they stand clear of the ruler.
    const { ticks, labels } = depthStaff(lon, lat, STAFF_DEPTH, step, { labelled: 1.2, plain: 0.6, label: 1.6 });
    for (const tick of ticks)
      this.staff.add({ positions: [Cartesian3.fromDegrees(...tick.from), Cartesian3.fromDegrees(...tick.to)], width: 2, material: line() });
    for (const { depth, at: position } of labels)
      this.staffLabels.add({
        position: Cartesian3.fromDegrees(...position),
        text: depth === 0 ? (state.language === 'en' ? '0 m surface' : '0 米 地面') : `−${depth} m`,
        font: `${fontPx}px sans-serif`,
        fillColor: Color.WHITE,
        outlineColor: Color.BLACK,
        outlineWidth: 3,
        style: LabelStyle.FILL_AND_OUTLINE,
        horizontalOrigin: HorizontalOrigin.LEFT,
        verticalOrigin: VerticalOrigin.CENTER,
        pixelOffset: new Cartesian2(6, 0),
        disableDepthTestDistance: Number.POSITIVE_INFINITY,
      });
    this.context.requestRender();
  }

  destroy(): void {
    for (const stop of this.unsubscribe.splice(0)) stop();
    this.context.scene.primitives.remove(this.staff);
    this.context.scene.primitives.remove(this.staffLabels);
  }
}
