import { quoteForExpression } from './quoteForExpression.js';

/** Emphasised ids per condition at most: a style condition is evaluated for every feature of every tile. */
export const MAX_EMPHASISED_IDS = 2000;

/** Emphasised features of a layer: coloured, or hidden (viewer/src/platform/ViewerState.ts's Emphasis less its layer). */
export type FeatureEmphasis = { ids: readonly string[] } & ({ color: string } | { hidden: true });

/**
 * Style conditions that colour the emphasised features (`${id}` one of the ids), for a layer's
 * style after its selection highlight. Ids that cannot be quoted safely are left out (see
 * quoteForExpression); a CSS colour that is not a plain #rgb/#rrggbb is refused.
 */
export function emphasisConditions(emphasis: readonly FeatureEmphasis[], alpha: number): string[][] {
  const conditions: string[][] = [];
  for (const entry of emphasis) {
    if (!('color' in entry) || !/^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/.test(entry.color)) continue;
    const match = idMatch(entry.ids);
    if (match) conditions.push([match, `color('${entry.color}', ${alpha})`]);
  }
  return conditions;
}

/** The layer's `show` expression less the hidden features (`show` itself when none are hidden). */
export function showLessHidden(show: string, emphasis: readonly FeatureEmphasis[]): string {
  const hidden = emphasis.flatMap((entry) => ('hidden' in entry ? [idMatch(entry.ids)] : [])).filter((match) => match !== undefined);
  return hidden.length ? `(${show}) && !(${hidden.join(' || ')})` : show;
}

/**
 * The layer's `show` expression narrowed to the listed features (a ground window's): `false`
 * for none. Past MAX_EMPHASISED_IDS (or with an id that cannot be quoted) `show` is left as it
 * was — every feature drawn, as a window naming no features — rather than a list cut short.
 */
export function showOnly(show: string, ids: readonly string[]): string {
  if (ids.length === 0) return 'false';
  if (ids.length > MAX_EMPHASISED_IDS || ids.some((id) => quoteForExpression(id) === undefined)) return show;
  return `(${show}) && (${idMatch(ids)!})`;
}

/** `${id} === 'a' || …` for the ids that can be quoted safely (at most MAX_EMPHASISED_IDS), or undefined. */
function idMatch(ids: readonly string[]): string | undefined {
  const literals = ids
    .slice(0, MAX_EMPHASISED_IDS)
    .map(quoteForExpression)
    .filter((quoted) => quoted !== undefined);
  return literals.length ? literals.map((quoted) => `\${id} === ${quoted}`).join(' || ') : undefined;
}
