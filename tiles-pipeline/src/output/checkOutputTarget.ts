import { lstatSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { isOutputBuild } from './outputMarker.js';
import { OutputTargetError } from './OutputTargetError.js';

/** What `--out` names now, and so what publishing there will do. */
export type OutputTarget =
  /** Nothing there yet. */
  | { kind: 'absent' }
  /** A link into `.<name>.builds/` made by an earlier run: replaced, its build removed. */
  | { kind: 'previous' }
  /** An empty folder: removed (rmdir, which refuses if something appeared in it meanwhile) and replaced. */
  | { kind: 'empty-folder' }
  /** A non-empty folder, replaced because --force was given. */
  | { kind: 'forced-folder' }
  /** A link elsewhere, replaced because --force was given (what it points to is left alone). */
  | { kind: 'forced-link' };

export interface OutputTargetOptions {
  /** Replace an existing folder or link that is not a previous output of this tool. */
  force: boolean;
  /** Files the run reads: never inside what it may delete, --force or not. */
  inputs: readonly string[];
}

/** The folder beside `<out>` holding its builds: `.<name>.builds`. */
export function buildsFolderOf(out: string): string {
  const path = resolve(out);
  return join(dirname(path), `.${basename(path)}.builds`);
}

/**
 * Decides whether a run may publish at `out`, before anything is written. Only a previous
 * output of this tool (a link of our own form into our builds folder, whose build carries the
 * marker) or nothing at all, or an empty folder, is replaced without asking; --force also
 * replaces a folder or a link. Never, even with --force: the file system root, the home
 * directory, the current directory or one of its ancestors, a file, or anything holding an
 * input. Throws OutputTargetError with one line saying what is there and what to do.
 */
export function checkOutputTarget(out: string, options: OutputTargetOptions): OutputTarget {
  const path = resolve(out);
  const shown = `--out ${out}`;
  const refuse = (what: string, how: string): never => {
    throw new OutputTargetError(`${shown} ${what}; nothing was changed. ${how}`);
  };
  const real = realPath(path);
  const places = real !== undefined && real !== path ? [path, real] : [path];
  const builds = buildsFolderOf(path);

  if (dirname(path) === path) refuse('is the root of the file system', 'Choose a folder for the tiles, e.g. --out ./tiles.');
  for (const place of places) {
    if (isInside(homedir(), place))
      refuse(
        `is ${place === homedir() ? 'the home directory' : `a folder holding the home directory (${homedir()})`}`,
        'Choose a folder for the tiles, e.g. --out ./tiles.',
      );
    if (isInside(process.cwd(), place))
      refuse(
        `is ${place === process.cwd() ? 'the current directory' : `a folder holding the current directory (${process.cwd()})`}`,
        'Choose a new folder, e.g. --out ./tiles.',
      );
  }
  for (const input of options.inputs) {
    const inputPaths = [resolve(input), realPath(resolve(input))].filter((p): p is string => p !== undefined);
    const holds = (place: string): boolean => inputPaths.some((p) => isInside(p, place));
    const how = 'Choose an --out that holds no input; --force does not change this.';
    if (places.some((place) => inputPaths.includes(place))) refuse(`is the input ${input}`, how);
    if (places.some(holds)) refuse(`holds the input ${input}`, how);
    if (holds(builds)) refuse(`keeps its builds in ${builds}, which holds the input ${input}`, how);
  }
  const parent = kindOf(dirname(path));
  if (parent !== undefined && parent !== 'directory') refuse(`cannot be made: ${dirname(path)} is not a folder`, 'Choose a folder for the tiles.');
  const buildsKind = kindOf(builds);
  if (buildsKind !== undefined && buildsKind !== 'directory')
    refuse(`cannot be used: ${builds} (where its builds go) exists and is not a folder`, 'Move it away or choose another --out.');

  const kind = kindOf(path);
  if (kind === undefined) return { kind: 'absent' };
  if (kind === 'symlink') {
    const link = readlinkSync(path);
    if (isOwnLink(link, path)) return { kind: 'previous' };
    if (options.force) return { kind: 'forced-link' };
    return refuse(
      `is a link to ${link} that cim-twin did not make`,
      'Choose another --out, or pass --force to replace the link (what it points to is left alone).',
    );
  }
  if (kind === 'directory') {
    const entries = readdirSync(path, { withFileTypes: true });
    if (entries.length === 0) return { kind: 'empty-folder' };
    if (options.force) return { kind: 'forced-folder' };
    const names = entries
      .slice(0, 3)
      .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
      .join(', ');
    return refuse(
      `is a folder that is not a previous output of cim-twin (${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}: ${names}${entries.length > 3 ? ', …' : ''})`,
      'Choose a new or empty folder, or pass --force to replace it and everything in it.',
    );
  }
  return refuse(`is ${kind === 'file' ? 'a file' : `a ${kind}`}, not a folder`, 'Choose a folder for the tiles; --force does not replace files.');
}

/** Whether a link's text is one this tool writes (`.<name>.builds/build-…`) and its build is one of ours (or gone). */
function isOwnLink(link: string, path: string): boolean {
  const prefix = `.${basename(path)}.builds/`;
  if (!link.startsWith(prefix) || !/^build-\d+-[0-9a-z]+$/.test(link.slice(prefix.length))) return false;
  const target = join(dirname(path), link);
  const kind = kindOf(target);
  return kind === undefined || (kind === 'directory' && isOutputBuild(target));
}

/** `child` is `parent` or somewhere below it. */
export function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

function kindOf(path: string): 'symlink' | 'directory' | 'file' | 'special file' | undefined {
  let stats;
  try {
    stats = lstatSync(path);
  } catch {
    return undefined;
  }
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isDirectory()) return 'directory';
  return stats.isFile() ? 'file' : 'special file';
}
