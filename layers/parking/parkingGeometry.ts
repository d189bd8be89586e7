/**
 * Where a garage's floors stand and what a selection of one is called — shared by the layer,
 * the locate hook and the page API. Pure.
 */

/** Storey height (m): floor k's slab is centred at k × STOREY + 1 (B1 at −2.5 m, F2 at 4.5 m). */
export const STOREY_METRES = 3.5;
export const FLOOR_THICKNESS = 1.2;

export function floorHeight(storey: number): number {
  return storey * STOREY_METRES + 1;
}

/** A slab's side (m): about 30 m² a space (bays and aisles), 24 to 70 m. */
export function slabSide(capacity: number): number {
  return Math.min(70, Math.max(24, Math.sqrt(Math.max(0, capacity) * 30)));
}

/** A selected site is `PPOI0054`, one of its floors `PPOI0054/B1`. */
export function parseFeatureId(featureId: string): { siteId: string; levelId: string | undefined } {
  const slash = featureId.indexOf('/');
  return slash < 0 ? { siteId: featureId, levelId: undefined } : { siteId: featureId.slice(0, slash), levelId: featureId.slice(slash + 1) };
}

export function floorFeatureId(siteId: string, levelId: string): string {
  return `${siteId}/${levelId}`;
}
