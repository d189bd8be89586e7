import { metresPerDegree } from '../../../workers/geometry/geodesy.js';
import { pipeCategoryOf } from '../../../workers/standards/cjj61Categories.js';
import type { PipeSegment } from './PipeFeatures.js';

/** Half the vertical size of a segment's section: radius, or half the box height. */
export function verticalHalfSize(segment: PipeSegment): number {
  return segment.height !== undefined ? segment.height / 2 : (segment.diameter ?? 0.2) / 2;
}

/** Half the horizontal size of a segment's section: radius, or half the box width. */
export function horizontalHalfSize(segment: PipeSegment): number {
  return segment.width !== undefined ? segment.width / 2 : (segment.diameter ?? 0.2) / 2;
}

/**
 * Depth of the centre line (metres below ground) at each vertex: the surveyed start and end
 * depths interpolated by plan length along the line, moved from the category's reference
 * (crown 管顶 or invert 管底) to the centre.
 */
export function segmentCentreDepths(segment: PipeSegment): Float64Array {
  const reference = pipeCategoryOf(segment.category)?.depthReference ?? 'top';
  const half = verticalHalfSize(segment);
  const toCentre = reference === 'top' ? half : -half;
  const depths = alongFractions(segment);
  const start = segment.startDepth ?? 0;
  const end = segment.endDepth ?? start;
  for (let i = 0; i < depths.length; i++) depths[i] = start + (end - start) * depths[i]! + toCentre;
  return depths;
}

/** Where each vertex lies along the line, 0 at the start to 1 at the end, by plan length. */
export function alongFractions(segment: PipeSegment): Float64Array {
  const n = segment.lonLat.length / 2;
  const scale = metresPerDegree(segment.lonLat[1]!);
  const along = new Float64Array(n);
  for (let i = 1; i < n; i++) {
    along[i] =
      along[i - 1]! +
      Math.hypot((segment.lonLat[i * 2]! - segment.lonLat[i * 2 - 2]!) * scale.lon, (segment.lonLat[i * 2 + 1]! - segment.lonLat[i * 2 - 1]!) * scale.lat);
  }
  const total = along[n - 1]! || 1;
  for (let i = 0; i < n; i++) along[i] = along[i]! / total;
  return along;
}
