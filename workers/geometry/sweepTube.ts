import type { MeshAccumulator } from './MeshAccumulator.js';

/** Sides of a tube's cross-section: cheap for service pipes, round for trunk mains. */
export function tubeSegmentsForDiameter(diameter: number): number {
  return Math.max(6, Math.min(24, Math.round(6 + diameter * 16)));
}

/** Bends sharper than this (cosine of the turn angle) end the tube; a fitting covers the node. */
const MAX_MITRE_COS = 0.5;

/**
 * Sweeps a circular tube of `radius` along a polyline (local metres, stride 3) and appends it,
 * smooth-shaded. At interior vertices the cross-section lies in the mitre (bisector) plane, so
 * consecutive segments share one ring: no gaps, no overlaps, constant radius across each
 * segment. The frame is parallel-transported (no twist). Ends are capped when `caps`.
 * Returns the number of tube pieces (a bend sharper than 60° starts a new piece).
 */
export function sweepTube(
  mesh: MeshAccumulator,
  path: Float64Array,
  radius: number,
  segments: number,
  featureId: number,
  surface: number,
  caps = true,
): number {
  return sweepProfile(mesh, path, circleProfile(radius, segments), featureId, surface, caps);
}

/**
 * A cross-section to sweep: points (u, v) in the plane perpendicular to the path (u horizontal,
 * v up for a horizontal path), with a normal each. A corner that should look sharp appears
 * twice, with the two faces' normals.
 */
export interface Profile {
  points: [number, number][];
  normals: [number, number][];
}

export function circleProfile(radius: number, segments: number): Profile {
  const points: [number, number][] = [];
  const normals: [number, number][] = [];
  for (let k = 0; k < segments; k++) {
    const angle = (k / segments) * Math.PI * 2;
    normals.push([Math.cos(angle), Math.sin(angle)]);
    points.push([radius * Math.cos(angle), radius * Math.sin(angle)]);
  }
  return { points, normals };
}

/** A width x height box section (duct banks, box culverts, utility tunnels), flat-shaded. */
export function rectangleProfile(width: number, height: number): Profile {
  const w = width / 2;
  const h = height / 2;
  const corners: [number, number][] = [
    [w, -h],
    [w, h],
    [-w, h],
    [-w, -h],
  ];
  const faceNormals: [number, number][] = [
    [1, 0],
    [0, 1],
    [-1, 0],
    [0, -1],
  ];
  const points: [number, number][] = [];
  const normals: [number, number][] = [];
  for (let f = 0; f < 4; f++) {
    points.push(corners[f]!, corners[(f + 1) % 4]!);
    normals.push(faceNormals[f]!, faceNormals[f]!);
  }
  return { points, normals };
}

/**
 * Which ends of a swept solid get a flat cap: both, none, or [start, end]. An end that runs on
 * into a pipe at least as large needs none: the cap would be hidden inside it.
 */
export type CapEnds = boolean | readonly [start: boolean, end: boolean];

/** Sweeps any profile along a path, as sweepTube does a circle. Returns the number of pieces. */
export function sweepProfile(mesh: MeshAccumulator, path: Float64Array, profile: Profile, featureId: number, surface: number, caps: CapEnds = true): number {
  const [capStart, capEnd] = typeof caps === 'boolean' ? [caps, caps] : caps;
  const count = path.length / 3;
  const points: number[][] = [];
  for (let i = 0; i < count; i++) {
    const p = [path[i * 3]!, path[i * 3 + 1]!, path[i * 3 + 2]!];
    const last = points[points.length - 1];
    if (!last || Math.hypot(p[0]! - last[0]!, p[1]! - last[1]!, p[2]! - last[2]!) > 1e-6) points.push(p);
  }
  if (points.length < 2) return 0;
  // Split at sharp bends; the pieces are capped where they meet.
  let pieces = 0;
  let start = 0;
  for (let i = 1; i < points.length - 1; i++) {
    const a = direction(points[i - 1]!, points[i]!);
    const b = direction(points[i]!, points[i + 1]!);
    if (dot(a, b) < MAX_MITRE_COS) {
      sweepPiece(mesh, points.slice(start, i + 1), profile, featureId, surface, start === 0 ? capStart : true, true);
      pieces++;
      start = i;
    }
  }
  sweepPiece(mesh, points.slice(start), profile, featureId, surface, start === 0 ? capStart : true, capEnd);
  return pieces + 1;
}

function sweepPiece(mesh: MeshAccumulator, points: number[][], profile: Profile, featureId: number, surface: number, capStart: boolean, capEnd: boolean): void {
  const segments = profile.points.length;
  const n = points.length;
  const tangents: number[][] = [];
  for (let i = 0; i + 1 < n; i++) tangents.push(direction(points[i]!, points[i + 1]!));
  // Initial frame: u perpendicular to the first tangent, horizontal when the pipe is not vertical.
  const t0 = tangents[0]!;
  let u = Math.abs(t0[2]!) < 0.9 ? normalize(cross([0, 0, 1], t0)) : normalize(cross([1, 0, 0], t0));
  const caps = (capStart ? 1 : 0) + (capEnd ? 1 : 0);
  mesh.reserve(n * segments + caps * (segments + 1), (n - 1) * segments * 6 + caps * 3 * segments);
  const rings: number[] = [];
  for (let i = 0; i < n; i++) {
    const incoming = tangents[Math.max(0, i - 1)]!;
    const outgoing = tangents[Math.min(tangents.length - 1, i)]!;
    const v = cross(incoming, u);
    const mitre = normalize([incoming[0]! + outgoing[0]!, incoming[1]! + outgoing[1]!, incoming[2]! + outgoing[2]!]);
    const denominator = dot(incoming, mitre);
    const p = points[i]!;
    rings.push(mesh.vertexCount);
    for (let k = 0; k < segments; k++) {
      const [pu, pv] = profile.points[k]!;
      const [nu, nv] = profile.normals[k]!;
      const offset = [pu * u[0]! + pv * v[0]!, pu * u[1]! + pv * v[1]!, pu * u[2]! + pv * v[2]!];
      const normal = [nu * u[0]! + nv * v[0]!, nu * u[1]! + nv * v[1]!, nu * u[2]! + nv * v[2]!];
      // Slide along the incoming axis onto the mitre plane: the incoming solid's cut.
      const slide = -dot(offset, mitre) / denominator;
      mesh.vertex(
        p[0]! + offset[0]! + slide * incoming[0]!,
        p[1]! + offset[1]! + slide * incoming[1]!,
        p[2]! + offset[2]! + slide * incoming[2]!,
        normal[0]!,
        normal[1]!,
        normal[2]!,
        featureId,
        surface,
      );
    }
    // Carry the frame across the bend for the next segment (parallel transport: no twist).
    if (i > 0 && i < n - 1) u = transport(u, incoming, outgoing);
  }
  for (let i = 0; i + 1 < n; i++) {
    const a = rings[i]!;
    const b = rings[i + 1]!;
    for (let k = 0; k < segments; k++) {
      const k1 = (k + 1) % segments;
      mesh.triangle(a + k, a + k1, b + k1);
      mesh.triangle(a + k, b + k1, b + k);
    }
  }
  if (capStart)
    cap(
      mesh,
      points[0]!,
      tangents[0]!.map((x) => -x),
      ringPositions(mesh, rings[0]!, segments),
      featureId,
      surface,
      true,
    );
  if (capEnd) cap(mesh, points[n - 1]!, tangents[tangents.length - 1]!, ringPositions(mesh, rings[n - 1]!, segments), featureId, surface, false);
}

function ringPositions(mesh: MeshAccumulator, first: number, segments: number): number[][] {
  const ring: number[][] = [];
  for (let k = 0; k < segments; k++) ring.push([mesh.positions[(first + k) * 3]!, mesh.positions[(first + k) * 3 + 1]!, mesh.positions[(first + k) * 3 + 2]!]);
  return ring;
}

/** A flat disc closing a tube end, facing along `normal`. */
function cap(mesh: MeshAccumulator, centre: number[], normal: number[], ring: number[][], featureId: number, surface: number, reverse: boolean): void {
  const c = mesh.vertex(centre[0]!, centre[1]!, centre[2]!, normal[0]!, normal[1]!, normal[2]!, featureId, surface);
  const first = mesh.vertexCount;
  for (const p of ring) mesh.vertex(p[0]!, p[1]!, p[2]!, normal[0]!, normal[1]!, normal[2]!, featureId, surface);
  for (let k = 0; k < ring.length; k++) {
    const a = first + k;
    const b = first + ((k + 1) % ring.length);
    if (reverse) mesh.triangle(c, b, a);
    else mesh.triangle(c, a, b);
  }
}

/** Rotates u by the rotation taking direction a to direction b (parallel transport across a bend). */
function transport(u: number[], a: number[], b: number[]): number[] {
  const axis = cross(a, b);
  const sin = Math.hypot(axis[0]!, axis[1]!, axis[2]!);
  const cos = dot(a, b);
  if (sin < 1e-12) return u;
  const k = axis.map((x) => x / sin);
  // Rodrigues' rotation formula.
  const kxu = cross(k, u);
  const kdu = dot(k, u);
  return normalize([0, 1, 2].map((i) => u[i]! * cos + kxu[i]! * sin + k[i]! * kdu * (1 - cos)));
}

function direction(a: number[], b: number[]): number[] {
  return normalize([b[0]! - a[0]!, b[1]! - a[1]!, b[2]! - a[2]!]);
}
function normalize(v: number[]): number[] {
  const l = Math.hypot(v[0]!, v[1]!, v[2]!);
  return [v[0]! / l, v[1]! / l, v[2]! / l];
}
function dot(a: number[], b: number[]): number {
  return a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
}
function cross(a: number[], b: number[]): number[] {
  return [a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!];
}
