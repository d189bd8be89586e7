import {
  Cartesian3,
  Cartographic,
  Color,
  ColorGeometryInstanceAttribute,
  GeometryInstance,
  GroundPolylineGeometry,
  GroundPolylinePrimitive,
  Math as CesiumMath,
  PointPrimitiveCollection,
  PolylineColorAppearance,
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

/** What the route drawing reports (the page API's snapshot and the browser test read it). */
export interface DrawnRoute {
  siteId: string | null;
  vertices: number;
  /** The ground polyline has been built and is on screen. */
  ready: boolean;
}

/**
 * The selected site's drive on the map, in one scene: a cyan line over a dark casing, clamped to
 * the ground (it follows the terrain and drapes over tiles' roads), wide enough to read on a 4K
 * wall (its width grows with the canvas), the destination as a yellow dot; and, while the panel
 * waits for a map click, the click's ground point as the destination. Returns its removal.
 */
export function mountGuidanceRoute(context: LayerContext, guidance: ParkingGuidance, report: (drawn: DrawnRoute) => void): () => void {
  const { scene } = context;
  const root = new PrimitiveCollection();
  const points = new PointPrimitiveCollection();
  root.add(points);
  scene.primitives.add(root);
  let lines: GroundPolylinePrimitive[] = [];
  let poll: ReturnType<typeof setInterval> | undefined;
  let drawnKey = '';

  const draw = (): void => {
    const { entries, selected, destination } = guidance.store.getState();
    const entry = entries.find((e) => e.siteId === selected);
    // A re-ranking (live counts) hands over new entries with the same routes: the line is built
    // again only when what it shows changes, or it would never finish building.
    const key = JSON.stringify([destination, entry?.siteId, entry?.route.coordinates, scene.canvas.clientWidth]);
    if (key === drawnKey) return;
    drawnKey = key;
    for (const line of lines) root.remove(line);
    lines = [];
    if (poll) clearInterval(poll);
    poll = undefined;
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
    const positions = entry.route.coordinates.map(([lon, lat]) => Cartesian3.fromDegrees(lon, lat));
    for (const [width, color] of [
      [pixel + 4, CASING],
      [pixel, ROUTE],
    ] as const) {
      const line = new GroundPolylinePrimitive({
        geometryInstances: new GeometryInstance({
          geometry: new GroundPolylineGeometry({ positions, width }),
          attributes: { color: ColorGeometryInstanceAttribute.fromColor(color) },
        }),
        appearance: new PolylineColorAppearance(),
      });
      lines.push(root.add(line) as GroundPolylinePrimitive);
    }
    const [lon, lat] = entry.route.coordinates.at(-1)!;
    points.add({
      position: Cartesian3.fromDegrees(lon, lat, 2),
      pixelSize: pixel * 1.6,
      color: ROUTE,
      outlineColor: Color.BLACK,
      outlineWidth: 2,
      disableDepthTestDistance: Number.POSITIVE_INFINITY,
    });
    report({ siteId: entry.siteId, vertices: positions.length, ready: false });
    // Ground polylines build asynchronously, and the scene renders on demand: frames are asked for until they are built.
    const built = lines;
    poll = setInterval(() => {
      context.requestRender();
      if (built.every((l) => l.ready)) {
        clearInterval(poll);
        poll = undefined;
        report({ siteId: entry.siteId, vertices: positions.length, ready: true });
      }
    }, 100);
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
    if (poll) clearInterval(poll);
    handler.destroy();
    scene.primitives.remove(root);
  };
}
