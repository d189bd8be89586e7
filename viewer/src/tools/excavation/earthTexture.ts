/**
 * A soil profile as a small canvas for the pit's walls: strata by depth (topsoil, fill, clay,
 * silty sand) with a speckle, so a wall reads as cut earth. Drawn once per viewer, deterministic
 * (a fixed pseudo-random sequence), so screenshots compare.
 */
export function earthTexture(size = 256): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const g = canvas.getContext('2d')!;
  // Top of the image is the top of the wall (t = 1 at the ground in Cesium's wall coordinates).
  const strata: [number, string][] = [
    [0.12, '#4a3526'],
    [0.35, '#7a5a3c'],
    [0.7, '#8c6f4e'],
    [1, '#a08864'],
  ];
  let top = 0;
  for (const [bottom, colour] of strata) {
    g.fillStyle = colour;
    g.fillRect(0, top * size, size, (bottom - top) * size);
    top = bottom;
  }
  let seed = 1234567;
  const random = (): number => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  for (let i = 0; i < size * 12; i++) {
    g.fillStyle = random() < 0.5 ? 'rgba(0,0,0,0.18)' : 'rgba(255,240,210,0.12)';
    g.fillRect(random() * size, random() * size, 1 + random() * 3, 1 + random() * 2);
  }
  return canvas;
}
