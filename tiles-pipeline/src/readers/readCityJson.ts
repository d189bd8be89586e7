import { readFile } from 'node:fs/promises';
import { InputFileError } from './InputFileError.js';
import { decodeUtf8 } from './decodeUtf8.js';
import { readLines } from './readLines.js';
import type { OpenedSource, SourceFeature } from './SourceFeature.js';
import { cityJsonObjectsToSource, type CityJsonTransform } from './cityJsonObjectsToSource.js';

const SUPPORTED_VERSIONS = new Set(['1.1', '2.0']);

/**
 * A CityJSON document. Its objects share one vertex list, so the document is parsed whole:
 * large datasets should come as CityJSONSeq, which streams.
 */
export async function readCityJson(file: string, lod: string | undefined): Promise<OpenedSource> {
  const bytes = await readFile(file);
  if (bytes.length === 0) throw new InputFileError(file, 'the file is empty');
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let doc: {
    type?: string;
    version?: string;
    transform?: CityJsonTransform;
    CityObjects?: Record<string, never>;
    vertices?: unknown[];
    metadata?: { referenceSystem?: string };
  };
  try {
    doc = JSON.parse(decodeUtf8(bytes.subarray(start), file, start)) as typeof doc;
  } catch (error) {
    if (error instanceof InputFileError) throw error;
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new InputFileError(file, `invalid JSON: ${(error as Error).message}`, position ? `byte ${Number(position) + start}` : undefined);
  }
  checkHeader(doc, file);
  if (typeof doc.CityObjects !== 'object' || doc.CityObjects === null) throw new InputFileError(file, 'no "CityObjects"');
  if (!Array.isArray(doc.vertices)) throw new InputFileError(file, 'no "vertices" array');
  const features = cityJsonObjectsToSource(doc.CityObjects, { file, vertices: doc.vertices, transform: doc.transform, lod, firstIndex: 0 });
  async function* iterate(): AsyncGenerator<SourceFeature> {
    yield* features;
  }
  return { format: `CityJSON ${doc.version}`, declaredCrs: doc.metadata?.referenceSystem, features: iterate() };
}

/** CityJSONSeq (CityJSON Text Sequences): a CityJSON header line, then one CityJSONFeature a line. */
export async function readCityJsonSeq(file: string, lod: string | undefined): Promise<OpenedSource> {
  const lines = readLines(file);
  const first = await lines.next();
  if (first.done) throw new InputFileError(file, 'the file is empty');
  const header = parseLine(first.value.text, file, first.value.number) as {
    type?: string;
    version?: string;
    transform?: CityJsonTransform;
    metadata?: { referenceSystem?: string };
  };
  checkHeader(header, file);
  async function* iterate(): AsyncGenerator<SourceFeature> {
    let index = 0;
    for await (const line of { [Symbol.asyncIterator]: () => lines }) {
      const feature = parseLine(line.text, file, line.number) as { type?: string; CityObjects?: Record<string, never>; vertices?: unknown[] };
      if (feature.type !== 'CityJSONFeature' || typeof feature.CityObjects !== 'object' || !Array.isArray(feature.vertices)) {
        throw new InputFileError(file, 'expected a CityJSONFeature with CityObjects and vertices', `line ${line.number}`);
      }
      const results = cityJsonObjectsToSource(feature.CityObjects, { file, vertices: feature.vertices, transform: header.transform, lod, firstIndex: index });
      index += results.length;
      yield* results;
    }
  }
  return { format: `CityJSONSeq ${header.version}`, declaredCrs: header.metadata?.referenceSystem, features: iterate() };
}

function parseLine(text: string, file: string, line: number): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputFileError(file, `invalid JSON: ${(error as Error).message}`, `line ${line}`);
  }
}

function checkHeader(doc: { type?: string; version?: string }, file: string): void {
  if (doc.type !== 'CityJSON') throw new InputFileError(file, `"type" is ${JSON.stringify(doc.type)}, expected "CityJSON"`);
  if (!SUPPORTED_VERSIONS.has(String(doc.version))) {
    throw new InputFileError(file, `CityJSON version ${String(doc.version)} is not supported (1.1 and 2.0 are; upgrade older files with cjio)`);
  }
}
