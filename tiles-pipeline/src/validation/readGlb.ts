import { MeshoptDecoder } from 'meshoptimizer';

export interface Glb {
  json: GltfJson;
  bin: Uint8Array;
}

export interface GltfJson {
  asset?: { version?: string };
  extensionsUsed?: string[];
  extensionsRequired?: string[];
  extensions?: Record<string, unknown>;
  nodes?: { mesh?: number; matrix?: number[]; children?: number[]; extensions?: Record<string, unknown> }[];
  meshes?: { primitives: { attributes: Record<string, number>; indices?: number; extensions?: Record<string, unknown> }[] }[];
  accessors?: {
    bufferView?: number;
    byteOffset?: number;
    componentType: number;
    count: number;
    type: string;
    normalized?: boolean;
    min?: number[];
    max?: number[];
  }[];
  bufferViews?: {
    buffer: number;
    byteOffset?: number;
    byteLength: number;
    byteStride?: number;
    extensions?: Record<string, { buffer: number; byteOffset?: number; byteLength: number; byteStride: number; mode: string; count: number; filter?: string }>;
  }[];
  buffers?: { byteLength: number; uri?: string; extensions?: Record<string, unknown> }[];
  scenes?: { nodes: number[] }[];
}

/** Parses a GLB container; throws on a wrong magic, version or chunk layout. */
export function readGlb(bytes: Uint8Array): Glb {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 20 || view.getUint32(0, true) !== 0x46546c67) throw new Error('not a GLB (magic "glTF" missing)');
  if (view.getUint32(4, true) !== 2) throw new Error(`GLB version ${view.getUint32(4, true)}, 2 expected`);
  if (view.getUint32(8, true) !== bytes.byteLength) throw new Error('GLB length field does not match the file size');
  const jsonLength = view.getUint32(12, true);
  if (view.getUint32(16, true) !== 0x4e4f534a) throw new Error('first GLB chunk is not JSON');
  const json = JSON.parse(new TextDecoder().decode(bytes.subarray(20, 20 + jsonLength))) as GltfJson;
  let bin: Uint8Array = new Uint8Array(0);
  const binStart = 20 + jsonLength;
  if (binStart + 8 <= bytes.byteLength) {
    const binLength = view.getUint32(binStart, true);
    if (view.getUint32(binStart + 4, true) !== 0x004e4942) throw new Error('second GLB chunk is not BIN');
    bin = bytes.subarray(binStart + 8, binStart + 8 + binLength);
  }
  return { json, bin };
}

/** The bytes of a buffer view, decoding EXT_meshopt_compression (await MeshoptDecoder.ready first). */
export function bufferViewBytes(glb: Glb, index: number): Uint8Array {
  const view = glb.json.bufferViews?.[index];
  if (!view) throw new Error(`bufferView ${index} does not exist`);
  const meshopt = view.extensions?.['EXT_meshopt_compression'];
  if (meshopt) {
    const source = glb.bin.subarray(meshopt.byteOffset ?? 0, (meshopt.byteOffset ?? 0) + meshopt.byteLength);
    const target = new Uint8Array(meshopt.count * meshopt.byteStride);
    MeshoptDecoder.decodeGltfBuffer(target, meshopt.count, meshopt.byteStride, source, meshopt.mode, meshopt.filter ?? 'NONE');
    return target;
  }
  if (view.buffer !== 0) throw new Error(`bufferView ${index} refers to buffer ${view.buffer}, which has no data in a GLB`);
  return glb.bin.subarray(view.byteOffset ?? 0, (view.byteOffset ?? 0) + view.byteLength);
}

const COMPONENTS: Record<string, number> = { SCALAR: 1, VEC2: 2, VEC3: 3, VEC4: 4, MAT4: 16 };

/** Reads an accessor as numbers (normalised integers scaled to [-1, 1] / [0, 1]). */
export function readAccessor(glb: Glb, index: number): Float64Array {
  const accessor = glb.json.accessors?.[index];
  if (!accessor || accessor.bufferView === undefined) throw new Error(`accessor ${index} has no data`);
  const bytes = bufferViewBytes(glb, accessor.bufferView);
  const view = glb.json.bufferViews![accessor.bufferView]!;
  const components = COMPONENTS[accessor.type] ?? 1;
  const size = { 5120: 1, 5121: 1, 5122: 2, 5123: 2, 5125: 4, 5126: 4 }[accessor.componentType] ?? 4;
  const stride = view.byteStride ?? components * size;
  const data = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(accessor.count * components);
  for (let i = 0; i < accessor.count; i++) {
    for (let c = 0; c < components; c++) {
      const at = (accessor.byteOffset ?? 0) + i * stride + c * size;
      let value: number;
      switch (accessor.componentType) {
        case 5120:
          value = data.getInt8(at);
          if (accessor.normalized) value = Math.max(value / 127, -1);
          break;
        case 5121:
          value = data.getUint8(at);
          if (accessor.normalized) value /= 255;
          break;
        case 5122:
          value = data.getInt16(at, true);
          if (accessor.normalized) value = Math.max(value / 32767, -1);
          break;
        case 5123:
          value = data.getUint16(at, true);
          if (accessor.normalized) value /= 65535;
          break;
        case 5125:
          value = data.getUint32(at, true);
          break;
        default:
          value = data.getFloat32(at, true);
      }
      out[i * components + c] = value;
    }
  }
  return out;
}

/** Decodes one property of an EXT_structural_metadata property table (numbers and strings). */
export function readPropertyColumn(glb: Glb, table: number, property: string): (string | number | boolean)[] {
  const metadata = glb.json.extensions?.['EXT_structural_metadata'] as
    | {
        schema: { classes: Record<string, { properties: Record<string, { type: string; componentType?: string }> }> };
        propertyTables: { class: string; count: number; properties: Record<string, { values: number; stringOffsets?: number }> }[];
      }
    | undefined;
  const propertyTable = metadata?.propertyTables[table];
  if (!metadata || !propertyTable) throw new Error(`property table ${table} does not exist`);
  const definition = metadata.schema.classes[propertyTable.class]?.properties[property];
  const column = propertyTable.properties[property];
  if (!definition || !column) throw new Error(`property ${property} is not in table ${table}`);
  const values = bufferViewBytes(glb, column.values);
  const count = propertyTable.count;
  if (definition.type === 'STRING') {
    const offsets = new Uint32Array(bufferViewBytes(glb, column.stringOffsets!).slice().buffer, 0, count + 1);
    const decoder = new TextDecoder();
    return Array.from({ length: count }, (_, i) => decoder.decode(values.subarray(offsets[i]!, offsets[i + 1]!)));
  }
  if (definition.type === 'BOOLEAN') return Array.from({ length: count }, (_, i) => ((values[i >> 3]! >> (i & 7)) & 1) === 1);
  const copy = values.slice().buffer;
  const typed =
    definition.componentType === 'INT32'
      ? new Int32Array(copy, 0, count)
      : definition.componentType === 'FLOAT64'
        ? new Float64Array(copy, 0, count)
        : definition.componentType === 'FLOAT32'
          ? new Float32Array(copy, 0, count)
          : definition.componentType === 'UINT8'
            ? new Uint8Array(copy, 0, count)
            : undefined;
  if (!typed) throw new Error(`component type ${definition.componentType} is not supported here`);
  return Array.from(typed);
}
