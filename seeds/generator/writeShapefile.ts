import { writeFileSync } from 'node:fs';
import iconv from 'iconv-lite';

export interface ShapefileField {
  /** Field name (at most 10 bytes in the chosen encoding: 5 Chinese characters in GBK). */
  name: string;
  type: 'C' | 'N';
  /** Width in characters/bytes; decimals for numbers. */
  length: number;
  decimals?: number;
}

export interface ShapefilePolygon {
  /** Rings in the target CRS; outer rings clockwise, holes counter-clockwise (ESRI), closed. */
  rings: number[][][];
  values: (string | number | null)[];
}

/** Shape types written: polygons (5), polylines (3, parts instead of rings) and points (1, one part of one position). */
export type ShapeType = 'polygon' | 'polyline' | 'point';
const SHAPE_TYPE_CODES: Record<ShapeType, number> = { polygon: 5, polyline: 3, point: 1 };

/**
 * Writes a polygon Shapefile (.shp, .shx, .dbf, .prj, .cpg) with attribute text in the given
 * encoding. The npm writers (shp-write) only write ASCII/UTF-8 attributes; CIM deliveries in
 * China come as GBK, which is what the seeds must exercise.
 */
export function writeShapefile(
  basePath: string,
  fields: ShapefileField[],
  polygons: ShapefilePolygon[],
  prjWkt: string,
  encoding: 'gbk' | 'utf-8',
  shapeType: ShapeType = 'polygon',
): void {
  const typeCode = SHAPE_TYPE_CODES[shapeType];
  const records: Buffer[] = [];
  let xmin = Infinity,
    ymin = Infinity,
    xmax = -Infinity,
    ymax = -Infinity;
  polygons.forEach((polygon, index) => {
    const points = polygon.rings.flat();
    let bxmin = Infinity,
      bymin = Infinity,
      bxmax = -Infinity,
      bymax = -Infinity;
    for (const [x, y] of points as [number, number][]) {
      bxmin = Math.min(bxmin, x);
      bymin = Math.min(bymin, y);
      bxmax = Math.max(bxmax, x);
      bymax = Math.max(bymax, y);
    }
    xmin = Math.min(xmin, bxmin);
    ymin = Math.min(ymin, bymin);
    xmax = Math.max(xmax, bxmax);
    ymax = Math.max(ymax, bymax);
    if (shapeType === 'point') {
      const record = Buffer.alloc(8 + 20);
      record.writeInt32BE(index + 1, 0);
      record.writeInt32BE(10, 4);
      record.writeInt32LE(1, 8);
      record.writeDoubleLE(points[0]![0]!, 12);
      record.writeDoubleLE(points[0]![1]!, 20);
      records.push(record);
      return;
    }
    const contentLength = 44 + 4 * polygon.rings.length + 16 * points.length;
    const record = Buffer.alloc(8 + contentLength);
    record.writeInt32BE(index + 1, 0);
    record.writeInt32BE(contentLength / 2, 4);
    record.writeInt32LE(typeCode, 8);
    record.writeDoubleLE(bxmin, 12);
    record.writeDoubleLE(bymin, 20);
    record.writeDoubleLE(bxmax, 28);
    record.writeDoubleLE(bymax, 36);
    record.writeInt32LE(polygon.rings.length, 44);
    record.writeInt32LE(points.length, 48);
    let offset = 52;
    let start = 0;
    for (const ring of polygon.rings) {
      record.writeInt32LE(start, offset);
      offset += 4;
      start += ring.length;
    }
    for (const [x, y] of points as [number, number][]) {
      record.writeDoubleLE(x, offset);
      record.writeDoubleLE(y, offset + 8);
      offset += 16;
    }
    records.push(record);
  });
  const header = (fileLength: number): Buffer => {
    const h = Buffer.alloc(100);
    h.writeInt32BE(9994, 0);
    h.writeInt32BE(fileLength / 2, 24);
    h.writeInt32LE(1000, 28);
    h.writeInt32LE(typeCode, 32);
    h.writeDoubleLE(xmin, 36);
    h.writeDoubleLE(ymin, 44);
    h.writeDoubleLE(xmax, 52);
    h.writeDoubleLE(ymax, 60);
    return h;
  };
  const shpLength = 100 + records.reduce((sum, r) => sum + r.length, 0);
  writeFileSync(`${basePath}.shp`, Buffer.concat([header(shpLength), ...records]));
  const shx = Buffer.alloc(8 * records.length);
  let offset = 100;
  records.forEach((r, i) => {
    shx.writeInt32BE(offset / 2, i * 8);
    shx.writeInt32BE((r.length - 8) / 2, i * 8 + 4);
    offset += r.length;
  });
  writeFileSync(`${basePath}.shx`, Buffer.concat([header(100 + shx.length), shx]));
  writeFileSync(
    `${basePath}.dbf`,
    dbf(
      fields,
      polygons.map((p) => p.values),
      encoding,
    ),
  );
  writeFileSync(`${basePath}.prj`, prjWkt);
  writeFileSync(`${basePath}.cpg`, encoding === 'gbk' ? 'GBK' : 'UTF-8');
}

function dbf(fields: ShapefileField[], rows: (string | number | null)[][], encoding: 'gbk' | 'utf-8'): Buffer {
  const encode = (text: string): Buffer => iconv.encode(text, encoding);
  const recordLength = 1 + fields.reduce((sum, f) => sum + f.length, 0);
  const headerLength = 32 + 32 * fields.length + 1;
  const header = Buffer.alloc(headerLength);
  header.writeUInt8(3, 0);
  header.writeUInt8(126, 1); // a fixed date keeps the output byte-identical
  header.writeUInt8(1, 2);
  header.writeUInt8(1, 3);
  header.writeUInt32LE(rows.length, 4);
  header.writeUInt16LE(headerLength, 8);
  header.writeUInt16LE(recordLength, 10);
  header.writeUInt8(encoding === 'gbk' ? 0x4d : 0, 29); // language driver: GB2312/936
  fields.forEach((field, i) => {
    const at = 32 + i * 32;
    encode(field.name).copy(header, at, 0, 10);
    header.write(field.type, at + 11, 'latin1');
    header.writeUInt8(field.length, at + 16);
    header.writeUInt8(field.decimals ?? 0, at + 17);
  });
  header.writeUInt8(0x0d, headerLength - 1);
  const body = Buffer.alloc(rows.length * recordLength + 1, 0x20);
  rows.forEach((row, r) => {
    let at = r * recordLength + 1;
    fields.forEach((field, i) => {
      const value = row[i];
      let bytes: Buffer;
      if (value === null || value === undefined) bytes = Buffer.alloc(0);
      else if (field.type === 'N')
        bytes = Buffer.from(
          Number(value)
            .toFixed(field.decimals ?? 0)
            .padStart(field.length, ' '),
          'latin1',
        );
      else bytes = truncateEncoded(encode(String(value)), field.length);
      bytes.copy(body, at, 0, Math.min(bytes.length, field.length));
      at += field.length;
    });
  });
  body.writeUInt8(0x1a, body.length - 1);
  return Buffer.concat([header, body]);
}

/** Cuts encoded text to a byte length without splitting a double-byte character. */
function truncateEncoded(bytes: Buffer, length: number): Buffer {
  if (bytes.length <= length) return bytes;
  let end = 0;
  while (end < length) {
    const step = bytes[end]! >= 0x80 ? 2 : 1;
    if (end + step > length) break;
    end += step;
  }
  return bytes.subarray(0, end);
}
