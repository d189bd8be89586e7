/** A label's screen box (centre x, y and size in CSS pixels) and its priority (higher wins). */
export interface LabelBox {
  x: number;
  y: number;
  width: number;
  height: number;
  priority: number;
}

/**
 * Greedy label placement: labels in priority order, each kept unless it overlaps one already
 * kept (with `padding` pixels around). Returns which to show. A grid makes it O(n) for the
 * few hundred labels of a district.
 */
export function declutterLabels(boxes: readonly (LabelBox | undefined)[], padding = 4, cell = 128): boolean[] {
  const shown = new Array<boolean>(boxes.length).fill(false);
  const order = boxes.map((_, i) => i).filter((i) => boxes[i] !== undefined);
  order.sort((a, b) => boxes[b]!.priority - boxes[a]!.priority || a - b);
  const grid = new Map<string, number[]>();
  for (const i of order) {
    const box = boxes[i]!;
    const x0 = box.x - box.width / 2 - padding,
      x1 = box.x + box.width / 2 + padding,
      y0 = box.y - box.height / 2 - padding,
      y1 = box.y + box.height / 2 + padding;
    const cells: string[] = [];
    for (let cx = Math.floor(x0 / cell); cx <= Math.floor(x1 / cell); cx++)
      for (let cy = Math.floor(y0 / cell); cy <= Math.floor(y1 / cell); cy++) cells.push(`${cx},${cy}`);
    const overlaps = cells.some((key) =>
      (grid.get(key) ?? []).some((j) => {
        const other = boxes[j]!;
        return Math.abs(other.x - box.x) * 2 < other.width + box.width + padding * 2 && Math.abs(other.y - box.y) * 2 < other.height + box.height + padding * 2;
      }),
    );
    if (overlaps) continue;
    shown[i] = true;
    for (const key of cells) {
      const list = grid.get(key);
      if (list) list.push(i);
      else grid.set(key, [i]);
    }
  }
  return shown;
}

/** Text width estimate: CJK characters are square, Latin ones about half as wide. */
export function estimateTextWidth(text: string, fontPx: number): number {
  let width = 0;
  for (const char of text) width += /[\u2e80-\u9fff\uff00-\uffef]/.test(char) ? fontPx : fontPx * 0.58;
  return width;
}
