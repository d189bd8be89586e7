import type { CitySize, ClimateZone, SunlightRule } from '../formats/buildingAnalyses.js';

/**
 * The residential sunlight minimum (住宅建筑日照标准) of GB 50180-2018 《城市居住区规划设计标准》,
 * Table 4.0.9, as data. TO BE VERIFIED AGAINST THE OFFICIAL TEXT: transcribed from secondary
 * sources, not from the published standard.
 *
 * | climate zone | large city (大城市) | medium or small city (中小城市) |
 * |---|---|---|
 * | I, II, III, VII | 大寒日 ≥ 2 h | 大寒日 ≥ 3 h |
 * | IV | 大寒日 ≥ 3 h | 冬至日 ≥ 1 h |
 * | V, VI | 冬至日 ≥ 1 h | 冬至日 ≥ 1 h |
 *
 * Hours count inside the effective window (有效日照时间带, true solar time): 8:00–16:00 on 大寒日,
 * 9:00–15:00 on 冬至日, measured at the ground-floor window sill (底层窗台面).
 */
export const GB50180_SUNLIGHT_RULES: readonly SunlightRule[] = [
  { zones: ['I', 'II', 'III', 'VII'], citySize: 'large', day: 'dahan', minHours: 2 },
  { zones: ['I', 'II', 'III', 'VII'], citySize: 'medium-small', day: 'dahan', minHours: 3 },
  { zones: ['IV'], citySize: 'large', day: 'dahan', minHours: 3 },
  { zones: ['IV'], citySize: 'medium-small', day: 'dongzhi', minHours: 1 },
  { zones: ['V', 'VI'], citySize: 'any', day: 'dongzhi', minHours: 1 },
];

export const GB50180_SUNLIGHT_SOURCE = 'GB 50180-2018 Table 4.0.9 (to be verified against the official text)';

/** The effective window in hours of true solar time, by day. */
export const GB50180_EFFECTIVE_WINDOW: Readonly<Record<'dahan' | 'dongzhi', readonly [number, number]>> = {
  dahan: [8, 16],
  dongzhi: [9, 15],
};

/** The rule for a zone and city size (every zone and size has one). */
export function sunlightRuleFor(zone: ClimateZone, citySize: CitySize): SunlightRule {
  const rule = GB50180_SUNLIGHT_RULES.find((r) => r.zones.includes(zone) && (r.citySize === 'any' || r.citySize === citySize));
  if (!rule) throw new Error(`GB 50180 sets no sunlight rule for climate zone ${zone}, ${citySize} city`);
  return rule;
}
