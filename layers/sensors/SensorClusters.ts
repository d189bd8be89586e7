import {
  BlendOption,
  Cartesian2,
  Cartesian3,
  Color,
  HorizontalOrigin,
  type Label,
  LabelCollection,
  PointPrimitiveCollection,
  type PointPrimitive,
  type Scene,
  SceneTransforms,
  VerticalOrigin,
} from 'cesium';
import { chooseDetailedCells, type SensorCell, type SensorGrid } from './sensorGrid.js';
import { MAP_OUTLINE, OUTLINED_LABEL } from '../../viewer/src/platform/mapLabels.js';

/** Cells nearer the camera than this show their sensors one by one; farther ones a cluster marker… */
const DETAIL_WITHIN_METRES = 2500;
/** …and groups of cells farther than this one marker for the group. */
const GROUP_BEYOND_METRES = 7000;
const CLUSTER_COLOR = Color.fromCssColorString('#2aa7d4').withAlpha(0.9);
const CLUSTER_OFFLINE_COLOR = Color.fromCssColorString('#6b7280').withAlpha(0.9);
const MARKER_HEIGHT = 33;

export type CellLevel = 'sensors' | 'cell' | 'group';

interface Marker {
  point: PointPrimitive;
  label: Label;
  baseSize: number;
  count: number;
}

/**
 * The level of detail of the sensors layer: which cells show their sensors, which a cluster
 * marker with a count, which are part of their group's marker — chosen by distance to the
 * camera — and those markers (greyed when most of their sensors are offline).
 */
export class SensorClusters {
  // Translucent like their count labels: an opaque disc drawn in front of everything (no depth
  // test) would write the depth that hides its own label. A few hundred markers at most.
  readonly points = new PointPrimitiveCollection({ blendOption: BlendOption.TRANSLUCENT });
  readonly labels = new LabelCollection();
  private cellMarkers: Marker[] = [];
  private groupMarkers: Marker[] = [];
  private cellCentres = new Float64Array(0);
  private groupCentres = new Float64Array(0);
  /** Per cell: near enough to show its sensors. Per group: near enough to show its cells. */
  private detailed = new Uint8Array(0);
  private groupNear = new Uint8Array(0);
  private offlineInCell = new Uint32Array(0);
  private offlineInGroup = new Uint32Array(0);
  private grid: SensorGrid = { cellOf: new Uint32Array(0), cells: [], groupOf: new Uint32Array(0), groups: [] };
  private scale = 1;

  build(grid: SensorGrid): void {
    this.points.removeAll();
    this.labels.removeAll();
    this.grid = grid;
    this.cellCentres = new Float64Array(grid.cells.length * 3);
    this.detailed = new Uint8Array(grid.cells.length);
    this.offlineInCell = new Uint32Array(grid.cells.length);
    this.cellMarkers = grid.cells.map((cell, c) => this.addMarker(cell, { layer: 'sensors-cluster', cell: c }, this.cellCentres, c, 10));
    this.groupCentres = new Float64Array(grid.groups.length * 3);
    this.groupNear = new Uint8Array(grid.groups.length);
    this.offlineInGroup = new Uint32Array(grid.groups.length);
    this.groupMarkers = grid.groups.map((group, g) => this.addMarker(group, { layer: 'sensors-cluster', group: g }, this.groupCentres, g, 14));
  }

  /** Re-chooses the levels for a camera position; true when any cell's level changed. */
  update(camera: Cartesian3): boolean {
    const groupsChanged = chooseDetailedCells(this.groupCentres, camera, GROUP_BEYOND_METRES, this.groupNear);
    const cellsChanged = chooseDetailedCells(this.cellCentres, camera, DETAIL_WITHIN_METRES, this.detailed);
    if (!groupsChanged && !cellsChanged) return false;
    this.showMarkers();
    return true;
  }

  /** Shows each marker for its current level (after `update`, or after a build). */
  showMarkers(): void {
    this.groupNear.forEach((near, g) => {
      this.groupMarkers[g]!.point.show = near === 0;
      this.groupMarkers[g]!.label.show = near === 0;
    });
    this.detailed.forEach((_, c) => {
      const level = this.levelOf(c);
      this.cellMarkers[c]!.point.show = level === 'cell';
      this.cellMarkers[c]!.label.show = level === 'cell';
    });
  }

  /** How a cell is drawn now: its sensors, its cluster marker, or (as part of) its group's marker. */
  levelOf(c: number): CellLevel {
    if (!this.groupNear[this.grid.groupOf[c]!]) return 'group';
    return this.detailed[c] ? 'sensors' : 'cell';
  }

  /** Sensors drawn one by one and cluster markers drawn, now. */
  drawnCounts(): { points: number; clusters: number } {
    let points = 0;
    let clusters = 0;
    this.grid.cells.forEach((cell, c) => {
      const level = this.levelOf(c);
      if (level === 'sensors') points += cell.members.length;
      else if (level === 'cell') clusters++;
    });
    this.groupNear.forEach((near) => (clusters += near ? 0 : 1));
    return { points, clusters };
  }

  /** One more (+1) or one fewer (−1) offline sensor in sensor slot i's cell and group. */
  countOffline(i: number, delta: 1 | -1): void {
    const c = this.grid.cellOf[i]!;
    const g = this.grid.groupOf[c]!;
    this.offlineInCell[c]! += delta;
    this.offlineInGroup[g]! += delta;
    const cell = this.cellMarkers[c];
    if (cell) cell.point.color = this.offlineInCell[c]! * 2 > cell.count ? CLUSTER_OFFLINE_COLOR : CLUSTER_COLOR;
    const group = this.groupMarkers[g];
    if (group) group.point.color = this.offlineInGroup[g]! * 2 > group.count ? CLUSTER_OFFLINE_COLOR : CLUSTER_COLOR;
  }

  /** The markers shown now, as boxes on screen (map labels keep clear of them). */
  screenBoxes(scene: Scene): { x: number; y: number; width: number; height: number }[] {
    const boxes: { x: number; y: number; width: number; height: number }[] = [];
    const scratch = new Cartesian2();
    for (const marker of [...this.cellMarkers, ...this.groupMarkers]) {
      if (!marker.point.show) continue;
      const at = SceneTransforms.worldToWindowCoordinates(scene, marker.point.position, scratch);
      if (at) boxes.push({ x: at.x, y: at.y, width: marker.point.pixelSize, height: marker.point.pixelSize });
    }
    return boxes;
  }

  /** Marker and count sizes follow the screen (a wall's symbols grow as its labels do). */
  setScale(scale: number): void {
    if (scale === this.scale) return;
    this.scale = scale;
    for (const marker of [...this.cellMarkers, ...this.groupMarkers]) this.styleMarker(marker);
  }

  /** Where a picked marker stands, if it is one of ours. */
  clusterOf(picked: unknown): { lon: number; lat: number; count: number; /** A camera range that shows its contents. */ range: number } | undefined {
    const id = (picked as { id?: { layer?: string; cell?: number; group?: number } } | undefined)?.id;
    if (id?.layer !== 'sensors-cluster') return undefined;
    const cell = id.cell !== undefined ? this.grid.cells[id.cell] : id.group !== undefined ? this.grid.groups[id.group] : undefined;
    return cell ? { lon: cell.lon, lat: cell.lat, count: cell.members.length, range: id.group !== undefined ? 4000 : 1200 } : undefined;
  }

  /** A marker: a disc sized by the count, with the count on it (a number only: nothing from the data). */
  private addMarker(cluster: SensorCell, id: object, centres: Float64Array, slot: number, baseSize: number): Marker {
    const position = Cartesian3.fromDegrees(cluster.lon, cluster.lat, MARKER_HEIGHT);
    centres.set([position.x, position.y, position.z], slot * 3);
    const marker: Marker = {
      baseSize,
      count: cluster.members.length,
      point: this.points.add({
        id,
        position,
        color: CLUSTER_COLOR,
        outlineColor: MAP_OUTLINE,
        outlineWidth: 1.5,
        disableDepthTestDistance: Number.POSITIVE_INFINITY,
        show: false,
      }),
      label: this.labels.add({
        id,
        position,
        text: String(cluster.members.length),
        fillColor: Color.WHITE,
        ...OUTLINED_LABEL,
        horizontalOrigin: HorizontalOrigin.CENTER,
        verticalOrigin: VerticalOrigin.CENTER,
        show: false,
      }),
    };
    this.styleMarker(marker);
    return marker;
  }

  private styleMarker(marker: Marker): void {
    marker.point.pixelSize = this.scale * Math.min(marker.baseSize + 22, marker.baseSize + 2.5 * Math.log2(marker.count));
    marker.label.font = `600 ${Math.round(12 * this.scale)}px sans-serif`;
  }
}
