/**
 * Reconnect delays: exponential from `initialMs` up to `maxMs`, with "full jitter" (a random
 * delay between half and all of the exponential step) so that a thousand browsers that lost
 * the broker at the same moment do not come back at the same moment.
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, factor: 2 };

export function backoffDelay(attempt: number, random: () => number = Math.random, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const step = Math.min(options.maxMs, options.initialMs * options.factor ** Math.max(0, attempt));
  return Math.round(step / 2 + random() * (step / 2));
}
