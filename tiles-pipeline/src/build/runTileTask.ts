import { writeFileSync } from 'node:fs';
import { meshoptReady } from '../gltf/GltfBuilder.js';
import { dracoReady } from '../gltf/encodeDracoPrimitive.js';
import { buildTileContent } from '../tiling/buildTileContent.js';
import { readSpooledRecords } from './RecordSpool.js';
import type { TileTask, TileTaskResult } from './TileTask.js';

/** Builds and writes one tile; the same function runs in the main thread and in workers. */
export async function runTileTask(task: TileTask): Promise<TileTaskResult> {
  await meshoptReady();
  if (task.compression === 'draco') await dracoReady();
  const records = readSpooledRecords(task.spoolPath, task.offsets, task.lengths);
  const result = buildTileContent({
    records,
    centerLon: task.centerLon,
    centerLat: task.centerLat,
    definitions: task.definitions,
    compression: task.compression,
  });
  writeFileSync(task.outFile, result.glb);
  return {
    path: task.path,
    bytes: result.glb.byteLength,
    features: result.features,
    vertices: result.vertices,
    triangles: result.triangles,
    minHeight: result.minHeight,
    maxHeight: result.maxHeight,
  };
}
