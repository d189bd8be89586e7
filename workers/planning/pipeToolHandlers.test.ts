import { describe, expect, it } from 'vitest';
import { pipeToolHandlers } from './pipeToolHandlers.js';

describe('pipeToolHandlers', () => {
  it('refuses analyses before the pipes are loaded, and a document that is not JSON', async () => {
    const handlers = pipeToolHandlers();
    expect(() => handlers['planning.trace']({ pipeId: 'JS-L1' })).toThrow(/planning.loadPipes first/);
    expect(() => handlers['planning.loadPipes']({ document: new TextEncoder().encode('{oops').buffer as ArrayBuffer })).toThrow(/not JSON/);
    expect(() => handlers['planning.loadPipes']({ document: new TextEncoder().encode('{"format":"x"}').buffer as ArrayBuffer })).toThrow(
      /not a cim-twin-network v1/,
    );
  });
});
