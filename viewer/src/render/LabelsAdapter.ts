import { Cartesian2, Cartesian3, Color, HorizontalOrigin, LabelCollection, LabelStyle, SceneTransforms, VerticalOrigin, type Label } from 'cesium';
import { watchAny } from '../state/createViewerStore.js';
import type { LayerDefinition } from '../state/layerCatalog.js';
import { declutterLabels, estimateTextWidth, type LabelBox } from './declutterLabels.js';
import { fetchGeoJson, linesOf } from './groundData.js';
import type { AdapterContext, LayerAdapter } from './LayerAdapter.js';

interface PlacedLabel {
  label: Label;
  position: Cartesian3;
  nameZh: string;
  nameEn: string;
  priority: number;
  /** Beyond this camera distance (m) the label is not a candidate. */
  maxDistance: number;
}

const FONT_PX = { planner: 14, wall: 24 } as const;
const ROAD_PRIORITY: Record<string, [priority: number, maxDistance: number]> = { arterial: [3, 7000], secondary: [2, 3500], local: [1, 1800] };

/**
 * Landmark and road names that don't clutter: a candidate set by camera distance, then greedy
 * placement by priority in screen space (landmarks before arterials before local streets),
 * recomputed when the camera has moved, not every frame.
 */
export class LabelsAdapter implements LayerAdapter {
  readonly id: string;
  readonly ready: Promise<void>;
  private readonly collection = new LabelCollection();
  private readonly labels: PlacedLabel[] = [];
  private readonly unsubscribe: (() => void)[] = [];
  private destroyed = false;

  constructor(
    definition: LayerDefinition,
    private readonly context: AdapterContext,
  ) {
    this.id = definition.id;
    context.scene.primitives.add(this.collection);
    this.ready = this.load();
  }

  private async load(): Promise<void> {
    const { dataUrl } = this.context.config;
    // Ground vectors and labels dress the scene; the tiles and the first frame come first.
    await this.context.firstFrame;
    if (this.destroyed) return;
    try {
      const [landmarks, roads] = await Promise.all([fetchGeoJson(`${dataUrl}nankai-landmarks.geojson`), fetchGeoJson(`${dataUrl}nankai-roads.geojson`)]);
      if (this.destroyed) return;
      for (const feature of landmarks) {
        if (feature.geometry.type !== 'Point') continue;
        const [lon, lat] = feature.geometry.coordinates as [number, number];
        const height = Number(feature.properties['height']) || 0;
        this.add(
          Cartesian3.fromDegrees(lon, lat, height + 8),
          String(feature.properties['name'] ?? ''),
          String(feature.properties['name_en'] ?? ''),
          10,
          14000,
          '#ffe8a3',
        );
      }
      for (const feature of roads) {
        const [priority, maxDistance] = ROAD_PRIORITY[String(feature.properties['class'])] ?? [1, 1800];
        const line = longest(linesOf(feature.geometry));
        if (!line) continue;
        const [lon, lat] = line[Math.floor(line.length / 2)]!;
        const name = String(feature.properties['name'] ?? '');
        this.add(Cartesian3.fromDegrees(lon!, lat!, 2), name, String(feature.properties['name_en'] ?? name), priority, maxDistance, '#dfe7f2');
      }
    } catch (error) {
      console.error('labels failed to load', error);
      return;
    }
    const { store, scene } = this.context;
    this.restyle();
    this.unsubscribe.push(watchAny(store, [(s) => s.language, (s) => s.mode, (s) => s.layers[this.id]], () => this.restyle()));
    scene.camera.percentageChanged = 0.05;
    const onChanged = (): void => this.place();
    scene.camera.changed.addEventListener(onChanged);
    scene.camera.moveEnd.addEventListener(onChanged);
    this.unsubscribe.push(
      () => scene.camera.changed.removeEventListener(onChanged),
      () => scene.camera.moveEnd.removeEventListener(onChanged),
    );
  }

  private add(position: Cartesian3, nameZh: string, nameEn: string, priority: number, maxDistance: number, color: string): void {
    if (!nameZh) return;
    const label = this.collection.add({
      position,
      text: nameZh,
      fillColor: Color.fromCssColorString(color),
      outlineColor: Color.fromCssColorString('#0b1220'),
      outlineWidth: 3,
      style: LabelStyle.FILL_AND_OUTLINE,
      horizontalOrigin: HorizontalOrigin.CENTER,
      verticalOrigin: VerticalOrigin.BOTTOM,
      disableDepthTestDistance: Number.POSITIVE_INFINITY,
      show: false,
    });
    this.labels.push({ label, position, nameZh, nameEn: nameEn || nameZh, priority, maxDistance });
  }

  private restyle(): void {
    const state = this.context.store.getState();
    const px = FONT_PX[state.mode];
    for (const placed of this.labels) {
      placed.label.text = state.language === 'en' ? placed.nameEn : placed.nameZh;
      placed.label.font = `${placed.priority >= 10 ? 'bold ' : ''}${px}px sans-serif`;
    }
    this.collection.show = state.layers[this.id]?.visible ?? true;
    this.place();
  }

  private place(): void {
    const { scene, store } = this.context;
    if (!this.collection.show) return;
    const state = store.getState();
    const px = FONT_PX[state.mode];
    const cameraPosition = scene.camera.positionWC;
    const scratch = new Cartesian2();
    const boxes: (LabelBox | undefined)[] = this.labels.map((placed) => {
      if (Cartesian3.distance(cameraPosition, placed.position) > placed.maxDistance) return undefined;
      const screen = SceneTransforms.worldToWindowCoordinates(scene, placed.position, scratch);
      if (!screen || screen.x < 0 || screen.y < 0 || screen.x > scene.canvas.clientWidth || screen.y > scene.canvas.clientHeight) return undefined;
      const text = state.language === 'en' ? placed.nameEn : placed.nameZh;
      return { x: screen.x, y: screen.y - px * 0.6, width: estimateTextWidth(text, px), height: px * 1.3, priority: placed.priority };
    });
    const shown = declutterLabels(boxes);
    this.labels.forEach((placed, i) => (placed.label.show = shown[i]!));
    this.context.requestRender();
  }

  destroy(): void {
    this.destroyed = true;
    for (const stop of this.unsubscribe.splice(0)) stop();
    this.context.scene.primitives.remove(this.collection);
  }
}

function longest(lines: number[][][]): number[][] | undefined {
  let best: number[][] | undefined;
  for (const line of lines) if (!best || line.length > best.length) best = line;
  return best;
}
