import { open } from 'node:fs/promises';
import { InputFileError } from './InputFileError.js';
import type { OpenedSource } from './SourceFeature.js';
import { readGeoJson, readGeoJsonLines } from './readGeoJson.js';
import { readCityJson, readCityJsonSeq } from './readCityJson.js';
import { readShapefile } from './readShapefile.js';

export interface ReadOptions {
  idField: string | undefined;
  lod: string | undefined;
  /** GeoJSON: deepest nesting a feature may have (default DEFAULT_MAX_NESTING); deeper ones are skipped. */
  maxNesting?: number | undefined;
  /** GeoJSON: largest feature, bytes of JSON (default DEFAULT_MAX_FEATURE_BYTES); larger ones are skipped. */
  maxFeatureBytes?: number | undefined;
  /** Code page of .dbf text, overriding .cpg and the language driver (GeoJSON and CityJSON are UTF-8 by their specs). */
  encoding?: string | undefined;
}

/** Opens an input file, picking the reader from its extension and, for JSON, its first bytes. */
export async function openSource(file: string, options: ReadOptions): Promise<OpenedSource> {
  const lower = file.toLowerCase();
  if (lower.endsWith('.shp')) return readShapefile(file, options.idField, options.encoding);
  const head = await readHead(file);
  if (head.trim() === '') throw new InputFileError(file, 'the file is empty');
  if (/\.(city\.?jsonl|cityjsonseq|city\.jsonseq)$/.test(lower)) return readCityJsonSeq(file, options.lod);
  const firstLine = head.split('\n', 1)[0] ?? '';
  const lineDelimited = /\.(ndjson|geojsonl|geojsonseq|geojsons|jsonl)$/.test(lower);
  if (lineDelimited) {
    if (/"type"\s*:\s*"CityJSON"/.test(firstLine)) return readCityJsonSeq(file, options.lod);
    return readGeoJsonLines(file, options.idField, options);
  }
  if (/\.(json|geojson|cityjson)$/.test(lower)) {
    if (/"type"\s*:\s*"CityJSON"/.test(head) || /"CityObjects"\s*:/.test(head)) return readCityJson(file, options.lod);
    return readGeoJson(file, options.idField, options);
  }
  if (!head.trimStart().startsWith('{')) {
    throw new InputFileError(file, 'unknown input format: expected .geojson, .json, .ndjson/.geojsonl, .city.json, .city.jsonl or .shp');
  }
  return readGeoJson(file, options.idField, options);
}

async function readHead(file: string): Promise<string> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputFileError(
      file,
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a file' : `cannot open: ${(error as Error).message}`,
    );
  }
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('latin1');
  } finally {
    await handle.close();
  }
}
