import type { BuildingRecord, GeoPolygon, GeoSurface } from '../buildings/BuildingRecord.js';

/**
 * Binary form of a BuildingRecord for the spool: [u32 JSON length][JSON][padding to 8][float64
 * coordinates]. JSON carries everything but the coordinates, which are copied as raw doubles:
 * several times faster than v8.serialize, whose typed-array path dominated the pipeline's profile.
 */
export function encodeRecord(record: BuildingRecord): Buffer {
  const arrays: Float64Array[] = [];
  const polygons = record.polygons.map((p) => {
    arrays.push(p.lonLat);
    return { n: p.lonLat.length, r: p.ringStarts };
  });
  const surfaces = record.surfaces.map((s) => {
    arrays.push(s.lonLatHeight);
    return { n: s.lonLatHeight.length, r: s.ringStarts, s: s.surface };
  });
  const json = Buffer.from(JSON.stringify({ ...record, polygons, surfaces }));
  const floatsAt = align8(4 + json.length);
  let floats = 0;
  for (const a of arrays) floats += a.length;
  const buffer = Buffer.allocUnsafe(floatsAt + floats * 8);
  buffer.writeUInt32LE(json.length, 0);
  json.copy(buffer, 4);
  buffer.fill(0, 4 + json.length, floatsAt);
  let offset = floatsAt;
  for (const a of arrays) {
    buffer.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
    offset += a.byteLength;
  }
  return buffer;
}

export function decodeRecord(buffer: Uint8Array): BuildingRecord {
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const jsonLength = view.getUint32(0, true);
  const parsed = JSON.parse(Buffer.from(buffer.buffer, buffer.byteOffset + 4, jsonLength).toString('utf8')) as Omit<BuildingRecord, 'polygons' | 'surfaces'> & {
    polygons: { n: number; r: number[] }[];
    surfaces: { n: number; r: number[]; s: number }[];
  };
  let offset = align8(4 + jsonLength);
  // Copy out: the source buffer may not be 8-byte aligned in memory.
  const take = (n: number): Float64Array => {
    const array = new Float64Array(n);
    new Uint8Array(array.buffer).set(buffer.subarray(offset, offset + n * 8));
    offset += n * 8;
    return array;
  };
  const polygons: GeoPolygon[] = parsed.polygons.map((p) => ({ lonLat: take(p.n), ringStarts: p.r }));
  const surfaces: GeoSurface[] = parsed.surfaces.map((s) => ({ lonLatHeight: take(s.n), ringStarts: s.r, surface: s.s }));
  return { ...parsed, polygons, surfaces };
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
