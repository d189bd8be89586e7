import type { FeatureCounts } from '../report/FeatureCounts.js';

/**
 * The summary's lines on features, worded so they cannot be misread: read = written + skipped;
 * "repaired" is a number of written features; derived tile features on a line of their own.
 */
export function featureSummaryLines(counts: FeatureCounts): string[] {
  const { read, written, skipped, repaired, derived } = counts;
  const lines = [`features: ${read} read = ${written} written + ${skipped} skipped; ${repaired} of the written were repaired`];
  if (derived > 0) lines.push(`derived: ${derived} more tile features drawn for written ones (EPANET pump/valve symbols, further parts of multi-part lines)`);
  return lines;
}

/** One line per repair code: how many written features got it (ATTRIBUTE_TYPE_MIXED: fields). */
export function repairLines(byCode: Readonly<Record<string, number>>): string[] {
  return Object.entries(byCode).map(([code, n]) => `  repaired ${code}: ${n} ${code === 'ATTRIBUTE_TYPE_MIXED' ? 'fields' : 'features'}`);
}
