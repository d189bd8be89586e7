const NONE = -1;

/**
 * The sweep status of a line sweep: items (small integers, e.g. edge numbers) kept in an order
 * given by a comparison that is only valid at insertion time, with O(log n) insert, remove
 * and neighbour look-ups by item. A treap (a binary search tree balanced by random
 * priorities) with parent links, in typed arrays: no allocation per operation.
 */
export class EdgeOrder {
  private root = NONE;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly parent: Int32Array;
  private readonly priority: Float64Array;
  private seed = 0x9e3779b9;

  constructor(capacity: number) {
    this.left = new Int32Array(capacity).fill(NONE);
    this.right = new Int32Array(capacity).fill(NONE);
    this.parent = new Int32Array(capacity).fill(NONE);
    this.priority = new Float64Array(capacity);
  }

  /** Inserts `item`; `below(item, other)` says whether item goes below `other`. */
  insert(item: number, below: (item: number, other: number) => boolean): void {
    this.left[item] = this.right[item] = NONE;
    this.priority[item] = this.random();
    if (this.root === NONE) {
      this.root = item;
      this.parent[item] = NONE;
      return;
    }
    let node = this.root;
    for (;;) {
      if (below(item, node)) {
        if (this.left[node] === NONE) {
          this.left[node] = item;
          break;
        }
        node = this.left[node]!;
      } else {
        if (this.right[node] === NONE) {
          this.right[node] = item;
          break;
        }
        node = this.right[node]!;
      }
    }
    this.parent[item] = node;
    while (this.parent[item] !== NONE && this.priority[item]! > this.priority[this.parent[item]!]!) this.rotateUp(item);
  }

  remove(item: number): void {
    // Rotate it down below the child of higher priority until it is a leaf, then cut it off.
    for (;;) {
      const l = this.left[item]!;
      const r = this.right[item]!;
      if (l === NONE && r === NONE) break;
      this.rotateUp(r === NONE || (l !== NONE && this.priority[l]! > this.priority[r]!) ? l : r);
    }
    const p = this.parent[item]!;
    if (p === NONE) this.root = NONE;
    else if (this.left[p] === item) this.left[p] = NONE;
    else this.right[p] = NONE;
    this.parent[item] = NONE;
  }

  /** The item just below `item`, or -1. */
  below(item: number): number {
    if (this.left[item] !== NONE) {
      let node = this.left[item]!;
      while (this.right[node] !== NONE) node = this.right[node]!;
      return node;
    }
    let node = item;
    while (this.parent[node] !== NONE && this.left[this.parent[node]!] === node) node = this.parent[node]!;
    return this.parent[node]!;
  }

  /** The item just above `item`, or -1. */
  above(item: number): number {
    if (this.right[item] !== NONE) {
      let node = this.right[item]!;
      while (this.left[node] !== NONE) node = this.left[node]!;
      return node;
    }
    let node = item;
    while (this.parent[node] !== NONE && this.right[this.parent[node]!] === node) node = this.parent[node]!;
    return this.parent[node]!;
  }

  /** Makes `node` take its parent's place (a left or right rotation). */
  private rotateUp(node: number): void {
    const p = this.parent[node]!;
    const g = this.parent[p]!;
    if (this.left[p] === node) {
      const moved = this.right[node]!;
      this.left[p] = moved;
      if (moved !== NONE) this.parent[moved] = p;
      this.right[node] = p;
    } else {
      const moved = this.left[node]!;
      this.right[p] = moved;
      if (moved !== NONE) this.parent[moved] = p;
      this.left[node] = p;
    }
    this.parent[p] = node;
    this.parent[node] = g;
    if (g === NONE) this.root = node;
    else if (this.left[g] === p) this.left[g] = node;
    else this.right[g] = node;
  }

  /** xorshift32: deterministic, so a run is repeatable. */
  private random(): number {
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x >>> 0;
    return this.seed;
  }
}
