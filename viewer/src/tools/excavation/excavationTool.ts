import {
  BoundingSphere,
  Cartesian2,
  Cartesian3,
  Cesium3DTileset,
  ClippingPolygon,
  ClippingPolygonCollection,
  Color,
  ColorGeometryInstanceAttribute,
  ComponentDatatype,
  Geometry,
  GeometryAttribute,
  type GeometryAttributes,
  GeometryInstance,
  HorizontalOrigin,
  LabelCollection,
  LabelStyle,
  Material,
  MaterialAppearance,
  PerInstanceColorAppearance,
  PointPrimitiveCollection,
  PolygonGeometry,
  PolygonHierarchy,
  PolylineCollection,
  Primitive,
  PrimitiveType,
  SceneTransforms,
  Transforms,
  VerticalOrigin,
  WallGeometry,
} from 'cesium';
import type { LonLat } from '../../../../workers/formats/pipeAnalyses.js';
import { metresPerDegree } from '../../../../workers/geometry/geodesy.js';
import { pipeCategoryOf } from '../../../../workers/standards/cjj61Categories.js';
import { csvText, exportFileName, geoJsonText, saveFile } from '../../platform/exportFile.js';
import { h } from '../../platform/h.js';
import type { LayerContext } from '../../platform/LayerPlugin.js';
import type { Emphasis, GroundWindow } from '../../platform/ViewerState.js';
import { defineTool, type ToolInstance, type ToolPointerEvent } from '../../platform/ToolPlugin.js';
import { toolPanel } from '../../platform/toolPanel.js';
import type { UiContext } from '../../platform/UiContext.js';
import { watchAny } from '../../platform/ViewerStore.js';
import { gasPressureLabel } from '../pipeData/gasPressureLabel.js';
import { depthLabelStep, depthStaff } from '../underground/depthTicks.js';
import { earthTexture } from './earthTexture.js';
import { EXCAVATION_TOOL, ExcavationModel, type Pit } from './ExcavationModel.js';
import { excavationMessages } from './excavationMessages.js';

const OUTLINE_COLOUR = Color.fromCssColorString('#ffd400');
const FLOOR_COLOUR = Color.fromCssColorString('#5e4630');
const RULER_COLOUR = Color.WHITE;
const EMPHASIS_OWNER = 'excavation';
const PIT_PIPE_COLOUR = '#ffd400';
const CONFLICT_COLOUR = '#ff0000';
/** Buildings named in the panel at most (the CSV and GeoJSON list them all). */
const MAX_BUILDINGS_NAMED = 5;
/**
 * Cesium cuts the globe by a position each vertex computes in 32-bit floats (spherical
 * coordinates of a world position ~6,400 km long: half-metre steps), interpolated across the
 * globe's triangles: the cut's edge wanders up to ~0.9 m from the polygon (measured by the
 * browser test without what follows). So the globe is cut this much wider, and a collar in the
 * ground's colour — a polygon with exact edges, from the pit's outline to twice as far out —
 * covers the ragged margin: the ground seen ends exactly at the polygon.
 */
const GLOBE_CUT_MARGIN = 1.5;
/**
 * The collar lies this far below the ground: seen only where the globe is cut (the ragged
 * margin), hidden by the globe elsewhere (the globe is depth-tested while a pit is open) and
 * under everything drawn on the ground (roads at 0.4 m, water and green space at 0.2 m).
 */
const COLLAR_LIFT = -0.05;

/**
 * Excavation pit (开挖): a polygon clicked on the ground and a depth → the ground (the globe) and
 * the above-ground tiles are cut away inside the polygon with Cesium's ClippingPolygonCollection
 * (its signed-distance texture follows the polygon's own edges, so the cut is exact where
 * clipping planes drift), the pit's walls drawn in a soil texture and its floor shaded, a depth
 * ruler at its first corner, and the pipes above the floor listed from the planning worker
 * (workers/planning/excavationPipes.ts) with the GB 50289 checks among them. Underground
 * tilesets (the pipes) are not cut: they are what the pit is dug to see — the pit is a ground
 * window (the store's groundWindow) showing the listed pipes only.
 */
export const excavationTool = defineTool({
  id: EXCAVATION_TOOL,
  label: 'excavation.label',
  messages: excavationMessages,
  createState: (context) => new ExcavationModel(context),
  create: (context, model) => new ExcavationInstance(context, model),
  pageApi: (model) => ({
    excavate: async (polygon: unknown, depth: unknown) => {
      const { pipes, conflicts } = await model.excavate(polygon, depth);
      return { pipes, conflicts };
    },
  }),
  mountPanel: (ui, container, model) => mountExcavationPanel(ui, container, model),
  destroyState: (model) => model.destroy(),
});

class ExcavationInstance implements ToolInstance {
  readonly id = EXCAVATION_TOOL;
  private readonly lines = new PolylineCollection();
  private readonly points = new PointPrimitiveCollection();
  private readonly labels = new LabelCollection();
  private walls: Primitive | undefined;
  private collar: Primitive | undefined;
  private floor: Primitive | undefined;
  private pitPipes: Primitive | undefined;
  /** The cut now applied (the pit it was made for), and the collections this tool gave the globe and each tileset. */
  private cutFor: Pit | undefined;
  /** The ground window this tool opened for it (taken back only if still the store's). */
  private window: GroundWindow | undefined;
  private globeCut: ClippingPolygonCollection | undefined;
  private readonly tilesetCuts = new Map<Cesium3DTileset, ClippingPolygonCollection>();
  private depthTestBefore: boolean | undefined;
  private active = false;
  private pointer: LonLat | undefined;
  private texture: string | undefined;
  private readonly stop: (() => void)[] = [];
  private stopKeys: (() => void) | undefined;
  private readonly undergroundUrls: Set<string>;

  constructor(
    private readonly context: LayerContext,
    private readonly model: ExcavationModel,
  ) {
    for (const collection of [this.lines, this.points, this.labels]) context.scene.primitives.add(collection);
    this.undergroundUrls = new Set(
      context.config.layers.filter((l) => l.kind === 'tileset' && l.underground).map((l) => new URL((l as { url: string }).url, context.baseUrl).href),
    );
    this.stop.push(model.onChange(() => this.draw()));
    // A tileset that loads after the cut (a shared link opens before the tiles) is cut as it arrives.
    const onPreRender = (): void => {
      if (this.cutFor) this.cutTilesets(this.cutFor);
    };
    context.scene.preRender.addEventListener(onPreRender);
    this.stop.push(() => context.scene.preRender.removeEventListener(onPreRender));
    this.stop.push(watchAny(context.store, [(s) => s.underground, (s) => s.layers], () => this.showPitPipes()));
    const onMoveEnd = (): void => {
      if (this.cutFor) this.drawRuler(this.cutFor);
    };
    context.scene.camera.moveEnd.addEventListener(onMoveEnd);
    this.stop.push(() => context.scene.camera.moveEnd.removeEventListener(onMoveEnd));
  }

  activate(): void {
    this.active = true;
    const onKey = (event: KeyboardEvent): void => {
      const target = event.target as HTMLElement | null;
      if (event.key === 'Enter' && target?.tagName !== 'INPUT' && target?.tagName !== 'BUTTON') this.model.finish();
    };
    document.addEventListener('keydown', onKey);
    this.stopKeys = () => document.removeEventListener('keydown', onKey);
    this.draw();
  }

  deactivate(): void {
    this.active = false;
    this.pointer = undefined;
    this.stopKeys?.();
    this.stopKeys = undefined;
    this.model.drawing = [];
    this.draw();
  }

  onPointer(event: ToolPointerEvent): boolean {
    if (event.kind === 'move') {
      if (this.model.drawing.length === 0 || !event.position) return false;
      this.pointer = [event.position.lon, event.position.lat];
      this.drawOutline();
      return true;
    }
    if (event.kind === 'double-click') {
      this.pointer = undefined;
      this.model.finish();
      return true;
    }
    if (!event.position) return true;
    const corner: LonLat = [event.position.lon, event.position.lat];
    const last = this.model.drawing[this.model.drawing.length - 1];
    // The second click of a double-click lands on the first's spot: one corner.
    const scale = metresPerDegree(corner[1]);
    if (last && Math.hypot((last[0] - corner[0]) * scale.lon, (last[1] - corner[1]) * scale.lat) < 0.05) return true;
    this.model.click(corner);
    return true;
  }

  destroy(): void {
    for (const stop of this.stop.splice(0)) stop();
    this.stopKeys?.();
    this.context.store.getState().setEmphasis(EMPHASIS_OWNER, []);
    this.uncut();
    for (const collection of [this.lines, this.points, this.labels]) this.context.scene.primitives.remove(collection);
  }

  private draw(): void {
    const pit = this.active ? this.model.pit : undefined;
    if (pit !== this.cutFor) {
      this.uncut();
      if (pit) this.cut(pit);
    }
    this.drawOutline();
    if (pit) this.drawRuler(pit);
    const { networkLayer, buildingsLayer } = this.context.config.tools ?? {};
    const emphasis: Emphasis[] = [];
    if (pit && networkLayer) {
      const conflicting = new Set(pit.pipes.conflicts.flatMap((c) => [c.a, c.b]));
      emphasis.push(
        { layer: networkLayer, ids: pit.pipes.pipes.map((p) => p.id).filter((id) => !conflicting.has(id)), color: PIT_PIPE_COLOUR },
        { layer: networkLayer, ids: [...conflicting], color: CONFLICT_COLOUR },
      );
    }
    // A building the pit reaches is taken away whole: clipped, it would stand as a hollow shell (its cut faces have no walls).
    if (pit && buildingsLayer && pit.buildings.length > 0) emphasis.push({ layer: buildingsLayer, ids: pit.buildings, hidden: true });
    this.context.store.getState().setEmphasis(EMPHASIS_OWNER, emphasis);
    this.context.requestRender();
  }

  /** The corners clicked so far and the rubber band (the pit's own edge is the cut: nothing is drawn over it). */
  private drawOutline(): void {
    this.lines.removeAll();
    this.points.removeAll();
    const corners = [...this.model.drawing, ...(this.pointer ? [this.pointer] : [])];
    if (this.active && corners.length > 0) {
      for (const [lon, lat] of this.model.drawing)
        this.points.add({
          position: Cartesian3.fromDegrees(lon, lat, 0.5),
          pixelSize: 8,
          color: OUTLINE_COLOUR,
          outlineColor: Color.BLACK,
          outlineWidth: 1.5,
          disableDepthTestDistance: Number.POSITIVE_INFINITY,
        });
      if (corners.length > 1)
        this.lines.add({
          positions: [...corners, ...(corners.length > 2 ? [corners[0]!] : [])].map(([lon, lat]) => Cartesian3.fromDegrees(lon, lat, 0.5)),
          width: 3,
          material: Material.fromType('Color', { color: OUTLINE_COLOUR }),
        });
    }
    this.context.requestRender();
  }

  /** Cuts the globe and the above-ground tilesets at the polygon, and draws the walls and floor. */
  private cut(pit: Pit): void {
    const { scene } = this.context;
    if (!ClippingPolygonCollection.isSupported(scene)) {
      console.warn('excavation: clipping polygons need WebGL 2; the pit is listed but not cut');
      return;
    }
    this.cutFor = pit;
    // A window into the ground, which the ground's vector layers leave open. The network's tiles
    // draw none of their pipes in it: this tool draws the pit's own (below), cut at its outline.
    // Shown by the tiles, each pipe of each tile the window meets was drawn whole and clipped
    // pixel by pixel — 1.85× the frame time without the pit (npm run bench:tools). Other
    // underground layers (a water model switched on) show in it as they are, clipped.
    const { networkLayer } = this.context.config.tools ?? {};
    this.window = { polygon: pit.polygon, features: networkLayer ? { [networkLayer]: [] } : {} };
    this.context.store.getState().setGroundWindow(this.window);
    const widened = offsetRing(pit.polygon, GLOBE_CUT_MARGIN).map(([lon, lat]) => Cartesian3.fromDegrees(lon, lat, 0));
    this.globeCut = new ClippingPolygonCollection({ polygons: [new ClippingPolygon({ positions: widened })] });
    scene.globe.clippingPolygons = this.globeCut;
    // Below the ground the walls must hide behind it (Cesium draws through the globe by default).
    this.depthTestBefore = scene.globe.depthTestAgainstTerrain;
    scene.globe.depthTestAgainstTerrain = true;
    // The camera may go down into the pit (there is no ground there): Cesium's collision with the
    // globe would lift it back above the cut ground, as it does in underground mode.
    scene.screenSpaceCameraController.enableCollisionDetection = false;
    this.cutTilesets(pit);

    this.texture ??= earthTexture().toDataURL();
    const ring = [...pit.polygon, pit.polygon[0]!];
    const perimeter = ring.slice(1).reduce((sum, [lon, lat], i) => {
      const [lon0, lat0] = ring[i]!;
      const scale = metresPerDegree(lat);
      return sum + Math.hypot((lon - lon0) * scale.lon, (lat - lat0) * scale.lat);
    }, 0);
    this.walls = scene.primitives.add(
      new Primitive({
        geometryInstances: new GeometryInstance({
          geometry: new WallGeometry({
            positions: ring.map(([lon, lat]) => Cartesian3.fromDegrees(lon, lat, 0)),
            maximumHeights: ring.map(() => 0),
            minimumHeights: ring.map(() => -pit.depth),
            vertexFormat: MaterialAppearance.MaterialSupport.TEXTURED.vertexFormat,
          }),
        }),
        appearance: new MaterialAppearance({
          // Square texture cells on the wall: as many across its length as it is deep.
          material: Material.fromType('Image', { image: this.texture, repeat: new Cartesian2(Math.max(1, perimeter / pit.depth), 1) }),
          materialSupport: MaterialAppearance.MaterialSupport.TEXTURED,
          faceForward: true,
          closed: false,
        }),
        asynchronous: false,
      }),
    ) as Primitive;
    this.collar = scene.primitives.add(
      new Primitive({
        geometryInstances: new GeometryInstance({
          geometry: new PolygonGeometry({
            polygonHierarchy: new PolygonHierarchy(
              offsetRing(pit.polygon, 2 * GLOBE_CUT_MARGIN).map(([lon, lat]) => Cartesian3.fromDegrees(lon, lat, COLLAR_LIFT)),
              [new PolygonHierarchy(pit.polygon.map(([lon, lat]) => Cartesian3.fromDegrees(lon, lat, COLLAR_LIFT)))],
            ),
            height: COLLAR_LIFT,
            vertexFormat: PerInstanceColorAppearance.FLAT_VERTEX_FORMAT,
          }),
          // In the translucent pass (alpha just under 1): drawn after the opaque roads, water and
          // green space, it stays under them. Opaque, it covered the roads around the pit with a
          // 3 m dark rim (seen at 1280 × 720, 22 m up, pitch −40°), wherever it lay in height.
          attributes: { color: ColorGeometryInstanceAttribute.fromColor(scene.globe.baseColor.withAlpha(0.999)) },
        }),
        appearance: new PerInstanceColorAppearance({ flat: true, translucent: true }),
        asynchronous: false,
      }),
    ) as Primitive;
    this.pitPipes = this.pitPipesPrimitive(pit);
    this.showPitPipes();
    this.floor = scene.primitives.add(
      new Primitive({
        geometryInstances: new GeometryInstance({
          geometry: new PolygonGeometry({
            polygonHierarchy: new PolygonHierarchy(pit.polygon.map(([lon, lat]) => Cartesian3.fromDegrees(lon, lat, -pit.depth))),
            height: -pit.depth,
            vertexFormat: MaterialAppearance.MaterialSupport.BASIC.vertexFormat,
          }),
        }),
        appearance: new MaterialAppearance({
          material: Material.fromType('Color', { color: FLOOR_COLOUR }),
          materialSupport: MaterialAppearance.MaterialSupport.BASIC,
          faceForward: true,
          closed: false,
        }),
        asynchronous: false,
      }),
    ) as Primitive;
  }

  /**
   * The pipes the pit meets, their parts inside it (the planning worker's solids, swept as the
   * tiles sweep them and capped at the pit's outline), in the panel's colours: yellow, red for
   * the pairs closer than GB 50289 allows. Nothing outside the pit is drawn, so nothing is
   * clipped: a pit costs about what its walls do. The list is the worker's — every pipe with
   * its crown above the floor inside the polygon; deeper ones the floor hides anyway.
   */
  private pitPipesPrimitive(pit: Pit): Primitive | undefined {
    const { solids, conflicts } = pit.pipes;
    if (solids.length === 0) return undefined;
    const conflicting = new Set(conflicts.flatMap((c) => [c.a, c.b]));
    const [lon, lat] = pit.polygon[0]!;
    const modelMatrix = Transforms.eastNorthUpToFixedFrame(Cartesian3.fromDegrees(lon, lat, 0));
    const instances = solids
      .filter((solid) => solid.indices.length > 0)
      .map(
        (solid) =>
          new GeometryInstance({
            geometry: new Geometry({
              attributes: {
                position: new GeometryAttribute({
                  componentDatatype: ComponentDatatype.DOUBLE,
                  componentsPerAttribute: 3,
                  values: Float64Array.from(solid.positions),
                }),
                normal: new GeometryAttribute({ componentDatatype: ComponentDatatype.FLOAT, componentsPerAttribute: 3, values: solid.normals }),
              } as unknown as GeometryAttributes,
              indices: solid.indices,
              primitiveType: PrimitiveType.TRIANGLES,
              boundingSphere: BoundingSphere.fromVertices([...solid.positions]),
            }),
            modelMatrix,
            attributes: {
              color: ColorGeometryInstanceAttribute.fromColor(Color.fromCssColorString(conflicting.has(solid.id) ? CONFLICT_COLOUR : PIT_PIPE_COLOUR)),
            },
          }),
      );
    if (instances.length === 0) return undefined;
    return this.context.scene.primitives.add(
      new Primitive({ geometryInstances: instances, appearance: new PerInstanceColorAppearance({ translucent: false }), asynchronous: false }),
    ) as Primitive;
  }

  /** The pit's pipes show above ground while the network layer does; underground its tiles draw them all (emphasised). */
  private showPitPipes(): void {
    if (!this.pitPipes) return;
    const state = this.context.store.getState();
    const { networkLayer } = this.context.config.tools ?? {};
    const definition = this.context.config.layers.find((l) => l.id === networkLayer);
    const visible = networkLayer !== undefined && (state.layers[networkLayer]?.visible ?? definition?.visible ?? true);
    this.pitPipes.show = visible && !state.underground;
    this.context.requestRender();
  }

  private cutTilesets(pit: Pit): void {
    const { primitives } = this.context.scene;
    for (let i = 0; i < primitives.length; i++) {
      const primitive: unknown = primitives.get(i);
      if (!(primitive instanceof Cesium3DTileset) || this.tilesetCuts.has(primitive)) continue;
      if (this.undergroundUrls.has(primitive.resource.url.split('?')[0]!)) continue;
      const collection = new ClippingPolygonCollection({
        polygons: [new ClippingPolygon({ positions: pit.polygon.map(([lon, lat]) => Cartesian3.fromDegrees(lon, lat, 0)) })],
      });
      primitive.clippingPolygons = collection;
      this.tilesetCuts.set(primitive, collection);
    }
  }

  /** Ground and tiles whole again; only what this tool set is taken back (and so destroyed by its owner's setter). */
  private uncut(): void {
    const { scene } = this.context;
    if (this.globeCut && scene.globe.clippingPolygons === this.globeCut) scene.globe.clippingPolygons = undefined as unknown as ClippingPolygonCollection;
    this.globeCut = undefined;
    for (const [tileset, collection] of this.tilesetCuts)
      if (!tileset.isDestroyed() && tileset.clippingPolygons === collection) tileset.clippingPolygons = undefined as unknown as ClippingPolygonCollection;
    this.tilesetCuts.clear();
    if (this.depthTestBefore !== undefined) {
      scene.globe.depthTestAgainstTerrain = this.depthTestBefore;
      scene.screenSpaceCameraController.enableCollisionDetection = !this.context.store.getState().underground;
    }
    this.depthTestBefore = undefined;
    for (const primitive of [this.walls, this.collar, this.floor, this.pitPipes]) if (primitive) scene.primitives.remove(primitive);
    this.walls = this.collar = this.floor = this.pitPipes = undefined;
    this.labels.removeAll();
    if (this.window && this.context.store.getState().groundWindow === this.window) this.context.store.getState().setGroundWindow(null);
    this.window = undefined;
    this.cutFor = undefined;
  }

  /** A ruler down the pit's far corner (as seen): a tick every metre, labels as dense as the view allows. */
  private drawRuler(pit: Pit): void {
    this.labels.removeAll();
    const { scene, store } = this.context;
    // At the corner farthest up the screen: the far wall, where the ruler is seen in the pit rather than hidden by the near rim.
    let [lon, lat] = pit.polygon[0]!;
    let highest = Infinity;
    for (const [cornerLon, cornerLat] of pit.polygon) {
      const y = SceneTransforms.worldToWindowCoordinates(scene, Cartesian3.fromDegrees(cornerLon, cornerLat, 0))?.y ?? Infinity;
      if (y < highest) [highest, lon, lat] = [y, cornerLon, cornerLat];
    }
    const top = SceneTransforms.worldToWindowCoordinates(scene, Cartesian3.fromDegrees(lon, lat, 0));
    const bottom = SceneTransforms.worldToWindowCoordinates(scene, Cartesian3.fromDegrees(lon, lat, -pit.depth));
    const fontPx = store.getState().mode === 'wall' ? 22 : 13;
    const step = depthLabelStep(top && bottom ? Cartesian2.distance(top, bottom) / pit.depth : 0, fontPx * 1.5);
    const line = (from: [number, number, number], to: [number, number, number], width: number): void => {
      this.lines.add({
        positions: [Cartesian3.fromDegrees(...from), Cartesian3.fromDegrees(...to)],
        width,
        material: Material.fromType('Color', { color: RULER_COLOUR }),
      });
    };
    line([lon, lat, 0], [lon, lat, -pit.depth], 3);
    const staff = depthStaff(lon, lat, pit.depth, step, { labelled: 0.8, plain: 0.4, label: 1 });
    for (const tick of staff.ticks) line(tick.from, tick.to, 2);
    for (const label of staff.labels) this.rulerLabel(label.at, label.depth === 0 ? '0 m' : `−${label.depth} m`, fontPx);
    this.context.requestRender();
  }

  private rulerLabel(at: [number, number, number], text: string, fontPx: number): void {
    this.labels.add({
      position: Cartesian3.fromDegrees(...at),
      text,
      font: `${fontPx}px sans-serif`,
      fillColor: Color.WHITE,
      outlineColor: Color.BLACK,
      outlineWidth: 3,
      style: LabelStyle.FILL_AND_OUTLINE,
      horizontalOrigin: HorizontalOrigin.LEFT,
      verticalOrigin: VerticalOrigin.CENTER,
      pixelOffset: new Cartesian2(4, 0),
      disableDepthTestDistance: Number.POSITIVE_INFINITY,
    });
  }
}

/** The result panel: the depth, the prompt or what is wrong, the pipes and conflicts, the exports. */
function mountExcavationPanel(ui: UiContext, container: HTMLElement, model: ExcavationModel): () => void {
  const t = (key: string, params?: Record<string, string | number>): string => ui.t(`excavation.${key}`, params);
  const frame = toolPanel(ui, container, { id: 'excavation-panel', title: t('title') });
  const depthInput = h('input', { attrs: { type: 'number', min: '0.1', max: '50', step: '0.5', 'aria-label': t('depth') } });
  depthInput.addEventListener('change', () => model.setDepth(Number(depthInput.value)));
  const depthRow = h('label', { className: 'tool-choice' }, t('depth'), depthInput);
  const button = (label: string, onClick: () => void): HTMLButtonElement => h('button', { attrs: { type: 'button' }, on: { click: onClick } }, label);

  function render(): void {
    const { pit, error, drawing, busy } = model;
    if (document.activeElement !== depthInput) depthInput.value = String(model.depth);
    const body: HTMLElement[] = [depthRow];
    if (error) body.push(h('p', { className: 'tool-message tool-error', attrs: { role: 'alert' } }, error));
    if (drawing.length > 0) body.push(h('p', { className: 'tool-message tool-hint' }, t('more', { count: drawing.length })));
    else if (busy) body.push(h('p', { className: 'tool-message tool-hint' }, t('loading')));
    else if (pit) {
      const { pipes } = pit;
      const conflicting = new Set(pipes.conflicts.flatMap((c) => [c.a, c.b]));
      body.push(
        h(
          'p',
          { className: 'tool-summary' },
          t('summary', { area: pipes.area.toFixed(1), depth: pit.depth, pipes: pipes.pipes.length, conflicts: pipes.conflicts.length }),
        ),
      );
      if (pit.buildings.length > 0)
        body.push(
          h(
            'p',
            { className: 'tool-buildings', attrs: { 'data-result': 'excavation-buildings' } },
            t('buildings', {
              count: pit.buildings.length,
              ids: pit.buildings.slice(0, MAX_BUILDINGS_NAMED).join(', ') + (pit.buildings.length > MAX_BUILDINGS_NAMED ? ' …' : ''),
            }),
          ),
        );
      if (pipes.pipes.length === 0) body.push(h('p', { className: 'tool-message tool-hint' }, t('none')));
      else
        body.push(
          h(
            'table',
            { className: 'tool-table', attrs: { 'data-result': 'excavation' } },
            h('tr', {}, ...['pipe', 'category', 'size', 'crown', 'invert', 'owner'].map((k) => h('th', {}, t(`column.${k}`)))),
            ...pipes.pipes.map((pipe) =>
              h(
                'tr',
                { className: conflicting.has(pipe.id) ? 'tool-conflict' : '' },
                h('td', {}, pipe.id),
                h(
                  'td',
                  {},
                  `${pipe.category} ${ui.store.getState().language === 'en' ? (pipeCategoryOf(pipe.category)?.nameEn ?? '') : (pipeCategoryOf(pipe.category)?.nameZh ?? '')}`,
                ),
                h(
                  'td',
                  {},
                  pipe.diameter === null
                    ? `${Math.round((pipe.width ?? 0) * 1000)}×${Math.round((pipe.height ?? 0) * 1000)}`
                    : `DN${Math.round(pipe.diameter * 1000)}`,
                  // A gas pipe's pressure class beside its size (GB 50028): what its clearances go by.
                  pipe.gasPressure ? ` ${gasPressureLabel(pipe.gasPressure, ui.store.getState().language)}` : '',
                ),
                h('td', {}, pipe.depthTop.toFixed(2)),
                h('td', {}, pipe.depthBottom.toFixed(2)),
                h('td', {}, pipe.owner ?? ''),
              ),
            ),
          ),
          ...pipes.conflicts.map((c) =>
            h(
              'p',
              { className: 'tool-conflict' },
              t('conflict', { a: c.a, b: c.b, type: t(c.type), actual: c.actual.toFixed(2), required: c.required.toFixed(2) }),
              h('br'),
              h('small', {}, c.rule ?? ''),
            ),
          ),
        );
    } else if (!error) body.push(h('p', { className: 'tool-message tool-hint' }, t('prompt')));
    frame.body.replaceChildren(...body);
    frame.actions.replaceChildren();
    if (pit && !busy)
      frame.actions.append(
        button('GeoJSON', () => saveFile(exportFileName('excavation', 'geojson'), 'application/geo+json', geoJsonText(pitGeoJson(pit)))),
        button('CSV', () => saveFile(exportFileName('excavation', 'csv'), 'text/csv', pitCsv(pit))),
        button(t('clear'), () => model.clear()),
      );
  }
  render();
  const stop = model.onChange(render);
  return () => {
    stop();
    frame.root.remove();
  };
}

/**
 * The ring moved `metres` outward (edges parallel, corners mitred; a miter longer than four
 * times the offset is cut short), in a local plane at the ring's first corner.
 */
export function offsetRing(ring: readonly LonLat[], metres: number): [number, number][] {
  const [lon0, lat0] = ring[0]!;
  const { lon: kx, lat: ky } = metresPerDegree(lat0);
  const xy = ring.map(([lon, lat]) => [(lon - lon0) * kx, (lat - lat0) * ky] as const);
  let twiceArea = 0;
  for (let i = 0, j = xy.length - 1; i < xy.length; j = i++) twiceArea += xy[j]![0] * xy[i]![1] - xy[i]![0] * xy[j]![1];
  // Outward is to the right of a counter-clockwise ring's edges.
  const side = twiceArea > 0 ? 1 : -1;
  const n = xy.length;
  return xy.map(([x, y], i) => {
    const [px, py] = xy[(i + n - 1) % n]!;
    const [qx, qy] = xy[(i + 1) % n]!;
    const normal = (ax: number, ay: number, bx: number, by: number): [number, number] => {
      const length = Math.hypot(bx - ax, by - ay) || 1;
      return [(side * (by - ay)) / length, (-side * (bx - ax)) / length];
    };
    const [n1x, n1y] = normal(px, py, x, y);
    const [n2x, n2y] = normal(x, y, qx, qy);
    let [mx, my] = [n1x + n2x, n1y + n2y];
    const m = Math.hypot(mx, my) || 1;
    [mx, my] = [mx / m, my / m];
    const cos = mx * n1x + my * n1y;
    const reach = Math.min(metres / Math.max(cos, 1e-6), 4 * metres);
    return [lon0 + (x + mx * reach) / kx, lat0 + (y + my * reach) / ky];
  });
}

function pitGeoJson(pit: Pit): object {
  return {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        geometry: { type: 'Polygon', coordinates: [[...pit.polygon, pit.polygon[0]]] },
        properties: {
          depth: pit.depth,
          area: pit.pipes.area,
          pipes: pit.pipes.pipes,
          conflicts: pit.pipes.conflicts,
          buildings: pit.buildings,
          source: pit.pipes.source,
        },
      },
    ],
  };
}

function pitCsv(pit: Pit): string {
  const { pipes } = pit;
  return csvText([
    ['pipe', 'category', 'depth_top_m', 'depth_bottom_m', 'diameter_m', 'width_m', 'height_m', 'material', 'owner', 'gas_pressure', 'length_inside_m'],
    ...pipes.pipes.map((p) => [
      p.id,
      p.category,
      p.depthTop,
      p.depthBottom,
      p.diameter ?? '',
      p.width ?? '',
      p.height ?? '',
      p.material ?? '',
      p.owner ?? '',
      p.gasPressure ?? '',
      p.lengthInside,
    ]),
    [],
    ['conflict', 'pipe_a', 'pipe_b', 'required_m', 'actual_m', 'rule'],
    ...pipes.conflicts.map((c) => [c.type, c.a, c.b, c.required, c.actual, c.rule ?? '']),
    ...(pit.buildings.length ? [[], ['building_taken_away'], ...pit.buildings.map((id) => [id])] : []),
  ]);
}
