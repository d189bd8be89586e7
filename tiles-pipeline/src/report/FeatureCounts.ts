/**
 * What a run did with the features it read, in build-report.json and the CLI summary.
 * Every feature read is either written or skipped: read = written + skipped, always.
 */
export interface FeatureCounts {
  /** Input features (records) read, good and bad. */
  read: number;
  /** Features read that are in the tiles. */
  written: number;
  /** Features read that are not, each listed in `skipped` with a code. */
  skipped: number;
  /** Written features that needed at least one repair (`repairs.byCode` counts them per code). */
  repaired: number;
  /**
   * Tile features the pipeline made beyond one per written feature, not read as such: an
   * EPANET pump's or valve's symbol beside its link, the second and further parts of a
   * multi-part pipe line. Tile features = written + derived.
   */
  derived: number;
}

export function emptyFeatureCounts(): FeatureCounts {
  return { read: 0, written: 0, skipped: 0, repaired: 0, derived: 0 };
}
