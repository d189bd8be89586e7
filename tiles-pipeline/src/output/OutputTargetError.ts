/**
 * `--out` names something the run must not replace (a user's folder, a file, the current
 * directory, a folder holding an input). Raised before anything is written: the CLI exits 2.
 */
export class OutputTargetError extends Error {
  override name = 'OutputTargetError';
}
