import type { FeatureIssue } from '../report/FeatureIssue.js';
import type { SourceFeature } from '../readers/SourceFeature.js';
import { normalizePipeFeature, type PipeContext } from './normalizePipeFeature.js';
import type { PipePoint, PipeSegment } from './PipeFeatures.js';

/** Repairs listed in full in build-report.json (all of them are counted by code). */
export const REPAIRS_LISTED = 1000;

/** What reading an input gave: its pipes and points, and what was skipped or repaired. */
export interface PipeRead {
  /** Features read, good and bad: read = written + skipped.length. */
  read: number;
  /** Features kept: each gave one segment or point, or several (`derived` counts the others). */
  written: number;
  derived: number;
  segments: PipeSegment[];
  points: PipePoint[];
  skipped: FeatureIssue[];
  /** Kept features that needed a repair, how many got each code, and the first REPAIRS_LISTED repairs. */
  repaired: number;
  repairsByCode: Record<string, number>;
  repairsListed: FeatureIssue[];
}

export function emptyPipeRead(): PipeRead {
  return { read: 0, written: 0, derived: 0, segments: [], points: [], skipped: [], repaired: 0, repairsByCode: {}, repairsListed: [] };
}

/** Validates and converts the features of one source (CJJ 61 rules in normalizePipeFeature). */
export async function readPipeFeatures(
  file: string,
  features: AsyncIterable<SourceFeature>,
  context: PipeContext,
  onProgress?: (read: number) => void,
): Promise<PipeRead> {
  const result = emptyPipeRead();
  for await (const feature of features) {
    result.read++;
    if (result.read % 1000 === 0) onProgress?.(result.read);
    if (feature.kind === 'issue') {
      result.skipped.push(feature.issue);
      continue;
    }
    if (feature.kind !== 'geometry') {
      result.skipped.push({
        file,
        feature: feature.origin.id ?? `#${feature.origin.index}`,
        code: 'GEOMETRY_UNSUPPORTED',
        message: 'a polygon is not a pipe line or point',
      });
      continue;
    }
    const normalized = normalizePipeFeature(feature, context);
    if (!normalized.ok) {
      result.skipped.push(normalized.issue); // its repairs are moot: it is not written
      continue;
    }
    addRepairs(result, normalized.repairs);
    result.written++;
    result.derived += normalized.items.length - 1;
    for (const item of normalized.items) {
      if (item.kind === 'segment') result.segments.push(item);
      else result.points.push(item);
    }
  }
  onProgress?.(result.read); // the last features too
  return result;
}

/** A PipeRead holding only repairs or file-level warnings (`repaired` features among them), to append to a run's. */
export function repairsOnly(issues: readonly FeatureIssue[], repaired: number): PipeRead {
  const result = emptyPipeRead();
  result.repaired = repaired;
  for (const issue of issues) {
    result.repairsByCode[issue.code] = (result.repairsByCode[issue.code] ?? 0) + 1;
    if (result.repairsListed.length < REPAIRS_LISTED) result.repairsListed.push(issue);
  }
  return result;
}

/** Appends `part` (read after `into`) to `into`, keeping input order and the listing limit. */
export function appendPipeRead(into: PipeRead, part: PipeRead): void {
  into.read += part.read;
  into.written += part.written;
  into.derived += part.derived;
  for (const segment of part.segments) into.segments.push(segment);
  for (const point of part.points) into.points.push(point);
  for (const issue of part.skipped) into.skipped.push(issue);
  into.repaired += part.repaired;
  for (const [code, count] of Object.entries(part.repairsByCode)) into.repairsByCode[code] = (into.repairsByCode[code] ?? 0) + count;
  for (const issue of part.repairsListed) if (into.repairsListed.length < REPAIRS_LISTED) into.repairsListed.push(issue);
}

function addRepairs(result: PipeRead, repairs: readonly FeatureIssue[]): void {
  if (repairs.length > 0) result.repaired++;
  for (const issue of repairs) {
    result.repairsByCode[issue.code] = (result.repairsByCode[issue.code] ?? 0) + 1;
    if (result.repairsListed.length < REPAIRS_LISTED) result.repairsListed.push(issue);
  }
}
