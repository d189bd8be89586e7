import { MeshoptEncoder } from 'meshoptimizer';

/** How one buffer view is compressed with EXT_meshopt_compression. */
export interface MeshoptViewOptions {
  mode: 'ATTRIBUTES' | 'TRIANGLES' | 'INDICES';
  count: number;
  byteStride: number;
}

export interface BufferViewOptions {
  byteStride?: number;
  target?: 34962 | 34963;
  meshopt?: MeshoptViewOptions;
}

type Json = Record<string, unknown>;

/**
 * Assembles a binary glTF (GLB) from typed arrays: buffer views 8-byte aligned (as
 * EXT_structural_metadata requires), optional EXT_meshopt_compression per view with an
 * uncompressed fallback buffer that carries no data. Deterministic: same calls, same bytes.
 * (glTF-Transform would need custom extension classes for the 3D Tiles metadata extensions
 * and a document round trip per tile; the container itself is this small.)
 */
export class GltfBuilder {
  readonly json: {
    asset: Json;
    extensionsUsed: string[];
    extensionsRequired: string[];
    extensions: Json;
    scene: number;
    scenes: Json[];
    nodes: Json[];
    meshes: Json[];
    materials: Json[];
    accessors: Json[];
    bufferViews: Json[];
    buffers: Json[];
  };
  private readonly chunks: Uint8Array[] = [];
  private byteLength = 0;
  private fallbackByteLength = 0;
  private usesMeshopt = false;

  constructor(generator: string) {
    this.json = {
      asset: { version: '2.0', generator },
      extensionsUsed: [],
      extensionsRequired: [],
      extensions: {},
      scene: 0,
      scenes: [{ nodes: [0] }],
      nodes: [],
      meshes: [],
      materials: [],
      accessors: [],
      bufferViews: [],
      buffers: [],
    };
  }

  useExtension(name: string, required: boolean): void {
    if (!this.json.extensionsUsed.includes(name)) this.json.extensionsUsed.push(name);
    if (required && !this.json.extensionsRequired.includes(name)) this.json.extensionsRequired.push(name);
  }

  addBufferView(data: Uint8Array, options: BufferViewOptions = {}): number {
    // A view cannot be empty (e.g. a column of empty strings): one zero byte stands in.
    if (data.byteLength === 0) data = new Uint8Array(1);
    const view: Json = {};
    if (options.byteStride !== undefined) view['byteStride'] = options.byteStride;
    if (options.target !== undefined) view['target'] = options.target;
    if (options.meshopt) {
      const { mode, count, byteStride } = options.meshopt;
      const encoded = MeshoptEncoder.encodeGltfBuffer(data, count, byteStride, mode);
      const offset = this.append(encoded);
      this.fallbackByteLength = align(this.fallbackByteLength, 8);
      view['buffer'] = 1;
      view['byteOffset'] = this.fallbackByteLength;
      view['byteLength'] = data.byteLength;
      view['extensions'] = {
        EXT_meshopt_compression: { buffer: 0, byteOffset: offset, byteLength: encoded.byteLength, byteStride, mode, count },
      };
      this.fallbackByteLength += data.byteLength;
      if (!this.usesMeshopt) {
        this.usesMeshopt = true;
        this.useExtension('EXT_meshopt_compression', true);
      }
    } else {
      view['buffer'] = 0;
      view['byteOffset'] = this.append(data);
      view['byteLength'] = data.byteLength;
    }
    this.json.bufferViews.push(view);
    return this.json.bufferViews.length - 1;
  }

  addAccessor(accessor: Json): number {
    this.json.accessors.push(accessor);
    return this.json.accessors.length - 1;
  }

  toGlb(): Uint8Array {
    this.json.buffers = [{ byteLength: this.byteLength }];
    if (this.usesMeshopt) this.json.buffers.push({ byteLength: this.fallbackByteLength, extensions: { EXT_meshopt_compression: { fallback: true } } });
    const json: Json = { ...this.json };
    // glTF forbids empty top-level arrays.
    for (const key of ['extensionsUsed', 'extensionsRequired', 'materials', 'meshes', 'accessors', 'bufferViews'] as const)
      if (this.json[key].length === 0) delete json[key];
    if (Object.keys(this.json.extensions).length === 0) delete json['extensions'];
    const jsonBytes = new TextEncoder().encode(JSON.stringify(json));
    const jsonLength = align(jsonBytes.length, 4);
    const binLength = align(this.byteLength, 4);
    const total = 12 + 8 + jsonLength + 8 + binLength;
    const glb = new Uint8Array(total);
    const view = new DataView(glb.buffer);
    view.setUint32(0, 0x46546c67, true); // "glTF"
    view.setUint32(4, 2, true);
    view.setUint32(8, total, true);
    view.setUint32(12, jsonLength, true);
    view.setUint32(16, 0x4e4f534a, true); // "JSON"
    glb.set(jsonBytes, 20);
    glb.fill(0x20, 20 + jsonBytes.length, 20 + jsonLength);
    const binStart = 20 + jsonLength;
    view.setUint32(binStart, binLength, true);
    view.setUint32(binStart + 4, 0x004e4942, true); // "BIN\0"
    let offset = binStart + 8;
    for (const chunk of this.chunks) {
      glb.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return glb;
  }

  private append(data: Uint8Array): number {
    const padded = align(this.byteLength, 8);
    if (padded > this.byteLength) {
      this.chunks.push(new Uint8Array(padded - this.byteLength));
      this.byteLength = padded;
    }
    const offset = this.byteLength;
    this.chunks.push(data);
    this.byteLength += data.byteLength;
    return offset;
  }
}

export function align(value: number, to: number): number {
  return Math.ceil(value / to) * to;
}

/** Resolves once the meshopt encoder's WebAssembly is ready. */
export function meshoptReady(): Promise<void> {
  return MeshoptEncoder.ready;
}
