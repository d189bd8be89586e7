/**
 * Which depths of the depth staff get a label so labels never overlap: the smallest step of
 * 1, 2, 5 or 10 m whose labels stand at least `minGapPx` apart on screen, given how many pixels
 * a metre of depth covers there. Every metre still gets a tick.
 */
export function depthLabelStep(pixelsPerMetre: number, minGapPx: number): number {
  for (const step of [1, 2, 5, 10]) if (step * pixelsPerMetre >= minGapPx) return step;
  return 10;
}
