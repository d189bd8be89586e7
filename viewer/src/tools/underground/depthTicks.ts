import { metresPerDegree } from '../../../../workers/geometry/geodesy.js';

/**
 * Which depths of the depth staff get a label so labels never overlap: the smallest step of
 * 1, 2, 5 or 10 m whose labels stand at least `minGapPx` apart on screen, given how many pixels
 * a metre of depth covers there. Every metre still gets a tick.
 */
export function depthLabelStep(pixelsPerMetre: number, minGapPx: number): number {
  for (const step of [1, 2, 5, 10]) if (step * pixelsPerMetre >= minGapPx) return step;
  return 10;
}

/** `[lon, lat, height]`: degrees and metres (height below the ground is negative). */
export type StaffPoint = [number, number, number];

export interface DepthStaff {
  /** Each metre's tick, from the staff eastward; the labelled ones longer. */
  ticks: { depth: number; labelled: boolean; from: StaffPoint; to: StaffPoint }[];
  /** Where each label stands (east of its tick) and the depth it reads. */
  labels: { depth: number; at: StaffPoint }[];
}

/**
 * The ticks and labels of a depth staff standing at (lon, lat) from the ground down to `depth`:
 * a tick every metre (`tickMetres.labelled` long where `step` labels it, `tickMetres.plain`
 * elsewhere), pointing east, and the labels `tickMetres.label` east of the staff; a depth that
 * is not whole gets a labelled tick of its own at the bottom. East offsets are metres on the
 * ground: a degree of longitude is cos(latitude) shorter than one of latitude (0.78 at Tianjin),
 * so metres are turned into degrees with the ellipsoid's metres per degree at that latitude.
 */
export function depthStaff(lon: number, lat: number, depth: number, step: number, tickMetres: { labelled: number; plain: number; label: number }): DepthStaff {
  const degreesPerMetreEast = 1 / metresPerDegree(lat).lon;
  const east = (metres: number, height: number): StaffPoint => [lon + metres * degreesPerMetreEast, lat, height];
  const staff: DepthStaff = { ticks: [], labels: [] };
  const tick = (d: number, labelled: boolean): void => {
    staff.ticks.push({ depth: d, labelled, from: [lon, lat, -d], to: east(labelled ? tickMetres.labelled : tickMetres.plain, -d) });
    if (labelled) staff.labels.push({ depth: d, at: east(tickMetres.label, -d) });
  };
  const whole = Math.floor(depth);
  for (let d = 0; d <= whole; d++) tick(d, d % step === 0);
  if (depth !== whole) tick(depth, true);
  return staff;
}
