import type { Compression } from '../gltf/Compression.js';
import type { PropertyDefinition } from '../metadata/AttributeSchema.js';

/** One tile to build: plain data, so it crosses to a worker thread as is. */
export interface TileTask {
  path: string;
  spoolPath: string;
  offsets: number[];
  lengths: number[];
  centerLon: number;
  centerLat: number;
  definitions: PropertyDefinition[];
  compression: Compression;
  /** Where to write the glb. */
  outFile: string;
}

export interface TileTaskResult {
  path: string;
  bytes: number;
  features: number;
  vertices: number;
  triangles: number;
  minHeight: number;
  maxHeight: number;
}
