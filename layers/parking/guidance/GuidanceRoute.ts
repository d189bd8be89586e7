import {
  Cartesian3,
  Cartographic,
  Color,
  Material,
  Math as CesiumMath,
  PointPrimitiveCollection,
  PolylineCollection,
  PrimitiveCollection,
  ScreenSpaceEventHandler,
  ScreenSpaceEventType,
  type Cartesian2,
} from 'cesium';
import type { LayerContext } from '../../../viewer/src/platform/LayerPlugin.js';
import { watchAny } from '../../../viewer/src/platform/ViewerStore.js';
import type { ParkingGuidance } from './ParkingGuidance.js';

const ROUTE = Color.fromCssColorString('#00e5ff');
const CASING = Color.fromCssColorString('#06202a');
const DESTINATION = Color.fromCssColorString('#ffd400');
/** Metres above the ellipsoid the route is drawn at (see draw). */
const ROUTE_HEIGHT = 1;

/** What the route drawing reports (the page API's snapshot and the browser test read it). */
export interface DrawnRoute {
  siteId: string | null;
  vertices: number;
  /** The line is in the scene. */
  ready: boolean;
}

/**
 * The selected site's drive on the map, in one scene: a cyan line over a dark casing on the
 * ground, wide enough to read on a 4K screen (its width grows with the canvas), the site as a cyan
 * dot and the destination as a yellow one (never hidden by buildings); and, while the panel
 * waits for a map click, the click's ground point as the destination. Returns its removal.
 */
export function mountGuidanceRoute(context: LayerContext, guidance: ParkingGuidance, report: (drawn: DrawnRoute) => void): () => void {
  const { scene } = context;
  const root = new PrimitiveCollection();
  const points = new PointPrimitiveCollection();
  root.add(points);
  scene.primitives.add(root);
  const lines = new PolylineCollection();
  root.add(lines);
  let drawnKey = '';

  const draw = (): void => {
    const { entries, selected, destination } = guidance.store.getState();
    const entry = entries.find((e) => e.siteId === selected);
    // A re-ranking (live counts) hands over new entries with the same routes: the line is built
    // again only when what it shows changes, or it would never finish building.
    const key = JSON.stringify([destination, entry?.siteId, entry?.route.coordinates, scene.canvas.clientWidth]);
    if (key === drawnKey) return;
    drawnKey = key;
    lines.removeAll();
    points.removeAll();
    const pixel = Math.max(6, Math.round(scene.canvas.clientWidth / 400));
    if (destination)
      points.add({
        position: Cartesian3.fromDegrees(destination.lon, destination.lat, 2),
        pixelSize: pixel * 2,
        color: DESTINATION,
        outlineColor: Color.BLACK,
        outlineWidth: 2,
        disableDepthTestDistance: Number.POSITIVE_INFINITY,
      });
    if (!entry || entry.route.coordinates.length < 2) {
      report({ siteId: null, vertices: 0, ready: false });
      context.requestRender();
      return;
    }
    // 1 m up: on the ground of a scene without terrain, above the ground layers' road and area
    // polygons (drawn 0.2–0.4 m up), which hid a ground-classified polyline (those drape only
    // over the globe and 3D Tiles).
    const positions = entry.route.coordinates.map(([lon, lat]) => Cartesian3.fromDegrees(lon, lat, ROUTE_HEIGHT));
    for (const [width, color] of [
      [pixel + 4, CASING],
      [pixel, ROUTE],
    ] as const)
      lines.add({ positions, width, material: Material.fromType('Color', { color }) });
    const [lon, lat] = entry.route.coordinates.at(-1)!;
    points.add({
      position: Cartesian3.fromDegrees(lon, lat, 2),
      pixelSize: pixel * 1.6,
      color: ROUTE,
      outlineColor: Color.BLACK,
      outlineWidth: 2,
      disableDepthTestDistance: Number.POSITIVE_INFINITY,
    });
    report({ siteId: entry.siteId, vertices: positions.length, ready: true });
    context.requestRender();
  };

  // A map click sets the destination while the panel asks for one (the click also selects what it hit, as any click does).
  const handler = new ScreenSpaceEventHandler(scene.canvas);
  handler.setInputAction((event: { position: Cartesian2 }) => {
    if (!guidance.store.getState().picking) return;
    const cartesian = (scene.pickPositionSupported ? scene.pickPosition(event.position) : undefined) ?? scene.camera.pickEllipsoid(event.position);
    if (!cartesian) return;
    const point = Cartographic.fromCartesian(cartesian);
    void guidance.setDestination({ lon: CesiumMath.toDegrees(point.longitude), lat: CesiumMath.toDegrees(point.latitude), label: '' });
  }, ScreenSpaceEventType.LEFT_CLICK);

  draw();
  // The line's width follows the canvas (a window moved to the wall's screen).
  const resized = new ResizeObserver(() => draw());
  resized.observe(scene.canvas);
  const stop = watchAny(guidance.store, [(s) => s.entries, (s) => s.selected, (s) => s.destination], draw);
  return () => {
    stop();
    resized.disconnect();
    handler.destroy();
    scene.primitives.remove(root);
  };
}
