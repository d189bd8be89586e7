import type { ParkingSite } from '../../workers/formats/parking.js';
import { buildParkingProfile, type ParkingProfile } from '../../workers/parking/forecast.js';
import type { ParkingDatastreams } from '../../workers/parking/parkingLiveState.js';
import { siteOccupancySeries } from '../../workers/parking/siteOccupancySeries.js';
import type { ObservationHistory } from '../history/ObservationHistory.js';
import { levelSeries } from './levelSeries.js';

/** How far back a profile learns: four weeks of the store's 15-minute means (it keeps 30 days). */
export const PROFILE_WINDOW_MS = 28 * 86_400_000;
/** A site's stored history counts as enough once it spans a week: every slot of the week seen once. */
export const PROFILE_MIN_SPAN_MS = 7 * 86_400_000;
/** A read refused by the store's read cap is asked again after this pause (the ingest comes first). */
const READ_RETRY_MS = 200;

export type ProfileHistory = Pick<ObservationHistory, 'series' | 'aggregates' | 'range' | 'admitRead'>;

/**
 * Each site's profile learnt from its own stored occupancy — every level's counts summed on the
 * forecast's 5-minute grid, the store's 15-minute means where raw readings are no longer kept —
 * or undefined where the store holds less than `minSpanMs` of it (the caller decides what stands
 * in). Reads one level at a time through the store's read cap, yielding between sites, so the
 * ingest and the APIs keep their turns while ~2,000 levels are read.
 */
export async function storedProfiles(
  history: ProfileHistory,
  sites: readonly ParkingSite[],
  streams: ParkingDatastreams,
  now: number,
  options: { minSpanMs?: number; isClosed?: () => boolean } = {},
): Promise<(ParkingProfile | undefined)[]> {
  const minSpanMs = options.minSpanMs ?? PROFILE_MIN_SPAN_MS;
  const { rawFrom, downsampledFrom } = await history.range();
  const keptFrom = Math.min(rawFrom ?? Number.POSITIVE_INFINITY, downsampledFrom ?? Number.POSITIVE_INFINITY);
  // Nothing kept that far back: no site can have enough, and nothing needs reading.
  if (!(keptFrom <= now - minSpanMs)) return sites.map(() => undefined);
  const from = now - PROFILE_WINDOW_MS;
  const profiles: (ParkingProfile | undefined)[] = [];
  for (let site = 0; site < sites.length; site++) {
    if (options.isClosed?.()) throw new Error('the parking service closed while learning its profiles');
    const levels = [];
    for (let level = 0; level < sites[site]!.levels.length; level++) {
      const counts = await admitted(history, () => levelSeries(history, streams.datastream(site, level), from, now, rawFrom));
      levels.push({ time: counts.map((c) => c.time), free: counts.map((c) => c.result), capacity: sites[site]!.levels[level]!.capacity });
    }
    const series = siteOccupancySeries(levels, now);
    const span = series.time.length > 0 ? series.time[series.time.length - 1]! - series.time[0]! : 0;
    profiles.push(span >= minSpanMs ? buildParkingProfile(series.time, series.occupied, sites[site]!.capacity) : undefined);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return profiles;
}

async function admitted<T>(history: ProfileHistory, read: () => Promise<T>): Promise<T> {
  for (;;) {
    const done = history.admitRead();
    if (done)
      try {
        return await read();
      } finally {
        done();
      }
    await new Promise((resolve) => setTimeout(resolve, READ_RETRY_MS));
  }
}
