import { describe, expect, it } from 'vitest';
import type { ParkingSite, ParkingState } from '../formats/parking.js';
import { parkingKpis, ParkingTurnover } from './parkingKpis.js';

const MINUTE = 60_000;
/** Monday 2026-11-30 10:00 China Standard Time. */
const NOW = Date.UTC(2026, 10, 30, 2, 0);
type KpiSite = Pick<ParkingSite, 'id' | 'kind' | 'capacity' | 'pattern' | 'openingHours'>;
const sites: KpiSite[] = [
  { id: 'berth-home', kind: 'onStreet', capacity: 10, pattern: 'residential' },
  { id: 'berth-office', kind: 'onStreet', capacity: 10, pattern: 'office' },
  { id: 'garage-office', kind: 'underground', capacity: 100, pattern: 'office' },
  // Open 07:00–09:00 local only: closed at 10:00.
  { id: 'lot-school', kind: 'surfaceLot', capacity: 50, pattern: 'school', openingHours: { opens: 420, closes: 540 } },
  { id: 'lot-mall', kind: 'surfaceLot', capacity: 40, pattern: 'mall' },
];
const state = (siteId: string, availableSpotNumber: number, minutesAgo = 1): ParkingState => ({
  siteId,
  availableSpotNumber,
  observedAt: NOW - minutesAgo * MINUTE,
});

describe('district parking KPIs', () => {
  const states = new Map(
    [state('berth-home', 4), state('berth-office', 0), state('garage-office', 10), state('lot-school', 50), state('lot-mall', 40, 45)].map((s) => [
      s.siteId,
      s,
    ]),
  );
  const kpis = parkingKpis(sites, states, NOW);

  it('counts occupancy and free spaces from current counts of open sites only', () => {
    // Reporting: berth-home (4/10 free), berth-office (0/10), garage-office (10/100); the school lot is closed, the mall's count is outdated.
    expect(kpis.district).toEqual({ sites: 5, reporting: 3, capacity: 120, free: 14, occupancy: 1 - 14 / 120, full: 1 });
    expect(kpis.closed).toBe(1);
    expect(kpis.outdated).toBe(1);
    expect(kpis.berths).toEqual({ sites: 2, reporting: 2, capacity: 20, free: 4, occupancy: 0.8, full: 1 });
  });

  it('groups by area, the fullest first, areas with no current count last', () => {
    expect(kpis.byArea.map((a) => [a.area, a.occupancy])).toEqual([
      ['office', 1 - 10 / 110],
      ['residential', 0.6],
      ['mall', null],
      ['school', null],
    ]);
    expect(kpis.byArea[0]).toMatchObject({ sites: 2, reporting: 2, free: 10, full: 1 });
  });

  it('accepts the states as a record, and shows nothing as current when every count is outdated', () => {
    const old = Object.fromEntries(sites.map((s) => [s.id, state(s.id, 1, 31)]));
    const stale = parkingKpis(sites, old, NOW);
    expect(stale.district.reporting).toBe(0);
    expect(stale.district.occupancy).toBeNull();
    expect(stale.outdated).toBe(4);
  });
});

describe('parking turnover', () => {
  it('counts drops of the free count as arrivals per space over the window', () => {
    const turnover = new ParkingTurnover(60 * MINUTE);
    expect(turnover.figures(NOW)).toBeNull();
    turnover.observe(state('a', 10, 40), 20);
    turnover.observe(state('a', 6, 35), 20); // 4 arrivals
    turnover.observe(state('a', 8, 30), 20); // departures: none
    turnover.observe(state('a', 7, 20), 20); // 1
    turnover.observe(state('a', 7, 25), 20); // older than the last: ignored
    turnover.observe(state('b', 30, 20), 30);
    turnover.observe(state('b', 20, 10), 30); // 10
    turnover.observe(state('c', 5, 90), 10); // heard once, long ago: does not stretch the window
    const figures = turnover.figures(NOW)!;
    expect(figures.arrivals).toBe(15);
    expect(figures.spaces).toBe(50);
    // The viewer has seen 40 minutes of the hour's window.
    expect(figures.hours).toBeCloseTo(40 / 60, 6);
    expect(figures.perSpace).toBeCloseTo(0.3, 6);
    expect(figures.perSpacePerHour).toBeCloseTo(0.45, 6);
    // 55 minutes later every arrival has left the hour's window.
    const later = turnover.figures(NOW + 55 * MINUTE)!;
    expect(later.arrivals).toBe(0);
    expect(later.hours).toBe(1);
  });

  it('does not compare two counts further apart than the outdated limit', () => {
    const turnover = new ParkingTurnover();
    turnover.observe(state('a', 10, 90), 20);
    turnover.observe(state('a', 0, 10), 20);
    expect(turnover.figures(NOW)).toBeNull();
    expect(() => new ParkingTurnover(0)).toThrow(/positive/);
  });
});
