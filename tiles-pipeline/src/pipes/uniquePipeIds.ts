import type { FeatureIssue } from '../report/FeatureIssue.js';
import { UniqueIds } from '../search/UniqueIds.js';
import type { PipePoint, PipeSegment } from './PipeFeatures.js';

/**
 * Gives every segment and point of a run its own id (UniqueIds' rule: `<id>#2`…), segments
 * first, then points: they share the tiles' `id`, network.json and the search index. Run
 * before the network is built, so its node and edge ids are the tiles' ids. EPANET's separate
 * node and link namespaces meet here too (Net1's junction 10 and pipe 10: the junction becomes
 * "10#2"). Returns one ID_DUPLICATE_RENAMED repair per renamed feature.
 */
export function uniquePipeIds(segments: readonly PipeSegment[], points: readonly PipePoint[]): FeatureIssue[] {
  const ids = new UniqueIds();
  const renamed: FeatureIssue[] = [];
  for (const item of [...segments, ...points]) {
    const id = ids.claim(item.id);
    if (id === item.id) continue;
    renamed.push({
      file: item.origin.file,
      feature: item.id,
      code: 'ID_DUPLICATE_RENAMED',
      message: `${item.kind} id "${item.id}" was used by an earlier feature of this run; this one is "${id}"`,
    });
    item.id = id;
  }
  return renamed;
}
