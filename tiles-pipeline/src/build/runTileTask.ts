import { meshoptReady } from '../gltf/GltfBuilder.js';
import { dracoReady } from '../gltf/encodeDracoPrimitive.js';
import { buildTileContent } from '../tiling/buildTileContent.js';
import { writeContentTile } from '../output/writeContentTile.js';
import { readSpooledRecords } from './RecordSpool.js';
import type { TileTask, TileTaskResult } from './TileTask.js';

/** Builds and writes one tile; the same function runs in the main thread and in workers. */
export async function runTileTask(task: TileTask): Promise<TileTaskResult> {
  await meshoptReady();
  if (task.compression === 'draco') await dracoReady();
  const records = task.records ?? readSpooledRecords(task.spoolPath, task.offsets, task.lengths);
  const result = buildTileContent({
    records,
    centerLon: task.centerLon,
    centerLat: task.centerLat,
    definitions: task.definitions,
    compression: task.compression,
  });
  const uri = writeContentTile(task.outDir, task.path, result.glb);
  return {
    path: task.path,
    uri,
    bytes: result.glb.byteLength,
    features: result.features,
    vertices: result.vertices,
    triangles: result.triangles,
    minHeight: result.minHeight,
    maxHeight: result.maxHeight,
  };
}
