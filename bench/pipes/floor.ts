import { MeshoptEncoder } from 'meshoptimizer';
import { MeshAccumulator } from '../../workers/geometry/MeshAccumulator.js';
import { sweepTube, tubeSegmentsForDiameter } from '../../workers/geometry/sweepTube.js';
import { readLineBatches } from '../../tiles-pipeline/src/readers/readLines.js';
import { printRunResult } from '../printRunResult.js';

/** Floor for pipes: parse, sweep the same tubes, meshopt-encode in batches of 500. No topology, CRS, metadata, tiling. */
await MeshoptEncoder.ready;
const started = performance.now();
let mesh = new MeshAccumulator();
let batch = 0;
let bytes = 0;
const flush = (): void => {
  const q = new Uint16Array(mesh.vertexCount * 4);
  for (let i = 0; i < mesh.vertexCount * 3; i++) q[Math.floor(i / 3) * 4 + (i % 3)] = Math.round(mesh.positions[i]! * 20) & 0xffff;
  bytes += MeshoptEncoder.encodeGltfBuffer(new Uint8Array(q.buffer), mesh.vertexCount, 8, 'ATTRIBUTES').length;
  bytes += MeshoptEncoder.encodeGltfBuffer(new Uint8Array(mesh.indices.slice(0, mesh.indexCount).buffer), mesh.indexCount, 4, 'TRIANGLES').length;
  mesh = new MeshAccumulator();
  batch = 0;
};
// Read a chunk of lines at a time, as the pipeline does (one await per ~1 MB, not per line).
for await (const lines of readLineBatches(process.argv[2]!)) {
  for (const line of lines) {
    const f = JSON.parse(line.text) as { properties: { 管径: number; 起点埋深: number; 终点埋深: number }; geometry: { coordinates: number[][] } };
    const [[x0, y0], [x1, y1]] = f.geometry.coordinates as [[number, number], [number, number]];
    const d = f.properties.管径 / 1000;
    const path = new Float64Array([
      (x0 - 117) * 86_470,
      (y0 - 39) * 110_996,
      -f.properties.起点埋深,
      (x1 - 117) * 86_470,
      (y1 - 39) * 110_996,
      -f.properties.终点埋深,
    ]);
    sweepTube(mesh, path, d / 2, tubeSegmentsForDiameter(d), batch, 1, true);
    if (++batch === 500) flush();
  }
}
if (batch > 0) flush();
printRunResult(started, { encodedBytes: bytes });
