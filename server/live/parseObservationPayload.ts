/** The largest observation payload accepted (bytes): a SensorThings observation is ~100. */
export const MAX_PAYLOAD_BYTES = 2048;

/** Why a payload is not an acceptable observation. */
export type ObservationPayloadError = 'oversized' | 'malformed' | 'future' | 'expired';

/** The span of phenomenonTimes accepted, around the time of arrival. */
export interface ObservationTimeLimits {
  /** The time of arrival (ms since the epoch). */
  now: number;
  /** How far ahead of `now` a reading may be dated (clock skew between device and server), ms. */
  futureToleranceMs: number;
  /** How old a reading may be (the store's retention: an older one would be deleted at once), ms. */
  maxAgeMs: number;
}

/**
 * A SensorThings observation as published on MQTT: `{"phenomenonTime": ISO 8601, "result":
 * number}` (resultTime and parameters allowed, ignored). Returns the time in ms and the
 * result, or the reason when the payload is not one. With `limits`, a reading dated beyond
 * now + tolerance is refused ('future': newest-wins would keep it as the sensor's value for good),
 * and so is one older than the retention ('expired').
 */
export function parseObservationPayload(
  payload: Uint8Array | string,
  limits?: ObservationTimeLimits,
): { time: number; result: number } | { error: ObservationPayloadError } {
  if (payload.length > MAX_PAYLOAD_BYTES) return { error: 'oversized' };
  let json: unknown;
  try {
    json = JSON.parse(typeof payload === 'string' ? payload : new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    return { error: 'malformed' };
  }
  if (typeof json !== 'object' || json === null) return { error: 'malformed' };
  const { phenomenonTime, result } = json as Record<string, unknown>;
  const time = typeof phenomenonTime === 'string' ? Date.parse(phenomenonTime) : Number.NaN;
  if (!Number.isFinite(time) || typeof result !== 'number' || !Number.isFinite(result)) return { error: 'malformed' };
  if (limits && time > limits.now + limits.futureToleranceMs) return { error: 'future' };
  if (limits && time < limits.now - limits.maxAgeMs) return { error: 'expired' };
  return { time, result };
}
