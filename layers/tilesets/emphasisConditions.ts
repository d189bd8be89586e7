import { quoteForExpression } from './quoteForExpression.js';

/** Emphasised ids per condition at most: a style condition is evaluated for every feature of every tile. */
export const MAX_EMPHASISED_IDS = 2000;

/**
 * Style conditions that colour the emphasised features (`${id}` one of the ids), for a layer's
 * style after its selection highlight. Ids that cannot be quoted safely are left out (see
 * quoteForExpression); a CSS colour that is not a plain #rgb/#rrggbb is refused.
 */
export function emphasisConditions(emphasis: readonly { ids: readonly string[]; color: string }[], alpha: number): string[][] {
  const conditions: string[][] = [];
  for (const { ids, color } of emphasis) {
    if (!/^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/.test(color)) continue;
    const literals = ids
      .slice(0, MAX_EMPHASISED_IDS)
      .map(quoteForExpression)
      .filter((quoted) => quoted !== undefined);
    if (literals.length) conditions.push([literals.map((quoted) => `\${id} === ${quoted}`).join(' || '), `color('${color}', ${alpha})`]);
  }
  return conditions;
}
