/**
 * Cesium's `resolutionScale` (with `useBrowserRecommendedResolution` off, so the drawing
 * buffer is CSS size × devicePixelRatio × scale) that renders at the display's physical pixels
 * but keeps the drawing buffer's longer side within `maxDrawingBuffer`: a video-wall canvas of
 * 3 × 4K side by side (11,520 CSS px) would otherwise exceed what WebGL allocates.
 */
export function resolutionScaleFor(cssWidth: number, cssHeight: number, devicePixelRatio: number, maxDrawingBuffer: number): number {
  const physical = Math.max(cssWidth, cssHeight, 1) * Math.max(devicePixelRatio, 0.25);
  return Math.min(1, maxDrawingBuffer / physical);
}
