import { LOCAL_UTC_OFFSET_MINUTES, type OpeningHours } from '../formats/parking.js';

const MINUTE = 60_000;
const DAY_MINUTES = 1440;

/** Minutes after local midnight (China Standard Time) at time t (ms), fractional. */
export function localMinuteOfDay(t: number): number {
  const minutes = t / MINUTE + LOCAL_UTC_OFFSET_MINUTES;
  // floor rather than %: a floating-point % is a library call, and the occupancy model calls this per sample.
  return minutes - Math.floor(minutes / DAY_MINUTES) * DAY_MINUTES;
}

/** Local day of the week at time t: 0 Monday … 6 Sunday (1970-01-01 was a Thursday). */
export function localWeekday(t: number): number {
  const day = localDayNumber(t) + 3;
  return day - Math.floor(day / 7) * 7;
}

/** Whole local days since 1970-01-01 (local): the key of a day's draws (events, the day's level). */
export function localDayNumber(t: number): number {
  return Math.floor((t / MINUTE + LOCAL_UTC_OFFSET_MINUTES) / DAY_MINUTES);
}

/** Whether a site with these hours is open at t; no hours: always. */
export function isOpenAt(hours: OpeningHours | undefined, t: number): boolean {
  if (!hours) return true;
  const minute = localMinuteOfDay(t);
  return hours.opens < hours.closes ? minute >= hours.opens && minute < hours.closes : minute >= hours.opens || minute < hours.closes;
}
