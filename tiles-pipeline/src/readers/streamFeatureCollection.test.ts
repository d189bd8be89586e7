import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputFileError } from './InputFileError.js';
import { streamFeatureCollection } from './streamFeatureCollection.js';

const dir = mkdtempSync(join(tmpdir(), 'cim-scan-'));
async function scan(text: string | Buffer): Promise<{ values: unknown[]; header: Record<string, unknown> }> {
  const file = join(dir, `f${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, text);
  const s = streamFeatureCollection(file);
  const values: unknown[] = [];
  for await (const e of s.elements()) values.push(e.value);
  return { values, header: s.header };
}

describe('streamFeatureCollection', () => {
  it('streams features and reads the members around them, whatever their order', async () => {
    const { values, header } = await scan(
      '{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:4548"}},"features":[{"a":"x}]\\"y"},{"b":[1,{"c":2}]}],"name":"n","bbox":[1,2,3,4],"n":12.5,"t":true}',
    );
    expect(values).toEqual([{ a: 'x}]"y' }, { b: [1, { c: 2 }] }]);
    expect(header).toEqual({
      type: 'FeatureCollection',
      crs: { type: 'name', properties: { name: 'EPSG:4548' } },
      name: 'n',
      bbox: [1, 2, 3, 4],
      n: 12.5,
      t: true,
    });
  });

  it('handles features split across read chunks (large file)', async () => {
    const features = Array.from({ length: 30000 }, (_, i) => ({ type: 'Feature', properties: { i, name: `楼${i}` }, geometry: null }));
    const { values } = await scan(JSON.stringify({ type: 'FeatureCollection', features }));
    expect(values.length).toBe(30000);
    expect(values[29999]).toEqual(features[29999]);
  });

  it('reports truncation with a byte and line position', async () => {
    await expect(scan('{"type":"FeatureCollection",\n"features":[{"a":1},\n{"b":')).rejects.toThrow(/at byte \d+ \(line 3\): the file ends/);
  });

  it('rejects trailing commas and non-JSON between features', async () => {
    await expect(scan('{"features":[{"a":1},]}')).rejects.toBeInstanceOf(InputFileError);
    await expect(scan('{"features":[{"a":1} x]}')).rejects.toBeInstanceOf(InputFileError);
  });

  it('passes scalars in "features" on as (bad) features instead of failing the file', async () => {
    const { values } = await scan('{"features":[{"a":1},42,"text",null]}');
    expect(values).toEqual([{ a: 1 }, 42, 'text', null]);
  });
});
