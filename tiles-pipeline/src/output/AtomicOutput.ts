import { existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { isProcessAlive } from './isProcessAlive.js';

/**
 * Writes a new output beside the old one and swaps it in at the end, atomically: `<out>` is a
 * symbolic link to `.<name>.builds/<build>`, replaced with one rename(2). A run killed at any
 * moment leaves the previous output intact and complete; its staging folder is removed by the
 * next run. (Renaming directories cannot replace a non-empty one in one step: the link can.)
 */
export class AtomicOutput {
  readonly staging: string;
  private readonly out: string;
  private readonly buildsDir: string;
  private readonly buildName: string;

  constructor(out: string) {
    this.out = resolve(out);
    const parent = dirname(this.out);
    this.buildsDir = join(parent, `.${basename(this.out)}.builds`);
    mkdirSync(this.buildsDir, { recursive: true });
    this.removeStale();
    this.buildName = `build-${process.pid}-${Date.now().toString(36)}`;
    this.staging = join(this.buildsDir, `${this.buildName}.staging`);
    mkdirSync(this.staging, { recursive: true });
  }

  /** Publishes the staging folder as `<out>`; the previous build is removed afterwards. */
  commit(): void {
    const final = join(this.buildsDir, this.buildName);
    renameSync(this.staging, final);
    const previous = this.currentTarget();
    if (existsSync(this.out) && !isSymlink(this.out)) {
      // A plain folder from elsewhere: move it aside once; from then on <out> is a link.
      renameSync(this.out, join(this.buildsDir, `replaced-${this.buildName}`));
    }
    const link = join(dirname(this.out), `.${basename(this.out)}.link-${this.buildName}`);
    symlinkSync(join(basename(this.buildsDir), this.buildName), link, 'dir');
    renameSync(link, this.out);
    for (const entry of readdirSync(this.buildsDir)) {
      const path = join(this.buildsDir, entry);
      if (entry !== this.buildName && (previous === undefined || path === previous || entry.startsWith('replaced-')))
        rmSync(path, { recursive: true, force: true });
    }
  }

  /** Removes the staging folder of this run (on failure). */
  abandon(): void {
    rmSync(this.staging, { recursive: true, force: true });
  }

  private currentTarget(): string | undefined {
    if (!isSymlink(this.out)) return undefined;
    return resolve(dirname(this.out), readlinkSync(this.out));
  }

  /** Staging folders of killed runs, and builds no link points to any more. */
  private removeStale(): void {
    const current = this.currentTarget();
    for (const entry of readdirSync(this.buildsDir)) {
      const path = join(this.buildsDir, entry);
      const pid = /^build-(\d+)-/.exec(entry)?.[1];
      if (pid !== undefined && Number(pid) !== process.pid && isProcessAlive(Number(pid))) continue; // a concurrent run's
      if (path !== current) rmSync(path, { recursive: true, force: true });
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
