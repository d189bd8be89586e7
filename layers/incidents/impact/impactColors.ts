/** One set of impact colours for the map and the tinted tiles (plain #rrggbb: the emphasis takes nothing else). */
export const IMPACT_COLORS = {
  /** Buildings that lose water: violet, apart from the height style's yellows and oranges. */
  buildings: '#a066ff',
  /** Hospitals, schools, care homes among them. */
  facilities: '#ff2d55',
  /** Pipes shut in by the valves. */
  isolated: '#ff2d55',
  /** Pipes left dry beyond them. */
  cutOff: '#ffb020',
} as const;

/** The what-if's pressure scale: below the minimum, within 5 m above it, and lower than before but still enough. */
export const PRESSURE_COLORS = { below: '#ff2d55', near: '#ffb020', enough: '#4dd0a0' } as const;

/** A junction's colour by its pressure after the closures (m) against the minimum service pressure. */
export function pressureColor(afterMetres: number, minimumMetres: number): string {
  if (!(afterMetres >= minimumMetres)) return PRESSURE_COLORS.below;
  return afterMetres < minimumMetres + 5 ? PRESSURE_COLORS.near : PRESSURE_COLORS.enough;
}
