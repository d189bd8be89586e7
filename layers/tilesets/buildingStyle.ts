import type { StyleAttribute, StyleRule } from '../../viewer/src/platform/ViewerState.js';
import { emphasisConditions, type FeatureEmphasis, showLessHidden } from './emphasisConditions.js';
import { quoteForExpression } from './quoteForExpression.js';

/** A legend line: an i18n key (or a literal range like "≥ 100 m") and its colour. */
export interface LegendEntry {
  label: string;
  /** true: `label` is an i18n key; false: show it as is. */
  translate: boolean;
  color: string;
}

interface Palette {
  /** [Cesium expression condition, CSS colour, legend label, translate] */
  classes: [condition: string, color: string, label: string, translate: boolean][];
}

const PALETTES: Record<StyleAttribute, Palette> = {
  height: {
    classes: [
      ['${height} >= 100', '#f2c14e', '≥ 100 m', false],
      ['${height} >= 50', '#e7a95e', '50–100 m', false],
      ['${height} >= 24', '#d9dde4', '24–50 m', false],
      ['${height} >= 10', '#b9c2cf', '10–24 m', false],
      ['true', '#8f9bb0', '< 10 m', false],
    ],
  },
  use: {
    classes: [
      ["${use} === 'residential' || ${use} === 'dormitory'", '#c9cfd9', 'use.residential', true],
      ["${use} === 'commercial' || ${use} === 'office'", '#5fa8d3', 'use.commercial', true],
      ["${use} === 'public' || ${use} === 'hospital'", '#e07a5f', 'use.public', true],
      ["${use} === 'education' || ${use} === 'school'", '#81b29a', 'use.education', true],
      ["${use} === 'heritage' || ${use} === 'landmark'", '#f2cc8f', 'use.heritage', true],
      ['true', '#8f9bb0', 'use.other', true],
    ],
  },
  year: {
    classes: [
      ['${year} >= 2010', '#4cc9f0', '≥ 2010', false],
      ['${year} >= 2000', '#4895ef', '2000–2009', false],
      ['${year} >= 1980', '#7b8cde', '1980–1999', false],
      ['${year} > 0', '#b392ac', '< 1980', false],
      ['true', '#8f9bb0', 'legend.unknown', true],
    ],
  },
  cimLevel: {
    classes: [
      ['${cimLevel} >= 3', '#f4a261', 'cim.3', true],
      ['${cimLevel} === 2', '#c9cfd9', 'cim.2', true],
      ['true', '#8f9bb0', 'cim.1', true],
    ],
  },
};

/** Highlight colours: in no building palette, and no CJJ 61 pipe colour. */
export const BUILDING_HIGHLIGHT = '#ff2bd6';
export const PIPE_HIGHLIGHT = '#fff200';

/**
 * The Cesium 3D Tiles style for buildings: colour classes of the chosen attribute, the
 * selected building highlighted, the filter as `show`, the layer opacity as alpha.
 */
export function buildingStyle(
  rule: StyleRule,
  selectedId: string | undefined,
  opacity: number,
  emphasis: readonly FeatureEmphasis[] = [],
): { color: { conditions: string[][] }; show: string } {
  const alpha = Math.round(Math.min(1, Math.max(0, opacity)) * 100) / 100;
  const conditions: string[][] = [];
  const selected = selectedId === undefined ? undefined : quoteForExpression(selectedId);
  if (selected) conditions.push([`\${id} === ${selected}`, `color('${BUILDING_HIGHLIGHT}', ${alpha})`]);
  conditions.push(...emphasisConditions(emphasis, alpha));
  for (const [condition, color] of PALETTES[rule.colorBy].classes) conditions.push([condition, `color('${color}', ${alpha})`]);
  return { color: { conditions }, show: showLessHidden(filterExpression(rule), emphasis) };
}

export function buildingLegend(rule: StyleRule): LegendEntry[] {
  return PALETTES[rule.colorBy].classes.map(([, color, label, translate]) => ({ label, translate, color }));
}

function filterExpression(rule: StyleRule): string {
  const filter = rule.filter;
  if (!filter || !Number.isFinite(filter.value)) return 'true';
  return `\${${filter.attribute}} ${filter.op} ${filter.value}`;
}
