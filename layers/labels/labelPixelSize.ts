import type { ViewerMode } from '../../viewer/src/platform/ViewerState.js';

/**
 * Map type size in CSS pixels: 14 px at a planner's desk; on a wall it grows with the screen
 * (about 1/110 of the longer side: 35 px on a 3840-wide 4K panel, read from 5 m), never below
 * 24 px. Panels use the same proportion (style.css, --font-size in wall mode).
 */
export function labelPixelSize(mode: ViewerMode, cssWidth: number, cssHeight: number): number {
  if (mode === 'cockpit') return 12;
  if (mode !== 'wall') return 14;
  return Math.max(24, Math.round(Math.max(cssWidth, cssHeight) / 110));
}

/**
 * How many map labels at most: a cockpit tile (480×270 among charts) names only the few most
 * important places (landmarks first, by priority); elsewhere as many as fit without touching.
 */
export function labelBudget(mode: ViewerMode): number {
  return mode === 'cockpit' ? 6 : Number.POSITIVE_INFINITY;
}
