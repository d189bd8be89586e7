import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataReadAudit } from '../server/auth/DataReadAudit.js';
import type { DataRequester } from '../server/auth/requesterOf.js';
import { SensorAccess } from '../server/live/SensorAccess.js';
import { loadSensorCatalog } from '../server/live/SensorCatalog.js';
import type { AuditEntryInput } from '../server/store/Store.js';

/**
 * Each sensor's category from the sites file (one home: the seeds write it, the catalogue reads
 * it) and who may read it; the data-read audit's window. The server's answers per role are
 * tried against the running server in test/sensorRoles.test.ts.
 */
const dir = mkdtempSync(join(tmpdir(), 'cimtwin-sensor-access-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sitesFile(sites: Record<string, string>[]): string {
  const file = join(dir, `sites-${Math.random().toString(36).slice(2)}.geojson`);
  const features = sites.map((properties) => ({ type: 'Feature', properties, geometry: { type: 'Point', coordinates: [117.16, 39.1] } }));
  writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features }));
  return file;
}

describe('sensor categories in the catalogue', () => {
  const catalog = loadSensorCatalog(
    sitesFile([
      { id: 'S1', type: 'manhole_cover', feature: 'PS0001', category: 'PS' },
      { id: 'S2', type: 'well_water_level', feature: 'YS0002', category: 'YS' }, // a drainage sub-type as surveys write it
      { id: 'S3', type: 'hydrant_pressure', feature: 'JS0003', category: '给水' },
      { id: 'S4', type: 'gas_in_well', feature: 'X0004' }, // on a pipe feature, category not said
      { id: 'S5', type: 'gas_in_well', feature: 'X0005', category: 'nonsense' },
      { id: 'S6', type: 'air_quality' }, // on no pipe asset
    ]),
  );

  it('reads the CJJ 61 code; a pipe feature without a known category is QT (only all-category roles), no feature is open', () => {
    expect(catalog.map((e) => e.category)).toEqual(['PS', 'PS', 'JS', 'QT', 'QT', null]);
  });

  it('tells each role what it may read, and the feeds to subscribe to', () => {
    const access = new SensorAccess(catalog);
    const readable = (role: Parameters<SensorAccess['maySee']>[0]): number[] => catalog.filter((e) => access.maySee(role, e.id)).map((e) => e.id);
    expect(readable('public')).toEqual([6]);
    expect(readable('drainage')).toEqual([1, 2, 6]);
    expect(readable('water')).toEqual([3, 6]);
    expect(readable('gas')).toEqual([6]);
    expect(readable('internal')).toEqual([1, 2, 3, 4, 5, 6]);
    expect(access.maySee('public', 7)).toBe(true); // after the catalogue: parking levels, open
    expect(access.feedsFor('public')).toEqual(['open']);
    expect(access.feedsFor('drainage')).toEqual(['PS', 'open']);
    expect(access.feedsFor('admin')).toEqual(['JS', 'PS', 'QT', 'open']);
    expect([access.seesAll('water'), access.seesAll('operator')]).toEqual([false, true]);
    expect(access.mayReadFeed('telecom', 'TX')).toBe(true);
    expect(access.mayReadFeed('telecom', 'XX')).toBe(false); // an unknown feed name
    // A catalogue without pipe sensors: everyone reads all of it (wildcards included).
    expect(new SensorAccess(catalog.filter((e) => e.category === null)).seesAll('public')).toBe(true);
  });
});

describe('data-read audit', () => {
  const requester = (username: string): DataRequester => ({ username, role: 'drainage', source: '10.0.0.7' });

  it('writes one entry per user and target in the window, again after it', async () => {
    const written: AuditEntryInput[] = [];
    let now = Date.parse('2026-12-01T08:00:00Z');
    const audit = new DataReadAudit({ appendAudit: async (entry) => void written.push(entry) }, 10 * 60_000, () => now);
    await audit.record(requester('a'), 'datastream:1', { category: 'PS' });
    await audit.record(requester('a'), 'datastream:1', { category: 'PS' });
    await audit.record(requester('a'), 'datastream:2', { category: 'PS' });
    await audit.record(requester('b'), 'datastream:1', { category: 'PS' });
    now += 9 * 60_000;
    await audit.record(requester('a'), 'datastream:1', { category: 'PS' });
    now += 2 * 60_000;
    await audit.record(requester('a'), 'datastream:1', { category: 'PS' });
    expect(written.map((e) => [e.actor, e.target, e.at])).toEqual([
      ['a', 'datastream:1', '2026-12-01T08:00:00.000Z'],
      ['a', 'datastream:2', '2026-12-01T08:00:00.000Z'],
      ['b', 'datastream:1', '2026-12-01T08:00:00.000Z'],
      ['a', 'datastream:1', '2026-12-01T08:11:00.000Z'],
    ]);
    expect(written[0]).toMatchObject({ action: 'data.read', role: 'drainage', source: '10.0.0.7', detail: '{"category":"PS"}' });
  });

  it('does not remember a read it could not record: the next one tries again (and the failure reaches the caller)', async () => {
    let failing = true;
    const written: string[] = [];
    const audit = new DataReadAudit({
      appendAudit: async (entry) => {
        if (failing) throw new Error('store down');
        written.push(entry.target);
      },
    });
    await expect(audit.record(requester('a'), 'datastream:1', {})).rejects.toThrow('store down');
    failing = false;
    await audit.record(requester('a'), 'datastream:1', {});
    expect(written).toEqual(['datastream:1']);
  });
});
