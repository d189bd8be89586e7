import type { TilesetPartDefinition } from '../../workers/formats/viewerConfig.js';
import { emphasisConditions, type FeatureEmphasis, showLessHidden } from './emphasisConditions.js';
import { quoteForExpression } from './quoteForExpression.js';

/**
 * The style for a tileset split into parts (pipe categories, wells and valves): `show` keeps
 * the features of visible parts; colours stay the data's own (CJJ 61 colours in the tiles,
 * white = unchanged under the MIX blend mode) except the selected feature. Opacity is the
 * tileset layer's.
 */
export function tilesetPartsStyle(
  parts: readonly { definition: Pick<TilesetPartDefinition, 'match' | 'exclude'>; visible: boolean }[],
  selectedId: string | undefined,
  opacity: number,
  highlight: string,
  emphasis: readonly FeatureEmphasis[] = [],
): { color: { conditions: string[][] }; show: string } {
  const alpha = Math.round(Math.min(1, Math.max(0, opacity)) * 100) / 100;
  const shown: string[] = [];
  for (const { definition, visible } of parts) {
    if (!visible) continue;
    const clauses = [
      ...Object.entries(definition.match ?? {}).map(([property, values]) => anyOf(property, values)),
      ...Object.entries(definition.exclude ?? {}).map(([property, values]) => `!${anyOf(property, values)}`),
    ];
    shown.push(clauses.length ? `(${clauses.join(' && ')})` : 'true');
  }
  const conditions: string[][] = [];
  const selected = selectedId === undefined ? undefined : quoteForExpression(selectedId);
  if (selected) conditions.push([`\${id} === ${selected}`, `color('${highlight}', ${alpha})`]);
  conditions.push(...emphasisConditions(emphasis, alpha));
  conditions.push(['true', `color('#ffffff', ${alpha})`]);
  const allVisible = parts.every((p) => p.visible);
  return { color: { conditions }, show: showLessHidden(parts.length === 0 || allVisible ? 'true' : shown.length ? shown.join(' || ') : 'false', emphasis) };
}

/** `(${property} === v1 || …)`; values that cannot be quoted safely match nothing. */
function anyOf(property: string, values: readonly (string | number)[]): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(property)) return 'false';
  const literals = values
    .map((v) => (typeof v === 'number' ? (Number.isFinite(v) ? String(v) : undefined) : quoteForExpression(v)))
    .filter((v) => v !== undefined);
  return literals.length ? `(${literals.map((v) => `\${${property}} === ${v}`).join(' || ')})` : 'false';
}
