/** Payloads of the planning worker's pipe requests (workers/protocol/WorkerRequests.ts: `planning.*`). */

/** network.json's bytes (transferred): parsed and indexed in the worker, and kept. */
export interface LoadPipesRequest {
  document: ArrayBuffer;
}

export interface CrossSectionRequest {
  /** `[[lon, lat], [lon, lat]]`; checked by the kernel (bad input is an Error naming what is wrong). */
  line: unknown;
}

export interface ProfileRequest {
  pipeId: unknown;
}

export interface ExcavationPipesRequest {
  polygon: unknown;
  depth: unknown;
}

export interface TraceRequest {
  pipeId: unknown;
  options?: unknown;
}

export interface PipeDepthRequest {
  /** One pick `[[lon, lat, height]]`; checked by the kernel. */
  points: unknown;
  /** The picked pipe; without it, the nearest pipe to the pick. */
  pipeId?: unknown;
}
