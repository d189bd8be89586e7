import { InputFileError } from './InputFileError.js';
import type { OpenedSource, SourceFeature } from './SourceFeature.js';
import { geoJsonFeatureToSource } from './geoJsonFeatureToSource.js';
import {
  byteLengthBeyond,
  DEFAULT_MAX_FEATURE_BYTES,
  DEFAULT_MAX_NESTING,
  featureTooLarge,
  type FeatureLimits,
  nestingTooDeep,
  propertiesNestTooDeep,
} from './featureLimits.js';
import { type ScannedElement, streamFeatureCollection } from './streamFeatureCollection.js';
import { readLineBatches } from './readLines.js';

/** A GeoJSON FeatureCollection, streamed feature by feature; features beyond the limits are skipped. */
export async function readGeoJson(file: string, idField: string | undefined, limits: FeatureLimits = {}): Promise<OpenedSource> {
  const { maxNesting = DEFAULT_MAX_NESTING, maxFeatureBytes = DEFAULT_MAX_FEATURE_BYTES } = limits;
  const scan = streamFeatureCollection(file, { maxNesting, maxFeatureBytes });
  const iterator = scan.elements();
  // Read the first feature now so members before "features" (crs) are known up front.
  const first = await iterator.next();
  const declaredCrs = crsName(scan.header['crs'], file);
  async function* features(): AsyncGenerator<SourceFeature> {
    if (first.done) return;
    const toSource = (element: ScannedElement): SourceFeature =>
      element.bytes !== undefined
        ? featureTooLarge(file, `#${element.index}`, maxFeatureBytes, element.bytes, `byte ${element.byteOffset}`)
        : element.nesting !== undefined
          ? nestingTooDeep(file, `#${element.index}`, maxNesting, { depth: element.nesting, position: `byte ${element.byteOffset}` })
          : geoJsonFeatureToSource(element.value, file, element.index, idField);
    yield toSource(first.value);
    for await (const element of { [Symbol.asyncIterator]: () => iterator }) yield toSource(element);
    if (crsName(scan.header['crs'], file) !== declaredCrs) {
      throw new InputFileError(file, 'a "crs" member after "features" changes the CRS of features already read: move it before "features" or pass --crs');
    }
  }
  return { format: 'GeoJSON', declaredCrs, features: features() };
}

/** Newline-delimited GeoJSON (one Feature per line; GeoJSONSeq record separators tolerated); features beyond the limits are skipped. */
export function readGeoJsonLines(file: string, idField: string | undefined, limits: FeatureLimits = {}): OpenedSource {
  const { maxNesting = DEFAULT_MAX_NESTING, maxFeatureBytes = DEFAULT_MAX_FEATURE_BYTES } = limits;
  async function* features(): AsyncGenerator<SourceFeature> {
    let index = 0;
    for await (const batch of readLineBatches(file)) {
      for (const line of batch) {
        const text = line.text.charCodeAt(0) === 0x1e ? line.text.slice(1) : line.text;
        const bytes = byteLengthBeyond(text, maxFeatureBytes);
        if (bytes !== undefined) {
          yield featureTooLarge(file, `#${index++}`, maxFeatureBytes, bytes, `line ${line.number}`);
          continue;
        }
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (error) {
          throw new InputFileError(file, `invalid JSON: ${(error as Error).message}`, `line ${line.number} (byte ${line.byteOffset})`);
        }
        const at = index++;
        const id = (value as { id?: unknown } | null)?.id;
        yield propertiesNestTooDeep(value, maxNesting)
          ? nestingTooDeep(file, typeof id === 'string' || typeof id === 'number' ? String(id) : `#${at}`, maxNesting, { position: `line ${line.number}` })
          : geoJsonFeatureToSource(value, file, at, idField);
      }
    }
    if (index === 0) throw new InputFileError(file, 'the file is empty');
  }
  return { format: 'GeoJSON (newline-delimited)', declaredCrs: undefined, features: features() };
}

/** The legacy GeoJSON 2008 "crs" member: {"type": "name", "properties": {"name": ...}}. */
function crsName(crs: unknown, file: string): string | undefined {
  if (crs === undefined || crs === null) return undefined;
  const name = (crs as { properties?: { name?: unknown } }).properties?.name;
  if (typeof name !== 'string') throw new InputFileError(file, `unsupported "crs" member ${JSON.stringify(crs).slice(0, 80)}; pass --crs`);
  return name;
}
