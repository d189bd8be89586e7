import type { Compression } from '../gltf/Compression.js';
import { meshoptReady } from '../gltf/GltfBuilder.js';
import { dracoReady } from '../gltf/encodeDracoPrimitive.js';
import type { PropertyDefinition } from '../metadata/AttributeSchema.js';
import { type EncodedTable, tableBuffers } from '../metadata/encodePropertyTable.js';
import { writeContentTile } from '../output/writeContentTile.js';
import { buildPipeTileGlb, type PackedPipeTile } from './buildPipeTileContent.js';

/** One pipe tile to build: typed arrays and plain data, transferred to a worker thread. */
export interface PipeTileTask {
  path: string;
  geometry: PackedPipeTile;
  table: EncodedTable;
  centerLon: number;
  centerLat: number;
  definitions: PropertyDefinition[];
  compression: Compression;
  outDir: string;
}

export interface PipeTileResult {
  uri: string;
  bytes: number;
}

/** The buffers a task hands over to the worker (they are not used again in this thread). */
export function pipeTileTaskTransfer(task: PipeTileTask): ArrayBuffer[] {
  return [...new Set([task.geometry.paths.buffer as ArrayBuffer, task.geometry.solids.buffer as ArrayBuffer, ...tableBuffers(task.table)])];
}

/** Builds and writes one pipe tile; runs in the main thread or in a worker. */
export async function runPipeTileTask(task: PipeTileTask): Promise<PipeTileResult> {
  await meshoptReady();
  if (task.compression === 'draco') await dracoReady();
  const { glb } = buildPipeTileGlb(task.geometry, task.centerLon, task.centerLat, task.definitions, task.table, task.compression);
  const uri = writeContentTile(task.outDir, task.path, glb);
  return { uri, bytes: glb.byteLength };
}
