import type { FeatureClass } from '../metadata/FeatureClass.js';
import { MeshoptEncoder } from 'meshoptimizer';
import type { PropertyDefinition } from '../metadata/AttributeSchema.js';
import { type EncodedTable, encodePropertyTable, metadataSchemaJson } from '../metadata/encodePropertyTable.js';
import type { Compression } from './Compression.js';
import type { InstanceGroup } from './InstanceGroup.js';
import { MeshAccumulator, SURFACE_TYPES } from '../../../workers/geometry/MeshAccumulator.js';
import { sweepTube } from '../../../workers/geometry/sweepTube.js';
import { GltfBuilder } from './GltfBuilder.js';
import { encodeDracoPrimitive } from './encodeDracoPrimitive.js';

const ARRAY_BUFFER = 34962;
/** Property table 1 of every tile: the surface types feature-id set 1 points into. */
const SURFACE_TABLE = encodePropertyTable(
  [{ id: 'type', sourceName: 'type', type: 'STRING', optional: false }],
  SURFACE_TYPES.map((t) => [t]),
);
const ELEMENT_ARRAY_BUFFER = 34963;
/** Column-major z-up -> y-up rotation on the root node: cancels glTF's y-up -> z-up at load. */
const Z_UP_TO_Y_UP = [1, 0, 0, 0, 0, 0, -1, 0, 0, 1, 0, 0, 0, 0, 0, 1];

export interface TileGlbInput {
  mesh: MeshAccumulator;
  definitions: readonly PropertyDefinition[];
  featureClass: FeatureClass;
  /** The features' property table, encoded (encodePropertyTable). */
  table: EncodedTable;
  compression: Compression;
  /** Instanced solids drawn beside the merged mesh (pipe symbols). */
  instances?: readonly InstanceGroup[];
  /**
   * Reorder for the vertex cache before meshopt (default on). Swept pipes are generated in
   * strip order already: reordering them costs a third of the tile time and saves little.
   */
  reorder?: boolean;
}

/**
 * Writes one tile's merged building mesh as GLB: one primitive, feature ids per vertex
 * (EXT_mesh_features: set 0 = building -> property table 0, set 1 = surface type -> table 1),
 * the property tables (EXT_structural_metadata), positions in local ENU metres (z up).
 * meshopt: positions quantised to 16 bits and normals to 8 bits (KHR_mesh_quantization),
 * 16-bit feature ids, then EXT_meshopt_compression on every vertex and index stream.
 */
export function buildTileGlb(input: TileGlbInput): Uint8Array {
  const { mesh, compression } = input;
  const builder = new GltfBuilder('CIM Twin tiles-pipeline');
  const featureCount = input.table.count;
  if (mesh.vertexCount === 0 && !input.instances?.length) return emptyTileGlb(builder, input);
  if (mesh.vertexCount > 0 && compression === 'meshopt' && input.reorder !== false) reorderForCompression(mesh);

  const attributes: Record<string, number> = {};
  let indicesAccessor: number | undefined;
  const nodeMatrix = [...Z_UP_TO_Y_UP];
  const primitive: Record<string, unknown> = { mode: 4, material: 0 };
  const bounds = positionBounds(mesh);

  if (mesh.vertexCount === 0) {
    // Only instanced solids in this tile: no merged mesh to write.
  } else if (compression === 'meshopt') {
    builder.useExtension('KHR_mesh_quantization', true);
    writeQuantizedAttributes(builder, mesh, bounds, attributes);
    indicesAccessor = writeIndices(builder, mesh, true);
    // Dequantisation (translate + scale) composed after the axis swap: y-up(T(min) S(step)).
    const step = bounds.max.map((max, i) => Math.max(max - bounds.min[i]!, 1e-6) / 65535);
    const t = bounds.min;
    const m = (r: number, c: number): number => Z_UP_TO_Y_UP[c * 4 + r]!;
    const local = [step[0]!, 0, 0, 0, 0, step[1]!, 0, 0, 0, 0, step[2]!, 0, t[0]!, t[1]!, t[2]!, 1];
    for (let c = 0; c < 4; c++)
      for (let r = 0; r < 4; r++) {
        let sum = 0;
        for (let k = 0; k < 4; k++) sum += m(r, k) * local[c * 4 + k]!;
        nodeMatrix[c * 4 + r] = sum;
      }
  } else if (compression === 'draco') {
    const draco = encodeDracoPrimitive(mesh);
    builder.useExtension('KHR_draco_mesh_compression', true);
    const view = builder.addBufferView(draco.bytes);
    const count = mesh.vertexCount;
    attributes['POSITION'] = builder.addAccessor({ componentType: 5126, count, type: 'VEC3', min: bounds.min, max: bounds.max });
    attributes['NORMAL'] = builder.addAccessor({ componentType: 5126, count, type: 'VEC3' });
    attributes['_FEATURE_ID_0'] = builder.addAccessor({ componentType: 5126, count, type: 'SCALAR' });
    attributes['_FEATURE_ID_1'] = builder.addAccessor({ componentType: 5126, count, type: 'SCALAR' });
    if (mesh.hasColors) attributes['COLOR_0'] = builder.addAccessor({ componentType: 5126, count, type: 'VEC4' });
    indicesAccessor = builder.addAccessor({ componentType: 5125, count: mesh.indexCount, type: 'SCALAR' });
    primitive['extensions'] = { KHR_draco_mesh_compression: { bufferView: view, attributes: draco.attributeIds } };
  } else {
    writeFloatAttributes(builder, mesh, attributes);
    indicesAccessor = writeIndices(builder, mesh, false);
  }
  primitive['attributes'] = attributes;
  primitive['indices'] = indicesAccessor;

  builder.useExtension('EXT_mesh_features', false);
  builder.useExtension('EXT_structural_metadata', false);
  const meshFeatures = {
    featureIds: [
      { featureCount, attribute: 0, propertyTable: 0, label: input.featureClass.id },
      { featureCount: SURFACE_TYPES.length, attribute: 1, propertyTable: 1, label: 'surface' },
    ],
  };
  primitive['extensions'] = { ...(primitive['extensions'] as object | undefined), EXT_mesh_features: meshFeatures };
  builder.json.materials.push({
    pbrMetallicRoughness: { baseColorFactor: [0.93, 0.93, 0.9, 1], metallicFactor: 0, roughnessFactor: 0.9 },
  });
  if (mesh.vertexCount > 0) {
    builder.json.meshes.push({ primitives: [primitive] });
    builder.json.nodes.push({ mesh: 0, matrix: nodeMatrix });
  }
  if (input.instances?.length) writeInstanceGroups(builder, input.instances, featureCount, input.featureClass.id);
  builder.json.scenes = [{ nodes: builder.json.nodes.map((_, i) => i) }];

  builder.json.extensions['EXT_structural_metadata'] = {
    schema: metadataSchemaJson(input.definitions, input.featureClass),
    propertyTables: [propertyTableJson(builder, input.featureClass.id, input.table), propertyTableJson(builder, 'surface', SURFACE_TABLE)],
  };
  return builder.toGlb();
}

/**
 * A tile whose features draw nothing (e.g. survey points on a straight pipe): a scene without a
 * mesh (glTF forbids empty accessors) that still carries the features' property table.
 */
/**
 * Instanced unit cylinders (EXT_mesh_gpu_instancing), one node per group, with per-instance
 * feature ids into property table 0 (EXT_instance_features). Instance transforms act in the
 * node's z-up frame; the node turns it y-up like the main mesh.
 */
function writeInstanceGroups(builder: GltfBuilder, groups: readonly InstanceGroup[], featureCount: number, classId: string): void {
  builder.useExtension('EXT_mesh_gpu_instancing', true);
  builder.useExtension('EXT_instance_features', false);
  const unit = new MeshAccumulator(80);
  sweepTube(unit, new Float64Array([0, 0, 0, 0, 0, 1]), 1, 16, 0, 0, true);
  const count = unit.vertexCount;
  const floats = (array: Float32Array, target?: 34962): number =>
    builder.addBufferView(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), target ? { target } : {});
  const positions = unit.positions.slice(0, count * 3);
  const min = [-1, -1, 0];
  const max = [1, 1, 1];
  for (let i = 0; i < positions.length; i++) positions[i] = Math.fround(Math.min(max[i % 3]!, Math.max(min[i % 3]!, positions[i]!)));
  const position = builder.addAccessor({ bufferView: floats(positions, ARRAY_BUFFER), componentType: 5126, count, type: 'VEC3', min, max });
  const normal = builder.addAccessor({ bufferView: floats(unit.normals.slice(0, count * 3), ARRAY_BUFFER), componentType: 5126, count, type: 'VEC3' });
  const indices = Uint16Array.from(unit.indices.subarray(0, unit.indexCount));
  const indexView = builder.addBufferView(new Uint8Array(indices.buffer, 0, indices.byteLength + (indices.byteLength % 4)), { target: ELEMENT_ARRAY_BUFFER });
  const index = builder.addAccessor({ bufferView: indexView, componentType: 5123, count: unit.indexCount, type: 'SCALAR' });
  for (const group of groups) {
    const surfaceIds = new Float32Array(count).fill(group.surface);
    const material = builder.json.materials.length;
    builder.json.materials.push({
      pbrMetallicRoughness: { baseColorFactor: [...group.rgb.map((c) => Math.round((c / 255) * 1000) / 1000), 1], metallicFactor: 0, roughnessFactor: 0.9 },
    });
    const meshIndex = builder.json.meshes.length;
    builder.json.meshes.push({
      primitives: [
        {
          mode: 4,
          material,
          indices: index,
          attributes: {
            POSITION: position,
            NORMAL: normal,
            _FEATURE_ID_1: builder.addAccessor({ bufferView: floats(surfaceIds, ARRAY_BUFFER), componentType: 5126, count, type: 'SCALAR' }),
          },
          extensions: { EXT_mesh_features: { featureIds: [{ featureCount: SURFACE_TYPES.length, attribute: 1, propertyTable: 1, label: 'surface' }] } },
        },
      ],
    });
    const instances = group.featureIds.length;
    builder.json.nodes.push({
      mesh: meshIndex,
      matrix: [...Z_UP_TO_Y_UP],
      extensions: {
        EXT_mesh_gpu_instancing: {
          attributes: {
            TRANSLATION: builder.addAccessor({ bufferView: floats(group.translations), componentType: 5126, count: instances, type: 'VEC3' }),
            SCALE: builder.addAccessor({ bufferView: floats(group.scales), componentType: 5126, count: instances, type: 'VEC3' }),
            _FEATURE_ID_0: builder.addAccessor({ bufferView: floats(group.featureIds), componentType: 5126, count: instances, type: 'SCALAR' }),
          },
        },
        EXT_instance_features: { featureIds: [{ featureCount, attribute: 0, propertyTable: 0, label: classId }] },
      },
    });
  }
}

function emptyTileGlb(builder: GltfBuilder, input: TileGlbInput): Uint8Array {
  builder.json.nodes.push({ matrix: [...Z_UP_TO_Y_UP] });
  builder.useExtension('EXT_structural_metadata', false);
  builder.json.extensions['EXT_structural_metadata'] = {
    schema: metadataSchemaJson(input.definitions, input.featureClass),
    propertyTables: [propertyTableJson(builder, input.featureClass.id, input.table)],
  };
  return builder.toGlb();
}

function propertyTableJson(builder: GltfBuilder, className: string, table: EncodedTable): object {
  const properties: Record<string, object> = {};
  for (const encoded of table.properties) {
    const property: Record<string, unknown> = { values: builder.addBufferView(encoded.values) };
    if (encoded.stringOffsets) {
      property['stringOffsets'] = builder.addBufferView(encoded.stringOffsets);
      property['stringOffsetType'] = 'UINT32';
    }
    properties[encoded.id] = property;
  }
  return { class: className, count: table.count, properties };
}

interface Bounds {
  min: [number, number, number];
  max: [number, number, number];
}

function positionBounds(mesh: MeshAccumulator): Bounds {
  if (mesh.vertexCount === 0) return { min: [0, 0, 0], max: [0, 0, 0] };
  const p = mesh.positions;
  let minX = Infinity,
    minY = Infinity,
    minZ = Infinity,
    maxX = -Infinity,
    maxY = -Infinity,
    maxZ = -Infinity;
  for (let i = 0, end = mesh.vertexCount * 3; i < end; i += 3) {
    const x = p[i]!,
      y = p[i + 1]!,
      z = p[i + 2]!;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
    if (z < minZ) minZ = z;
    if (z > maxZ) maxZ = z;
  }
  return { min: [minX, minY, minZ], max: [maxX, maxY, maxZ] };
}

/** Reorders vertices and triangles for the post-transform cache and meshopt's delta coding. */
function reorderForCompression(mesh: MeshAccumulator): void {
  const indices = mesh.indices.subarray(0, mesh.indexCount);
  const [remap, unique] = MeshoptEncoder.reorderMesh(indices, true, true);
  const positions = new Float32Array(unique * 3);
  const normals = new Float32Array(unique * 3);
  const featureIds = new Uint32Array(unique);
  const surfaces = new Uint8Array(unique);
  const colors = new Uint8Array(unique * 4);
  const p = mesh.positions,
    n = mesh.normals,
    f = mesh.featureIds,
    k = mesh.surfaces;
  for (let v = 0; v < mesh.vertexCount; v++) {
    const to = remap[v]!;
    if (to === 0xffffffff) continue;
    const a = v * 3,
      b = to * 3;
    positions[b] = p[a]!;
    positions[b + 1] = p[a + 1]!;
    positions[b + 2] = p[a + 2]!;
    normals[b] = n[a]!;
    normals[b + 1] = n[a + 1]!;
    normals[b + 2] = n[a + 2]!;
    featureIds[to] = f[v]!;
    surfaces[to] = k[v]!;
    const c = mesh.colors;
    colors[to * 4] = c[v * 4]!;
    colors[to * 4 + 1] = c[v * 4 + 1]!;
    colors[to * 4 + 2] = c[v * 4 + 2]!;
    colors[to * 4 + 3] = c[v * 4 + 3]!;
  }
  mesh.positions = positions;
  mesh.normals = normals;
  mesh.featureIds = featureIds;
  mesh.surfaces = surfaces;
  mesh.colors = colors;
  mesh.vertexCount = unique;
}

function writeQuantizedAttributes(builder: GltfBuilder, mesh: MeshAccumulator, bounds: Bounds, attributes: Record<string, number>): void {
  const count = mesh.vertexCount;
  // glTF wants every vertex attribute 4-byte aligned: each stream gets its own view, padded
  // to a 4-byte stride; the zero padding costs next to nothing after meshopt's delta coding.
  const quantized = new Uint16Array(count * 4);
  const p = mesh.positions;
  const [minX, minY, minZ] = bounds.min;
  const scaleX = 65535 / Math.max(bounds.max[0] - minX, 1e-6);
  const scaleY = 65535 / Math.max(bounds.max[1] - minY, 1e-6);
  const scaleZ = 65535 / Math.max(bounds.max[2] - minZ, 1e-6);
  // One tight pass (this runs over every vertex of the run): positions lie within the bounds,
  // so (x − min)·scale is in [0, 65535] and +0.5 truncated is the rounding.
  let loX = 65535,
    loY = 65535,
    loZ = 65535,
    hiX = 0,
    hiY = 0,
    hiZ = 0;
  for (let v = 0, i = 0, o = 0; v < count; v++, i += 3, o += 4) {
    const x = ((p[i]! - minX) * scaleX + 0.5) | 0;
    const y = ((p[i + 1]! - minY) * scaleY + 0.5) | 0;
    const z = ((p[i + 2]! - minZ) * scaleZ + 0.5) | 0;
    quantized[o] = x;
    quantized[o + 1] = y;
    quantized[o + 2] = z;
    if (x < loX) loX = x;
    if (x > hiX) hiX = x;
    if (y < loY) loY = y;
    if (y > hiY) hiY = y;
    if (z < loZ) loZ = z;
    if (z > hiZ) hiZ = z;
  }
  const qmin = [loX, loY, loZ];
  const qmax = [hiX, hiY, hiZ];
  // Typed arrays are little-endian on every platform Node and browsers run on, as glTF is.
  const positionBytes = new Uint8Array(quantized.buffer);
  const vertexView = (bytes: Uint8Array, byteStride: number): number =>
    builder.addBufferView(bytes, { byteStride, target: ARRAY_BUFFER, meshopt: { mode: 'ATTRIBUTES', count, byteStride } });
  attributes['POSITION'] = builder.addAccessor({
    bufferView: vertexView(positionBytes, 8),
    componentType: 5123,
    count,
    type: 'VEC3',
    min: count ? qmin : [0, 0, 0],
    max: count ? qmax : [0, 0, 0],
  });

  const normals = new Int8Array(count * 4);
  const n = mesh.normals;
  for (let v = 0, i = 0, o = 0; v < count; v++, i += 3, o += 4) {
    normals[o] = Math.round(n[i]! * 127);
    normals[o + 1] = Math.round(n[i + 1]! * 127);
    normals[o + 2] = Math.round(n[i + 2]! * 127);
  }
  const normalBytes = new Uint8Array(normals.buffer);
  attributes['NORMAL'] = builder.addAccessor({ bufferView: vertexView(normalBytes, 4), componentType: 5120, normalized: true, count, type: 'VEC3' });

  const featureIds = new Uint16Array(count * 2);
  const ids = mesh.featureIds;
  for (let v = 0; v < count; v++) featureIds[v * 2] = ids[v]!;
  const featureBytes = new Uint8Array(featureIds.buffer);
  attributes['_FEATURE_ID_0'] = builder.addAccessor({ bufferView: vertexView(featureBytes, 4), componentType: 5123, count, type: 'SCALAR' });

  const surfaceBytes = new Uint8Array(count * 4);
  const surfaces = mesh.surfaces;
  for (let v = 0; v < count; v++) surfaceBytes[v * 4] = surfaces[v]!;
  attributes['_FEATURE_ID_1'] = builder.addAccessor({ bufferView: vertexView(surfaceBytes, 4), componentType: 5121, count, type: 'SCALAR' });
  if (mesh.hasColors) {
    const colorBytes = mesh.colors.slice(0, count * 4);
    attributes['COLOR_0'] = builder.addAccessor({ bufferView: vertexView(colorBytes, 4), componentType: 5121, normalized: true, count, type: 'VEC4' });
  }
}

function writeFloatAttributes(builder: GltfBuilder, mesh: MeshAccumulator, attributes: Record<string, number>): void {
  const count = mesh.vertexCount;
  const positions = mesh.positions.slice(0, count * 3);
  // Float32 min/max must match the stored values exactly.
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < positions.length; i++) {
    const k = i % 3;
    if (positions[i]! < min[k]!) min[k] = positions[i]!;
    if (positions[i]! > max[k]!) max[k] = positions[i]!;
  }
  const view = (array: Float32Array): number =>
    builder.addBufferView(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), { target: ARRAY_BUFFER });
  attributes['POSITION'] = builder.addAccessor({
    bufferView: view(positions),
    componentType: 5126,
    count,
    type: 'VEC3',
    min: count ? min : [0, 0, 0],
    max: count ? max : [0, 0, 0],
  });
  attributes['NORMAL'] = builder.addAccessor({ bufferView: view(mesh.normals.slice(0, count * 3)), componentType: 5126, count, type: 'VEC3' });
  attributes['_FEATURE_ID_0'] = builder.addAccessor({
    bufferView: view(Float32Array.from(mesh.featureIds.subarray(0, count))),
    componentType: 5126,
    count,
    type: 'SCALAR',
  });
  attributes['_FEATURE_ID_1'] = builder.addAccessor({
    bufferView: view(Float32Array.from(mesh.surfaces.subarray(0, count))),
    componentType: 5126,
    count,
    type: 'SCALAR',
  });
  if (mesh.hasColors) {
    const colors = new Float32Array(count * 4);
    for (let i = 0; i < count * 4; i++) colors[i] = mesh.colors[i]! / 255;
    attributes['COLOR_0'] = builder.addAccessor({ bufferView: view(colors), componentType: 5126, count, type: 'VEC4' });
  }
}

function writeIndices(builder: GltfBuilder, mesh: MeshAccumulator, meshopt: boolean): number {
  const wide = mesh.vertexCount > 65535;
  const source = mesh.indices.subarray(0, mesh.indexCount);
  const indices = wide ? source.slice() : Uint16Array.from(source);
  let bytes = new Uint8Array(indices.buffer, indices.byteOffset, indices.byteLength);
  // meshopt and glTF want 4-byte aligned views; pad 16-bit indices of an odd count.
  if (bytes.byteLength % 4 !== 0) {
    const padded = new Uint8Array(bytes.byteLength + 2);
    padded.set(bytes);
    bytes = padded;
  }
  const byteStride = wide ? 4 : 2;
  const view = builder.addBufferView(
    bytes,
    meshopt && mesh.indexCount > 0
      ? { target: ELEMENT_ARRAY_BUFFER, meshopt: { mode: 'TRIANGLES', count: mesh.indexCount, byteStride } }
      : { target: ELEMENT_ARRAY_BUFFER },
  );
  return builder.addAccessor({ bufferView: view, componentType: wide ? 5125 : 5123, count: mesh.indexCount, type: 'SCALAR' });
}
