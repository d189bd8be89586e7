import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { Random } from '../../workers/random/Random.js';

/**
 * Writes a deterministic synthetic city of `count` LoD1 buildings as newline-delimited GeoJSON:
 * rectangles and L-shapes on a jittered grid (about 2,500 buildings per km²) around Tianjin.
 */
export async function writeSyntheticCity(path: string, count: number, seed = 42): Promise<void> {
  const random = new Random(seed);
  const stream = createWriteStream(path);
  const side = Math.ceil(Math.sqrt(count));
  const spacing = 20; // metres between lots
  const metresPerDegreeLon = 86_500;
  const metresPerDegreeLat = 111_000;
  const uses = ['residential', 'commercial', 'office', 'school', 'public'];
  for (let i = 0; i < count; i++) {
    const gx = i % side;
    const gy = Math.floor(i / side);
    const x = gx * spacing + random.range(0, 3);
    const y = gy * spacing + random.range(0, 3);
    const w = random.range(8, 16);
    const d = random.range(8, 14);
    const ring: [number, number][] = random.chance(0.3)
      ? [
          [x, y],
          [x + w, y],
          [x + w, y + d / 2],
          [x + w / 2, y + d / 2],
          [x + w / 2, y + d],
          [x, y + d],
        ]
      : [
          [x, y],
          [x + w, y],
          [x + w, y + d],
          [x, y + d],
        ];
    const coordinates = [[...ring, ring[0]!].map(([px, py]) => [round(117.0 + px / metresPerDegreeLon), round(39.0 + py / metresPerDegreeLat)])];
    const floors = random.int(2, 30);
    const line = JSON.stringify({
      type: 'Feature',
      id: `B${i}`,
      properties: { floors, height: floors * 3, use: uses[i % uses.length] },
      geometry: { type: 'Polygon', coordinates },
    });
    if (!stream.write(`${line}\n`)) await once(stream, 'drain');
  }
  stream.end();
  await once(stream, 'finish');
}

function round(value: number): number {
  return Math.round(value * 1e7) / 1e7;
}
