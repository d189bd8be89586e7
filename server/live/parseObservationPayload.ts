/** The largest observation payload accepted (bytes): a SensorThings observation is ~100. */
export const MAX_PAYLOAD_BYTES = 2048;

/**
 * A SensorThings observation as published on MQTT: `{"phenomenonTime": ISO 8601, "result":
 * number}` (resultTime and parameters allowed, ignored). Returns the time in ms and the
 * result, or a reason when the payload is not one.
 */
export function parseObservationPayload(payload: Uint8Array | string): { time: number; result: number } | { error: string } {
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
  return { time, result };
}
