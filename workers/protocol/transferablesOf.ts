/**
 * The ArrayBuffers inside a message (typed arrays' buffers included), to put on the transfer
 * list so they move instead of being copied. Looks through plain objects and arrays a few
 * levels deep; a buffer shared by several views is listed once.
 */
export function transferablesOf(value: unknown, depth = 4): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>();
  const visit = (item: unknown, level: number): void => {
    if (item === null || typeof item !== 'object') return;
    if (item instanceof ArrayBuffer) found.add(item);
    else if (ArrayBuffer.isView(item)) {
      if (item.buffer instanceof ArrayBuffer) found.add(item.buffer);
    } else if (level < depth) for (const child of Array.isArray(item) ? item : Object.values(item)) visit(child, level + 1);
  };
  visit(value, 0);
  return [...found];
}

/** A message with its buffers marked for transfer (comlink's `transfer` keys a WeakMap: objects only). */
export function withTransferables<T>(value: T, mark: (value: T & object, buffers: ArrayBuffer[]) => T): T {
  if (value === null || typeof value !== 'object') return value;
  const buffers = transferablesOf(value);
  return buffers.length ? mark(value, buffers) : value;
}
