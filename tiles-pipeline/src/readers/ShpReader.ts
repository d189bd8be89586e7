import { FileByteReader } from './FileByteReader.js';
import { InputFileError } from './InputFileError.js';

/** ESRI Shapefile shape types (Technical Description, July 1998). */
export const SHAPE_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'Null',
  1: 'Point',
  3: 'PolyLine',
  5: 'Polygon',
  8: 'MultiPoint',
  11: 'PointZ',
  13: 'PolyLineZ',
  15: 'PolygonZ',
  18: 'MultiPointZ',
  21: 'PointM',
  23: 'PolyLineM',
  25: 'PolygonM',
  28: 'MultiPointM',
  31: 'MultiPatch',
};

/** A record's geometry as GeoJSON would write it (x, y only, as the pipeline reads it). */
export interface ShpGeometry {
  type: 'Point' | 'MultiPoint' | 'LineString' | 'MultiLineString' | 'Polygon' | 'MultiPolygon' | 'MultiPatch';
  coordinates: unknown;
}

export interface ShpRecord {
  /** 1-based position in the file. */
  number: number;
  /** Byte offset of the record header. */
  byteOffset: number;
  /** Content length in bytes (the header says 16-bit words). */
  contentLength: number;
  /** null for a Null shape. */
  geometry: ShpGeometry | null;
}

const HEADER_BYTES = 100;
const RECORD_HEADER_BYTES = 8;

/**
 * Streams the records of a .shp file and checks each one against the format: record numbers in
 * sequence, a content length that holds the shape it announces, the file's shape type (or
 * Null), part offsets inside the point list, and records ending exactly where the header says
 * the file ends. Any violation is a file error naming the record: a damaged record would
 * otherwise shift every record after it, or silently end the file early.
 */
export class ShpReader {
  private constructor(
    private readonly reader: FileByteReader,
    private readonly file: string,
    /** The shape type every non-Null record must have. */
    readonly shapeType: number,
    /** End of the records: the header's file length, in bytes. */
    readonly declaredLength: number,
  ) {}

  static async open(path: string, file = path): Promise<ShpReader> {
    const reader = await FileByteReader.open(path);
    try {
      const header = await reader.read(HEADER_BYTES);
      if (header.length < HEADER_BYTES) throw new InputFileError(file, `the .shp header is ${header.length} bytes, ${HEADER_BYTES} expected (truncated?)`);
      if (header.readInt32BE(0) !== 9994) throw new InputFileError(file, 'not a Shapefile: wrong magic number (9994 expected)', 'byte 0');
      const declaredLength = header.readInt32BE(24) * 2;
      if (reader.size < declaredLength) {
        throw new InputFileError(file, `the .shp declares ${declaredLength} bytes but has ${reader.size} (truncated)`, `byte ${reader.size}`);
      }
      if (declaredLength < HEADER_BYTES)
        throw new InputFileError(file, `the .shp header declares a file length of ${declaredLength} bytes: damaged header`, 'byte 24');
      const shapeType = header.readInt32LE(32);
      if (!(shapeType in SHAPE_TYPE_NAMES))
        throw new InputFileError(file, `the .shp header has shape type ${shapeType}, which is not a Shapefile shape type`, 'byte 32');
      return new ShpReader(reader, file, shapeType, declaredLength);
    } catch (error) {
      await reader.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.reader.close();
  }

  /** Every record in order; throws InputFileError at the first damaged one. */
  async *records(): AsyncGenerator<ShpRecord> {
    let number = 0;
    let firstNumber = 0;
    while (this.reader.position < this.declaredLength) {
      const byteOffset = this.reader.position;
      number++;
      const where = `record ${number} (byte ${byteOffset})`;
      if (byteOffset + RECORD_HEADER_BYTES > this.declaredLength) {
        throw new InputFileError(this.file, `${this.declaredLength - byteOffset} stray bytes after the last whole record (truncated record header?)`, where);
      }
      const header = await this.reader.read(RECORD_HEADER_BYTES);
      const recordNumber = header.readInt32BE(0);
      const contentLength = header.readInt32BE(4) * 2;
      // Writers number records from 1; a few from 0. A jump means records were lost or garbled.
      if (number === 1) firstNumber = recordNumber;
      if (recordNumber !== firstNumber + number - 1) {
        throw new InputFileError(
          this.file,
          `the record header says record ${recordNumber}, expected ${firstNumber + number - 1}: damaged record header`,
          where,
        );
      }
      if (contentLength < 4) throw new InputFileError(this.file, `content length ${contentLength} bytes: a record holds at least its 4-byte shape type`, where);
      const end = byteOffset + RECORD_HEADER_BYTES + contentLength;
      if (end > this.declaredLength) {
        throw new InputFileError(this.file, `content length ${contentLength} bytes runs past the end of the file (byte ${this.declaredLength})`, where);
      }
      const content = await this.reader.read(contentLength);
      yield { number, byteOffset, contentLength, geometry: this.parse(content, where) };
    }
  }

  private parse(content: Buffer, where: string): ShpGeometry | null {
    const type = content.readInt32LE(0);
    if (type === 0) return null;
    if (!(type in SHAPE_TYPE_NAMES)) throw new InputFileError(this.file, `shape type ${type} is not a Shapefile shape type`, where);
    if (type !== this.shapeType) {
      throw new InputFileError(
        this.file,
        `a ${SHAPE_TYPE_NAMES[type]} record in a ${SHAPE_TYPE_NAMES[this.shapeType]} file (a file holds one shape type)`,
        where,
      );
    }
    const need = (bytes: number, what: string): void => {
      if (content.length < bytes)
        throw new InputFileError(this.file, `content length ${content.length} bytes is too short for ${what} (${bytes} bytes)`, where);
    };
    switch (type) {
      case 1:
      case 11:
      case 21:
        need(20, 'a point');
        return { type: 'Point', coordinates: [content.readDoubleLE(4), content.readDoubleLE(12)] };
      case 8:
      case 18:
      case 28: {
        need(40, 'a multipoint header');
        const count = content.readInt32LE(36);
        if (count < 0) throw new InputFileError(this.file, `a negative point count (${count})`, where);
        need(40 + 16 * count, `${count} points`);
        const points: number[][] = [];
        for (let i = 0, at = 40; i < count; i++, at += 16) points.push([content.readDoubleLE(at), content.readDoubleLE(at + 8)]);
        return { type: 'MultiPoint', coordinates: points };
      }
      case 31:
        // Multipatch (3D surfaces) is not a footprint or a line: the feature is turned down, not the file.
        return { type: 'MultiPatch', coordinates: [] };
      default: {
        need(44, 'a part and point count');
        const partCount = content.readInt32LE(36);
        const pointCount = content.readInt32LE(40);
        if (partCount < 0 || pointCount < 0)
          throw new InputFileError(this.file, `a negative part or point count (${partCount} parts, ${pointCount} points)`, where);
        need(44 + 4 * partCount + 16 * pointCount, `${partCount} parts and ${pointCount} points`);
        const parts: number[] = [];
        for (let i = 0; i < partCount; i++) {
          const start = content.readInt32LE(44 + 4 * i);
          const previous = i === 0 ? -1 : parts[i - 1]!;
          if ((i === 0 && start !== 0) || start <= previous || start >= pointCount) {
            throw new InputFileError(this.file, `part ${i} starts at point ${start}: part offsets must rise from 0 within the ${pointCount} points`, where);
          }
          parts.push(start);
        }
        const points: number[][] = [];
        for (let i = 0, at = 44 + 4 * partCount; i < pointCount; i++, at += 16) points.push([content.readDoubleLE(at), content.readDoubleLE(at + 8)]);
        const runs = parts.map((start, i) => points.slice(start, parts[i + 1] ?? pointCount));
        if (type === 3 || type === 13 || type === 23) {
          return runs.length === 1 ? { type: 'LineString', coordinates: runs[0] } : { type: 'MultiLineString', coordinates: runs };
        }
        const polygons = polygonsOfRings(runs);
        return polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0] } : { type: 'MultiPolygon', coordinates: polygons };
      }
    }
  }
}

/**
 * ESRI rings: clockwise ones are outer rings, counter-clockwise ones holes of the outer ring
 * that contains them (a hole no outer ring contains stands as a polygon of its own, for the
 * validator to judge). Orientation is left as it is: the building path normalises it.
 */
function polygonsOfRings(rings: number[][][]): number[][][][] {
  const polygons: number[][][][] = [];
  const holes: number[][][] = [];
  for (const ring of rings) {
    if (ringIsClockwise(ring)) polygons.push([ring]);
    else holes.push(ring);
  }
  for (const hole of holes) {
    const outer = polygons.find((polygon) => ringContainsRing(polygon[0]!, hole));
    if (outer) outer.push(hole);
    else polygons.push([hole]);
  }
  return polygons;
}

function ringIsClockwise(ring: number[][]): boolean {
  const n = ring.length;
  if (n < 4) return false;
  let area = ring[n - 1]![1]! * ring[0]![0]! - ring[n - 1]![0]! * ring[0]![1]!;
  for (let i = 1; i < n; i++) area += ring[i - 1]![1]! * ring[i]![0]! - ring[i - 1]![0]! * ring[i]![1]!;
  return area >= 0;
}

/** Whether the first vertex of `hole` that is not on the boundary of `ring` lies inside it. */
function ringContainsRing(ring: number[][], hole: number[][]): boolean {
  for (const point of hole) {
    const side = pointInRing(ring, point[0]!, point[1]!);
    if (side !== 0) return side > 0;
  }
  return false;
}

/** 1 inside, -1 outside, 0 on the boundary. */
function pointInRing(ring: number[][], x: number, y: number): number {
  let inside = -1;
  for (let i = 0, n = ring.length, j = n - 1; i < n; j = i++) {
    const xi = ring[i]![0]!,
      yi = ring[i]![1]!,
      xj = ring[j]![0]!,
      yj = ring[j]![1]!;
    if (onSegment(xi, yi, xj, yj, x, y)) return 0;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = -inside;
  }
  return inside;
}

function onSegment(x0: number, y0: number, x1: number, y1: number, x: number, y: number): boolean {
  const dx = x - x0,
    dy = y - y0;
  if (dx === 0 && dy === 0) return true;
  const ex = x1 - x0,
    ey = y1 - y0;
  if (ex === 0 && ey === 0) return false;
  const t = (dx * ex + dy * ey) / (ex * ex + ey * ey);
  return t < 0 || t > 1 ? false : t === 0 || t === 1 ? true : t * ex === dx && t * ey === dy;
}
