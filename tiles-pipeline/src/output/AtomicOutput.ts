import { existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmdirSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { buildsFolderOf, checkOutputTarget, type OutputTarget, type OutputTargetOptions } from './checkOutputTarget.js';
import { isProcessAlive } from './isProcessAlive.js';
import { writeOutputMarker } from './outputMarker.js';
import { OutputTargetError } from './OutputTargetError.js';

/** Entries of a builds folder this tool makes (and so may remove): builds, their staging, replaced folders. */
const OWN_ENTRY = /^(?:build-(\d+)-[0-9a-z]+(?:\.staging)?|replaced-build-(\d+)-[0-9a-z]+)$/;

/**
 * Writes a new output beside the old one and swaps it in at the end, atomically: `<out>` is a
 * symbolic link to `.<name>.builds/<build>`, replaced with one rename(2). A run killed at any
 * moment leaves the previous output intact and complete; its staging folder is removed by the
 * next run. (Renaming directories cannot replace a non-empty one in one step: the link can.)
 *
 * Only this tool's own previous output is replaced (see checkOutputTarget): anything else at
 * `<out>` is refused before a byte is written, unless `force` allows replacing a folder. Each
 * build carries a marker file (outputMarker) by which the next run recognises it.
 */
export class AtomicOutput {
  readonly staging: string;
  private readonly out: string;
  private readonly buildsDir: string;
  private readonly buildName: string;
  private readonly createdBuildsDir: boolean;

  /** Throws OutputTargetError, touching nothing, when `out` is not something this run may replace. */
  constructor(
    private readonly given: string,
    private readonly options: OutputTargetOptions = { force: false, inputs: [] },
  ) {
    checkOutputTarget(given, options);
    this.out = resolve(given);
    this.buildsDir = buildsFolderOf(this.out);
    this.createdBuildsDir = !existsSync(this.buildsDir);
    mkdirSync(this.buildsDir, { recursive: true });
    this.removeStale();
    this.buildName = `build-${process.pid}-${Date.now().toString(36)}`;
    this.staging = join(this.buildsDir, `${this.buildName}.staging`);
    mkdirSync(this.staging, { recursive: true });
  }

  /** Publishes the staging folder as `<out>`; the previous build is removed afterwards. */
  commit(): void {
    // `<out>` may have changed while the run built: decide again from what is there now.
    const target: OutputTarget = checkOutputTarget(this.given, this.options);
    writeOutputMarker(this.staging, this.buildName);
    const final = join(this.buildsDir, this.buildName);
    renameSync(this.staging, final);
    const previous = target.kind === 'previous' ? this.currentTarget() : undefined;
    if (target.kind === 'empty-folder') {
      try {
        rmdirSync(this.out); // fails, deleting nothing, if something was put there meanwhile
      } catch (error) {
        throw new OutputTargetError(`--out ${this.given} was an empty folder but is not any more (${(error as Error).message}); nothing was replaced.`);
      }
    } else if (target.kind === 'forced-folder') {
      renameSync(this.out, join(this.buildsDir, `replaced-${this.buildName}`));
    }
    const link = join(dirname(this.out), `.${basename(this.out)}.link-${this.buildName}`);
    symlinkSync(join(basename(this.buildsDir), this.buildName), link, 'dir');
    renameSync(link, this.out);
    for (const entry of readdirSync(this.buildsDir)) {
      const path = join(this.buildsDir, entry);
      if (entry !== this.buildName && (path === previous || entry === `replaced-${this.buildName}`)) rmSync(path, { recursive: true, force: true });
    }
  }

  /** Removes the staging folder of this run (on failure), and the builds folder if this run made it and it is empty. */
  abandon(): void {
    rmSync(this.staging, { recursive: true, force: true });
    if (this.createdBuildsDir && readdirSync(this.buildsDir).length === 0) rmdirSync(this.buildsDir);
  }

  private currentTarget(): string | undefined {
    if (!isSymlink(this.out)) return undefined;
    return resolve(dirname(this.out), readlinkSync(this.out));
  }

  /** Staging folders of killed runs, builds no link points to any more, and links a killed run left half-made. */
  private removeStale(): void {
    const current = this.currentTarget();
    const ownedByOtherLiveRun = (pid: string | undefined): boolean => pid !== undefined && Number(pid) !== process.pid && isProcessAlive(Number(pid));
    for (const entry of readdirSync(this.buildsDir)) {
      const match = OWN_ENTRY.exec(entry);
      if (!match || ownedByOtherLiveRun(match[1] ?? match[2])) continue; // not ours, or a concurrent run's
      const path = join(this.buildsDir, entry);
      if (path !== current) rmSync(path, { recursive: true, force: true });
    }
    const linkPrefix = `.${basename(this.out)}.link-build-`;
    for (const entry of readdirSync(dirname(this.out))) {
      if (!entry.startsWith(linkPrefix)) continue;
      const pid = /^(\d+)-/.exec(entry.slice(linkPrefix.length))?.[1];
      if (!ownedByOtherLiveRun(pid) && isSymlink(join(dirname(this.out), entry))) unlinkSync(join(dirname(this.out), entry));
    }
  }
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
