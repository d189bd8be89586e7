import { FileByteReader } from './FileByteReader.js';
import { InputFileError } from './InputFileError.js';

export interface DbfField {
  /** The name's bytes (up to 11, NUL-padded, in the file's code page): decoded by the caller. */
  rawName: Uint8Array;
  /** dBASE type letter: C text, N/F numeric text, L logical, D date (YYYYMMDD), I/+ int32, O double… */
  type: string;
  length: number;
  decimals: number;
  /** Offset of the field in a record (after the deletion flag). */
  offset: number;
}

export interface DbfRecord {
  /** 1-based record number. */
  number: number;
  /** Flagged deleted ("*"): a dBASE delete, not yet packed out of the file. */
  deleted: boolean;
  /** The record's bytes (flag included); valid until the next call to `next`. */
  bytes: Buffer;
}

/**
 * A dBASE III/IV table (.dbf, a Shapefile's attributes). Opening checks the header against the
 * file: the field descriptors must fill the record length and the declared records must all be
 * there, so a truncated file is an error naming the record it breaks off in — never records
 * read past the end as empty attributes.
 */
export class DbfReader {
  private number = 0;

  private constructor(
    private readonly reader: FileByteReader,
    private readonly file: string,
    readonly recordCount: number,
    readonly headerLength: number,
    readonly recordLength: number,
    /** Byte 29: the dBASE language driver id (0: none). */
    readonly languageDriver: number,
    readonly fields: readonly DbfField[],
  ) {}

  static async open(path: string, file = path): Promise<DbfReader> {
    const reader = await FileByteReader.open(path);
    try {
      const head = Buffer.from(await reader.read(32));
      if (head.length < 32) throw new InputFileError(file, `the .dbf header is ${head.length} bytes, 32 expected (truncated?)`, `byte ${head.length}`);
      const recordCount = head.readUInt32LE(4);
      const headerLength = head.readUInt16LE(8);
      const recordLength = head.readUInt16LE(10);
      const languageDriver = head[29]!;
      if (headerLength < 33 || recordLength < 1) {
        throw new InputFileError(file, `the .dbf header declares ${headerLength} header bytes and ${recordLength}-byte records: damaged header`, 'byte 8');
      }
      if (reader.size < headerLength) {
        throw new InputFileError(file, `the .dbf declares a ${headerLength}-byte header but has ${reader.size} bytes (truncated)`, `byte ${reader.size}`);
      }
      const descriptors = Buffer.from(await reader.read(headerLength - 32));
      const fields: DbfField[] = [];
      let offset = 1;
      for (let at = 0; at + 32 <= descriptors.length && descriptors[at] !== 0x0d; at += 32) {
        let nameLength = 0;
        while (nameLength < 11 && descriptors[at + nameLength] !== 0) nameLength++;
        const length = descriptors[at + 16]!;
        const field = {
          rawName: descriptors.subarray(at, at + nameLength),
          type: String.fromCharCode(descriptors[at + 11]!).toUpperCase(),
          length,
          decimals: descriptors[at + 17]!,
          offset,
        };
        if (length === 0) throw new InputFileError(file, `field ${fields.length + 1} has length 0: damaged header`, `byte ${32 + at + 16}`);
        fields.push(field);
        offset += length;
      }
      if (offset > recordLength) {
        throw new InputFileError(file, `the fields take ${offset} bytes but records are ${recordLength} bytes long: damaged header`, 'byte 10');
      }
      const dataEnd = headerLength + recordCount * recordLength;
      if (reader.size < dataEnd) {
        const whole = Math.max(0, Math.floor((reader.size - headerLength) / recordLength));
        throw new InputFileError(
          file,
          `the .dbf declares ${recordCount} records of ${recordLength} bytes but ends in record ${whole + 1} (${reader.size} of ${dataEnd} bytes): truncated`,
          `byte ${reader.size}`,
        );
      }
      reader.seek(headerLength);
      return new DbfReader(reader, file, recordCount, headerLength, recordLength, languageDriver, fields);
    } catch (error) {
      await reader.close();
      throw error;
    }
  }

  /** The next record, or undefined after the last one the header declares. */
  async next(): Promise<DbfRecord | undefined> {
    if (this.number >= this.recordCount) return undefined;
    const bytes = await this.reader.read(this.recordLength);
    this.number++;
    // Checked at open; a file that shrank while being read still fails cleanly.
    if (bytes.length < this.recordLength)
      throw new InputFileError(this.file, `record ${this.number} is incomplete (truncated)`, `byte ${this.reader.position}`);
    return { number: this.number, deleted: bytes[0] === 0x2a, bytes };
  }

  /** Up to `limit` bytes of whole records from the first, for guessing an undeclared code page. */
  async sample(limit: number): Promise<Buffer> {
    const position = this.reader.position;
    const records = Math.min(this.recordCount, Math.max(1, Math.floor(limit / this.recordLength)));
    this.reader.seek(this.headerLength);
    const bytes = Buffer.from(await this.reader.read(records * this.recordLength));
    this.reader.seek(position);
    return bytes;
  }

  async close(): Promise<void> {
    await this.reader.close();
  }
}
