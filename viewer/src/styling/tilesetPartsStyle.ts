import type { LayerDefinition } from '../state/layerCatalog.js';
import { quoteForExpression } from './quoteForExpression.js';

/**
 * The style for a tileset split into parts (pipe categories, wells and valves): `show` keeps
 * the features of visible parts; colours stay the data's own (CJJ 61 colours in the tiles,
 * white = unchanged under the MIX blend mode) except the selected feature. Opacity is the
 * tileset layer's.
 */
export function tilesetPartsStyle(
  parts: readonly { definition: LayerDefinition; visible: boolean }[],
  selectedId: string | undefined,
  opacity: number,
  highlight: string,
): { color: { conditions: string[][] }; show: string } {
  const alpha = Math.round(Math.min(1, Math.max(0, opacity)) * 100) / 100;
  const shown: string[] = [];
  for (const { definition, visible } of parts) {
    if (!visible) continue;
    const clauses: string[] = [];
    const match = definition.match ?? {};
    if (match.kind === 'segment') clauses.push("${kind} === 'segment'");
    if (match.kind === 'point') clauses.push("${kind} !== 'segment'");
    if (match.category) clauses.push(`(${match.category.map((c) => `\${category} === '${c}'`).join(' || ')})`);
    shown.push(clauses.length ? `(${clauses.join(' && ')})` : 'true');
  }
  const conditions: string[][] = [];
  const selected = selectedId === undefined ? undefined : quoteForExpression(selectedId);
  if (selected) conditions.push([`\${id} === ${selected}`, `color('${highlight}', ${alpha})`]);
  conditions.push(['true', `color('#ffffff', ${alpha})`]);
  const allVisible = parts.every((p) => p.visible);
  return { color: { conditions }, show: parts.length === 0 || allVisible ? 'true' : shown.length ? shown.join(' || ') : 'false' };
}
