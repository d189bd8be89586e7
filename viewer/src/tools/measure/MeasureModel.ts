import { ToolInputLink } from '../../platform/ToolInputLink.js';
import { MEASURE_KINDS, type MeasureKind, type MeasurePoint, type MeasureResult } from '../../../../workers/formats/measure.js';
import { checkMeasurePoints, measure } from '../../../../workers/planning/measure.js';
import type { PluginContext } from '../../platform/LayerPlugin.js';

export const MEASURE_TOOL = 'measure';

/** What a click landed on: the point snaps to the surface of what was picked. */
export type SnapTarget = 'building' | 'pipe' | 'ground';

/** A point clicked for the measurement under way, with where it was on screen (a double-click's second click lands on the same pixel). */
export interface DrawnPoint {
  point: MeasurePoint;
  snapped: SnapTarget;
  x: number;
  y: number;
}

/** Clicks closer than this on screen are one point (the clicks of a double-click). */
const SAME_PIXEL = 4;

/**
 * The measure tool's state, one per viewer (it outlives scene rebuilds): the kind, the points
 * clicked so far, the last result and what went wrong. The page API, the clicks and a shared
 * link's input all end in `measure` (workers/planning/measure.ts, on the main thread: microseconds),
 * and a result is written to the URL as the tool's input while the tool is active.
 */
export class MeasureModel {
  kind: MeasureKind = 'distance';
  drawing: DrawnPoint[] = [];
  result: MeasureResult | undefined;
  error: string | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly link: ToolInputLink;
  /** The input this model wrote last: a store change to anything else is a link to run. */

  constructor(readonly context: PluginContext) {
    this.link = new ToolInputLink(context.store, MEASURE_TOOL, (input) => {
      const parsed = parseMeasureInput(input);
      if (typeof parsed === 'string') return this.fail(new Error(parsed));
      this.measure(parsed).catch((error: unknown) => this.fail(error));
    });
    this.link.follow();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** `cimTwin.tools.measure({kind, points})`: the result, shown; bad input rejects with the kernel's message and changes nothing. */
  measure(request: unknown): Promise<MeasureResult> {
    try {
      const result = measure(request);
      this.kind = result.kind;
      this.drawing = [];
      this.show(result);
      return Promise.resolve(structuredClone(result));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  setKind(kind: MeasureKind): void {
    if (kind === this.kind && this.drawing.length === 0) return;
    this.kind = kind;
    this.clear();
  }

  /** A click on the scene: one more point; a height ends at its second pick. */
  click(point: MeasurePoint, snapped: SnapTarget, x: number, y: number): void {
    const last = this.drawing[this.drawing.length - 1];
    if (last && Math.hypot(last.x - x, last.y - y) < SAME_PIXEL) return;
    if (this.drawing.length === 0) this.result = undefined;
    this.error = undefined;
    this.drawing.push({ point, snapped, x, y });
    if (this.kind === 'height' && this.drawing.length === 2) return this.finish();
    this.changed();
  }

  /** Double-click or Enter: the line or polygon drawn so far is measured. */
  finish(): void {
    if (this.drawing.length === 0) return;
    const points = this.drawing.map((d) => d.point);
    const snapped = this.drawing.map((d) => d.snapped);
    this.drawing = [];
    try {
      const result = measure({ kind: this.kind, points });
      this.show(result, snapped);
    } catch (error) {
      this.fail(error);
    }
  }

  /** What each point of the result snapped to (clicked points; a page-API or link result is unknown: undefined). */
  snapped: SnapTarget[] | undefined;

  clear(): void {
    this.drawing = [];
    this.result = undefined;
    this.snapped = undefined;
    this.error = undefined;
    this.link.write(null);
    this.changed();
  }

  destroy(): void {
    this.link.destroy();
    this.listeners.clear();
  }

  private show(result: MeasureResult, snapped?: SnapTarget[]): void {
    this.result = result;
    this.snapped = snapped;
    this.error = undefined;
    this.link.write(measureInput(result));
    this.changed();
  }

  private fail(error: unknown): void {
    this.error = error instanceof Error ? error.message : String(error);
    this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

/** The URL input of a measurement: `distance:lon,lat,h;lon,lat,h…` (7 decimals: centimetres; heights to the centimetre). */
export function measureInput(result: Pick<MeasureResult, 'kind' | 'points'>): string {
  return `${result.kind}:${result.points.map(([lon, lat, height]) => `${lon.toFixed(7)},${lat.toFixed(7)},${height.toFixed(2)}`).join(';')}`;
}

/** A measurement's URL input, or what is wrong with it. */
export function parseMeasureInput(input: string): { kind: MeasureKind; points: MeasurePoint[] } | string {
  const colon = input.indexOf(':');
  const kind = input.slice(0, colon) as MeasureKind;
  if (colon < 0 || !MEASURE_KINDS.includes(kind))
    return `the link's measurement "${input.slice(0, 80)}" is not "<kind>:lon,lat,height;…" (kind: ${MEASURE_KINDS.join(', ')})`;
  const points = input
    .slice(colon + 1)
    .split(';')
    .map((triple) => triple.split(',').map((value) => (value.trim() === '' ? NaN : Number(value))));
  try {
    return { kind, points: checkMeasurePoints(points) };
  } catch (error) {
    return `the link's measurement: ${(error as Error).message}`;
  }
}
