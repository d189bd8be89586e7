import { ToolInputLink } from '../../platform/ToolInputLink.js';
import type { CrossSection, LonLat, LongitudinalProfile } from '../../../../workers/formats/pipeAnalyses.js';
import type { PluginContext } from '../../platform/LayerPlugin.js';
import { pipesInWorker } from '../pipeData/pipesInWorker.js';

export const CROSS_SECTION_TOOL = 'crossSection';

export type SectionResult = { kind: 'section'; section: CrossSection } | { kind: 'profile'; profile: LongitudinalProfile };

/**
 * The cross-section tool's state, one per viewer (it outlives scene rebuilds): the points clicked
 * so far, the last result (a section or a profile) and what went wrong. Results come from the
 * planning worker (workers/planning/crossSection.ts, longitudinalProfile.ts); the page API, the
 * clicks and a shared link's input all go through `section` / `profile`. A result is written to
 * the URL as the tool's input while the tool is active.
 */
export class CrossSectionModel {
  result: SectionResult | undefined;
  /** What is wrong with the last input (shown in the panel), or undefined. */
  error: string | undefined;
  busy = false;
  /** The line's first point, once clicked. */
  firstPoint: LonLat | undefined;
  private lastSection: Extract<SectionResult, { kind: 'section' }> | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly link: ToolInputLink;
  /** The input this model wrote last: a store change to anything else is a link to run. */

  constructor(readonly context: PluginContext) {
    this.link = new ToolInputLink(context.store, CROSS_SECTION_TOOL, (input) => this.runInput(input));
    this.link.follow();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The section a line cuts; a bad line rejects with the kernel's message and changes nothing. */
  async section(line: unknown): Promise<CrossSection> {
    const section = await this.ask(() => this.context.workers.request('planning.crossSection', { line }));
    this.show({ kind: 'section', section }, sectionInput(section.line));
    return section;
  }

  /** The longitudinal profile of the run through a pipe. */
  async profile(pipeId: unknown): Promise<LongitudinalProfile> {
    const profile = await this.ask(() => this.context.workers.request('planning.profile', { pipeId }));
    this.show({ kind: 'profile', profile }, `profile:${profile.startPipeId}`);
    return profile;
  }

  /** A click on the scene: the first point, then the second (and the section). */
  click(point: LonLat): void {
    if (!this.firstPoint) {
      this.firstPoint = point;
      this.error = undefined;
      this.changed();
      return;
    }
    const line: [LonLat, LonLat] = [this.firstPoint, point];
    this.firstPoint = undefined;
    this.section(line).catch((error: unknown) => this.fail(error));
  }

  /** From a profile back to the section it was opened from. */
  backToSection(): void {
    if (!this.lastSection) return;
    this.show(this.lastSection, sectionInput(this.lastSection.section.line));
  }

  destroy(): void {
    this.link.destroy();
    this.listeners.clear();
  }

  private runInput(input: string): void {
    const parsed = parseSectionInput(input);
    if (typeof parsed === 'string') return this.fail(new Error(parsed));
    const run = parsed.kind === 'section' ? this.section(parsed.line) : this.profile(parsed.pipeId);
    run.catch((error: unknown) => this.fail(error));
  }

  private async ask<T>(request: () => Promise<T>): Promise<T> {
    this.busy = true;
    this.changed();
    try {
      await pipesInWorker(this.context);
      return await request();
    } finally {
      this.busy = false;
      this.changed();
    }
  }

  private show(result: SectionResult, input: string): void {
    this.result = result;
    if (result.kind === 'section') this.lastSection = result;
    this.error = undefined;
    this.link.write(input);
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

/** The URL input of a section: `lon,lat;lon,lat` (7 decimals: centimetres). */
export function sectionInput(line: readonly LonLat[]): string {
  return line.map(([lon, lat]) => `${lon.toFixed(7)},${lat.toFixed(7)}`).join(';');
}

/** A section's or profile's URL input, or what is wrong with it. */
export function parseSectionInput(input: string): { kind: 'section'; line: [number, number][] } | { kind: 'profile'; pipeId: string } | string {
  if (input.startsWith('profile:')) {
    const pipeId = input.slice('profile:'.length);
    return pipeId ? { kind: 'profile', pipeId } : 'the link names no pipe for the profile (profile:<pipe id>)';
  }
  const points = input.split(';').map((pair) => pair.split(',').map((value) => (value.trim() === '' ? NaN : Number(value))));
  if (points.some((p) => p.length !== 2 || p.some((v) => !Number.isFinite(v)))) return `the link's section "${input.slice(0, 80)}" is not "lon,lat;lon,lat"`;
  return { kind: 'section', line: points as [number, number][] };
}
