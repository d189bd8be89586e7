import type { TileNode } from '../tiling/TileNode.js';

/**
 * The tile tree without the content of tiles that could not be built; a tile left with neither
 * content nor children goes too (a tileset's tile needs one or the other). Undefined when
 * nothing is left.
 */
export function withoutFailedTiles(node: TileNode, failed: ReadonlySet<string>): TileNode | undefined {
  const children = node.children.map((child) => withoutFailedTiles(child, failed)).filter((child) => child !== undefined);
  const content = failed.has(node.path) ? [] : node.content;
  if (content.length === 0 && children.length === 0) return undefined;
  return { ...node, content, children };
}
