/**
 * A binary min-heap of (item, key) pairs in typed arrays, for Dijkstra: no objects per entry,
 * and no decrease-key — a shorter key is pushed again and the stale entry is skipped when
 * popped (the caller compares with its own best key). Grows by doubling.
 */
export class MinHeap {
  private items: Uint32Array;
  private keys: Float64Array;
  length = 0;

  constructor(capacity = 1024) {
    this.items = new Uint32Array(Math.max(16, capacity));
    this.keys = new Float64Array(Math.max(16, capacity));
  }

  clear(): void {
    this.length = 0;
  }

  push(item: number, key: number): void {
    if (this.length === this.items.length) {
      const items = new Uint32Array(this.items.length * 2);
      const keys = new Float64Array(this.keys.length * 2);
      items.set(this.items);
      keys.set(this.keys);
      this.items = items;
      this.keys = keys;
    }
    let at = this.length++;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (this.keys[parent]! <= key) break;
      this.items[at] = this.items[parent]!;
      this.keys[at] = this.keys[parent]!;
      at = parent;
    }
    this.items[at] = item;
    this.keys[at] = key;
  }

  /** The smallest key (Infinity when empty). */
  peekKey(): number {
    return this.length > 0 ? this.keys[0]! : Infinity;
  }

  /** Removes the entry with the smallest key and returns its item (call only when length > 0). */
  pop(): number {
    const top = this.items[0]!;
    const last = --this.length;
    if (last > 0) {
      const item = this.items[last]!;
      const key = this.keys[last]!;
      let at = 0;
      for (;;) {
        let child = 2 * at + 1;
        if (child >= last) break;
        if (child + 1 < last && this.keys[child + 1]! < this.keys[child]!) child++;
        if (this.keys[child]! >= key) break;
        this.items[at] = this.items[child]!;
        this.keys[at] = this.keys[child]!;
        at = child;
      }
      this.items[at] = item;
      this.keys[at] = key;
    }
    return top;
  }
}
