import { ToolInputLink } from '../../platform/ToolInputLink.js';
import type { ExcavationPipes, LonLat } from '../../../../workers/formats/pipeAnalyses.js';
import { checkPitDepth, checkPitPolygon } from '../../../../workers/planning/excavationPipes.js';
import { ringSelfIntersects } from '../../../../workers/geometry/ringSelfIntersects.js';
import type { PluginContext } from '../../platform/LayerPlugin.js';
import { buildingsInWorker } from '../buildingData/buildingsInWorker.js';
import { pipesInWorker } from '../pipeData/pipesInWorker.js';

export const EXCAVATION_TOOL = 'excavation';
/** The depth a new pit is dug to until the user changes it (a typical trench for pipe works). */
export const DEFAULT_PIT_DEPTH = 3;

/** A pit: its outline (the closing corner dropped), its depth, the pipes met above its floor, and the buildings standing over it. */
export interface Pit {
  polygon: [number, number][];
  depth: number;
  pipes: ExcavationPipes;
  /**
   * The ids of the buildings whose footprint the pit reaches: taken out of view while the pit is
   * open (a clip would leave them as open shells with no walls on their cut faces). Empty when
   * the viewer has no footprints (config tools.buildings): then the tiles are clipped as they are.
   */
  buildings: string[];
}

/**
 * The excavation tool's state, one per viewer (it outlives scene rebuilds): the corners clicked
 * so far, the depth, the pit cut and its pipe list (the planning worker's excavationPipes), and
 * what went wrong. The page API, the clicks and a shared link all go through `excavate`: the
 * polygon and depth are checked here first (so bad input changes nothing on screen), the pipes
 * are asked of the worker, and only then is the pit shown and written to the URL.
 */
export class ExcavationModel {
  depth = DEFAULT_PIT_DEPTH;
  drawing: LonLat[] = [];
  pit: Pit | undefined;
  error: string | undefined;
  busy = false;
  private readonly listeners = new Set<() => void>();
  private readonly link: ToolInputLink;
  private run = 0;

  constructor(readonly context: PluginContext) {
    this.link = new ToolInputLink(context.store, EXCAVATION_TOOL, (input) => {
      const parsed = parsePitInput(input);
      if (typeof parsed === 'string') return this.fail(new Error(parsed));
      this.excavate(parsed.polygon, parsed.depth).catch((error: unknown) => this.fail(error));
    });
    this.link.follow();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** `cimTwin.tools.excavate(polygon, depth)`: the pit cut and drawn, and its pipes; bad input rejects and changes nothing. */
  async excavate(polygon: unknown, depth: unknown): Promise<ExcavationPipes> {
    const ring = checkPitPolygon(polygon);
    const floor = checkPitDepth(depth);
    if (ringSelfIntersects(ring.flatMap(([lon, lat]) => [lon * Math.cos((ring[0]![1] * Math.PI) / 180), lat])))
      throw new Error('the pit polygon crosses itself: draw its outline without crossing edges');
    const run = ++this.run;
    this.busy = true;
    this.changed();
    try {
      const [pipes, buildings] = await Promise.all([
        pipesInWorker(this.context).then(() => this.context.workers.request('planning.excavationPipes', { polygon: ring, depth: floor })),
        this.buildingsOver(ring),
      ]);
      if (run === this.run) this.show({ polygon: ring.map(([lon, lat]) => [lon, lat]), depth: floor, pipes, buildings });
      return pipes;
    } finally {
      if (run === this.run) {
        this.busy = false;
        this.changed();
      }
    }
  }

  /**
   * The buildings the pit reaches: the height-limit kernel at 0 m (every building with a part of
   * its footprint inside the polygon and a top above the ground). Without footprints, or when
   * they fail to load, none (the pit is still dug; the tiles are clipped).
   */
  private async buildingsOver(ring: readonly LonLat[]): Promise<string[]> {
    if (!this.context.config.tools?.buildings) return [];
    try {
      await buildingsInWorker(this.context);
      const { buildings } = await this.context.workers.request('planning.heightLimit', { polygon: ring, limitMeters: 0 });
      return buildings.map((b) => b.id);
    } catch (error) {
      console.warn('excavation: the buildings over the pit could not be found; they are clipped, not taken away', error);
      return [];
    }
  }

  /** A click on the scene: one more corner. */
  click(corner: LonLat): void {
    this.error = undefined;
    this.drawing.push(corner);
    this.changed();
  }

  /** Double-click or Enter: the outline drawn so far becomes the pit, at the depth set. */
  finish(): void {
    const corners = this.drawing;
    this.drawing = [];
    this.changed();
    if (corners.length === 0) return;
    this.excavate(corners, this.depth).catch((error: unknown) => this.fail(error));
  }

  /** A new depth: the pit (if any) is dug again to it; a bad depth is refused and the pit stays. */
  setDepth(depth: number): void {
    try {
      checkPitDepth(depth);
    } catch (error) {
      return this.fail(error);
    }
    this.depth = depth;
    if (this.pit) this.excavate(this.pit.polygon, depth).catch((error: unknown) => this.fail(error));
    else this.changed();
  }

  /** Fills the pit in: ground and tiles whole again. */
  clear(): void {
    this.run++;
    this.busy = false;
    this.drawing = [];
    this.pit = undefined;
    this.error = undefined;
    this.link.write(null);
    this.changed();
  }

  destroy(): void {
    this.link.destroy();
    this.listeners.clear();
  }

  private show(pit: Pit): void {
    this.pit = pit;
    this.depth = pit.depth;
    this.error = undefined;
    this.link.write(pitInput(pit.polygon, pit.depth));
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

/** A pit's URL input: `lon,lat;lon,lat;lon,lat@depth` (7 decimals: centimetres). */
export function pitInput(polygon: readonly LonLat[], depth: number): string {
  return `${polygon.map(([lon, lat]) => `${lon.toFixed(7)},${lat.toFixed(7)}`).join(';')}@${depth}`;
}

/** A pit's URL input, or what is wrong with it. */
export function parsePitInput(input: string): { polygon: [number, number][]; depth: number } | string {
  const at = input.lastIndexOf('@');
  const depth = at < 0 ? NaN : Number(input.slice(at + 1));
  const corners = (at < 0 ? input : input.slice(0, at)).split(';').map((pair) => pair.split(',').map((value) => (value.trim() === '' ? NaN : Number(value))));
  if (!Number.isFinite(depth) || corners.some((c) => c.length !== 2 || c.some((v) => !Number.isFinite(v))))
    return `the link's pit "${input.slice(0, 80)}" is not "lon,lat;lon,lat;lon,lat@depth"`;
  return { polygon: corners as [number, number][], depth };
}
