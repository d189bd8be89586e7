import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputFileError } from './InputFileError.js';
import { byteLengthBeyond, propertiesNestTooDeep } from './featureLimits.js';
import { type ScannedElement, streamFeatureCollection } from './streamFeatureCollection.js';

const dir = mkdtempSync(join(tmpdir(), 'cim-nesting-'));
const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

async function scan(text: string, maxNesting: number, maxFeatureBytes?: number): Promise<ScannedElement[]> {
  const file = join(dir, `f${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, text);
  const elements: ScannedElement[] = [];
  for await (const e of streamFeatureCollection(file, { maxNesting, ...(maxFeatureBytes ? { maxFeatureBytes } : {}) }).elements()) elements.push(e);
  return elements;
}

describe('feature limits', () => {
  it('the scanner refuses an element larger than maxFeatureBytes without keeping or parsing it, in one read chunk or across many', async () => {
    const big = 'x'.repeat(3_000_000); // the scanner reads 1 MB chunks
    const elements = await scan(`{"features":[{"a":1},{"p":"${big}"},"${'y'.repeat(1000)}",{"b":2}]}`, 64, 2_000_000);
    expect(elements.map((e) => [e.index, e.value, e.bytes])).toEqual([
      [0, { a: 1 }, undefined],
      [1, undefined, big.length + 8],
      [2, 'y'.repeat(1000), undefined],
      [3, { b: 2 }, undefined],
    ]);
    const small = await scan(`{"features":[{"a":1},{"p":"${'z'.repeat(500)}"}]}`, 64, 100);
    expect(small.map((e) => e.bytes)).toEqual([undefined, 508]);
  });

  it('byteLengthBeyond counts UTF-8 bytes only when a text may be over the limit', () => {
    expect(byteLengthBeyond('abc', 9)).toBeUndefined();
    expect(byteLengthBeyond('南开大学', 11)).toBe(12);
    expect(byteLengthBeyond('南开大学', 12)).toBeUndefined();
    expect(byteLengthBeyond('x'.repeat(20), 10)).toBe(20);
  });

  it('the scanner leaves an element deeper than the limit unparsed and says how deep it is (the element being level 1)', async () => {
    const elements = await scan(`{"features":[{"a":1},{"p":${nested(5)}},{"q":${nested(4)}},"x"]}`, 5);
    expect(elements.map((e) => [e.index, e.value, e.nesting])).toEqual([
      [0, { a: 1 }, undefined],
      [1, undefined, 6],
      [2, { q: [[[[]]]] }, undefined],
      [3, 'x', undefined],
    ]);
  });

  it('the scanner refuses a member outside "features" nested deeper than the limit (a file error with its position)', async () => {
    await expect(scan(`{"crs":${nested(7)},"features":[]}`, 6)).rejects.toThrow(InputFileError);
    await expect(scan(`{"crs":${nested(7)},"features":[]}`, 6)).rejects.toThrow(/at byte 13 \(line 1\): the "crs" member nests more than 6 levels deep/);
    expect(await scan(`{"crs":${nested(6)},"features":[]}`, 6)).toEqual([]);
  });

  it('a million levels are scanned in a bounded time without parsing them', async () => {
    const started = performance.now();
    const elements = await scan(`{"features":[{"p":${nested(1_000_000)}}]}`, 64);
    expect(elements[0]!.nesting).toBe(1_000_001);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('propertiesNestTooDeep counts from the feature (1) and its properties (2), iteratively', () => {
    const deep = JSON.parse(`{"properties":{"a":${'{"b":'.repeat(100_000)}1${'}'.repeat(100_000)}}}`) as unknown;
    expect(propertiesNestTooDeep(deep, 64)).toBe(true); // no stack overflow at 100k
    expect(propertiesNestTooDeep({ properties: { a: { b: [1] } } }, 4)).toBe(false); // a 3, b 4
    expect(propertiesNestTooDeep({ properties: { a: { b: [[1]] } } }, 4)).toBe(true); // [[1]]'s inner array is 5
    expect(propertiesNestTooDeep({ properties: { name: 'x', height: 3 } }, 2)).toBe(false);
    expect(propertiesNestTooDeep({ properties: null }, 1)).toBe(false);
    expect(propertiesNestTooDeep(42, 1)).toBe(false);
  });
});
