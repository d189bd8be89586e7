import {
  ArcType,
  BillboardCollection,
  BlendOption,
  BoxGeometry,
  BoxOutlineGeometry,
  Cartesian2,
  Cartesian3,
  Color,
  DistanceDisplayCondition,
  ColorGeometryInstanceAttribute,
  GeometryInstance,
  HorizontalOrigin,
  LabelCollection,
  Matrix4,
  NearFarScalar,
  PerInstanceColorAppearance,
  PolylineColorAppearance,
  PolylineGeometry,
  Primitive,
  PrimitiveCollection,
  SceneTransforms,
  ShowGeometryInstanceAttribute,
  Transforms,
  VerticalOrigin,
  type Billboard,
  type Label,
} from 'cesium';
import type { ParkingLayerDefinition } from '../../workers/formats/viewerConfig.js';
import type { FeatureDescription, LayerContext, LayerInstance, PickOutcome, ScreenBox } from '../../viewer/src/platform/LayerPlugin.js';
import { viewLookingAt } from '../../viewer/src/platform/viewLookingAt.js';
import { watch, watchAny } from '../../viewer/src/platform/ViewerStore.js';
import { fetchGeoJson, linesOf } from '../ground/groundData.js';
import { declutterLabels, estimateTextWidth, type LabelBox } from '../labels/declutterLabels.js';
import { labelPixelSize } from '../labels/labelPixelSize.js';
import { buildSensorGrid, chooseDetailedCells, type SensorGrid } from '../sensors/sensorGrid.js';
import { kerbLines } from './kerbLines.js';
import type { ParkingModel, ParkingModelChange } from './ParkingModel.js';
import { drawStatusSymbol, occupancyColor, shownStatus, STATUS_STYLES, type ShownStatus } from './parkingStyle.js';
import { floorHeight, FLOOR_THICKNESS, parseFeatureId, slabSide } from './parkingGeometry.js';
import { OUTLINED_LABEL } from '../../viewer/src/platform/mapLabels.js';
import { InstanceAttributes } from './instanceAttributes.js';

/** Cells nearer than this show their sites one by one; farther a cluster marker; groups beyond the second. */
const DETAIL_WITHIN_METRES = 2500;
const GROUP_BEYOND_METRES = 7000;
/** Free counts are labelled within this distance of the camera (street zoom). */
const LABELS_WITHIN_METRES = 1400;
/** Garages' floors are drawn within this distance (a slab is a few pixels beyond). */
const FLOORS_WITHIN_METRES = 4000;
const SYMBOL_PX = 18;
const SYMBOL_SCALE = new NearFarScalar(300, 1.25, 6000, 0.6);
const CLUSTER_HEIGHT = 35;
/** The cluster badge's bottom stands this far (CSS px) above its cell's centre. */
const BADGE_LIFT_PX = 20;

interface SiteSlot {
  siteId: string;
  /** The site's id object (the same for its symbol, kerb line and label: picking reads it). */
  id: { layer: string; siteId: string };
  billboard: Billboard;
  /** The free count, only while it is shown (a label per site would keep 1,354 labels' glyphs). */
  label: Label | undefined;
  /** Its instance in the kerb lines' primitive (berth groups beside a road). */
  kerb: number | undefined;
  position: Cartesian3;
  shown: ShownStatus | undefined;
  freeText: string;
  garage: boolean;
}

/** A garage floor: its instance in the slabs' primitive and its label. */
interface FloorSlot {
  slot: number;
  levelId: string;
  storey: number;
  label: Label;
  /** What the floor shows now (status, count, selected): its colour and label change only when this does. */
  key: string;
}

interface ClusterMarker {
  /** A badge 'P 81%' standing above the cell's centre (the sensors' cluster disc sits on it). */
  badge: Billboard;
  members: number[];
  /** Badge size in CSS px, for the map labels to keep clear of it. */
  width: number;
  height: number;
}

/**
 * Parking sites from the ParkingModel: a status symbol per site (colour and shape), free counts
 * as decluttered labels at street zoom, berth groups as lines along the kerb, garages' floors as
 * stacked slabs coloured by each floor's occupancy (underground ones in underground view), and
 * at district zoom cluster markers with the share occupied. Primitives only (no entities); a
 * change restyles only the sites whose status or count changed.
 */
export class ParkingLayer implements LayerInstance {
  readonly id: string;
  readonly ready: Promise<void>;
  private readonly root = new PrimitiveCollection();
  /** Berth groups' kerb lines: one static primitive, colour and show per line set in place. */
  private kerbs: InstanceAttributes | undefined;
  // Symbols, badges and text have antialiased edges: drawn once, in the translucent pass, instead of in both passes
  // (Cesium's default draws every collection twice; on software GL the layer's cost is in drawing, not in script).
  private readonly labels = new LabelCollection({ blendOption: BlendOption.TRANSLUCENT });
  /** Each drawn floor's id and free/capacity beside its slab. */
  private readonly floorLabels = new LabelCollection({ blendOption: BlendOption.TRANSLUCENT });
  private clusterBadges: BillboardCollection;
  private cellBillboards: BillboardCollection[] = [];
  private slots: SiteSlot[] = [];
  private slotOf = new Map<string, number>();
  private grid: SensorGrid = { cellOf: new Uint32Array(0), cells: [], groupOf: new Uint32Array(0), groups: [] };
  private cellCentres: Float64Array<ArrayBuffer> = new Float64Array(0);
  private groupCentres: Float64Array<ArrayBuffer> = new Float64Array(0);
  private detailed = new Uint8Array(0);
  private groupNear = new Uint8Array(0);
  private cellMarkers: ClusterMarker[] = [];
  private groupMarkers: ClusterMarker[] = [];
  /** Every garage floor's slab: one static primitive, colour and show per floor set in place. */
  private floors: InstanceAttributes | undefined;
  private floorSlots: FloorSlot[] = [];
  private floorOutline: Primitive | undefined;
  private outlineKey = '';
  /** `siteId/levelId` of the floors drawn now. */
  private readonly drawnFloors = new Set<string>();
  /** The cluster badges' screen boxes for the camera they were projected with. */
  private clusterBoxCache: { view: Matrix4; width: number; height: number; version: number; boxes: ScreenBox[] } | undefined;
  private markersVersion = 0;
  /** The slot of the selected site, drawn larger. */
  private selectedSlot: number | undefined;
  private roads: number[][][] = [];
  private siteKey = '';
  private scale = 1;
  private destroyed = false;
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly definition: ParkingLayerDefinition,
    private readonly context: LayerContext,
    private readonly model: ParkingModel,
  ) {
    this.id = definition.id;
    this.clusterBadges = this.root.add(new BillboardCollection({ scene: context.scene, blendOption: BlendOption.TRANSLUCENT })) as BillboardCollection;
    this.root.add(this.labels);
    this.root.add(this.floorLabels);
    context.scene.primitives.add(this.root);
    this.ready = this.load();
  }

  private async load(): Promise<void> {
    const { scene, store } = this.context;
    if (this.definition.roads) {
      try {
        const features = await fetchGeoJson(new URL(this.definition.roads, this.context.baseUrl).href);
        this.roads = features.flatMap((f) => linesOf(f.geometry));
      } catch (error) {
        console.error('parking: roads failed to load (berth groups are drawn as symbols only)', error);
      }
    }
    if (this.destroyed) return;
    this.rebuild();
    const onChange = (change: ParkingModelChange): void => this.onModel(change);
    // While the camera moves, labels are placed again at most every 250 ms (1,354 projections and a
    // declutter each time), and once more where it stops.
    let lastPlaced = 0;
    const onCamera = (): void => {
      const now = performance.now();
      if (now - lastPlaced < 250) return;
      lastPlaced = now;
      this.placeLabels();
    };
    const onMoveEnd = (): void => this.placeLabels();
    const onPreRender = (): void => {
      this.chooseLevels();
      const kerbsChanged = this.kerbs?.flush() ?? false;
      const floorsChanged = this.floors?.flush() ?? false;
      if (kerbsChanged || floorsChanged) this.context.requestRender();
    };
    scene.camera.changed.addEventListener(onCamera);
    scene.camera.moveEnd.addEventListener(onMoveEnd);
    scene.preRender.addEventListener(onPreRender);
    this.stops.push(
      this.model.subscribe(onChange),
      () => scene.camera.changed.removeEventListener(onCamera),
      () => scene.camera.moveEnd.removeEventListener(onMoveEnd),
      () => scene.preRender.removeEventListener(onPreRender),
      watchAny(store, [(s) => s.layers[this.id], (s) => s.underground, (s) => s.selection], () => this.applyVisibility()),
      watchAny(store, [(s) => s.mode, (s) => s.language], () => this.applyScale()),
      watch(
        store,
        (s) => s.selection,
        () => {
          this.markSelected();
          this.drawFloors();
        },
      ),
      this.context.obstacles.add(() => (this.root.show ? this.clusterBoxes() : [])),
    );
    this.applyScale();
    this.applyVisibility();
  }

  private onModel(change: ParkingModelChange): void {
    if (change.kind === 'replaced') {
      const key = this.model
        .sites()
        .map((s) => s.id)
        .join(',');
      if (key !== this.siteKey) return this.rebuild();
      this.restyle(undefined);
    } else this.restyle(change.kind === 'updated' ? change.siteIds : undefined);
  }

  /** Every site's primitives from the model's sites (the first load, or a different set of sites). */
  private rebuild(): void {
    for (const cell of this.cellBillboards) this.root.remove(cell);
    if (this.kerbs) this.root.remove(this.kerbs.primitive);
    if (this.floors) this.root.remove(this.floors.primitive);
    this.kerbs = undefined;
    this.floors = undefined;
    this.labels.removeAll();
    this.floorLabels.removeAll();
    this.clusterBadges.removeAll();
    this.drawnFloors.clear();
    const sites = this.model.sites();
    this.siteKey = sites.map((s) => s.id).join(',');
    this.grid = buildSensorGrid(
      sites.map((s) => s.lon),
      sites.map((s) => s.lat),
      sites.length,
    );
    this.cellBillboards = this.grid.cells.map(() => {
      const collection = this.root.add(new BillboardCollection({ scene: this.context.scene, blendOption: BlendOption.TRANSLUCENT })) as BillboardCollection;
      collection.show = false;
      return collection;
    });
    const onStreet = sites.map((s, i) => ({ s, i })).filter(({ s }) => s.kind === 'onStreet');
    const kerb = kerbLines(
      this.roads,
      onStreet.map(({ s }) => s),
    );
    const kerbOf = new Map(onStreet.map(({ i }, k) => [i, kerb[k]]));
    const kerbInstances: GeometryInstance[] = [];
    const kerbIds: object[] = [];
    this.slotOf = new Map();
    this.slots = sites.map((site, i) => {
      const garage = site.levels.length > 1 || site.kind === 'multiStorey' || site.kind === 'underground';
      const top = Math.max(0, ...site.levels.map((l) => l.storey));
      const position = Cartesian3.fromDegrees(site.lon, site.lat, garage ? floorHeight(top) + 8 : 4);
      const id = { layer: 'parking', siteId: site.id };
      const line = kerbOf.get(i);
      this.slotOf.set(site.id, i);
      let kerbIndex: number | undefined;
      if (line) {
        kerbIndex = kerbInstances.length;
        kerbIds.push(id);
        kerbInstances.push(
          new GeometryInstance({
            geometry: new PolylineGeometry({
              positions: Cartesian3.fromDegreesArrayHeights([line.from[0], line.from[1], 1.2, line.to[0], line.to[1], 1.2]),
              width: 5,
              arcType: ArcType.NONE,
              vertexFormat: PolylineColorAppearance.VERTEX_FORMAT,
            }),
            id,
            attributes: { color: ColorGeometryInstanceAttribute.fromColor(Color.GRAY), show: new ShowGeometryInstanceAttribute(false) },
          }),
        );
      }
      return {
        siteId: site.id,
        id,
        garage,
        position,
        shown: undefined,
        freeText: '',
        billboard: this.cellBillboards[this.grid.cellOf[i]!]!.add({
          id,
          position,
          scaleByDistance: SYMBOL_SCALE,
          disableDepthTestDistance: Number.POSITIVE_INFINITY,
        }),
        label: undefined,
        kerb: kerbIndex,
      };
    });
    if (kerbInstances.length)
      this.kerbs = new InstanceAttributes(
        this.root.add(
          new Primitive({ geometryInstances: kerbInstances, appearance: new PolylineColorAppearance({ translucent: false }), asynchronous: false }),
        ) as Primitive,
        kerbIds,
        false,
      );
    this.buildFloors(sites);
    this.cellCentres = centresOf(this.grid.cells, CLUSTER_HEIGHT);
    this.groupCentres = centresOf(this.grid.groups, CLUSTER_HEIGHT);
    this.detailed = new Uint8Array(this.grid.cells.length);
    this.groupNear = new Uint8Array(this.grid.groups.length);
    this.cellMarkers = this.grid.cells.map((cell, c) => this.addMarker(cell, { layer: 'parking-cluster', cell: c }));
    this.groupMarkers = this.grid.groups.map((group, g) => this.addMarker(group, { layer: 'parking-cluster', group: g }));
    this.selectedSlot = undefined;
    this.restyle(undefined);
    this.chooseLevels(true);
    this.markSelected();
    this.applyVisibility();
  }

  /**
   * Every garage floor as a slab in one static primitive (an instance per floor, hidden until
   * drawFloors shows it) and a label beside each — built once per set of sites, restyled in place.
   */
  private buildFloors(sites: readonly { id: string; lon: number; lat: number; levels: readonly { id: string; storey: number; capacity: number }[] }[]): void {
    const instances: GeometryInstance[] = [];
    const ids: object[] = [];
    this.floorSlots = [];
    sites.forEach((site, i) => {
      if (!this.slots[i]!.garage) return;
      for (const level of site.levels) {
        const side = slabSide(level.capacity);
        const id = { layer: 'parking-floor', siteId: site.id, levelId: level.id };
        ids.push(id);
        instances.push(
          new GeometryInstance({
            geometry: BoxGeometry.fromDimensions({
              dimensions: new Cartesian3(side, side, FLOOR_THICKNESS),
              vertexFormat: PerInstanceColorAppearance.VERTEX_FORMAT,
            }),
            modelMatrix: Transforms.eastNorthUpToFixedFrame(Cartesian3.fromDegrees(site.lon, site.lat, floorHeight(level.storey))),
            id,
            attributes: { color: ColorGeometryInstanceAttribute.fromColor(Color.GRAY), show: new ShowGeometryInstanceAttribute(false) },
          }),
        );
        this.floorSlots.push({
          slot: i,
          levelId: level.id,
          storey: level.storey,
          key: '',
          // At the slab's east edge, so the stack reads floor by floor.
          label: this.floorLabels.add({
            position: Cartesian3.fromDegrees(site.lon + (side / 2 + 2) / (111_320 * Math.cos((site.lat * Math.PI) / 180)), site.lat, floorHeight(level.storey)),
            text: '',
            fillColor: Color.WHITE,
            ...OUTLINED_LABEL,
            horizontalOrigin: HorizontalOrigin.LEFT,
            verticalOrigin: VerticalOrigin.CENTER,
            distanceDisplayCondition: new DistanceDisplayCondition(0, 1200),
            show: false,
          }),
        });
      }
    });
    if (instances.length)
      this.floors = new InstanceAttributes(
        this.root.add(
          new Primitive({ geometryInstances: instances, appearance: new PerInstanceColorAppearance({ translucent: true, closed: true }), asynchronous: false }),
        ) as Primitive,
        ids,
        false,
      );
  }

  private addMarker(cell: { lon: number; lat: number; members: number[] }, id: object): ClusterMarker {
    const position = Cartesian3.fromDegrees(cell.lon, cell.lat, CLUSTER_HEIGHT);
    return {
      members: cell.members,
      width: 0,
      height: 0,
      badge: this.clusterBadges.add({
        id,
        position,
        verticalOrigin: VerticalOrigin.BOTTOM,
        disableDepthTestDistance: Number.POSITIVE_INFINITY,
        show: false,
      }),
    };
  }

  /** Restyles the given sites (all when undefined): only a changed status or count touches a primitive. */
  private restyle(siteIds: readonly string[] | undefined): void {
    const indices = siteIds ? siteIds.flatMap((id) => this.slotOf.get(id) ?? []) : this.slots.map((_, i) => i);
    const changedCells = new Set<number>();
    let visible = false;
    for (const i of indices) {
      const slot = this.slots[i]!;
      const view = this.model.statusOf(slot.siteId);
      if (!view) continue;
      const shown = shownStatus(view.status, view.outdated);
      const freeText = shown === 'closed' || view.availableSpotNumber === null ? '' : String(view.availableSpotNumber);
      if (shown === slot.shown && freeText === slot.freeText) continue;
      if (shown !== slot.shown) {
        slot.shown = shown;
        slot.billboard.setImage(`parking-${shown}-${this.scale}`, () => drawStatusSymbol(shown, SYMBOL_PX * this.scale, window.devicePixelRatio || 1));
        slot.billboard.width = SYMBOL_PX * this.scale;
        slot.billboard.height = SYMBOL_PX * this.scale;
        if (slot.kerb !== undefined) this.kerbs?.set(slot.kerb, this.kerbs.shown(slot.kerb), this.statusColor(shown));
      }
      if (freeText !== slot.freeText) {
        slot.freeText = freeText;
        if (slot.label) slot.label.text = freeText;
      }
      const cell = this.grid.cellOf[i]!;
      changedCells.add(cell);
      // On screen only as a symbol in a detailed cell or inside a shown cluster badge: a change
      // anywhere else asks for no new frame.
      visible ||= this.detailed[cell] === 1 || this.cellMarkers[cell]?.badge.show === true || this.groupMarkers[this.grid.groupOf[cell]!]?.badge.show === true;
    }
    if (changedCells.size === 0) return;
    this.styleClusters(siteIds ? changedCells : undefined);
    this.drawFloors();
    if (siteIds && !visible) return;
    this.placeLabels();
    this.context.requestRender();
  }

  private readonly statusColors = new Map<ShownStatus, Color>();

  private statusColor(shown: ShownStatus): Color {
    let color = this.statusColors.get(shown);
    if (!color) this.statusColors.set(shown, (color = Color.fromCssColorString(STATUS_STYLES[shown].color)));
    return color;
  }

  /**
   * Cluster markers — of the given cells and their groups, all when undefined: the share occupied
   * of the sites with a current count, coloured by it, sized by capacity.
   */
  private styleClusters(cells?: ReadonlySet<number>): void {
    const markers = cells
      ? [...[...cells].map((c) => this.cellMarkers[c]!), ...[...new Set([...cells].map((c) => this.grid.groupOf[c]!))].map((g) => this.groupMarkers[g]!)]
      : [...this.cellMarkers, ...this.groupMarkers];
    this.markersVersion++;
    for (const marker of markers) {
      let capacity = 0;
      let free = 0;
      for (const i of marker.members) {
        const site = this.model.site(this.slots[i]!.siteId);
        const view = this.model.statusOf(this.slots[i]!.siteId);
        if (!site) continue;
        if (!view || view.availableSpotNumber === null || view.status === 'closed') continue;
        capacity += site.capacity;
        free += view.availableSpotNumber;
      }
      const occupancy = capacity > 0 ? 1 - free / capacity : null;
      // Numbers only on the map (nothing from the data): the share occupied.
      const text = occupancy === null ? 'P ?' : `P ${Math.round(occupancy * 100)}%`;
      const color = occupancyColor(occupancy);
      const fontPx = Math.round(12 * this.scale);
      marker.width = Math.ceil(estimateTextWidth(text, fontPx) + 12 * this.scale);
      marker.height = Math.ceil(fontPx * 1.6);
      const { width, height } = marker;
      marker.badge.setImage(`parking-badge-${color}-${text}-${this.scale}`, () => drawBadge(text, color, width, height, fontPx, window.devicePixelRatio || 1));
      marker.badge.width = width;
      marker.badge.height = height;
      // Above the cell's centre, clear of the sensors' cluster disc there.
      marker.badge.pixelOffset = new Cartesian2(0, -BADGE_LIFT_PX * this.scale);
    }
  }

  /** Level of detail per cell by the camera's distance (per rendered frame; acts only when a level changes). */
  private chooseLevels(force = false): void {
    const camera = this.context.scene.camera.positionWC;
    const groups = chooseDetailedCells(this.groupCentres, camera, GROUP_BEYOND_METRES, this.groupNear);
    const cells = chooseDetailedCells(this.cellCentres, camera, DETAIL_WITHIN_METRES, this.detailed);
    if (!groups && !cells && !force) return;
    const levelOf = (c: number): 'sites' | 'cell' | 'group' => (!this.groupNear[this.grid.groupOf[c]!] ? 'group' : this.detailed[c] ? 'sites' : 'cell');
    this.cellBillboards.forEach((collection, c) => (collection.show = levelOf(c) === 'sites'));
    this.cellMarkers.forEach((marker, c) => (marker.badge.show = levelOf(c) === 'cell'));
    this.groupMarkers.forEach((marker, g) => (marker.badge.show = this.groupNear[g] === 0));
    this.markersVersion++;
    const kerbs = this.kerbs;
    if (kerbs) this.slots.forEach((slot, i) => slot.kerb !== undefined && kerbs.set(slot.kerb, levelOf(this.grid.cellOf[i]!) === 'sites'));
    this.drawFloors();
    this.context.obstacles.changed();
    this.placeLabels();
  }

  /**
   * Free counts at street zoom, decluttered against each other and the map's markers. Only the
   * candidates (a count, a detailed cell, near the camera) are projected, and only the shown ones
   * have a label.
   */
  private placeLabels(): void {
    const { scene } = this.context;
    if (!this.root.show) return;
    const canvas = scene.canvas;
    const camera = scene.camera.positionWC;
    const px = Math.round(13 * this.scale);
    const scratch = new Cartesian2();
    const candidates: number[] = [];
    const boxes: LabelBox[] = [];
    this.slots.forEach((slot, i) => {
      if (!slot.freeText || !this.detailed[this.grid.cellOf[i]!] || Cartesian3.distance(camera, slot.position) > LABELS_WITHIN_METRES) return;
      const at = SceneTransforms.worldToWindowCoordinates(scene, slot.position, scratch);
      if (!at || at.x < 0 || at.y < 0 || at.x > canvas.clientWidth || at.y > canvas.clientHeight - 3 * px) return;
      const width = estimateTextWidth(slot.freeText, px);
      const symbol = SYMBOL_PX * this.scale * 0.6;
      candidates.push(i);
      boxes.push({ x: at.x + symbol + width / 2, y: at.y, width, height: px * 1.2, priority: i === this.selectedSlot ? 10 : slot.garage ? 2 : 1 });
    });
    const obstacles = this.clusterBoxes().map((box) => ({ ...box, priority: Number.POSITIVE_INFINITY }));
    const shown = declutterLabels([...obstacles, ...boxes], 3);
    const wanted = new Set(candidates.filter((_, k) => shown[obstacles.length + k]));
    this.slots.forEach((slot, i) => {
      if (wanted.has(i)) slot.label ??= this.addFreeLabel(slot);
      else if (slot.label) {
        this.labels.remove(slot.label);
        slot.label = undefined;
      }
    });
    this.context.requestRender();
  }

  private addFreeLabel(slot: SiteSlot): Label {
    return this.labels.add({
      id: slot.id,
      position: slot.position,
      text: slot.freeText,
      font: `700 ${Math.round(13 * this.scale)}px sans-serif`,
      pixelOffset: new Cartesian2(SYMBOL_PX * this.scale * 0.6 + 2, 0),
      fillColor: Color.WHITE,
      ...OUTLINED_LABEL,
      horizontalOrigin: HorizontalOrigin.LEFT,
      verticalOrigin: VerticalOrigin.CENTER,
    });
  }

  /** The shown cluster badges' screen boxes, projected once per camera view (the map labels ask too). */
  private clusterBoxes(): ScreenBox[] {
    const { scene } = this.context;
    const cache = this.clusterBoxCache;
    const width = scene.canvas.clientWidth;
    const height = scene.canvas.clientHeight;
    if (
      cache &&
      cache.version === this.markersVersion &&
      cache.width === width &&
      cache.height === height &&
      Matrix4.equals(cache.view, scene.camera.viewMatrix)
    )
      return cache.boxes;
    const boxes: ScreenBox[] = [];
    const scratch = new Cartesian2();
    for (const marker of [...this.cellMarkers, ...this.groupMarkers]) {
      if (!marker.badge.show) continue;
      const at = SceneTransforms.worldToWindowCoordinates(scene, marker.badge.position, scratch);
      if (at) boxes.push({ x: at.x, y: at.y - BADGE_LIFT_PX * this.scale - marker.height / 2, width: marker.width, height: marker.height });
    }
    this.clusterBoxCache = { view: Matrix4.clone(scene.camera.viewMatrix), width, height, version: this.markersVersion, boxes };
    return boxes;
  }

  /**
   * Garages' floors (slabs in one static primitive, coloured by each floor's status) shown for
   * detailed cells near the camera, underground floors only in underground view; a floor's colour
   * and label change only when its status, count or selection does. The selected floor's outline
   * is its own small primitive, rebuilt when the selection moves.
   */
  private drawFloors(): void {
    const { store, scene } = this.context;
    const state = store.getState();
    const camera = scene.camera.positionWC;
    const selected = state.selection?.tileset === this.id ? parseFeatureId(state.selection.id) : undefined;
    const floors = this.floors;
    let outline: { siteId: string; levelId: string; lon: number; lat: number; storey: number; capacity: number } | undefined;
    let changed = false;
    this.drawnFloors.clear();
    this.floorSlots.forEach((floorSlot, f) => {
      const slot = this.slots[floorSlot.slot]!;
      const near = this.detailed[this.grid.cellOf[floorSlot.slot]!] === 1 && Cartesian3.distance(camera, slot.position) <= FLOORS_WITHIN_METRES;
      const show = near && (floorSlot.storey >= 0 || state.underground);
      const site = show ? this.model.site(slot.siteId) : undefined;
      const level = site?.levels.find((l) => l.id === floorSlot.levelId);
      if (!site || !level) {
        changed = (floors?.set(f, false) ?? false) || changed;
        floorSlot.label.show = false;
        return;
      }
      this.drawnFloors.add(`${site.id}/${level.id}`);
      const floor = this.model.levelStatusOf(site.id, level.id);
      const shown = floor ? shownStatus(floor.status, floor.outdated) : 'outdated';
      const isSelected = selected?.siteId === site.id && selected.levelId === level.id;
      if (isSelected) outline = { siteId: site.id, levelId: level.id, lon: site.lon, lat: site.lat, storey: level.storey, capacity: level.capacity };
      const text = `${level.id}  ${floor?.availableSpotNumber ?? '–'}/${level.capacity}`;
      const key = `${shown}:${text}${isSelected ? '*' : ''}:${this.scale}`;
      if (key !== floorSlot.key) {
        floorSlot.key = key;
        floorSlot.label.text = text;
        floorSlot.label.font = `${isSelected ? 700 : 600} ${Math.round(12 * this.scale)}px sans-serif`;
        floorSlot.label.fillColor = isSelected ? Color.YELLOW : Color.WHITE;
        changed = (floors?.set(f, true, this.statusColor(shown).withAlpha(0.88)) ?? false) || changed;
      } else changed = (floors?.set(f, true) ?? false) || changed;
      if (!floorSlot.label.show) {
        floorSlot.label.show = true;
        changed = true;
      }
    });
    const outlineKey = outline ? `${outline.siteId}/${outline.levelId}` : '';
    if (outlineKey !== this.outlineKey) {
      this.outlineKey = outlineKey;
      if (this.floorOutline) this.root.remove(this.floorOutline);
      this.floorOutline = outline
        ? (this.root.add(
            new Primitive({
              geometryInstances: new GeometryInstance({
                geometry: BoxOutlineGeometry.fromDimensions({
                  dimensions: new Cartesian3(slabSide(outline.capacity) + 2, slabSide(outline.capacity) + 2, FLOOR_THICKNESS + 1),
                }),
                modelMatrix: Transforms.eastNorthUpToFixedFrame(Cartesian3.fromDegrees(outline.lon, outline.lat, floorHeight(outline.storey))),
                attributes: { color: ColorGeometryInstanceAttribute.fromColor(Color.WHITE) },
              }),
              appearance: new PerInstanceColorAppearance({ flat: true, translucent: false, renderState: { lineWidth: 1 } }),
              asynchronous: false,
            }),
          ) as Primitive)
        : undefined;
      changed = true;
    }
    if (changed) this.context.requestRender();
  }

  /** The selected site's (or floor's garage's) symbol stands larger, and its free count always shows. */
  private markSelected(): void {
    const selection = this.context.store.getState().selection;
    const siteId = selection?.tileset === this.id ? parseFeatureId(selection.id).siteId : undefined;
    const index = siteId === undefined ? undefined : this.slotOf.get(siteId);
    if (this.selectedSlot !== undefined && this.selectedSlot !== index) this.slots[this.selectedSlot]!.billboard.scale = 1;
    this.selectedSlot = index;
    if (index !== undefined) this.slots[index]!.billboard.scale = 1.6;
    this.placeLabels();
  }

  private applyVisibility(): void {
    this.root.show = this.context.store.getState().layers[this.id]?.visible ?? this.definition.visible;
    this.drawFloors();
    this.placeLabels();
    this.context.requestRender();
  }

  /** Wall symbols and type grow with the screen, as the map labels do. */
  private applyScale(): void {
    const canvas = this.context.scene.canvas;
    const scale = labelPixelSize(this.context.store.getState().mode, canvas.clientWidth, canvas.clientHeight) / 14;
    if (scale !== this.scale) {
      this.scale = scale;
      for (const slot of this.slots) slot.shown = undefined; // new symbol images at the new size
      this.restyle(undefined);
    }
    for (const { label } of this.slots) {
      if (!label) continue;
      label.font = `700 ${Math.round(13 * scale)}px sans-serif`;
      label.pixelOffset = new Cartesian2(SYMBOL_PX * scale * 0.6 + 2, 0);
    }
    this.styleClusters();
    this.placeLabels();
  }

  pick(picked: unknown): PickOutcome | undefined {
    const id = (picked as { id?: { layer?: string; siteId?: string; levelId?: string; cell?: number; group?: number } } | undefined)?.id;
    if (id?.layer === 'parking-cluster') {
      const cell = id.cell !== undefined ? this.grid.cells[id.cell] : id.group !== undefined ? this.grid.groups[id.group] : undefined;
      return cell ? { flyTo: viewLookingAt(cell.lon, cell.lat, 0, id.group !== undefined ? 4000 : 1200, -50) } : undefined;
    }
    if ((id?.layer !== 'parking' && id?.layer !== 'parking-floor') || !id.siteId) return undefined;
    const featureId = id.levelId ? `${id.siteId}/${id.levelId}` : id.siteId;
    const properties = this.propertiesOf(featureId);
    return properties ? { select: { tileset: this.id, id: featureId }, properties } : undefined;
  }

  describe(featureId: string): Promise<FeatureDescription | null> {
    const properties = this.propertiesOf(featureId);
    return Promise.resolve(properties ? { properties, nameField: 'name' } : null);
  }

  /** A site's or a floor's fields for the info panel (the plugin's detail adds the floors and the notes). */
  propertiesOf(featureId: string): FeatureDescription['properties'] | undefined {
    const { siteId, levelId } = parseFeatureId(featureId);
    const site = this.model.site(siteId);
    if (!site) return undefined;
    const view = this.model.view(siteId)!;
    const level = levelId ? site.levels.find((l) => l.id === levelId) : undefined;
    if (levelId && !level) return undefined;
    const floor = level ? view.levels.find((l) => l.levelId === level.id)! : undefined;
    return {
      name: site.name,
      ...(floor ? { parkingFloor: floor.name, storey: floor.storey } : {}),
      parkingKind: site.kind,
      parkingStatus: shownStatus(floor?.status ?? view.status, view.outdated),
      available: floor ? floor.available : view.available,
      capacity: floor ? floor.capacity : view.capacity,
      observedAt: view.observedAt === null ? null : new Date(view.observedAt).toISOString(),
      outdated: view.outdated,
    };
  }

  /**
   * Where on screen (CSS px) a click would pick a floor: the first point of a 5 × 5 grid over its
   * top face whose frontmost object is that floor (a building or pipe may stand in front of the
   * rest); null when none is, or the floor is not drawn.
   */
  floorOnScreen(siteId: string, levelId: string): { x: number; y: number } | null {
    const site = this.model.site(siteId);
    const level = site?.levels.find((l) => l.id === levelId);
    if (!site || !level || !this.drawnFloors.has(`${siteId}/${levelId}`)) return null;
    const { scene } = this.context;
    const half = slabSide(level.capacity) / 2 - 4;
    const metresEast = 111_320 * Math.cos((site.lat * Math.PI) / 180);
    for (let i = 0; i < 5; i++)
      for (let j = 0; j < 5; j++) {
        const east = (-half + (i * half) / 2) / metresEast;
        const north = (-half + (j * half) / 2) / 111_320;
        const top = Cartesian3.fromDegrees(site.lon + east, site.lat + north, floorHeight(level.storey) + FLOOR_THICKNESS / 2);
        const at = SceneTransforms.worldToWindowCoordinates(scene, top, new Cartesian2());
        if (!at) continue;
        const id = (scene.pick(at) as { id?: { layer?: string; siteId?: string; levelId?: string } } | undefined)?.id;
        if (id?.layer === 'parking-floor' && id.siteId === siteId && id.levelId === levelId) return { x: at.x, y: at.y };
      }
    return null;
  }

  destroy(): void {
    this.destroyed = true;
    for (const stop of this.stops.splice(0)) stop();
    this.context.scene.primitives.remove(this.root);
  }
}

function centresOf(cells: readonly { lon: number; lat: number }[], height: number): Float64Array<ArrayBuffer> {
  const centres = new Float64Array(cells.length * 3);
  cells.forEach((cell, c) => {
    const p = Cartesian3.fromDegrees(cell.lon, cell.lat, height);
    centres.set([p.x, p.y, p.z], c * 3);
  });
  return centres;
}

/** A cluster badge: a rounded box in the occupancy's colour with the text on it, `width`×`height` CSS px. */
function drawBadge(text: string, color: string, width: number, height: number, fontPx: number, pixelRatio: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * pixelRatio);
  canvas.height = Math.round(height * pixelRatio);
  const g = canvas.getContext('2d')!;
  g.scale(pixelRatio, pixelRatio);
  const r = height / 2 - 1;
  g.beginPath();
  g.roundRect(1, 1, width - 2, height - 2, r);
  g.fillStyle = color;
  g.fill();
  g.lineWidth = 2;
  g.strokeStyle = '#0b1220';
  g.stroke();
  g.fillStyle = color === STATUS_STYLES.almostFull.color ? '#1a1a1a' : '#ffffff';
  g.font = `700 ${fontPx}px sans-serif`;
  g.textAlign = 'center';
  g.textBaseline = 'middle';
  g.fillText(text, width / 2, height / 2 + 0.5);
  return canvas;
}
