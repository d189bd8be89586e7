import type { CDPSession, Page } from 'playwright-core';

/**
 * A page's JS heap after a full garbage collection, two ways: the whole heap (what the page
 * holds, including the optimised code V8 keeps compiling over the first mounts) and its objects
 * without compiled code (what a viewer could keep alive by mistake: the leak check's measure).
 */
export interface HeapProbe {
  usedAfterGc(): Promise<number>;
  objectsAfterGc(): Promise<number>;
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
      await collect();
      const chunks: string[] = [];
      const onChunk = (event: { chunk: string }): number => chunks.push(event.chunk);
      cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
      await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
      cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
      const snapshot = JSON.parse(chunks.join('')) as { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[] };
      const { node_fields: fields, node_types: types } = snapshot.snapshot.meta;
      const typeAt = fields.indexOf('type');
      const sizeAt = fields.indexOf('self_size');
      let bytes = 0;
      for (let i = 0; i < snapshot.nodes.length; i += fields.length) if (types[0][snapshot.nodes[i + typeAt]!] !== 'code') bytes += snapshot.nodes[i + sizeAt]!;
      return bytes;
    },
  };
}
