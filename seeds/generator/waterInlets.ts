import type { SeedPipeLine, SeedPipePoint } from './generatePipes.js';

/**
 * Where water enters the seed water network: the water works' feed at the first water main's
 * first point, and district inlets at the west, east, south and north ends of the main network
 * (the part connected to that first point). The EPANET model puts a reservoir at each
 * (writePipeSeeds); the survey records each point as a source (水源), which the burst analysis
 * reads. Duplicates are kept (an inlet can also be an extreme), as the model's reservoirs are.
 */
export function waterInlets(lines: readonly SeedPipeLine[], points: readonly SeedPipePoint[]): SeedPipePoint[] {
  const water = lines.filter((l) => l.category === 'JS');
  const used = new Set(water.flatMap((l) => [l.from, l.to]));
  const junctions = points.filter((p) => p.category === 'JS' && used.has(p.id));
  if (junctions.length === 0) return [];
  const neighbours = new Map<string, string[]>();
  for (const l of water) {
    neighbours.set(l.from, [...(neighbours.get(l.from) ?? []), l.to]);
    neighbours.set(l.to, [...(neighbours.get(l.to) ?? []), l.from]);
  }
  const main = new Set([junctions[0]!.id]);
  for (const queue = [...main]; queue.length > 0;) {
    for (const next of neighbours.get(queue.pop()!) ?? []) {
      if (main.has(next)) continue;
      main.add(next);
      queue.push(next);
    }
  }
  const onMain = junctions.filter((p) => main.has(p.id));
  const extreme = (key: (p: SeedPipePoint) => number): SeedPipePoint => onMain.reduce((best, p) => (key(p) < key(best) ? p : best));
  return [junctions[0]!, extreme((p) => p.x), extreme((p) => -p.x), extreme((p) => p.y), extreme((p) => -p.y)];
}
