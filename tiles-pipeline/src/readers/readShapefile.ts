import { open as openFile, readFile } from 'node:fs/promises';
import * as shapefile from 'shapefile';
import { InputFileError } from './InputFileError.js';
import type { OpenedSource, SourceFeature } from './SourceFeature.js';
import { geoJsonFeatureToSource } from './geoJsonFeatureToSource.js';

/** dBASE language driver ids (byte 29) for the code pages Chinese data comes in. */
const LANGUAGE_DRIVER_ENCODINGS: Record<number, string> = { 0x4d: 'gbk', 0x7a: 'gbk', 0x57: 'windows-1252' };

/**
 * An ESRI Shapefile: geometry from .shp, attributes from .dbf decoded in the code page named by
 * .cpg (or the dBASE language driver; else UTF-8 if it decodes, else GB18030), CRS from .prj.
 * The shapefile package streams records but ignores .cpg, so the encoding is worked out here.
 */
export async function readShapefile(file: string, idField: string | undefined): Promise<OpenedSource> {
  const base = file.replace(/\.shp$/i, '');
  const shp = await sibling(base, '.shp');
  if (!shp) throw new InputFileError(file, 'the .shp file does not exist');
  const dbf = await sibling(base, '.dbf');
  if (!dbf) throw new InputFileError(file, 'the .dbf file beside it is missing: a Shapefile needs .shp, .dbf (and .prj for its CRS)');
  const prj = await sibling(base, '.prj');
  const cpg = await sibling(base, '.cpg');
  await checkMagic(shp, file);
  const encoding = await dbfEncoding(dbf, cpg);
  const declaredCrs = prj ? (await readFile(prj, 'utf8')).trim() : undefined;
  let source: shapefile.Source<GeoJSON.Feature>;
  try {
    source = await shapefile.open(shp, dbf, { encoding });
  } catch (error) {
    throw new InputFileError(file, `cannot open: ${(error as Error).message}`);
  }
  async function* features(): AsyncGenerator<SourceFeature> {
    let index = 0;
    for (;;) {
      let result: { done: boolean; value: GeoJSON.Feature };
      try {
        result = await source.read();
      } catch (error) {
        throw new InputFileError(file, `cannot read record ${index + 1}: ${(error as Error).message} (truncated?)`);
      }
      if (result.done) break;
      if (!result.value) throw new InputFileError(file, `record ${index + 1} is incomplete (truncated?)`);
      yield geoJsonFeatureToSource(result.value, file, index++, idField);
    }
  }
  return { format: `Shapefile (${encoding})`, declaredCrs, features: features() };
}

async function sibling(base: string, extension: string): Promise<string | undefined> {
  for (const candidate of [base + extension, base + extension.toUpperCase()]) {
    try {
      await (await openFile(candidate, 'r')).close();
      return candidate;
    } catch {
      // try the next spelling
    }
  }
  return undefined;
}

async function checkMagic(shp: string, file: string): Promise<void> {
  const handle = await openFile(shp, 'r');
  try {
    const header = Buffer.alloc(100);
    const { bytesRead } = await handle.read(header, 0, 100, 0);
    if (bytesRead < 100) throw new InputFileError(file, `the .shp header is ${bytesRead} bytes, 100 expected (truncated?)`);
    if (header.readInt32BE(0) !== 9994) throw new InputFileError(file, 'not a Shapefile: wrong magic number (9994 expected)', 'byte 0');
    const declaredLength = header.readInt32BE(24) * 2;
    const { size } = await handle.stat();
    if (size < declaredLength) throw new InputFileError(file, `the .shp declares ${declaredLength} bytes but has ${size} (truncated)`, `byte ${size}`);
  } finally {
    await handle.close();
  }
}

async function dbfEncoding(dbf: string, cpg: string | undefined): Promise<string> {
  if (cpg) {
    const name = (await readFile(cpg, 'latin1')).trim().toLowerCase();
    if (/^(utf-?8|65001)$/.test(name)) return 'utf-8';
    if (/^(gbk|cp936|936|gb2312|ansi 936|gb18030|54936)$/.test(name)) return 'gb18030';
    if (/^(big5|950|cp950)$/.test(name)) return 'big5';
    if (/^(latin1|iso-?8859-1|1252|cp1252|windows-1252)$/.test(name)) return 'windows-1252';
    return name; // any other label TextDecoder knows
  }
  const handle = await openFile(dbf, 'r');
  try {
    const sample = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(sample, 0, sample.length, 0);
    const driver = LANGUAGE_DRIVER_ENCODINGS[sample[29] ?? 0];
    if (driver) return driver === 'gbk' ? 'gb18030' : driver;
    const headerLength = sample.readUInt16LE(8);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(sample.subarray(headerLength, bytesRead));
      return 'utf-8';
    } catch {
      return 'gb18030'; // GBK is a subset of GB18030; Chinese GIS tools default to it
    }
  } finally {
    await handle.close();
  }
}
