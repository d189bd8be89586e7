import { isUtf8 } from 'node:buffer';
import { open as openFile, readFile } from 'node:fs/promises';
import type { FeatureIssue } from '../report/FeatureIssue.js';
import { DbfReader, type DbfField } from './DbfReader.js';
import { encodingOfLabel } from './encodingOfLabel.js';
import { InputFileError } from './InputFileError.js';
import { ShpReader } from './ShpReader.js';
import type { Attributes, AttributeValue, OpenedSource, SourceFeature } from './SourceFeature.js';
import { geoJsonFeatureToSource } from './geoJsonFeatureToSource.js';
import { TextDecodeAudit } from './TextDecodeAudit.js';

/** dBASE language driver ids (byte 29) and the code pages they stand for. 0x57 is "ANSI": read as Windows-1252, and audited. */
const LANGUAGE_DRIVER_ENCODINGS: Readonly<Record<number, string>> = {
  0x03: 'windows-1252',
  0x57: 'windows-1252',
  0x58: 'windows-1252',
  0x4d: 'gb18030',
  0x7a: 'gb18030',
  0x4f: 'big5',
  0x78: 'big5',
  0x4e: 'euc-kr',
  0x79: 'euc-kr',
  0x13: 'shift_jis',
  0x7b: 'shift_jis',
  0x7c: 'windows-874',
  0xc8: 'windows-1250',
  0xc9: 'windows-1251',
  0xca: 'windows-1254',
  0xcb: 'windows-1253',
  0x26: 'ibm866',
  0x65: 'ibm866',
};

/**
 * An ESRI Shapefile: geometry from .shp, attributes from .dbf decoded in the code page that
 * --encoding, the .cpg or the dBASE language driver names (else UTF-8 if the records are valid
 * UTF-8, else GB18030), CRS from .prj. Read here rather than with the `shapefile` package,
 * which reads a truncated .dbf as records without attributes, ends the file silently at a
 * damaged .shp record, ignores the .shx, the .cpg and dBASE deletion flags, and hands back
 * decoded text only (the code-page audit needs the bytes).
 *
 * File errors (exit 1, nothing published): a damaged or truncated .shp record, a truncated
 * .dbf, record counts that differ between .shp, .dbf and .shx, index offsets that do not
 * match. File-level warnings (in `warnings`): text that does not read as the code page, and
 * records flagged deleted, which are left out as GIS software leaves them out (not read, so
 * not counted as skipped).
 */
export async function readShapefile(file: string, idField: string | undefined, encodingOption?: string): Promise<OpenedSource> {
  const base = file.replace(/\.shp$/i, '');
  const shpPath = await sibling(base, '.shp');
  if (!shpPath) throw new InputFileError(file, 'the .shp file does not exist');
  const dbfPath = await sibling(base, '.dbf');
  if (!dbfPath) throw new InputFileError(file, 'the .dbf file beside it is missing: a Shapefile needs .shp, .dbf (and .prj for its CRS)');
  const prj = await sibling(base, '.prj');
  const cpg = await sibling(base, '.cpg');
  const shxPath = await sibling(base, '.shx');
  // The headers, the index and the code page are checked now, before any feature is read.
  await (await ShpReader.open(shpPath, file)).close();
  const dbfHeader = await DbfReader.open(dbfPath);
  let index: ShxIndex | undefined;
  let encoding: { encoding: string; declaredBy: string };
  try {
    index = shxPath ? await readShx(shxPath, dbfHeader.recordCount) : undefined;
    encoding = await dbfEncoding(encodingOption, cpg, dbfHeader, file);
  } finally {
    await dbfHeader.close();
  }
  const declaredCrs = prj ? (await readFile(prj, 'utf8')).replace(/^\ufeff/, '').trim() : undefined;
  const audit = new TextDecodeAudit(encoding.encoding, encoding.declaredBy);
  const decoder = new TextDecoder(encoding.encoding);
  const names = dbfHeader.fields.map((field, f) => {
    const name = decoder.decode(field.rawName).trim();
    audit.observe(field.rawName, name, name, `the name of field ${f + 1}`);
    return name;
  });
  const warnings: FeatureIssue[] = [];

  async function* features(): AsyncGenerator<SourceFeature> {
    let deleted = 0;
    let records = 0;
    const shp = await ShpReader.open(shpPath!, file);
    const dbf = await DbfReader.open(dbfPath!);
    try {
      for await (const record of shp.records()) {
        records = record.number;
        const row = await dbf.next();
        if (!row) throw new InputFileError(file, `the .shp has more records than the ${dbf.recordCount} the .dbf declares`, `record ${record.number}`);
        const indexed = index?.offsets[record.number - 1];
        if (index && indexed !== record.byteOffset) {
          throw new InputFileError(
            file,
            `the .shx says record ${record.number} starts at byte ${indexed ?? '(none)'}, the .shp has it at byte ${record.byteOffset}: the files do not belong together or one is damaged`,
            `record ${record.number}`,
          );
        }
        if (row.deleted) {
          deleted++;
          continue;
        }
        const attributes = attributesOf(row.bytes, dbf.fields, names, decoder, audit, record.number);
        yield geoJsonFeatureToSource({ type: 'Feature', properties: attributes, geometry: record.geometry }, file, record.number - 1, idField);
      }
      if (records < dbf.recordCount) {
        throw new InputFileError(
          file,
          `the .dbf declares ${dbf.recordCount} records but the .shp has ${records} (a .shp record lost or the .dbf of another layer?)`,
        );
      }
    } finally {
      await shp.close();
      await dbf.close();
    }
    // Every record deleted: an export of the wrong layer, not an empty one. Said here, where the file is known.
    if (records > 0 && deleted === records) throw new InputFileError(file, `all ${records} records are flagged deleted in the .dbf: nothing to read`);
    const verdict = audit.verdict();
    if (verdict) warnings.push({ file, feature: '*', code: 'TEXT_ENCODING_SUSPECT', message: verdict });
    if (deleted > 0) {
      warnings.push({
        file,
        feature: '*',
        code: 'RECORD_DELETED',
        message: `${deleted} record(s) flagged deleted in the .dbf were left out, as GIS software leaves them out (not counted as read)`,
      });
    }
  }
  return { format: `Shapefile (${encoding.encoding})`, declaredCrs, features: features(), warnings };
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

interface ShxIndex {
  /** Byte offset of each record in the .shp. */
  offsets: Int32Array;
}

/** The .shx index: 100-byte header, then 8 bytes a record (offset and length in 16-bit words, big-endian). */
async function readShx(path: string, dbfRecords: number): Promise<ShxIndex> {
  const bytes = await readFile(path);
  if (bytes.length < 100 || bytes.readInt32BE(0) !== 9994)
    throw new InputFileError(path, 'not a Shapefile index: short or wrong magic number (9994 expected)', 'byte 0');
  if ((bytes.length - 100) % 8 !== 0)
    throw new InputFileError(path, `${bytes.length - 100} bytes of index entries is not a whole number of 8-byte entries (truncated?)`);
  const count = (bytes.length - 100) / 8;
  if (count !== dbfRecords) {
    throw new InputFileError(path, `the .shx indexes ${count} records but the .dbf declares ${dbfRecords}: a file was truncated or belongs to another layer`);
  }
  const offsets = new Int32Array(count);
  for (let i = 0; i < count; i++) offsets[i] = bytes.readInt32BE(100 + 8 * i) * 2;
  return { offsets };
}

async function dbfEncoding(
  option: string | undefined,
  cpg: string | undefined,
  dbf: DbfReader,
  file: string,
): Promise<{ encoding: string; declaredBy: string }> {
  if (option !== undefined) {
    const encoding = encodingOfLabel(option);
    if (!encoding) throw new InputFileError(file, `unknown encoding "${option}" (e.g. utf-8, gbk, gb18030, big5, windows-1252)`);
    return { encoding, declaredBy: `--encoding ${option}` };
  }
  if (cpg) {
    const bytes = await readFile(cpg);
    const label = bytes
      .subarray(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0)
      .toString('latin1')
      .trim();
    if (label !== '') {
      const encoding = encodingOfLabel(label);
      if (!encoding) throw new InputFileError(cpg, `the .cpg names code page "${label}", which has no decoder here; pass --encoding (e.g. gbk, utf-8)`);
      return { encoding, declaredBy: `.cpg "${label}"` };
    }
  }
  const driver = LANGUAGE_DRIVER_ENCODINGS[dbf.languageDriver];
  if (driver) return { encoding: driver, declaredBy: `dBASE language driver 0x${dbf.languageDriver.toString(16)}` };
  // Undeclared: whole records from the start decide (a cut inside a character would mislead).
  if (isUtf8(await dbf.sample(64 * 1024))) return { encoding: 'utf-8', declaredBy: 'no .cpg; the records are valid UTF-8' };
  return { encoding: 'gb18030', declaredBy: 'no .cpg; the records are not UTF-8, so GBK/GB18030 as Chinese GIS tools write' };
}

function attributesOf(
  bytes: Buffer,
  fields: readonly DbfField[],
  names: readonly string[],
  decoder: TextDecoder,
  audit: TextDecodeAudit,
  record: number,
): Attributes {
  const attributes: Attributes = {};
  fields.forEach((field, f) => {
    const raw = bytes.subarray(field.offset, field.offset + field.length);
    let value: AttributeValue;
    switch (field.type) {
      case 'N':
      case 'F':
        value = numberOf(raw.toString('latin1').trim());
        break;
      case 'L': {
        const flag = raw.toString('latin1').trim();
        value = /^[TtYy]$/.test(flag) ? true : /^[FfNn]$/.test(flag) ? false : null;
        break;
      }
      case 'D': {
        const date = raw.toString('latin1').trim();
        value = /^\d{8}$/.test(date) && date !== '00000000' ? `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)}` : date === '' ? null : date;
        break;
      }
      case 'I':
      case '+':
        value = field.length === 4 ? raw.readInt32LE(0) : null;
        break;
      case 'O':
        value = field.length === 8 && Number.isFinite(raw.readDoubleLE(0)) ? raw.readDoubleLE(0) : null;
        break;
      default: {
        const text = decoder.decode(trimPadding(raw)).trim();
        if (text !== '') audit.observe(trimPadding(raw), text, names[f]!, `record ${record} field ${names[f]}`);
        value = text === '' ? null : text;
      }
    }
    attributes[names[f]!] = value;
  });
  return attributes;
}

/**
 * A dBASE number: blank or overflow stars are no value; text that is not a finite number stays
 * text ("1e309", "abc"), so the height rules report it instead of taking it for missing.
 */
function numberOf(text: string): AttributeValue {
  if (text === '' || /^[*.]+$/.test(text)) return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : text;
}

/** Trailing spaces and NULs (some writers pad with NUL). */
function trimPadding(raw: Buffer): Buffer {
  let end = raw.length;
  while (end > 0 && (raw[end - 1] === 0x20 || raw[end - 1] === 0)) end--;
  return raw.subarray(0, end);
}
