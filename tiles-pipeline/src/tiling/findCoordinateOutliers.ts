/** How far is too far: both bounds must be exceeded. */
export interface OutlierRule {
  /** Multiple of the distance within which 90% of the positions lie (from their median). */
  factor: number;
  /** Metres: never an outlier closer than this to the median, however compact the rest. */
  minimumMetres: number;
}

/** 100× the spread and 100 km: a typo or a unit error (1e15 units away), never a far suburb. */
export const DEFAULT_OUTLIER_RULE: OutlierRule = { factor: 100, minimumMetres: 100_000 };

export interface CoordinateOutliers {
  /** Indices of the outlying positions, ascending. */
  indices: number[];
  /** Distance of each position from the median position, metres. */
  distances: Float64Array;
  /** The 90th-percentile distance: how spread out the data set is. */
  spread: number;
}

/**
 * Finds the positions (planar, metres) that lie absurdly far from the rest of a data set,
 * with statistics a single outlier cannot move: distances from the median position, compared
 * with the distance that 90% of the positions stay within. Fewer than 5 positions give too
 * little to judge by: none is an outlier.
 */
export function findCoordinateOutliers(x: ArrayLike<number>, y: ArrayLike<number>, rule: OutlierRule = DEFAULT_OUTLIER_RULE): CoordinateOutliers {
  const n = x.length;
  const distances = new Float64Array(n);
  if (n < 5) return { indices: [], distances, spread: 0 };
  const cx = median(Float64Array.from(x));
  const cy = median(Float64Array.from(y));
  for (let i = 0; i < n; i++) distances[i] = Math.hypot(x[i]! - cx, y[i]! - cy);
  const sorted = Float64Array.from(distances).sort();
  // Rounded down, so that in a small set the single farthest position never sets the spread.
  const spread = sorted[Math.floor((n - 1) * 0.9)]!;
  const limit = Math.max(spread * rule.factor, rule.minimumMetres);
  const indices: number[] = [];
  for (let i = 0; i < n; i++) if (!(distances[i]! <= limit)) indices.push(i);
  return { indices, distances, spread };
}

function median(values: Float64Array): number {
  values.sort();
  const mid = values.length >> 1;
  return values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}
