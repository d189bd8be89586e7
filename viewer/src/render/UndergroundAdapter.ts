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
  VerticalOrigin,
  Math as CesiumMath,
} from 'cesium';
import { watch } from '../state/createViewerStore.js';
import type { AdapterContext } from './LayerAdapter.js';

const STAFF_DEPTH = 10;
const GROUND_ALPHA = 0.3;

/**
 * Underground mode: the ground turns translucent, the camera may go below it, and a depth
 * staff (a vertical ruler from the surface to −10 m, ticks every metre) stands where the view
 * centre meets the ground so depths read in place.
 */
export class UndergroundAdapter {
  private readonly staff = new PolylineCollection();
  private readonly staffLabels = new LabelCollection();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly context: AdapterContext) {
    const { scene, store } = context;
    scene.primitives.add(this.staff);
    scene.primitives.add(this.staffLabels);
    this.apply();
    const onMoveEnd = (): void => this.placeStaff();
    scene.camera.moveEnd.addEventListener(onMoveEnd);
    this.unsubscribe.push(
      watch(
        store,
        (s) => s.underground,
        () => this.apply(),
      ),
      watch(
        store,
        (s) => s.language,
        () => this.placeStaff(),
      ),
      () => scene.camera.moveEnd.removeEventListener(onMoveEnd),
    );
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
    const canvas = scene.canvas;
    const centre = scene.camera.pickEllipsoid(new Cartesian2(canvas.clientWidth / 2, canvas.clientHeight / 2));
    if (!centre) return;
    const at = Cartographic.fromCartesian(centre);
    const lon = CesiumMath.toDegrees(at.longitude);
    const lat = CesiumMath.toDegrees(at.latitude);
    // One material per polyline: a polyline destroys its material when removed.
    const line = (): Material => Material.fromType('Color', { color: Color.WHITE.withAlpha(0.9) });
    this.staff.add({ positions: [Cartesian3.fromDegrees(lon, lat, 0), Cartesian3.fromDegrees(lon, lat, -STAFF_DEPTH)], width: 3, material: line() });
    const metre = 1 / 111_320;
    for (let depth = 0; depth <= STAFF_DEPTH; depth++) {
      const length = (depth % 2 === 0 ? 1.2 : 0.6) * metre;
      this.staff.add({ positions: [Cartesian3.fromDegrees(lon, lat, -depth), Cartesian3.fromDegrees(lon + length, lat, -depth)], width: 2, material: line() });
      if (depth % 2 === 0)
        this.staffLabels.add({
          position: Cartesian3.fromDegrees(lon + 1.6 * metre, lat, -depth),
          text: depth === 0 ? (state.language === 'en' ? '0 m surface' : '0 米 地面') : `−${depth} m`,
          font: `${state.mode === 'wall' ? 22 : 13}px sans-serif`,
          fillColor: Color.WHITE,
          outlineColor: Color.BLACK,
          outlineWidth: 2,
          style: LabelStyle.FILL_AND_OUTLINE,
          horizontalOrigin: HorizontalOrigin.LEFT,
          verticalOrigin: VerticalOrigin.CENTER,
          disableDepthTestDistance: Number.POSITIVE_INFINITY,
        });
    }
    this.context.requestRender();
  }

  destroy(): void {
    for (const stop of this.unsubscribe.splice(0)) stop();
    this.context.scene.primitives.remove(this.staff);
    this.context.scene.primitives.remove(this.staffLabels);
  }
}
