import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/**
 * A deterministic synthetic pipe network of `count` segments as newline-delimited GeoJSON with
 * CJJ 61 columns: water and sewer grids (50 m segments between numbered points) under a street
 * grid, around Tianjin. As in a real survey, the depth belongs to the point: the segments
 * meeting at a point agree on it, and it varies from point to point (0–0.3 m), so pipes slope.
 */
export async function writeSyntheticPipes(path: string, count: number, seed = 7): Promise<void> {
  // The depth offset of grid point (c, r) of a category: a hash, so it is the same from every segment.
  const depthAt = (category: string, c: number, r: number): number => {
    let h = (seed * 0x9e3779b1 + c * 0x85ebca6b + r * 0xc2b2ae35 + category.charCodeAt(0)) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
    return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
  };
  const stream = createWriteStream(path);
  const perCategory = Math.ceil(count / 2);
  const side = Math.ceil(Math.sqrt(perCategory / 2));
  const spacing = 50;
  let written = 0;
  for (const [category, offset, size, depth] of [
    ['JS', 4, 300, 1.2],
    ['WS', -2, 500, 2.8],
  ] as const) {
    for (let i = 0; i < perCategory && written < count; i++) {
      // Grid nodes (c, r); even i: the segment east from the node, odd i: north from it.
      const horizontal = i % 2 === 0;
      const k = Math.floor(i / 2);
      const r = Math.floor(k / side);
      const c = k % side;
      const x0 = c * spacing + offset;
      const y0 = r * spacing + offset;
      const x1 = horizontal ? x0 + spacing : x0;
      const y1 = horizontal ? y0 : y0 + spacing;
      const at = (x: number, y: number): number[] => [Math.round((117.0 + x / 86_470) * 1e8) / 1e8, Math.round((39.0 + y / 110_996) * 1e8) / 1e8];
      const c1 = horizontal ? c + 1 : c;
      const r1 = horizontal ? r : r + 1;
      const properties = {
        管线编号: `${category}-${i}`,
        类别: category,
        起点编号: `${category}P${c}_${r}`,
        终点编号: `${category}P${c1}_${r1}`,
        起点埋深: Math.round((depth + 0.3 * depthAt(category, c, r)) * 100) / 100,
        终点埋深: Math.round((depth + 0.3 * depthAt(category, c1, r1)) * 100) / 100,
        管径: size,
        材质: category === 'JS' ? '球墨铸铁' : '混凝土',
      };
      const line = JSON.stringify({ type: 'Feature', properties, geometry: { type: 'LineString', coordinates: [at(x0, y0), at(x1, y1)] } });
      if (!stream.write(`${line}\n`)) await once(stream, 'drain');
      written++;
    }
  }
  stream.end();
  await once(stream, 'finish');
}
