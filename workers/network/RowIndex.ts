/**
 * Rows of a table grouped by a key column (CSR): the rows whose key is k are
 * rows[start[k] .. start[k + 1]), in row order. Rows with a negative key are left out.
 */
export interface RowIndex {
  start: Uint32Array;
  rows: Uint32Array;
}

export function rowIndex(keys: ArrayLike<number>, keyCount: number): RowIndex {
  const start = new Uint32Array(keyCount + 1);
  for (let r = 0; r < keys.length; r++) {
    const key = keys[r]!;
    if (key >= 0 && key < keyCount) start[key + 1]!++;
  }
  for (let k = 0; k < keyCount; k++) start[k + 1]! += start[k]!;
  const fill = start.slice(0, keyCount);
  const rows = new Uint32Array(start[keyCount]!);
  for (let r = 0; r < keys.length; r++) {
    const key = keys[r]!;
    if (key >= 0 && key < keyCount) rows[fill[key]!++] = r;
  }
  return { start, rows };
}
