import type { BuildingRecord } from '../buildings/BuildingRecord.js';
import type { Compression } from '../gltf/Compression.js';
import type { PropertyDefinition } from '../metadata/AttributeSchema.js';

/** One tile to build: plain data, so it crosses to a worker thread as is. */
export interface TileTask {
  path: string;
  /** The tile's buildings: given directly when the spool is in memory, else read from disk. */
  records?: BuildingRecord[];
  spoolPath: string;
  offsets: number[];
  lengths: number[];
  centerLon: number;
  centerLat: number;
  definitions: PropertyDefinition[];
  compression: Compression;
  /** The output folder; the glb goes to tiles/<path>-<content hash>.glb in it. */
  outDir: string;
}

export interface TileTaskResult {
  path: string;
  /** The content's URI relative to tileset.json. */
  uri: string;
  bytes: number;
  features: number;
  vertices: number;
  triangles: number;
  minHeight: number;
  maxHeight: number;
}
