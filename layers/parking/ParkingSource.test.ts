import { describe, expect, it } from 'vitest';
import { readUpdate } from './ParkingSource.js';

const bytes = (value: unknown): Uint8Array => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

describe('readUpdate (the parking topic’s payload)', () => {
  it('keeps well-formed states and drops malformed ones, so one bad entry does not stop the feed', () => {
    const update = readUpdate(
      bytes({
        at: 1000,
        states: [
          { siteId: 'P1', observedAt: 900, availableSpotNumber: 3, levels: [{ levelId: 'B1', availableSpotNumber: 3 }] },
          { siteId: 'P2', observedAt: 900, availableSpotNumber: -1 },
          { siteId: 'P3', observedAt: 'yesterday', availableSpotNumber: 1 },
          { siteId: 'P4', observedAt: 900, availableSpotNumber: 1.5 },
          { siteId: 'P5', observedAt: 900, availableSpotNumber: 1, levels: [{ levelId: 7, availableSpotNumber: 1 }] },
          null,
        ],
      }),
    );
    expect(update).toEqual({
      at: 1000,
      states: [{ siteId: 'P1', observedAt: 900, availableSpotNumber: 3, levels: [{ levelId: 'B1', availableSpotNumber: 3 }] }],
    });
  });

  it('drops what is not an update at all', () => {
    expect(readUpdate(bytes('not json'))).toBeUndefined();
    expect(readUpdate(bytes({ at: 1 }))).toBeUndefined();
    expect(readUpdate(bytes(null))).toBeUndefined();
  });
});
