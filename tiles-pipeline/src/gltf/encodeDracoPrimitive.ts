import { createRequire } from 'node:module';
import type { MeshAccumulator } from '../../../workers/geometry/MeshAccumulator.js';

const require = createRequire(import.meta.url);

interface DracoEncoderModule {
  Encoder: new () => DracoEncoder;
  MeshBuilder: new () => DracoMeshBuilder;
  Mesh: new () => object;
  DracoInt8Array: new () => { GetValue(i: number): number };
  POSITION: number;
  NORMAL: number;
  GENERIC: number;
  COLOR: number;
  MESH_SEQUENTIAL_ENCODING: number;
  destroy(object: object): void;
}
interface DracoEncoder {
  SetSpeedOptions(encode: number, decode: number): void;
  SetAttributeQuantization(attribute: number, bits: number): void;
  SetEncodingMethod(method: number): void;
  EncodeMeshToDracoBuffer(mesh: object, out: object): number;
}
interface DracoMeshBuilder {
  AddFacesToMesh(mesh: object, faces: number, indices: Uint32Array): void;
  AddFloatAttributeToMesh(mesh: object, attribute: number, count: number, components: number, values: Float32Array): number;
}

let encoderModule: DracoEncoderModule | undefined;

/** Loads the Draco encoder (WebAssembly shipped in the draco3dgltf package) once. */
export async function dracoReady(): Promise<void> {
  if (encoderModule) return;
  const draco = require('draco3dgltf') as { createEncoderModule(options: object): Promise<DracoEncoderModule> };
  encoderModule = await draco.createEncoderModule({});
}

/**
 * Encodes a tile mesh for KHR_draco_mesh_compression. Sequential encoding keeps the vertex
 * count and order, so glTF accessors and feature ids stay valid; feature ids and surface
 * types are generic attributes stored without quantisation (they must decode exactly).
 */
export function encodeDracoPrimitive(mesh: MeshAccumulator): { bytes: Uint8Array; attributeIds: Record<string, number> } {
  const module = encoderModule;
  if (!module) throw new Error('dracoReady() must be awaited before encoding');
  const encoder = new module.Encoder();
  const builder = new module.MeshBuilder();
  const dracoMesh = new module.Mesh();
  const count = mesh.vertexCount;
  builder.AddFacesToMesh(dracoMesh, mesh.indexCount / 3, mesh.indices.slice(0, mesh.indexCount));
  const attributeIds: Record<string, number> = {
    POSITION: builder.AddFloatAttributeToMesh(dracoMesh, module.POSITION, count, 3, mesh.positions.slice(0, count * 3)),
    NORMAL: builder.AddFloatAttributeToMesh(dracoMesh, module.NORMAL, count, 3, mesh.normals.slice(0, count * 3)),
    _FEATURE_ID_0: builder.AddFloatAttributeToMesh(dracoMesh, module.GENERIC, count, 1, Float32Array.from(mesh.featureIds.subarray(0, count))),
    _FEATURE_ID_1: builder.AddFloatAttributeToMesh(dracoMesh, module.GENERIC, count, 1, Float32Array.from(mesh.surfaces.subarray(0, count))),
  };
  if (mesh.hasColors) {
    const colors = new Float32Array(count * 4);
    for (let i = 0; i < count * 4; i++) colors[i] = mesh.colors[i]! / 255;
    attributeIds['COLOR_0'] = builder.AddFloatAttributeToMesh(dracoMesh, module.COLOR, count, 4, colors);
    encoder.SetAttributeQuantization(module.COLOR, 8);
  }
  encoder.SetAttributeQuantization(module.POSITION, 16);
  encoder.SetAttributeQuantization(module.NORMAL, 8);
  encoder.SetEncodingMethod(module.MESH_SEQUENTIAL_ENCODING);
  encoder.SetSpeedOptions(5, 5);
  const out = new module.DracoInt8Array();
  const length = encoder.EncodeMeshToDracoBuffer(dracoMesh, out);
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = out.GetValue(i) & 0xff;
  module.destroy(out);
  module.destroy(dracoMesh);
  module.destroy(builder);
  module.destroy(encoder);
  if (length <= 0) throw new Error('Draco encoding failed');
  return { bytes, attributeIds };
}
