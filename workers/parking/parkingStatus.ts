import { DEFAULT_PARKING_STATUS_RULES, type ParkingSite, type ParkingSiteStatus, type ParkingState, type ParkingStatusRules } from '../formats/parking.js';
import { isOpenAt } from './localTime.js';

/**
 * What a site is shown as at `now`, from its last observation — the one place the rules live:
 * closed outside its opening hours (whatever was last counted); unknown when never heard or
 * when the observation is older than `outdatedAfterMs` (30 min: an old count is never shown as
 * current); otherwise full with no space free, almostFull from the occupancy share or the few
 * spaces left, free else. An observation from the future (clock skew) counts as current.
 */
export function parkingStatus(
  site: Pick<ParkingSite, 'capacity' | 'openingHours'>,
  state: Pick<ParkingState, 'observedAt' | 'availableSpotNumber'> | null | undefined,
  now: number,
  rules: ParkingStatusRules = DEFAULT_PARKING_STATUS_RULES,
): ParkingSiteStatus {
  if (!Number.isFinite(now)) throw new RangeError(`parking status: now is not a time (${now})`);
  const outdated = !state || now - state.observedAt > rules.outdatedAfterMs;
  const current = state && !outdated ? state : null;
  const available = current ? Math.max(0, Math.min(site.capacity, current.availableSpotNumber)) : null;
  const occupancy = available === null ? null : site.capacity > 0 ? 1 - available / site.capacity : 1;
  const shown = (status: ParkingSiteStatus['status']): ParkingSiteStatus => ({ status, outdated, occupancy, availableSpotNumber: available });
  if (!isOpenAt(site.openingHours, now)) return shown('closed');
  if (available === null || occupancy === null) return shown('unknown');
  if (available <= 0) return shown('full');
  if (occupancy >= rules.almostFullOccupancy || available <= rules.almostFullSpaces) return shown('almostFull');
  return shown('free');
}
