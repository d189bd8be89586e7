import {
  BillboardCollection,
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
  Material,
  NearFarScalar,
  PerInstanceColorAppearance,
  PolylineCollection,
  Primitive,
  PrimitiveCollection,
  SceneTransforms,
  Transforms,
  VerticalOrigin,
  type Billboard,
  type Label,
  type Polyline,
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
  billboard: Billboard;
  label: Label;
  kerb: Polyline | undefined;
  position: Cartesian3;
  shown: ShownStatus | undefined;
  freeText: string;
  garage: boolean;
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
  private readonly kerbs = new PolylineCollection();
  private readonly labels = new LabelCollection();
  /** Each drawn floor's id and free/capacity beside its slab. */
  private readonly floorLabels = new LabelCollection();
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
  private floors: Primitive | undefined;
  private floorOutline: Primitive | undefined;
  private floorsKey = '';
  /** The slot of the selected site, drawn larger. */
  private selectedSlot: number | undefined;
  private roads: number[][][] = [];
  private siteKey = '';
  private scale = 1;
  private destroyed = false;
  private readonly kerbMaterials = new Map<ShownStatus, Material>();
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly definition: ParkingLayerDefinition,
    private readonly context: LayerContext,
    private readonly model: ParkingModel,
  ) {
    this.id = definition.id;
    this.root.add(this.kerbs);
    this.clusterBadges = this.root.add(new BillboardCollection({ scene: context.scene })) as BillboardCollection;
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
    const onPreRender = (): void => this.chooseLevels();
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
    this.kerbs.removeAll();
    this.labels.removeAll();
    this.clusterBadges.removeAll();
    const sites = this.model.sites();
    this.siteKey = sites.map((s) => s.id).join(',');
    this.grid = buildSensorGrid(
      sites.map((s) => s.lon),
      sites.map((s) => s.lat),
      sites.length,
    );
    this.cellBillboards = this.grid.cells.map(() => {
      const collection = this.root.add(new BillboardCollection({ scene: this.context.scene })) as BillboardCollection;
      collection.show = false;
      return collection;
    });
    const onStreet = sites.map((s, i) => ({ s, i })).filter(({ s }) => s.kind === 'onStreet');
    const kerb = kerbLines(
      this.roads,
      onStreet.map(({ s }) => s),
    );
    const kerbOf = new Map(onStreet.map(({ i }, k) => [i, kerb[k]]));
    this.slotOf = new Map();
    this.slots = sites.map((site, i) => {
      const garage = site.levels.length > 1 || site.kind === 'multiStorey' || site.kind === 'underground';
      const top = Math.max(0, ...site.levels.map((l) => l.storey));
      const position = Cartesian3.fromDegrees(site.lon, site.lat, garage ? floorHeight(top) + 8 : 4);
      const id = { layer: 'parking', siteId: site.id };
      const line = kerbOf.get(i);
      this.slotOf.set(site.id, i);
      return {
        siteId: site.id,
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
        label: this.labels.add({
          id,
          position,
          text: '',
          font: `700 ${Math.round(13 * this.scale)}px sans-serif`,
          pixelOffset: new Cartesian2(SYMBOL_PX * this.scale * 0.6 + 2, 0),
          fillColor: Color.WHITE,
          ...OUTLINED_LABEL,
          horizontalOrigin: HorizontalOrigin.LEFT,
          verticalOrigin: VerticalOrigin.CENTER,
          show: false,
        }),
        kerb: line
          ? this.kerbs.add({
              id,
              positions: Cartesian3.fromDegreesArrayHeights([line.from[0], line.from[1], 1.2, line.to[0], line.to[1], 1.2]),
              width: 5,
            })
          : undefined,
      };
    });
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
    let changed = false;
    for (const i of indices) {
      const slot = this.slots[i]!;
      const view = this.model.statusOf(slot.siteId);
      if (!view) continue;
      const shown = shownStatus(view.status, view.outdated);
      const freeText = shown === 'closed' || view.availableSpotNumber === null ? '' : String(view.availableSpotNumber);
      if (shown !== slot.shown) {
        slot.shown = shown;
        slot.billboard.setImage(`parking-${shown}-${this.scale}`, () => drawStatusSymbol(shown, SYMBOL_PX * this.scale, window.devicePixelRatio || 1));
        slot.billboard.width = SYMBOL_PX * this.scale;
        slot.billboard.height = SYMBOL_PX * this.scale;
        if (slot.kerb) slot.kerb.material = this.kerbMaterial(shown);
        changed = true;
      }
      if (freeText !== slot.freeText) {
        slot.freeText = freeText;
        slot.label.text = freeText;
        changed = true;
      }
    }
    if (!changed) return;
    this.styleClusters();
    this.drawFloors();
    this.placeLabels();
    this.context.requestRender();
  }

  private kerbMaterial(shown: ShownStatus): Material {
    let material = this.kerbMaterials.get(shown);
    if (!material) {
      material = Material.fromType('Color', { color: Color.fromCssColorString(STATUS_STYLES[shown].color) });
      this.kerbMaterials.set(shown, material);
    }
    return material;
  }

  /** Cluster markers: the share occupied of the sites with a current count, coloured by it, sized by capacity. */
  private styleClusters(): void {
    for (const marker of [...this.cellMarkers, ...this.groupMarkers]) {
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
    this.slots.forEach((slot, i) => slot.kerb && (slot.kerb.show = levelOf(this.grid.cellOf[i]!) === 'sites'));
    this.drawFloors();
    this.context.obstacles.changed();
    this.placeLabels();
  }

  /** Free counts at street zoom, decluttered against each other and the map's markers. */
  private placeLabels(): void {
    const { scene } = this.context;
    if (!this.root.show) return;
    const canvas = scene.canvas;
    const camera = scene.camera.positionWC;
    const px = Math.round(13 * this.scale);
    const scratch = new Cartesian2();
    const boxes: (LabelBox | undefined)[] = this.slots.map((slot, i) => {
      if (!slot.freeText || !this.detailed[this.grid.cellOf[i]!] || Cartesian3.distance(camera, slot.position) > LABELS_WITHIN_METRES) return undefined;
      const at = SceneTransforms.worldToWindowCoordinates(scene, slot.position, scratch);
      if (!at || at.x < 0 || at.y < 0 || at.x > canvas.clientWidth || at.y > canvas.clientHeight - 3 * px) return undefined;
      const width = estimateTextWidth(slot.freeText, px);
      const symbol = SYMBOL_PX * this.scale * 0.6;
      return { x: at.x + symbol + width / 2, y: at.y, width, height: px * 1.2, priority: i === this.selectedSlot ? 10 : slot.garage ? 2 : 1 };
    });
    const obstacles = this.clusterBoxes().map((box) => ({ ...box, priority: Number.POSITIVE_INFINITY }));
    const shown = declutterLabels([...obstacles, ...boxes], 3);
    this.slots.forEach((slot, i) => (slot.label.show = shown[obstacles.length + i]!));
    this.context.requestRender();
  }

  private clusterBoxes(): ScreenBox[] {
    const boxes: ScreenBox[] = [];
    const scratch = new Cartesian2();
    for (const marker of [...this.cellMarkers, ...this.groupMarkers]) {
      if (!marker.badge.show) continue;
      const at = SceneTransforms.worldToWindowCoordinates(this.context.scene, marker.badge.position, scratch);
      if (at) boxes.push({ x: at.x, y: at.y - BADGE_LIFT_PX * this.scale - marker.height / 2, width: marker.width, height: marker.height });
    }
    return boxes;
  }

  /**
   * Garages' floors as slabs (one primitive, an instance per floor, coloured by the floor's
   * status) — those of detailed cells near the camera; underground floors only in underground
   * view. Rebuilt only when what is drawn changes (a floor's status, the cells shown, the selection).
   */
  private drawFloors(): void {
    const { store, scene } = this.context;
    const state = store.getState();
    const camera = scene.camera.positionWC;
    const selected = state.selection?.tileset === this.id ? parseFeatureId(state.selection.id) : undefined;
    const instances: GeometryInstance[] = [];
    const keys: string[] = [];
    const texts: { position: Cartesian3; text: string; selected: boolean }[] = [];
    let outline: GeometryInstance | undefined;
    this.slots.forEach((slot, i) => {
      if (!slot.garage || !this.detailed[this.grid.cellOf[i]!] || Cartesian3.distance(camera, slot.position) > FLOORS_WITHIN_METRES) return;
      const site = this.model.site(slot.siteId);
      if (!site) return;
      for (const level of site.levels) {
        if (level.storey < 0 && !state.underground) continue;
        const floor = this.model.levelStatusOf(site.id, level.id);
        const shown = floor ? shownStatus(floor.status, floor.outdated) : 'outdated';
        const side = slabSide(level.capacity);
        const centre = Cartesian3.fromDegrees(site.lon, site.lat, floorHeight(level.storey));
        const modelMatrix = Transforms.eastNorthUpToFixedFrame(centre);
        const dimensions = new Cartesian3(side, side, FLOOR_THICKNESS);
        const isSelected = selected?.siteId === site.id && selected.levelId === level.id;
        const text = `${level.id}  ${floor?.availableSpotNumber ?? '–'}/${level.capacity}`;
        keys.push(`${site.id}/${level.id}:${shown}:${text}${isSelected ? '*' : ''}`);
        // At the slab's east edge, so the stack reads floor by floor.
        texts.push({
          position: Cartesian3.fromDegrees(site.lon + (side / 2 + 2) / (111_320 * Math.cos((site.lat * Math.PI) / 180)), site.lat, floorHeight(level.storey)),
          text,
          selected: isSelected,
        });
        instances.push(
          new GeometryInstance({
            geometry: BoxGeometry.fromDimensions({ dimensions, vertexFormat: PerInstanceColorAppearance.VERTEX_FORMAT }),
            modelMatrix,
            id: { layer: 'parking-floor', siteId: site.id, levelId: level.id },
            attributes: { color: ColorGeometryInstanceAttribute.fromColor(Color.fromCssColorString(STATUS_STYLES[shown].color).withAlpha(0.88)) },
          }),
        );
        if (isSelected)
          outline = new GeometryInstance({
            geometry: BoxOutlineGeometry.fromDimensions({ dimensions: new Cartesian3(side + 2, side + 2, FLOOR_THICKNESS + 1) }),
            modelMatrix,
            attributes: { color: ColorGeometryInstanceAttribute.fromColor(Color.WHITE) },
          });
      }
    });
    const key = keys.join('|');
    if (key === this.floorsKey) return;
    this.floorsKey = key;
    if (this.floors) this.root.remove(this.floors);
    if (this.floorOutline) this.root.remove(this.floorOutline);
    this.floorLabels.removeAll();
    for (const { position, text, selected: isSelected } of texts)
      this.floorLabels.add({
        position,
        text,
        font: `${isSelected ? 700 : 600} ${Math.round(12 * this.scale)}px sans-serif`,
        fillColor: isSelected ? Color.YELLOW : Color.WHITE,
        ...OUTLINED_LABEL,
        horizontalOrigin: HorizontalOrigin.LEFT,
        verticalOrigin: VerticalOrigin.CENTER,
        distanceDisplayCondition: new DistanceDisplayCondition(0, 1200),
      });
    this.floors = instances.length
      ? (this.root.add(
          new Primitive({ geometryInstances: instances, appearance: new PerInstanceColorAppearance({ translucent: true, closed: true }), asynchronous: false }),
        ) as Primitive)
      : undefined;
    this.floorOutline = outline
      ? (this.root.add(
          new Primitive({
            geometryInstances: outline,
            appearance: new PerInstanceColorAppearance({ flat: true, translucent: false, renderState: { lineWidth: 1 } }),
            asynchronous: false,
          }),
        ) as Primitive)
      : undefined;
    this.context.requestRender();
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
    for (const slot of this.slots) {
      slot.label.font = `700 ${Math.round(13 * scale)}px sans-serif`;
      slot.label.pixelOffset = new Cartesian2(SYMBOL_PX * scale * 0.6 + 2, 0);
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
    if (!site || !level || !this.floorsKey.includes(`${siteId}/${levelId}:`)) return null;
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
