/**
 * What the sensors worker sends the main thread once per animation frame: the sensors that
 * changed, as columns in one ArrayBuffer (transferred, not copied). Layout, n = count:
 *   Uint32 index[n] | Float64 time[n] | Float64 value[n] | Uint8 state[n]
 * A state byte carries FRESH_OBSERVATION when a live observation (not a state reload or a
 * staleness sweep) changed the sensor: the layer measures data age at render on those.
 */
export const FRESH_OBSERVATION = 0x80;
export const STATE_MASK = 0x7f;

export interface SensorFrame {
  count: number;
  index: Uint32Array;
  time: Float64Array;
  value: Float64Array;
  state: Uint8Array;
}

export function packSensorFrame(
  index: ArrayLike<number>,
  time: ArrayLike<number>,
  value: ArrayLike<number>,
  state: ArrayLike<number>,
  count: number,
): ArrayBuffer {
  // Float64 columns need 8-byte alignment: index column padded to a multiple of 8 bytes.
  const indexBytes = Math.ceil((count * 4) / 8) * 8;
  const buffer = new ArrayBuffer(indexBytes + count * 16 + count);
  new Uint32Array(buffer, 0, count).set(Array.prototype.slice.call(index, 0, count) as number[]);
  new Float64Array(buffer, indexBytes, count).set(Array.prototype.slice.call(time, 0, count) as number[]);
  new Float64Array(buffer, indexBytes + count * 8, count).set(Array.prototype.slice.call(value, 0, count) as number[]);
  new Uint8Array(buffer, indexBytes + count * 16, count).set(Array.prototype.slice.call(state, 0, count) as number[]);
  return buffer;
}

export function unpackSensorFrame(buffer: ArrayBuffer): SensorFrame {
  // total = ceil(4n/8)*8 + 17n: solve for n by trying the two paddings.
  const count = Math.floor(buffer.byteLength / 21);
  for (const n of [count, count - 1, count + 1]) {
    if (n < 0) continue;
    const indexBytes = Math.ceil((n * 4) / 8) * 8;
    if (indexBytes + n * 17 !== buffer.byteLength) continue;
    return {
      count: n,
      index: new Uint32Array(buffer, 0, n),
      time: new Float64Array(buffer, indexBytes, n),
      value: new Float64Array(buffer, indexBytes + n * 8, n),
      state: new Uint8Array(buffer, indexBytes + n * 16, n),
    };
  }
  throw new Error(`a sensor frame of ${buffer.byteLength} bytes has no valid layout`);
}
