import earcut from 'earcut';
import { MeshoptEncoder } from 'meshoptimizer';
import { readLines } from '../../tiles-pipeline/src/readers/readLines.js';
import { printRunResult } from '../printRunResult.js';

/**
 * The floor the pipeline is compared against: the same footprints parsed, triangulated and
 * meshopt-encoded (quantised positions + indices, 500 buildings per batch), nothing else:
 * no validation, CRS, tiling, metadata or files. Prints {seconds, maxRss} as JSON.
 */
await MeshoptEncoder.ready;
const file = process.argv[2]!;
const started = performance.now();
let positions: number[] = [];
let indices: number[] = [];
let batch = 0;
let encodedBytes = 0;
const flush = (): void => {
  const quantised = new Uint16Array((positions.length / 3) * 4);
  for (let v = 0; v < positions.length / 3; v++) for (let k = 0; k < 3; k++) quantised[v * 4 + k] = Math.round(positions[v * 3 + k]! * 10) & 0xffff;
  encodedBytes += MeshoptEncoder.encodeGltfBuffer(new Uint8Array(quantised.buffer), positions.length / 3, 8, 'ATTRIBUTES').length;
  const index32 = Uint32Array.from(indices);
  encodedBytes += MeshoptEncoder.encodeGltfBuffer(new Uint8Array(index32.buffer), index32.length, 4, 'TRIANGLES').length;
  positions = [];
  indices = [];
  batch = 0;
};
for await (const line of readLines(file)) {
  const feature = JSON.parse(line.text) as { geometry: { coordinates: number[][][] }; properties: { height: number } };
  const ring = feature.geometry.coordinates[0]!.slice(0, -1);
  const flat = ring.flatMap(([lon, lat]) => [(lon! - 117) * 86_500, (lat! - 39) * 111_000]);
  const base = positions.length / 3;
  for (let i = 0; i < flat.length; i += 2) positions.push(flat[i]!, flat[i + 1]!, feature.properties.height);
  for (const index of earcut(flat)) indices.push(base + index);
  if (++batch === 500) flush();
}
if (batch > 0) flush();
printRunResult(started, { encodedBytes });
