import type { IssueCode } from './IssueCode.js';

/** A problem with one feature: reported with where it is, a stable code and a message. */
export interface FeatureIssue {
  file: string;
  /** The feature's id, or `#<index>` (0-based) when it has none. */
  feature: string;
  code: IssueCode;
  message: string;
}
