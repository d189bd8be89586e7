/**
 * A file that cannot be read to its end (truncated, invalid JSON, empty, wrong magic, bad
 * encoding). Fatal for the run: a tileset built from part of a file would be silently partial.
 */
export class InputFileError extends Error {
  override name = 'InputFileError';
  constructor(
    readonly file: string,
    readonly reason: string,
    /** Where the problem was found, e.g. "byte 1234 (line 5)". */
    readonly position?: string,
  ) {
    super(`${file}${position ? ` at ${position}` : ''}: ${reason}`);
  }
}
