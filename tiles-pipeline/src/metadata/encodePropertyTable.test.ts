import { BUILDING_CLASS } from './FeatureClass.js';
import { MeshoptDecoder } from 'meshoptimizer';
import { beforeAll, describe, expect, it } from 'vitest';
import { MeshAccumulator } from '../../../workers/geometry/MeshAccumulator.js';
import { extrudeFootprint } from '../../../workers/geometry/extrudeFootprint.js';
import { buildTileGlb } from '../gltf/buildTileGlb.js';
import { meshoptReady } from '../gltf/GltfBuilder.js';
import { readGlb, readPropertyColumn } from '../validation/readGlb.js';
import { AttributeSchema, propertyIdFor } from './AttributeSchema.js';
import { encodePropertyColumns, encodePropertyTable, utf8Length } from './encodePropertyTable.js';

describe('metadata encoding', () => {
  beforeAll(async () => {
    await meshoptReady();
    await MeshoptDecoder.ready;
  });

  it('types attributes over the whole run: ints, floats, strings, booleans, mixed', () => {
    const schema = new AttributeSchema();
    schema.observe({ floors: 5, area: 12.5, name: '南开大学', ok: true, code: 7, big: 3_000_000_000 });
    schema.observe({ floors: 6, area: 3, name: null, ok: false, code: 'A7' });
    const byName = Object.fromEntries(schema.definitions().map((d) => [d.sourceName, d]));
    expect(byName['floors']).toMatchObject({ type: 'INT32', optional: false });
    expect(byName['area']).toMatchObject({ type: 'FLOAT64' });
    expect(byName['name']).toMatchObject({ type: 'STRING', optional: true });
    expect(byName['ok']).toMatchObject({ type: 'BOOLEAN' });
    expect(byName['code']).toMatchObject({ type: 'STRING' });
    expect(byName['big']).toMatchObject({ type: 'FLOAT64', optional: true });
    expect(schema.mixedFields()).toEqual(['code']);
  });

  it('makes schema-safe ids that keep the original name for display', () => {
    expect(propertyIdFor('name:en')).toBe('name_en');
    expect(propertyIdFor('高度')).toBe('u9ad8_u5ea6_');
    expect(propertyIdFor('3d')).toBe('_3d');
    const schema = new AttributeSchema();
    schema.observe({ id: 'x', height: 3 });
    const ids = schema.definitions().map((d) => d.id);
    expect(ids).toContain('src_id');
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('round-trips every type through a GLB property table (meshopt tile)', () => {
    const schema = new AttributeSchema();
    const rows = [
      { name: '天津大悦城', floors: 42, area: 2116.5, heritage: false, note: '<img src=x onerror=alert(1)>' },
      { name: 'Drum Tower', floors: 3, area: 784.25, heritage: true, note: null },
      { name: '', floors: -1, area: 0.5, heritage: true, note: 'x' },
    ];
    rows.forEach((r) => schema.observe(r));
    const definitions = schema.definitions();
    const mesh = new MeshAccumulator();
    rows.forEach((_, i) => extrudeFootprint(mesh, new Float64Array([i * 20, 0, i * 20 + 10, 0, i * 20 + 10, 10, i * 20, 10]), [0], 0, 10, i));
    const table = rows.map((r, i) =>
      definitions.map((d) =>
        d.id === 'id'
          ? `b${i}`
          : d.id === 'height'
            ? 10
            : d.id === 'baseHeight'
              ? 0
              : d.id === 'cimLevel'
                ? 2
                : ((r as Record<string, unknown>)[d.sourceName] ?? null),
      ),
    );
    const glb = readGlb(
      buildTileGlb({ mesh, definitions, featureClass: BUILDING_CLASS, table: encodePropertyTable(definitions, table as never), compression: 'meshopt' }),
    );
    const column = (sourceName: string): unknown[] => readPropertyColumn(glb, 0, definitions.find((d) => d.sourceName === sourceName)!.id);
    expect(column('name')).toEqual(['天津大悦城', 'Drum Tower', '']);
    expect(column('floors')).toEqual([42, 3, -1]);
    expect(column('area')).toEqual([2116.5, 784.25, 0.5]);
    expect(column('heritage')).toEqual([false, true, true]);
    expect(column('note')).toEqual(['<img src=x onerror=alert(1)>', '', 'x']);
    expect(column('id')).toEqual(['b0', 'b1', 'b2']);
    expect(column('cimLevel')).toEqual([2, 2, 2]);
    expect(readPropertyColumn(glb, 1, 'type')).toEqual(['RoofSurface', 'WallSurface', 'GroundSurface', 'OtherSurface']);
  });

  it('counts "" as no value: such a field is optional, one that is always "" is not carried', () => {
    const schema = new AttributeSchema();
    schema.observe({ name: '南开大学', street: '' });
    schema.observe({ name: '', street: '' });
    const byName = Object.fromEntries(schema.definitions().map((d) => [d.sourceName, d]));
    expect(byName['name']).toMatchObject({ type: 'STRING', optional: true });
    expect(byName['street']).toBeUndefined();
  });

  it('leaves out an optional string column that is empty in every row (a buffer view is never empty)', async () => {
    const definitions = [
      { id: 'id', sourceName: 'id', type: 'STRING', optional: false },
      { id: 'name', sourceName: 'name', type: 'STRING', optional: true },
      { id: 'floors', sourceName: 'floors', type: 'INT32', optional: true },
    ] as const;
    const table = encodePropertyTable(definitions, [
      ['a', '', null],
      ['b', null, 3],
    ]);
    expect(table.properties.map((p) => p.id)).toEqual(['id', 'floors']);
    // Every column left holds bytes: the glTF never gets a zero-length view to pad.
    for (const p of table.properties) expect(p.values.byteLength).toBeGreaterThan(0);
    // A required one cannot be left out: that is a schema bug, said as such.
    expect(() => encodePropertyTable([{ id: 'id', sourceName: 'id', type: 'STRING', optional: false }], [[''], [null]])).toThrow(
      /required string property "id"/,
    );
    const mesh = new MeshAccumulator();
    extrudeFootprint(mesh, new Float64Array([0, 0, 10, 0, 10, 10, 0, 10]), [0], 0, 10, 0);
    extrudeFootprint(mesh, new Float64Array([20, 0, 30, 0, 30, 10, 20, 10]), [0], 0, 10, 1);
    const glb = readGlb(buildTileGlb({ mesh, definitions, featureClass: BUILDING_CLASS, table, compression: 'none' }));
    const metadata = glb.json.extensions!['EXT_structural_metadata'] as { propertyTables: { properties: Record<string, unknown> }[] };
    expect(Object.keys(metadata.propertyTables[0]!.properties)).toEqual(['id', 'floors']);
    expect(readPropertyColumn(glb, 0, 'floors')).toEqual([-2147483648, 3]);
  });

  it('encodes string columns as UTF-8 with exact offsets: Chinese, emoji, lone surrogates at the joins', () => {
    const texts = ['南开', 'a', '', '🚒x', 'é', 'end\ud800', '\udc00start', null];
    const table = encodePropertyColumns([{ id: 's', sourceName: 's', type: 'STRING', optional: true }], texts.length, (row) => texts[row]);
    const [column] = table.properties;
    const offsets = new Uint32Array(column!.stringOffsets!.buffer, column!.stringOffsets!.byteOffset, texts.length + 1);
    const decoder = new TextDecoder();
    const decoded = texts.map((_, i) => decoder.decode(column!.values.subarray(offsets[i], offsets[i + 1])));
    // Each lone surrogate is its own U+FFFD, not a pair made across two values.
    expect(decoded).toEqual(['南开', 'a', '', '🚒x', 'é', 'end\ufffd', '\ufffdstart', '']);
    for (const text of ['南开', '🚒x', 'é', 'end\ud800', 'plain']) expect(utf8Length(text)).toBe(new TextEncoder().encode(text).length);
  });
});
