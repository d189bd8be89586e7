import type { CameraView } from './ViewerState.js';

/** Named views of the Nankai district (the wall tour visits them in this order). */
export interface Bookmark {
  id: string;
  /** i18n key under `bookmarks.` */
  label: string;
  view: CameraView;
}

export const BOOKMARKS: readonly Bookmark[] = [
  { id: 'overview', label: 'overview', view: { lon: 117.158, lat: 39.035, height: 6500, heading: 0, pitch: -35 } },
  { id: 'universities', label: 'universities', view: { lon: 117.161, lat: 39.09, height: 1300, heading: 0, pitch: -35 } },
  { id: 'oldCity', label: 'oldCity', view: { lon: 117.1791, lat: 39.1302, height: 900, heading: 0, pitch: -35 } },
  { id: 'joyCity', label: 'joyCity', view: { lon: 117.1642, lat: 39.124, height: 700, heading: 0, pitch: -32 } },
  { id: 'tvTower', label: 'tvTower', view: { lon: 117.1735, lat: 39.0654, height: 900, heading: 0, pitch: -25 } },
];

export function bookmark(id: string): Bookmark | undefined {
  return BOOKMARKS.find((b) => b.id === id);
}
