import { ToolInputLink } from '../../platform/ToolInputLink.js';
import { type DepthMeasure, MEASURE_KINDS, type MeasureKind, type MeasurePoint, type MeasureResult } from '../../../../workers/formats/measure.js';
import { checkMeasurePoints, measure } from '../../../../workers/planning/measure.js';
import type { PluginContext } from '../../platform/LayerPlugin.js';
import { pipesInWorker } from '../pipeData/pipesInWorker.js';

export const MEASURE_TOOL = 'measure';

/** What a click landed on: the point snaps to the surface of what was picked. */
export type SnapTarget = 'building' | 'pipe' | 'ground';

/** A point clicked for the measurement under way, with where it was on screen (a double-click's second click lands on the same pixel). */
export interface DrawnPoint {
  point: MeasurePoint;
  snapped: SnapTarget;
  /** The pipe's id where the click landed on a pipe. */
  pipeId?: string | undefined;
  x: number;
  y: number;
}

/** Clicks closer than this on screen are one point (the clicks of a double-click). */
const SAME_PIXEL = 4;

/**
 * The measure tool's state, one per viewer (it outlives scene rebuilds): the kind, the points
 * clicked so far, the last result and what went wrong. The page API, the clicks and a shared
 * link's input all end in `measure` (workers/planning/measure.ts, on the main thread: microseconds)
 * — or, for a pipe's depth, in the planning worker, which holds the pipes' surveyed depths
 * (workers/planning/pipeDepth.ts) — and a result is written to the URL as the tool's input while
 * the tool is active.
 */
export class MeasureModel {
  kind: MeasureKind = 'distance';
  drawing: DrawnPoint[] = [];
  result: MeasureResult | undefined;
  error: string | undefined;
  /** A pipe depth is being asked of the planning worker. */
  busy = false;
  private run = 0;
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

  /**
   * `cimTwin.tools.measure({kind, points, pipeId?})`: the result, shown; bad input rejects with
   * the kernel's message and changes nothing. `depth` takes one pick and the picked pipe's id
   * (optional: the nearest pipe to the pick).
   */
  measure(request: unknown): Promise<MeasureResult> {
    if (typeof request === 'object' && request !== null && (request as { kind?: unknown }).kind === 'depth') {
      const { points, pipeId } = request as { points?: unknown; pipeId?: unknown };
      return this.measureDepth(points, pipeId);
    }
    try {
      const result = measure(request);
      this.run++;
      this.kind = result.kind;
      this.drawing = [];
      this.show(result);
      return Promise.resolve(structuredClone(result));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** A pipe's crown and invert depth at a pick, from the planning worker; a newer measurement wins over one still asked. */
  private async measureDepth(points: unknown, pipeId: unknown, snapped?: SnapTarget[]): Promise<DepthMeasure> {
    const checked = checkMeasurePoints(points);
    if (checked.length !== 1) throw new Error(`a pipe depth is measured at one pick on the pipe; got ${checked.length} points`);
    if (pipeId !== undefined && (typeof pipeId !== 'string' || pipeId === ''))
      throw new Error(`a pipe id is a non-empty string; got ${JSON.stringify(pipeId)}`);
    const run = ++this.run;
    this.busy = true;
    this.changed();
    try {
      await pipesInWorker(this.context);
      const result = await this.context.workers.request('planning.pipeDepth', { points: checked, ...(pipeId === undefined ? {} : { pipeId }) });
      if (run === this.run) {
        this.kind = 'depth';
        this.drawing = [];
        this.show(result, snapped);
      }
      return result;
    } finally {
      if (run === this.run) {
        this.busy = false;
        this.changed();
      }
    }
  }

  setKind(kind: MeasureKind): void {
    if (kind === this.kind && this.drawing.length === 0) return;
    this.kind = kind;
    this.clear();
  }

  /** A click on the scene: one more point; a height ends at its second pick. */
  click(point: MeasurePoint, snapped: SnapTarget, x: number, y: number, pipeId?: string): void {
    if (this.kind === 'depth') {
      // One pick: on a pipe, that pipe; elsewhere, the nearest pipe (a pick on the ground above it).
      this.error = undefined;
      this.measureDepth([point], snapped === 'pipe' ? pipeId : undefined, [snapped]).catch((error: unknown) => this.fail(error));
      return;
    }
    const last = this.drawing[this.drawing.length - 1];
    if (last && Math.hypot(last.x - x, last.y - y) < SAME_PIXEL) return;
    if (this.drawing.length === 0) this.result = undefined;
    this.error = undefined;
    this.drawing.push({ point, snapped, x, y, pipeId });
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
      this.run++;
      this.show(result, snapped);
    } catch (error) {
      this.fail(error);
    }
  }

  /** What each point of the result snapped to (clicked points; a page-API or link result is unknown: undefined). */
  snapped: SnapTarget[] | undefined;

  clear(): void {
    this.run++;
    this.busy = false;
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

/**
 * The URL input of a measurement: `distance:lon,lat,h;lon,lat,h…` (7 decimals: centimetres;
 * heights to the centimetre); a pipe depth names its pipe after an `@`: `depth:lon,lat,h@pipeId`.
 */
export function measureInput(result: MeasureResult): string {
  const points = result.points.map(([lon, lat, height]) => `${lon.toFixed(7)},${lat.toFixed(7)},${height.toFixed(2)}`).join(';');
  return `${result.kind}:${points}${result.kind === 'depth' ? `@${result.pipeId}` : ''}`;
}

/** A measurement's URL input, or what is wrong with it. */
export function parseMeasureInput(input: string): { kind: MeasureKind; points: MeasurePoint[]; pipeId?: string } | string {
  const at = input.startsWith('depth:') ? input.lastIndexOf('@') : -1;
  if (at >= 0) {
    const parsed = parseMeasureInput(input.slice(0, at));
    return typeof parsed === 'string' ? parsed : { ...parsed, pipeId: input.slice(at + 1) };
  }
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
