import { describe, expect, it } from 'vitest';
import type { Incident } from '../../workers/formats/incident.js';
import { keepNewer } from './followClock.js';

/** Only id and version matter to the merge. */
const incident = (id: string, version: number): Incident => ({ id, version, headline: `${id} v${version}` }) as unknown as Incident;
const byId = (list: Incident[]): Record<string, Incident> => Object.fromEntries(list.map((i) => [i.id, i]));
const versions = (list: Incident[]): Record<string, number> => Object.fromEntries(list.map((i) => [i.id, i.version]));

describe('back to live: the current list merged with what the live feed upserted meanwhile', () => {
  it('keeps the higher version per id, keeps incidents only the feed knows, and drops what only the replay showed', () => {
    // The store during the replay: incidents as they were then.
    const replayed = byId([incident('a', 1), incident('b', 2), incident('gone', 1)]);
    // The feed, live again, upserts a newer b and a new c before the list arrives.
    const now = { ...replayed, b: incident('b', 5), c: incident('c', 1) };
    // The list was read before those changes: b at version 4, no c.
    const list = [incident('a', 3), incident('b', 4)];
    expect(versions(keepNewer(list, replayed, now))).toEqual({ a: 3, b: 5, c: 1 });
  });

  it('a list newer than the feed’s upsert wins', () => {
    const replayed = byId([incident('a', 1)]);
    const now = { a: incident('a', 2) };
    expect(versions(keepNewer([incident('a', 3)], replayed, now))).toEqual({ a: 3 });
  });
});
