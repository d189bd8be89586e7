import type { FeatureIssue } from './FeatureIssue.js';

/** `<out>/build-report.json`: what a run read, wrote, skipped and repaired. */
export interface BuildReport {
  command: string;
  inputs: { file: string; format: string; crs: string; features: number }[];
  features: { read: number; written: number; skipped: number; repaired: number };
  /** Every skipped feature, with file, feature id, stable code and message. */
  skipped: FeatureIssue[];
  /** Repairs (the feature was kept), by code, and the first ones in full. */
  repairs: { byCode: Record<string, number>; listed: FeatureIssue[]; truncated: boolean };
  skippedByCode: Record<string, number>;
  tiles: number;
  bytes: number;
  seconds: number;
}
