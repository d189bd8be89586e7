import { describe, expect, it } from 'vitest';
import { UniqueIds } from './UniqueIds.js';

describe('UniqueIds', () => {
  it('keeps the first id and suffixes repeats #2, #3 in input order', () => {
    const ids = new UniqueIds();
    expect(['a', 'b', 'a', 'a', 'b'].map((id) => ids.claim(id))).toEqual(['a', 'b', 'a#2', 'a#3', 'b#2']);
  });
  it('never hands out an id twice, even when the input already holds suffixed ids', () => {
    const ids = new UniqueIds();
    const input = ['x', 'x#2', 'x', 'x#2', 'x', 'x#3'];
    const out = input.map((id) => ids.claim(id));
    expect(out).toEqual(['x', 'x#2', 'x#3', 'x#2#2', 'x#4', 'x#3#2']);
    expect(new Set(out).size).toBe(out.length);
  });
  it('stays fast with many repeats of one id', () => {
    const ids = new UniqueIds();
    const started = performance.now();
    for (let i = 0; i < 100_000; i++) ids.claim('same');
    expect(ids.claim('same')).toBe('same#100001');
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
