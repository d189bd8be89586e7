import type { FeatureCounts } from './FeatureCounts.js';
import type { FeatureIssue } from './FeatureIssue.js';

/** `<out>/build-report.json`: what a run read, wrote, skipped and repaired. */
export interface BuildReport {
  command: string;
  inputs: { file: string; format: string; crs: string; features: number }[];
  features: FeatureCounts;
  /** Every skipped feature, with file, feature id, stable code and message. */
  skipped: FeatureIssue[];
  /**
   * Repairs of written features: how many features got each (a feature can get several
   * codes, each once; ATTRIBUTE_TYPE_MIXED counts fields), and the first ones in full. A
   * skipped feature's repairs are not counted: it was not written.
   */
  repairs: { byCode: Record<string, number>; listed: FeatureIssue[]; truncated: boolean };
  skippedByCode: Record<string, number>;
  tiles: number;
  bytes: number;
  seconds: number;
}
