import { Cesium3DTileStyle } from 'cesium';
import { describe, expect, it } from 'vitest';
import { buildingLegend, buildingStyle, BUILDING_HIGHLIGHT } from './buildingStyle.js';
import { MAX_EMPHASISED_IDS, showOnly } from './emphasisConditions.js';
import { quoteForExpression } from './quoteForExpression.js';
import { tilesetPartsStyle } from './tilesetPartsStyle.js';

describe('3D Tiles styles', () => {
  it('quotes ids from data so they cannot end the string literal', () => {
    expect(quoteForExpression('NK1')).toBe("'NK1'");
    expect(quoteForExpression("x' || true || '")).toBe(`"x' || true || '"`);
    expect(quoteForExpression(`a'b"c`)).toBeUndefined();
    expect(quoteForExpression('a\\b')).toBeUndefined();
    // The hostile id stays one string in one comparison: the selection condition matches it alone.
    const hostile = buildingStyle({ colorBy: 'height' }, "x' || true || '", 1);
    expect(hostile.color.conditions[0]![0]).toBe(`\${id} === "x' || true || '"`);
    expect(() => new Cesium3DTileStyle(hostile)).not.toThrow();
    expect(buildingStyle({ colorBy: 'height' }, `a'b"c`, 1).color.conditions[0]![0]).toBe('${height} >= 100');
  });

  it('buildings: highlight first, then the classes of the attribute; filter as show; opacity as alpha', () => {
    const style = buildingStyle({ colorBy: 'use', filter: { attribute: 'height', op: '>', value: 50 } }, 'B1', 0.5);
    expect(style.color.conditions[0]).toEqual(["${id} === 'B1'", `color('${BUILDING_HIGHLIGHT}', 0.5)`]);
    expect(style.color.conditions.at(-1)![0]).toBe('true');
    expect(style.show).toBe('${height} > 50');
    expect(buildingLegend({ colorBy: 'use' }).map((e) => e.label)).toContain('use.residential');
    expect(() => new Cesium3DTileStyle(style)).not.toThrow();
  });

  it('pipes: show keeps the visible categories and the points layer', () => {
    const definitions = [
      ...['JS', 'PS', 'DL'].map((code) => ({ id: `pipes.${code}`, match: { category: [code], kind: ['segment'] } })),
      { id: 'pipes.points', exclude: { kind: ['segment'] } },
    ];
    const parts = definitions.map((definition) => ({ definition, visible: definition.id !== 'pipes.DL' && definition.id !== 'pipes.points' }));
    const style = tilesetPartsStyle(parts, undefined, 1, '#fff200');
    expect(style.show).toContain("${category} === 'JS'");
    expect(style.show).not.toContain("'DL'");
    expect(style.show).not.toContain("!((${kind} === 'segment'))");
    expect(
      tilesetPartsStyle(
        parts.map((p) => ({ ...p, visible: p.definition.id === 'pipes.points' })),
        undefined,
        1,
        '#fff200',
      ).show,
    ).toBe("(!(${kind} === 'segment'))");
    expect(
      tilesetPartsStyle(
        parts.map((p) => ({ ...p, visible: true })),
        undefined,
        1,
        '#fff200',
      ).show,
    ).toBe('true');
    expect(
      tilesetPartsStyle(
        parts.map((p) => ({ ...p, visible: false })),
        undefined,
        1,
        '#fff200',
      ).show,
    ).toBe('false');
    expect(() => new Cesium3DTileStyle(style)).not.toThrow();
  });

  it('emphasis: listed features in their colour after the highlight, unquotable ids and odd colours left out', () => {
    const style = buildingStyle({ colorBy: 'height' }, 'B1', 1, [
      { ids: ['B2', "B'3", `B'4"`], color: '#3da5ff' },
      { ids: ['B5'], color: 'red;x' },
    ]);
    expect(style.color.conditions[0]![0]).toBe("${id} === 'B1'");
    expect(style.color.conditions[1]).toEqual([`\${id} === 'B2' || \${id} === "B'3"`, "color('#3da5ff', 1)"]);
    expect(style.color.conditions[2]![0]).toBe('${height} >= 100');
    expect(() => new Cesium3DTileStyle(style)).not.toThrow();
    const pipes = tilesetPartsStyle([], undefined, 1, '#fff200', [{ ids: ['JSL1'], color: '#ff8800' }]);
    expect(pipes.color.conditions[0]).toEqual(["${id} === 'JSL1'", "color('#ff8800', 1)"]);
  });

  it('hidden features: taken out of show (with the filter kept), never coloured; nothing hidden leaves show as it was', () => {
    const style = buildingStyle({ colorBy: 'height', filter: { attribute: 'height', op: '>', value: 10 } }, undefined, 1, [
      { ids: ['B7', 'B8'], hidden: true },
      { ids: ['B9'], color: '#3da5ff' },
    ]);
    expect(style.show).toBe("(${height} > 10) && !(${id} === 'B7' || ${id} === 'B8')");
    expect(style.color.conditions[0]).toEqual(["${id} === 'B9'", "color('#3da5ff', 1)"]);
    expect(style.color.conditions.some(([condition]) => condition!.includes('B7'))).toBe(false);
    const compiled = new Cesium3DTileStyle(style);
    expect(compiled.show).toBeDefined();
    expect(buildingStyle({ colorBy: 'height' }, undefined, 1, [{ ids: ['B\'1"x'], hidden: true }]).show).toBe('true');
    expect(tilesetPartsStyle([], undefined, 1, '#fff200', [{ ids: ['JSL1'], hidden: true }]).show).toBe("(true) && !(${id} === 'JSL1')");
  });

  it('a ground window: only its features shown (with the parts and hidden features kept); none listed shows none; a list too long or unquotable shows all', () => {
    const parts = [
      { definition: { match: { category: ['JS'] } }, visible: true },
      { definition: { match: { category: ['RL'] } }, visible: false },
    ];
    const base = tilesetPartsStyle(parts, undefined, 1, '#fff200', [{ ids: ['JSL3'], hidden: true }]);
    const show = showOnly(base.show, ['JSL1', 'JSL3', 'RLL2']);
    expect(show).toBe(`(${base.show}) && (\${id} === 'JSL1' || \${id} === 'JSL3' || \${id} === 'RLL2')`);
    // Evaluated as Cesium does per feature: listed and in a visible part and not hidden.
    const compiled = new Cesium3DTileStyle({ ...base, show });
    // What Cesium's expressions read of a feature.
    const feature = (id: string, category: string): { getPropertyInherited(name: string): unknown } => ({
      getPropertyInherited: (name) => ({ id, category, kind: 'segment' })[name],
    });
    const shown = (id: string, category: string): boolean => compiled.show.evaluate(feature(id, category) as never) as boolean;
    expect(shown('JSL1', 'JS')).toBe(true);
    expect(shown('JSL2', 'JS')).toBe(false);
    expect(shown('JSL3', 'JS')).toBe(false);
    expect(shown('RLL2', 'RL')).toBe(false);
    expect(showOnly('true', [])).toBe('false');
    expect(showOnly('true', [`a'b"c`])).toBe('true');
    expect(
      showOnly(
        'true',
        Array.from({ length: MAX_EMPHASISED_IDS + 1 }, (_, i) => `P${i}`),
      ),
    ).toBe('true');
  });
});
