import { Cartesian3, Cesium3DTileset, CesiumWidget, Math as CesiumMath } from 'cesium';
import 'cesium/Build/Cesium/Widgets/CesiumWidget/CesiumWidget.css';

/**
 * The benchmark's baseline: CesiumJS as a tutorial would use it, loading the same seed
 * tilesets (pipes hidden above ground, as the viewer does) with no imagery (offline).
 */
const widget = new CesiumWidget('globe', { baseLayer: false });
let firstFrameMs = 0;
widget.scene.postRender.addEventListener(() => (firstFrameMs ||= performance.now()));
const view = (v: { lon: number; lat: number; height: number; heading: number; pitch: number }): void =>
  widget.camera.setView({
    destination: Cartesian3.fromDegrees(v.lon, v.lat, v.height),
    orientation: { heading: CesiumMath.toRadians(v.heading), pitch: CesiumMath.toRadians(v.pitch), roll: 0 },
  });
view({ lon: 117.158, lat: 39.035, height: 6500, heading: 0, pitch: -35 });
const buildings = await Cesium3DTileset.fromUrl('/tiles/buildings/tileset.json', { maximumScreenSpaceError: 16 });
const pipes = await Cesium3DTileset.fromUrl('/tiles/pipes/tileset.json', { maximumScreenSpaceError: 8, show: false });
widget.scene.primitives.add(buildings);
widget.scene.primitives.add(pipes);

function waitForTiles(): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = 0;
    const check = (): void => {
      widget.scene.postRender.removeEventListener(check);
      settled = buildings.tilesLoaded ? settled + 1 : 0;
      if (settled >= 3) resolve(true);
      else setTimeout(() => widget.scene.postRender.addEventListener(check), 50);
    };
    widget.scene.postRender.addEventListener(check);
  });
}

const ready = waitForTiles().then(() => ({ firstFrameMs, tilesLoadedMs: performance.now() }));
(window as unknown as { bare: object }).bare = { ready, setView: view, waitForTiles };
