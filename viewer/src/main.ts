import './cesiumBaseUrl.js';
import {
  Cartesian2,
  Cartesian3,
  Cesium3DTileFeature,
  Cesium3DTileStyle,
  Cesium3DTileset,
  CesiumWidget,
  Color,
  GeoJsonDataSource,
  Math as CesiumMath,
  ScreenSpaceEventHandler,
  ScreenSpaceEventType,
  SceneTransforms,
  DataSourceDisplay,
  DataSourceCollection,
  ConstantProperty,
  ColorMaterialProperty,
} from 'cesium';
import 'cesium/Build/Cesium/Widgets/widgets.css';

/**
 * Minimal offline viewer for the seed tilesets (the "viewer core" issue replaces it): buildings
 * styled by height over ground vectors drawn from the seeds, picking with an escaped info panel,
 * and a small page API (window.cimTwin) the tests drive.
 */
const widget = new CesiumWidget('globe', {
  baseLayer: false,
  terrainProvider: undefined,
  requestRenderMode: false,
  shadows: false,
});
const { scene } = widget;
scene.globe.baseColor = Color.fromCssColorString('#1c2433');
scene.globe.showGroundAtmosphere = false;
if (scene.skyAtmosphere) scene.skyAtmosphere.show = false;
scene.fog.enabled = false;

const status = document.getElementById('status')!;
const dataSources = new DataSourceCollection();
const display = new DataSourceDisplay({ scene, dataSourceCollection: dataSources });
widget.clock.onTick.addEventListener((clock) => display.update(clock.currentTime));

async function loadGround(): Promise<void> {
  const areas = await GeoJsonDataSource.load('/data/nankai-areas.geojson', { clampToGround: false });
  for (const entity of areas.entities.values) {
    const kind = entity.properties?.['kind']?.getValue() as string | undefined;
    if (!entity.polygon) continue;
    const color = kind === 'water' ? '#2b5d8a' : kind === 'playground' ? '#7a4a3a' : '#2f5a3a';
    entity.polygon.material = new ColorMaterial(color);
    entity.polygon.outline = new ConstantProperty(false);
  }
  const roads = await GeoJsonDataSource.load('/data/nankai-roads.geojson');
  for (const entity of roads.entities.values) {
    if (!entity.polyline) continue;
    const roadClass = entity.properties?.['class']?.getValue() as string | undefined;
    entity.polyline.width = new ConstantProperty(roadClass === 'arterial' ? 4 : roadClass === 'secondary' ? 3 : 2);
    entity.polyline.material = new ColorMaterial(roadClass === 'local' ? '#56627a' : '#8a96ad');
  }
  await dataSources.add(areas);
  await dataSources.add(roads);
}

/** ColorMaterialProperty from a CSS colour. */
class ColorMaterial extends ColorMaterialProperty {
  constructor(css: string) {
    super(Color.fromCssColorString(css));
  }
}

const tileset = await Cesium3DTileset.fromUrl('/tiles/buildings/tileset.json', { maximumScreenSpaceError: 16 });
tileset.style = new Cesium3DTileStyle({
  color: {
    conditions: [
      ['${height} >= 100', "color('#f2c14e')"],
      ['${height} >= 50', "color('#e7d8a8')"],
      ['${height} >= 24', "color('#d9dde4')"],
      ['true', "color('#b9c2cf')"],
    ],
  },
});
scene.primitives.add(tileset);
// The underground network (CJJ 61 colours are in the tiles). `?underground` makes the ground
// translucent and lets the camera below it; the viewer-core issue turns this into a proper mode.
const pipes = await Cesium3DTileset.fromUrl('/tiles/pipes/tileset.json', { maximumScreenSpaceError: 8 });
scene.primitives.add(pipes);
if (new URLSearchParams(location.search).has('underground')) {
  scene.globe.translucency.enabled = true;
  scene.globe.translucency.frontFaceAlpha = 0.35;
  scene.screenSpaceCameraController.enableCollisionDetection = false;
}
await loadGround();

widget.camera.setView({
  destination: Cartesian3.fromDegrees(117.158, 39.035, 6500),
  orientation: { heading: CesiumMath.toRadians(0), pitch: CesiumMath.toRadians(-35), roll: 0 },
});

const info = document.getElementById('info')!;
const infoTitle = document.getElementById('info-title')!;
const infoTable = document.getElementById('info-table')!;

type Properties = Record<string, unknown>;

function propertiesOf(feature: Cesium3DTileFeature): Properties {
  const properties: Properties = {};
  for (const id of feature.getPropertyIds()) properties[id] = feature.getProperty(id);
  return properties;
}

/** Shows a feature's properties as text (never HTML: names and addresses come from data). */
function showInfo(properties: Properties | undefined): void {
  if (!properties) {
    info.hidden = true;
    return;
  }
  infoTitle.textContent = String(properties['name'] ?? properties['id'] ?? '');
  infoTable.replaceChildren(
    ...Object.entries(properties).map(([key, value]) => {
      const row = document.createElement('tr');
      const name = document.createElement('td');
      const cell = document.createElement('td');
      name.textContent = key;
      cell.textContent = value === undefined || value === null ? '' : String(value);
      row.append(name, cell);
      return row;
    }),
  );
  info.hidden = false;
}

function pickAt(x: number, y: number): Properties | undefined {
  const picked: unknown = scene.pick(new Cartesian2(x, y));
  return picked instanceof Cesium3DTileFeature ? propertiesOf(picked) : undefined;
}

const handler = new ScreenSpaceEventHandler(scene.canvas);
handler.setInputAction((event: { position: Cartesian2 }) => showInfo(pickAt(event.position.x, event.position.y)), ScreenSpaceEventType.LEFT_CLICK);

let tileErrors = 0;
for (const set of [tileset, pipes]) {
  set.tileFailed.addEventListener((error: { url: string; message: string }) => {
    tileErrors++;
    console.error('tile failed', error.url, error.message);
  });
}

const tilesLoaded = new Promise<void>((resolve) => {
  const check = (): void => {
    if (tileset.tilesLoaded) {
      tileset.allTilesLoaded.removeEventListener(check);
      resolve();
    }
  };
  tileset.allTilesLoaded.addEventListener(check);
});

/** The page API: tests and embedding hosts drive the viewer through it. */
const api = {
  ready: tilesLoaded,
  /** Looks from above at a point and picks the building drawn there. */
  async pickAtLonLat(lon: number, lat: number, height: number, range = 650): Promise<Properties | undefined> {
    // From the south, `range` metres away, 50° down.
    widget.camera.setView({
      destination: Cartesian3.fromDegrees(lon, lat - (range * 0.643) / 111_000, height + range * 0.766),
      orientation: { heading: 0, pitch: CesiumMath.toRadians(-50), roll: 0 },
    });
    await waitForTiles();
    const position = SceneTransforms.worldToWindowCoordinates(scene, Cartesian3.fromDegrees(lon, lat, height));
    if (!position) return undefined;
    const properties = pickAt(position.x, position.y);
    showInfo(properties);
    return properties;
  },
  /** Puts the camera at a point (degrees, metres; heading and pitch in degrees) and waits for tiles. */
  async setView(lon: number, lat: number, height: number, heading = 0, pitch = -45): Promise<void> {
    widget.camera.setView({
      destination: Cartesian3.fromDegrees(lon, lat, height),
      orientation: { heading: CesiumMath.toRadians(heading), pitch: CesiumMath.toRadians(pitch), roll: 0 },
    });
    await waitForTiles();
  },
  stats: () => ({ tileErrors, tilesLoaded: tileset.tilesLoaded }),
};
(window as unknown as { cimTwin: typeof api }).cimTwin = api;

function waitForTiles(): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      scene.postRender.removeEventListener(check);
      if (tileset.tilesLoaded) resolve();
      else setTimeout(() => scene.postRender.addEventListener(check), 50);
    };
    scene.postRender.addEventListener(check);
  });
}

void tilesLoaded.then(() => {
  status.textContent = `CIM Twin · 南开区 (synthetic seed data) · tiles loaded`;
});
