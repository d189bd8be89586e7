import { describe, expect, it } from 'vitest';
import { framedAround } from '../layers/incidents/incidentGeometry.js';

/** Framing an incident beside the docks: the aim moves away from the covered side and the range grows to the opening. */
describe('framedAround', () => {
  const centre: [number, number] = [117.1735, 39.0828];

  it('with nothing covered, aims at the point from the same range', () => {
    expect(framedAround(centre, 700, { left: 0, right: 0 })).toEqual({ lon: centre[0], lat: centre[1], range: 700 });
  });

  it('with the right dock covering 30 % of a wall, aims east of the point so it lands mid-opening, from farther', () => {
    const view = framedAround(centre, 700, { left: 0, right: 0.3 });
    expect(view.range).toBeCloseTo(1000, 0);
    // The opening's middle is 15 % of the view left of its centre; the view is 2·range·tan 30° wide on the ground.
    const eastMetres = (view.lon - centre[0]) * 111_320 * Math.cos((centre[1] * Math.PI) / 180);
    expect(eastMetres).toBeCloseTo(0.15 * 2 * 1000 * Math.tan(Math.PI / 6), 0);
    expect(view.lat).toBe(centre[1]);
  });

  it('docks covering both sides evenly leave the aim on the point; the range stops at twice', () => {
    const view = framedAround(centre, 700, { left: 0.4, right: 0.4 });
    expect(view.lon).toBeCloseTo(centre[0], 9);
    expect(view.range).toBe(1400);
  });
});
