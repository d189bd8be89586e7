import type { SourceFeature } from './SourceFeature.js';

/**
 * Deepest nesting of objects and arrays a GeoJSON feature may have, the feature object being
 * level 1 (a MultiPolygon's positions are at level 6). Deeper input is refused before anything
 * recursive sees it: JSON.stringify of nested properties overflows the stack near 10k levels,
 * and JSON.parse of 10M levels takes 10 s and 1 GB. `--max-nesting` changes it.
 */
export const DEFAULT_MAX_NESTING = 64;

/** The least --max-nesting that still reads every GeoJSON geometry a footprint or pipe can be. */
export const MIN_MAX_NESTING = 6;

/**
 * Largest GeoJSON feature (its JSON text, bytes) that is read; `--max-feature-mb` changes it.
 * It bounds what one feature costs this thread (the text, its parse): a 1M-vertex ring, which
 * the readers simplify, is ~30 MB. A larger one is neither kept in memory nor parsed.
 */
export const DEFAULT_MAX_FEATURE_BYTES = 64 * 1024 * 1024;

/** The limits a GeoJSON reader applies to each feature (defaults above when unset). */
export interface FeatureLimits {
  maxNesting?: number | undefined;
  maxFeatureBytes?: number | undefined;
}

/**
 * Whether a parsed feature's properties nest deeper than `limit` (the feature being level 1, its
 * properties 2). For features parsed before they are checked (a line of newline-delimited
 * GeoJSON: its parse cost is bounded by its length): only the properties are walked, as they
 * are what is read recursively; the geometry is validated level by level. Iterative; plain
 * values cost one check each.
 */
export function propertiesNestTooDeep(feature: unknown, limit: number): boolean {
  const properties = (feature as { properties?: unknown } | null)?.properties;
  if (typeof properties !== 'object' || properties === null) return false;
  const stack: object[] = [properties];
  const levels: number[] = [2];
  while (stack.length > 0) {
    const value = stack.pop()!;
    const level = levels.pop()!;
    for (const key in value) {
      const child = (value as Record<string, unknown>)[key];
      if (typeof child !== 'object' || child === null) continue;
      if (level + 1 > limit) return true;
      stack.push(child);
      levels.push(level + 1);
    }
  }
  return false;
}

/** UTF-8 bytes of a line's text, or undefined when it is certainly within `limit` (no count needed). */
export function byteLengthBeyond(text: string, limit: number): number | undefined {
  if (text.length * 3 <= limit) return undefined; // at most 3 bytes per UTF-16 unit
  const bytes = Buffer.byteLength(text);
  return bytes > limit ? bytes : undefined;
}

/**
 * The issue for a feature nested deeper than `limit`: it is skipped. `depth`: how deep, when
 * known; `position`: where it is in the file (e.g. "byte 1234"), for one that was not parsed.
 */
export function nestingTooDeep(file: string, feature: string, limit: number, { depth, position }: { depth?: number; position?: string } = {}): SourceFeature {
  const how = depth !== undefined ? `${depth} levels deep` : `more than ${limit} levels deep`;
  const where = position !== undefined ? ` (at ${position})` : '';
  return {
    kind: 'issue',
    issue: { file, feature, code: 'NESTING_TOO_DEEP', message: `its JSON${where} nests ${how}; at most ${limit} levels are read (--max-nesting)` },
  };
}

/** The issue for a feature whose JSON is larger than `limit` bytes (`bytes`, at least, when it was not read to its end): it is skipped. */
export function featureTooLarge(file: string, feature: string, limit: number, bytes: number, position: string): SourceFeature {
  const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;
  return {
    kind: 'issue',
    issue: {
      file,
      feature,
      code: 'FEATURE_TOO_LARGE',
      message: `its JSON (at ${position}) is ${mb(bytes)}; features of at most ${mb(limit)} are read (--max-feature-mb)`,
    },
  };
}
