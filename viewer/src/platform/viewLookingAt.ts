import type { CameraView } from './ViewerState.js';

const METRES_PER_DEGREE_LAT = 111_320;

/**
 * A camera view that looks at a point (degrees, metres) from `range` metres away, from the
 * south (heading 0), `pitchDegrees` down. Pure: the engine is not needed to aim a camera.
 */
export function viewLookingAt(lon: number, lat: number, height: number, range: number, pitchDegrees = -45): CameraView {
  const pitch = (Math.abs(pitchDegrees) * Math.PI) / 180;
  const back = range * Math.cos(pitch);
  return {
    lon,
    lat: lat - back / METRES_PER_DEGREE_LAT,
    height: height + range * Math.sin(pitch),
    heading: 0,
    pitch: -Math.abs(pitchDegrees),
  };
}

/** How far to stand back from a feature: buildings by their height, pipes close. */
export function rangeFor(height: number): number {
  return height < 0 ? 40 : Math.max(180, height * 2.6);
}
