import { describe, expect, it } from 'vitest';
import { EdgeOrder } from './EdgeOrder.js';

describe('EdgeOrder', () => {
  it('keeps items in the order the comparison gives, through inserts and removals, with neighbours by item', () => {
    const key = Array.from({ length: 2000 }, (_, i) => (i * 7919) % 2003); // distinct keys, shuffled
    const order = new EdgeOrder(key.length);
    const below = (item: number, other: number): boolean => key[item]! < key[other]!;
    const present = new Set<number>();
    let seed = 3;
    const random = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let step = 0; step < 6000; step++) {
      const item = Math.floor(random() * key.length);
      if (present.has(item)) {
        order.remove(item);
        present.delete(item);
      } else {
        order.insert(item, below);
        present.add(item);
      }
    }
    const sorted = [...present].sort((a, b) => key[a]! - key[b]!);
    // Walk up from the lowest and down from the highest.
    expect(order.below(sorted[0]!)).toBe(-1);
    expect(order.above(sorted.at(-1)!)).toBe(-1);
    const up: number[] = [];
    for (let item = sorted[0]!; item !== -1; item = order.above(item)) up.push(item);
    expect(up).toEqual(sorted);
    const down: number[] = [];
    for (let item = sorted.at(-1)!; item !== -1; item = order.below(item)) down.push(item);
    expect(down).toEqual([...sorted].reverse());
  });
});
