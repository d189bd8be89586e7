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
