import { BlendOption, Cartesian3, Color, NearFarScalar, PointPrimitiveCollection, PrimitiveCollection, type PointPrimitive } from 'cesium';
import type { LiveStateDocument } from '../../workers/formats/liveState.js';
import { SensorState } from '../../workers/live/alarmStateMachine.js';
import type { CellLevel } from './SensorClusters.js';
import type { SensorGrid } from './sensorGrid.js';
import { MAP_OUTLINE } from '../../viewer/src/platform/mapLabels.js';

/** Colours by state (normal uses the type's colour), parsed once: style() runs for every changed sensor. */
const STATE_COLORS = [undefined, Color.fromCssColorString('#ffb000'), Color.fromCssColorString('#ff1744'), Color.fromCssColorString('#6b7280')];
/** Small far away so 20k sensors read as a density at district zoom; warnings and alarms keep their size. */
const DISTANCE_SCALE = new NearFarScalar(300, 1.6, 8000, 0.45);
const SENSOR_HEIGHT = 3;
/** Every point colour is opaque: one render pass instead of Cesium's default opaque + translucent two. */
const opaquePoints = (): PointPrimitiveCollection => new PointPrimitiveCollection({ blendOption: BlendOption.OPAQUE });
/** Pixel sizes at scale 1: normal, warning, alarm (alarms pulse between ALARM and ALARM + PULSE). */
const SIZE = { normal: 6, warning: 9, alarm: 12, pulse: 6 };

/**
 * The sensors as point primitives (no entities), one opaque collection per grid cell so the
 * renderer culls cells out of view; colour by type, warning and alarm by colour and size,
 * offline greyed. Warnings and alarms also stand, as copies in a collection of their own, over
 * cells drawn as cluster markers. Only a change of state touches a vertex buffer.
 */
export class SensorPoints {
  readonly root = new PrimitiveCollection();
  private cells: PointPrimitiveCollection[] = [];
  private primitives: PointPrimitive[] = [];
  private readonly raisedPoints = opaquePoints();
  private readonly raised = new Map<number, PointPrimitive>();
  private typeColors: Color[] = [];
  private type: ArrayLike<number> = [];
  private states: Uint8Array = new Uint8Array(0);
  private scale = 1;

  constructor() {
    this.root.add(this.raisedPoints);
  }

  build(meta: LiveStateDocument, grid: SensorGrid, states: Uint8Array): void {
    for (const cell of this.cells) this.root.remove(cell);
    this.raisedPoints.removeAll();
    this.raised.clear();
    this.states = states;
    this.type = meta.type;
    this.typeColors = meta.types.map((type) => Color.fromCssColorString(type.color));
    this.cells = grid.cells.map(() => {
      const cell = this.root.add(opaquePoints()) as PointPrimitiveCollection;
      cell.show = false;
      return cell;
    });
    this.primitives = meta.ids.map((id, i) =>
      this.cells[grid.cellOf[i]!]!.add({
        id: { layer: 'sensors', datastream: id },
        position: Cartesian3.fromDegrees(meta.lon[i]!, meta.lat[i]!, SENSOR_HEIGHT),
        pixelSize: SIZE.normal * this.scale,
        color: this.typeColors[meta.type[i]!],
        outlineColor: MAP_OUTLINE,
        outlineWidth: 1,
        scaleByDistance: DISTANCE_SCALE,
        disableDepthTestDistance: 2000,
      }),
    );
  }

  /** Shows each cell's points for its level; raised copies stand where the cell is not detailed. */
  showLevels(levelOf: (cell: number) => CellLevel, cellOf: Uint32Array): void {
    this.cells.forEach((cell, c) => (cell.show = levelOf(c) === 'sensors'));
    for (const [i, copy] of this.raised) copy.show = levelOf(cellOf[i]!) !== 'sensors';
  }

  /** Draws sensor slot i for its state (after the state changed). */
  style(i: number, levelOf: (cell: number) => CellLevel, cellOf: Uint32Array): void {
    const point = this.primitives[i];
    if (!point) return;
    const state = this.states[i]!;
    const color = STATE_COLORS[state] ?? this.typeColors[this.type[i]!]!;
    const size = this.sizeOf(state);
    const outline = state === SensorState.alarm ? Color.WHITE : MAP_OUTLINE;
    point.color = color;
    point.pixelSize = size;
    const isRaised = state === SensorState.warning || state === SensorState.alarm;
    (point as { scaleByDistance: NearFarScalar | undefined }).scaleByDistance = isRaised ? undefined : DISTANCE_SCALE;
    point.outlineColor = outline;
    let copy = this.raised.get(i);
    if (isRaised && !copy) {
      copy = this.raisedPoints.add({ id: point.id, position: point.position, outlineWidth: 1, disableDepthTestDistance: Number.POSITIVE_INFINITY });
      this.raised.set(i, copy);
    } else if (!isRaised && copy) {
      this.raisedPoints.remove(copy);
      this.raised.delete(i);
      copy = undefined;
    }
    if (copy) {
      copy.color = color;
      copy.pixelSize = size;
      copy.outlineColor = outline;
      copy.show = levelOf(cellOf[i]!) !== 'sensors';
    }
  }

  /** How many sensors stand raised (in warning or alarm). */
  raisedCount(): number {
    return this.raised.size;
  }

  /** Alarming sensors pulse (called per rendered frame with their slots). */
  pulse(alarming: Iterable<number>, now: number): void {
    const size = this.scale * (SIZE.alarm - 2 + SIZE.pulse * Math.abs(Math.sin(now / 300)));
    for (const i of alarming) {
      const point = this.primitives[i];
      if (point) point.pixelSize = size;
      const copy = this.raised.get(i);
      if (copy) copy.pixelSize = size;
    }
  }

  /** Symbol sizes follow the screen (a wall's symbols grow as its labels do); restyles every point once. */
  setScale(scale: number, levelOf: (cell: number) => CellLevel, cellOf: Uint32Array): void {
    if (scale === this.scale) return;
    this.scale = scale;
    for (let i = 0; i < this.primitives.length; i++) this.style(i, levelOf, cellOf);
  }

  private sizeOf(state: number): number {
    return this.scale * (state === SensorState.alarm ? SIZE.alarm : state === SensorState.warning ? SIZE.warning : SIZE.normal);
  }
}
