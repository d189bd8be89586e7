import Flatbush from 'flatbush';

/** The nearest point of a polyline to a query point. */
export interface PolylineHit {
  /** Index of the polyline in the array the index was built from. */
  polyline: number;
  distance: number;
  /** The nearest point on it. */
  x: number;
  y: number;
  /** Distance along the polyline from its start to that point, and the polyline's length. */
  along: number;
  length: number;
}

/**
 * Nearest-polyline queries in a plane (metres): a static R-tree (flatbush) over the polylines'
 * pieces, then exact point-to-piece distances for the pieces within reach. What service
 * connections need: the nearest water main to a building, or the nearest of its own street.
 */
export class PolylineIndex {
  private readonly index: Flatbush | undefined;
  /** Per piece: its polyline, its first vertex's offset in that polyline, the length before it. */
  private readonly pieceLine: Uint32Array;
  private readonly pieceVertex: Uint32Array;
  private readonly pieceAlong: Float64Array;
  private readonly lengths: Float64Array;

  /** `polylines`: x, y pairs per polyline (at least one vertex each; a single vertex is a point). */
  constructor(private readonly polylines: readonly ArrayLike<number>[]) {
    let pieces = 0;
    for (const line of polylines) pieces += Math.max(1, line.length / 2 - 1);
    this.pieceLine = new Uint32Array(pieces);
    this.pieceVertex = new Uint32Array(pieces);
    this.pieceAlong = new Float64Array(pieces);
    this.lengths = new Float64Array(polylines.length);
    this.index = pieces > 0 ? new Flatbush(pieces) : undefined;
    let piece = 0;
    polylines.forEach((line, l) => {
      let along = 0;
      const last = Math.max(0, line.length / 2 - 2);
      for (let v = 0; v <= last; v++) {
        const x0 = line[2 * v]!;
        const y0 = line[2 * v + 1]!;
        const x1 = line.length >= 4 ? line[2 * v + 2]! : x0;
        const y1 = line.length >= 4 ? line[2 * v + 3]! : y0;
        this.index!.add(Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1));
        this.pieceLine[piece] = l;
        this.pieceVertex[piece] = 2 * v;
        this.pieceAlong[piece] = along;
        along += Math.hypot(x1 - x0, y1 - y0);
        piece++;
      }
      this.lengths[l] = along;
    });
    this.index?.finish();
  }

  /** The nearest polyline within `maxDistance` of (x, y) that `accept` takes (all when omitted); ties go to the lower index. */
  nearest(x: number, y: number, maxDistance: number, accept?: (polyline: number) => boolean): PolylineHit | undefined {
    if (!this.index) return undefined;
    let best: PolylineHit | undefined;
    for (const piece of this.index.search(x - maxDistance, y - maxDistance, x + maxDistance, y + maxDistance)) {
      const l = this.pieceLine[piece]!;
      if (accept && !accept(l)) continue;
      const line = this.polylines[l]!;
      const v = this.pieceVertex[piece]!;
      const x0 = line[v]!;
      const y0 = line[v + 1]!;
      const dx = (line.length >= 4 ? line[v + 2]! : x0) - x0;
      const dy = (line.length >= 4 ? line[v + 3]! : y0) - y0;
      const squared = dx * dx + dy * dy;
      const t = squared > 0 ? Math.max(0, Math.min(1, ((x - x0) * dx + (y - y0) * dy) / squared)) : 0;
      const px = x0 + t * dx;
      const py = y0 + t * dy;
      const distance = Math.hypot(x - px, y - py);
      if (distance > maxDistance) continue;
      if (!best || distance < best.distance || (distance === best.distance && l < best.polyline))
        best = { polyline: l, distance, x: px, y: py, along: this.pieceAlong[piece]! + t * Math.sqrt(squared), length: this.lengths[l]! };
    }
    return best;
  }
}
