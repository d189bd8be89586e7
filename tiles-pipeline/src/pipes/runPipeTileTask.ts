import type { Compression } from '../gltf/Compression.js';
import { meshoptReady } from '../gltf/GltfBuilder.js';
import { dracoReady } from '../gltf/encodeDracoPrimitive.js';
import type { PropertyDefinition } from '../metadata/AttributeSchema.js';
import { writeContentTile } from '../output/writeContentTile.js';
import { buildPipeTileContent } from './buildPipeTileContent.js';
import type { PipeItem } from './PipeItem.js';

/** One pipe tile to build: plain data, so it crosses to a worker thread as is. */
export interface PipeTileTask {
  path: string;
  items: PipeItem[];
  centerLon: number;
  centerLat: number;
  definitions: PropertyDefinition[];
  compression: Compression;
  outDir: string;
}

export interface PipeTileResult {
  uri: string;
  bytes: number;
  minHeight: number;
  maxHeight: number;
}

/** Builds and writes one pipe tile; runs in the main thread or in a worker. */
export async function runPipeTileTask(task: PipeTileTask): Promise<PipeTileResult> {
  await meshoptReady();
  if (task.compression === 'draco') await dracoReady();
  const content = buildPipeTileContent(task.items, task.centerLon, task.centerLat, task.definitions, task.compression);
  const uri = writeContentTile(task.outDir, task.path, content.glb);
  return { uri, bytes: content.glb.byteLength, minHeight: content.minHeight, maxHeight: content.maxHeight };
}
