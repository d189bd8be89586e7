import type { BuildingRecord } from '../buildings/BuildingRecord.js';
import type { FeatureIssue } from '../report/FeatureIssue.js';

/**
 * Characters of attribute text one building may carry into a tile build (at most 8 MB as a
 * string). Node gives a worker thread at its heap limit 16 MB of leeway to end cleanly; one
 * larger value arriving then (a 40 MB attribute) aborts the whole process instead of failing
 * its tile. Geometry travels in typed arrays, outside the heap, and needs no bound here.
 */
export const MAX_RECORD_TEXT = 4_000_000;

/** FEATURE_TOO_LARGE when a building's attribute text is past MAX_RECORD_TEXT; else undefined. */
export function recordTooLarge(record: BuildingRecord, file: string): FeatureIssue | undefined {
  let characters = 0;
  for (const key in record.attributes) {
    const value = record.attributes[key];
    characters += key.length + (typeof value === 'string' ? value.length : 0);
  }
  if (characters <= MAX_RECORD_TEXT) return undefined;
  return {
    file,
    feature: record.id,
    code: 'FEATURE_TOO_LARGE',
    message: `its attributes hold ${characters.toLocaleString('en')} characters of text; a tile is built from at most ${MAX_RECORD_TEXT.toLocaleString('en')} per feature`,
  };
}
