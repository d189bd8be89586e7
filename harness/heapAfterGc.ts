import type { CDPSession, Page } from 'playwright-core';

/**
 * A page's JS heap after a full garbage collection, two ways: the whole heap (what the page
 * holds, including the optimised code V8 keeps compiling over the first mounts) and its objects
 * without compiled code (what a viewer could keep alive by mistake: the leak check's measure).
 */
export interface HeapProbe {
  usedAfterGc(): Promise<number>;
  objectsAfterGc(): Promise<number>;
  /** From one snapshot: the objects' bytes (as objectsAfterGc) and the DOM nodes held while out of any document ("Detached …" in DevTools). */
  snapshotAfterGc(): Promise<{ objectBytes: number; detachedDomNodes: number }>;
}

export async function heapProbe(page: Page): Promise<HeapProbe> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  const collect = async (): Promise<void> => {
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
  };
  return {
    async usedAfterGc() {
      await collect();
      return (await cdp.send('Runtime.getHeapUsage')).usedSize;
    },
    async objectsAfterGc() {
      return (await snapshotAfterGc()).objectBytes;
    },
    snapshotAfterGc,
  };

  async function snapshotAfterGc(): Promise<{ objectBytes: number; detachedDomNodes: number }> {
    await collect();
    const chunks: string[] = [];
    const onChunk = (event: { chunk: string }): number => chunks.push(event.chunk);
    cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
    const snapshot = JSON.parse(chunks.join('')) as {
      snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
      nodes: number[];
      strings: string[];
    };
    const { node_fields: fields, node_types: types } = snapshot.snapshot.meta;
    const typeAt = fields.indexOf('type');
    const sizeAt = fields.indexOf('self_size');
    const nameAt = fields.indexOf('name');
    const detachedAt = fields.indexOf('detachedness');
    let objectBytes = 0;
    let detachedDomNodes = 0;
    for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
      const type = types[0][snapshot.nodes[i + typeAt]!];
      if (type !== 'code') objectBytes += snapshot.nodes[i + sizeAt]!;
      // Chromium marks a DOM node in no document with `detachedness` 2 (DevTools shows "Detached <class>"; older builds put that in the name).
      if (detachedAt >= 0 ? snapshot.nodes[i + detachedAt] === 2 : snapshot.strings[snapshot.nodes[i + nameAt]!]!.startsWith('Detached ')) detachedDomNodes++;
    }
    return { objectBytes, detachedDomNodes };
  }
}
