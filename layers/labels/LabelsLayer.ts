import { Cartesian2, Cartesian3, Color, HorizontalOrigin, LabelCollection, SceneTransforms, VerticalOrigin, type Label } from 'cesium';
import type { LabelsLayerDefinition, LabelSource } from '../../workers/formats/viewerConfig.js';
import type { LayerContext, LayerInstance } from '../../viewer/src/platform/LayerPlugin.js';
import { watchAny } from '../../viewer/src/platform/ViewerStore.js';
import { fetchGeoJson, linesOf } from '../ground/groundData.js';
import { declutterLabels, estimateTextWidth, type LabelBox } from './declutterLabels.js';
import { labelBudget, labelPixelSize } from './labelPixelSize.js';
import { OUTLINED_LABEL } from '../../viewer/src/platform/mapLabels.js';

interface PlacedLabel {
  label: Label;
  position: Cartesian3;
  nameZh: string;
  nameEn: string;
  priority: number;
  bold: boolean;
  /** Beyond this camera distance (m) the label is not a candidate. */
  maxDistance: number;
}

/**
 * Names that don't clutter (landmarks, streets, from the config's GeoJSON sources): a
 * candidate set by camera distance, then greedy placement by priority in screen space,
 * recomputed when the camera has moved, not every frame. On a wall the type grows with the
 * screen so it reads from across the room.
 */
export class LabelsLayer implements LayerInstance {
  readonly id: string;
  readonly ready: Promise<void>;
  private readonly collection = new LabelCollection();
  private readonly labels: PlacedLabel[] = [];
  private readonly unsubscribe: (() => void)[] = [];
  private destroyed = false;
  private fontPx = 0;

  constructor(
    private readonly definition: LabelsLayerDefinition,
    private readonly context: LayerContext,
  ) {
    this.id = definition.id;
    context.scene.primitives.add(this.collection);
    this.ready = this.load();
  }

  private async load(): Promise<void> {
    // Labels dress the scene; the tiles and the first frame come first.
    await this.context.firstFrame;
    if (this.destroyed) return;
    try {
      const collections = await Promise.all(this.definition.sources.map((source) => fetchGeoJson(new URL(source.url, this.context.baseUrl).href)));
      if (this.destroyed) return;
      this.definition.sources.forEach((source, i) => {
        for (const feature of collections[i]!) this.addFeature(source, feature);
      });
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
      this.context.obstacles.onChange(onChanged),
    );
  }

  private addFeature(source: LabelSource, feature: Awaited<ReturnType<typeof fetchGeoJson>>[number]): void {
    const properties = feature.properties;
    const nameZh = String(properties[source.nameProperty] ?? '').trim();
    if (!nameZh) return;
    const nameEn = source.nameEnProperty ? String(properties[source.nameEnProperty] ?? '').trim() : '';
    const klass = source.classes ? source.classes.values[String(properties[source.classes.property])] : undefined;
    let position: Cartesian3;
    if (feature.geometry.type === 'Point') {
      const [lon, lat] = feature.geometry.coordinates as [number, number];
      const height = source.heightProperty ? Number(properties[source.heightProperty]) || 0 : 0;
      position = Cartesian3.fromDegrees(lon, lat, height + 8);
    } else {
      const line = longest(linesOf(feature.geometry));
      if (!line) return;
      const [lon, lat] = line[Math.floor(line.length / 2)]!;
      position = Cartesian3.fromDegrees(lon!, lat!, 2);
    }
    const label = this.collection.add({
      position,
      text: nameZh,
      fillColor: Color.fromCssColorString(source.color),
      ...OUTLINED_LABEL,
      horizontalOrigin: HorizontalOrigin.CENTER,
      verticalOrigin: VerticalOrigin.BOTTOM,
      show: false,
    });
    this.labels.push({
      label,
      position,
      nameZh,
      nameEn: nameEn || nameZh,
      priority: klass?.priority ?? source.priority,
      maxDistance: klass?.maxDistance ?? source.maxDistance,
      bold: source.bold ?? false,
    });
  }

  private restyle(): void {
    const state = this.context.store.getState();
    const canvas = this.context.scene.canvas;
    this.fontPx = labelPixelSize(state.mode, canvas.clientWidth, canvas.clientHeight);
    for (const placed of this.labels) {
      placed.label.text = state.language === 'en' ? placed.nameEn : placed.nameZh;
      placed.label.font = `${placed.bold ? 'bold ' : ''}${this.fontPx}px sans-serif`;
      placed.label.outlineWidth = Math.max(3, Math.round(this.fontPx / 6));
    }
    this.collection.show = state.layers[this.id]?.visible ?? this.definition.visible;
    this.place();
  }

  private place(): void {
    const { scene, store } = this.context;
    if (!this.collection.show) return;
    const state = store.getState();
    const canvas = scene.canvas;
    // A wall resized (or a window moved to it): the type follows the screen.
    if (labelPixelSize(state.mode, canvas.clientWidth, canvas.clientHeight) !== this.fontPx) return this.restyle();
    const px = this.fontPx;
    const cameraPosition = scene.camera.positionWC;
    const scratch = new Cartesian2();
    const boxes: (LabelBox | undefined)[] = this.labels.map((placed) => {
      if (Cartesian3.distance(cameraPosition, placed.position) > placed.maxDistance) return undefined;
      const screen = SceneTransforms.worldToWindowCoordinates(scene, placed.position, scratch);
      // Not under the status strip along the bottom edge.
      if (!screen || screen.x < 0 || screen.y < 0 || screen.x > canvas.clientWidth || screen.y > canvas.clientHeight - 3 * px) return undefined;
      const text = state.language === 'en' ? placed.nameEn : placed.nameZh;
      return { x: screen.x, y: screen.y - px * 0.6, width: estimateTextWidth(text, px), height: px * 1.3, priority: placed.priority };
    });
    // Markers of other layers (sensor clusters) are placed first: a label never sits on one.
    const obstacles = this.context.obstacles.boxes().map((box) => ({ ...box, priority: Number.POSITIVE_INFINITY }));
    const shown = declutterLabels([...obstacles, ...boxes]);
    // A cockpit tile shows only its budget of labels, the highest priorities among those placed.
    const budget = labelBudget(state.mode);
    const kept = new Set(
      this.labels
        .map((placed, i) => ({ i, priority: placed.priority }))
        .filter(({ i }) => shown[obstacles.length + i])
        .sort((a, b) => b.priority - a.priority)
        .slice(0, budget)
        .map(({ i }) => i),
    );
    this.labels.forEach((placed, i) => (placed.label.show = kept.has(i)));
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
