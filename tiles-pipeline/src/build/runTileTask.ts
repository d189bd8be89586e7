import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { meshoptReady } from '../gltf/GltfBuilder.js';
import { dracoReady } from '../gltf/encodeDracoPrimitive.js';
import { buildTileContent } from '../tiling/buildTileContent.js';
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
  // Content-addressed names: a server can cache tiles forever; a rebuild changes the names.
  const hash = createHash('sha256').update(result.glb).digest('hex').slice(0, 12);
  const uri = `tiles/${task.path === '' ? 'root' : task.path}-${hash}.glb`;
  writeFileSync(join(task.outDir, uri), result.glb);
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
