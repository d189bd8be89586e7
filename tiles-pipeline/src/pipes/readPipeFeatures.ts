import type { FeatureIssue } from '../report/FeatureIssue.js';
import type { SourceFeature } from '../readers/SourceFeature.js';
import { normalizePipeFeature, type PipeContext } from './normalizePipeFeature.js';
import type { PipePoint, PipeSegment } from './PipeFeatures.js';

/** Repairs listed in full in build-report.json (all of them are counted by code). */
export const REPAIRS_LISTED = 1000;

/** What reading an input gave: its pipes and points, and what was skipped or repaired. */
export interface PipeRead {
  /** Features read, good and bad. */
  read: number;
  segments: PipeSegment[];
  points: PipePoint[];
  skipped: FeatureIssue[];
  /** Features that needed a repair, repairs by code, and the first REPAIRS_LISTED repairs. */
  repaired: number;
  repairsByCode: Record<string, number>;
  repairsListed: FeatureIssue[];
}

export function emptyPipeRead(): PipeRead {
  return { read: 0, segments: [], points: [], skipped: [], repaired: 0, repairsByCode: {}, repairsListed: [] };
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
    addRepairs(result, normalized.repairs);
    if (!normalized.ok) {
      result.skipped.push(normalized.issue);
      continue;
    }
    for (const item of normalized.items) {
      if (item.kind === 'segment') result.segments.push(item);
      else result.points.push(item);
    }
  }
  return result;
}

/** Appends `part` (read after `into`) to `into`, keeping input order and the listing limit. */
export function appendPipeRead(into: PipeRead, part: PipeRead): void {
  into.read += part.read;
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
