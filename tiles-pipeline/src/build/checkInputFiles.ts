import { statSync } from 'node:fs';
import { join } from 'node:path';
import { InputFileError } from '../readers/InputFileError.js';

/**
 * Every input must be an existing regular file, checked before any output is touched: a folder
 * or a missing path is a file error naming it, not an EISDIR/ENOENT stack trace half-way in.
 */
export function checkInputFiles(inputs: readonly string[]): void {
  for (const file of inputs) {
    let stats;
    try {
      stats = statSync(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new InputFileError(file, code === 'ENOENT' ? 'no such file' : `cannot read: ${(error as Error).message}`);
    }
    if (stats.isDirectory()) throw new InputFileError(file, `is a folder, not a file: name the files in it, e.g. ${join(file, '*.geojson')}`);
    // Readers open a file twice (its first bytes pick the format), which a pipe or device cannot do.
    if (!stats.isFile()) throw new InputFileError(file, 'is not a regular file (a pipe or device cannot be read); save it to a file first');
  }
}
