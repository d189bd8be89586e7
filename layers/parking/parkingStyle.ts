import type { ParkingStatus } from '../../workers/formats/parking.js';

/**
 * How each status is drawn, one table for the map, the legend and the info panel: a colour
 * (free green, almost full amber, full red, closed and outdated grey) and — so the map reads
 * without colour vision — a shape and a glyph of its own.
 */
export type ShownStatus = ParkingStatus | 'outdated';

export interface StatusStyle {
  color: string;
  /** Symbol outline on the map: free a circle, almost full a triangle, full a square, closed a diamond, outdated a dashed circle. */
  shape: 'circle' | 'triangle' | 'square' | 'diamond' | 'dashed';
  /** Drawn inside the symbol. */
  glyph: string;
}

export const STATUS_STYLES: Record<ShownStatus, StatusStyle> = {
  free: { color: '#22b35e', shape: 'circle', glyph: 'P' },
  almostFull: { color: '#f5a300', shape: 'triangle', glyph: '!' },
  full: { color: '#e5383b', shape: 'square', glyph: '×' },
  closed: { color: '#7d8594', shape: 'diamond', glyph: '–' },
  unknown: { color: '#7d8594', shape: 'dashed', glyph: '?' },
  outdated: { color: '#7d8594', shape: 'dashed', glyph: '?' },
};

/** Legend order. */
export const SHOWN_STATUSES: readonly ShownStatus[] = ['free', 'almostFull', 'full', 'closed', 'outdated'];

/** What a site is drawn as: an outdated count shows as outdated (grey, '?'), whatever it said. */
export function shownStatus(status: ParkingStatus, outdated: boolean): ShownStatus {
  if (status === 'closed') return 'closed';
  return outdated || status === 'unknown' ? 'outdated' : status;
}

/**
 * A floor slab's or a cluster's colour from its occupancy 0–1 (null: no current count): the
 * status colours, by the same thresholds parkingStatus uses for a site.
 */
export function occupancyColor(occupancy: number | null, almostFullOccupancy = 0.9): string {
  if (occupancy === null) return STATUS_STYLES.outdated.color;
  if (occupancy >= 1) return STATUS_STYLES.full.color;
  if (occupancy >= almostFullOccupancy) return STATUS_STYLES.almostFull.color;
  return STATUS_STYLES.free.color;
}

/** The status symbol as a canvas (billboard image and legend swatch alike), `size` CSS px square. */
export function drawStatusSymbol(status: ShownStatus, size: number, pixelRatio = 1): HTMLCanvasElement {
  const style = STATUS_STYLES[status];
  const canvas = document.createElement('canvas');
  const px = Math.round(size * pixelRatio);
  canvas.width = px;
  canvas.height = px;
  const g = canvas.getContext('2d')!;
  g.scale(pixelRatio, pixelRatio);
  const c = size / 2;
  const r = size / 2 - 2;
  g.beginPath();
  switch (style.shape) {
    case 'circle':
    case 'dashed':
      g.arc(c, c, r, 0, Math.PI * 2);
      break;
    case 'triangle':
      g.moveTo(c, 1.5);
      g.lineTo(size - 1.5, size - 2.5);
      g.lineTo(1.5, size - 2.5);
      g.closePath();
      break;
    case 'square':
      g.rect(2.5, 2.5, size - 5, size - 5);
      break;
    case 'diamond':
      g.moveTo(c, 1.5);
      g.lineTo(size - 1.5, c);
      g.lineTo(c, size - 1.5);
      g.lineTo(1.5, c);
      g.closePath();
      break;
  }
  g.fillStyle = style.color;
  g.fill();
  g.lineWidth = 2;
  g.strokeStyle = '#0b1220';
  if (style.shape === 'dashed') g.setLineDash([3, 2]);
  g.stroke();
  g.setLineDash([]);
  g.fillStyle = status === 'almostFull' ? '#1a1a1a' : '#ffffff';
  g.font = `700 ${Math.round(size * (style.shape === 'triangle' ? 0.5 : 0.6))}px sans-serif`;
  g.textAlign = 'center';
  g.textBaseline = 'middle';
  g.fillText(style.glyph, c, style.shape === 'triangle' ? c + size * 0.12 : c + 0.5);
  return canvas;
}
