import { describe, expect, it } from 'vitest';
import { Random } from '../../../workers/random/Random.js';
import { buildTileTree } from './buildTileTree.js';
import type { TileNode } from './TileNode.js';

function columns(count: number, seed = 1) {
  const random = new Random(seed);
  const lon = new Float64Array(count);
  const lat = new Float64Array(count);
  const importance = new Float32Array(count);
  const weight = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    // A dense centre and a sparse periphery: the k-d split must still balance tiles.
    const dense = random.chance(0.7);
    lon[i] = 117.1 + (dense ? random.range(0.05, 0.06) : random.range(0, 0.1));
    lat[i] = 39.1 + (dense ? random.range(0.05, 0.06) : random.range(0, 0.1));
    importance[i] = random.range(3, 100);
    weight[i] = 20;
  }
  return { lon, lat, importance, weight, count };
}

function walk(node: TileNode, visit: (node: TileNode, parent?: TileNode) => void, parent?: TileNode): void {
  visit(node, parent);
  for (const child of node.children) walk(child, visit, node);
}

describe('buildTileTree', () => {
  const options = { maxFeatures: 500, maxVertices: 1e9, parentShare: 0.5 };

  it('places every building in exactly one tile', () => {
    const tree = buildTileTree(columns(20000), options);
    const seen = new Uint8Array(20000);
    walk(tree, (n) => n.content.forEach((i) => seen[i]!++));
    expect(seen.every((v) => v === 1)).toBe(true);
  });

  it('keeps leaves balanced and within the budget', () => {
    const tree = buildTileTree(columns(20000), options);
    const leaves: number[] = [];
    walk(tree, (n) => n.children.length === 0 && leaves.push(n.content.length));
    expect(Math.max(...leaves)).toBeLessThanOrEqual(500);
    expect(Math.min(...leaves)).toBeGreaterThanOrEqual(100);
  });

  it('geometric errors never grow from parent to child, leaves are 0, parents hold the largest buildings', () => {
    const data = columns(20000);
    const tree = buildTileTree(data, options);
    walk(tree, (node, parent) => {
      if (parent) expect(node.geometricError).toBeLessThanOrEqual(parent.geometricError);
      if (node.children.length === 0) expect(node.geometricError).toBe(0);
      else {
        const smallestOwn = Math.min(...node.content.map((i) => data.importance[i]!));
        expect(node.geometricError).toBeLessThanOrEqual(smallestOwn);
      }
    });
  });

  it('is deterministic', () => {
    expect(JSON.stringify(buildTileTree(columns(5000, 7), options))).toBe(JSON.stringify(buildTileTree(columns(5000, 7), options)));
  });
});

describe('buildTileTree: no tile spans more than maxExtent', () => {
  it('a building 1000 km from the rest gets a tile of its own; the others share a compact one', () => {
    const data = columns(300);
    const far = 299;
    data.lon[far] = 126.5; // ~800 km east and
    data.lat[far] = 44.0; // ~550 km north of Tianjin
    const tree = buildTileTree(data, { maxFeatures: 500, maxVertices: 1e9, parentShare: 0.5 });
    expect(tree.content).toEqual([]);
    const withContent: TileNode[] = [];
    walk(tree, (n) => n.content.length > 0 && withContent.push(n));
    expect(withContent.map((n) => n.content.length).sort((a, b) => a - b)).toEqual([1, 299]);
    expect(withContent.find((n) => n.content.length === 1)!.content).toEqual([far]);
    // The root refines as soon as its most important building would be seen.
    expect(tree.geometricError).toBe(Math.max(...data.importance));
  });

  it('splits by space, not count, until every tile is within the extent', () => {
    const data = columns(2000);
    const tree = buildTileTree(data, { maxFeatures: 500, maxVertices: 1e9, parentShare: 0.5, maxExtent: 3000 });
    const seen = new Uint8Array(2000);
    walk(tree, (n) => {
      n.content.forEach((i) => seen[i]!++);
      if (n.content.length < 2) return;
      const lons = n.content.map((i) => data.lon[i]!);
      const lats = n.content.map((i) => data.lat[i]!);
      expect((Math.max(...lons) - Math.min(...lons)) * 86_400).toBeLessThanOrEqual(3000);
      expect((Math.max(...lats) - Math.min(...lats)) * 111_000).toBeLessThanOrEqual(3000);
    });
    expect(seen.every((v) => v === 1)).toBe(true);
  });
});
