/** Payloads of the planning worker's building requests (workers/protocol/WorkerRequests.ts: `planning.*`). */

/** footprints.json's bytes (transferred): parsed, checked and indexed in the worker, and kept. */
export interface LoadBuildingsRequest {
  document: ArrayBuffer;
}

/** Every field is checked by the kernel (bad input is an Error naming what is wrong). */
export interface HeightLimitRequest {
  polygon: unknown;
  limitMeters: unknown;
}

export interface SunlightRequest {
  point: unknown;
  options?: unknown;
}

export interface FacadeSunlightRequest {
  buildingId: unknown;
  options?: unknown;
}

export interface ViewshedRequest {
  point: unknown;
  eyeHeight: unknown;
  radius: unknown;
  options?: { cellSize?: number };
}
