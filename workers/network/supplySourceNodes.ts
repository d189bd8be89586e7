import type { NetworkDocument } from '../formats/networkDocument.js';

/**
 * Kinds of network node where water enters (network.json `nodes.kind`): EPANET reservoirs and
 * tanks (the pipeline labels them 水源 and 水池), and survey points of water works, reservoirs,
 * clear-water tanks, water towers and wells. A booster pump station (泵站) is fed from the
 * network itself, so it is no source.
 */
export const SUPPLY_SOURCE_KINDS: readonly string[] = ['水源', '水厂', '水池', '清水池', '水库', '水塔', '水源井'];

/** The nodes of a category whose kind is a source, ascending. */
export function supplySourceNodes(doc: NetworkDocument, category = 'JS'): Uint32Array {
  const sources: number[] = [];
  doc.nodes.kind.forEach((kind, node) => {
    if (kind !== null && doc.nodes.category[node] === category && SUPPLY_SOURCE_KINDS.includes(kind)) sources.push(node);
  });
  return Uint32Array.from(sources);
}
