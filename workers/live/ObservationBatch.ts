/**
 * The viewers' feeds: the server gathers the observations it accepted over a short window
 * (~100 ms) and publishes them as one binary message per feed, so 20 viewers cost the broker
 * 20 deliveries per window and feed instead of 20 per observation. Devices and third-party
 * consumers keep the per-datastream SensorThings topics.
 *
 * One feed per CJJ 61 pipe category of the assets the sensors sit on
 * (`cimtwin/v1/Observations/PS`, `/JS`, …) and one for sensors on no pipe asset (`/open`: air,
 * river, parking): the broker lets a viewer subscribe only to the feeds its data role may see
 * (workers/formats/dataAccess.ts), so a forbidden category's readings are never sent to it.
 * Each feed numbers its own batches.
 *
 * Layout (little-endian, columns 8-byte aligned), n = count:
 *   0  u32 magic 'CIMO' | 4 u16 version | 6 u16 flags | 8 u32 sequence | 12 u32 count | 16 f64 sentAt (ms)
 *   24 f64 time[n] (phenomenonTime, ms) | f64 result[n] | u32 datastream[n] [| u8 state[n]]
 * The sequence numbers consecutive batches: a gap means the viewer missed one and reloads
 * the current state over HTTP. Flag bit 0 says a state column follows (SensorStateCode per
 * row): the history API's documents carry it (workers/formats/history.ts), the live feed does
 * not, so its bytes are what they were before the flag existed.
 */
export const OBSERVATION_BATCH_TOPIC = 'cimtwin/v1/Observations';
/** The feed of sensors that sit on no pipe asset: every role, `public` included, reads it. */
export const OPEN_FEED = 'open';

/** The topic of one feed: `cimtwin/v1/Observations/<CJJ 61 code | open>`. */
export function observationFeedTopic(feed: string): string {
  return `${OBSERVATION_BATCH_TOPIC}/${feed}`;
}

const FEED_TOPIC_PATTERN = /^cimtwin\/v1\/Observations\/([A-Za-z]{2,8})$/;

/** The feed an observations feed topic names, or undefined for any other topic (wildcards included). */
export function feedOfTopic(topic: string): string | undefined {
  return FEED_TOPIC_PATTERN.exec(topic)?.[1];
}
const MAGIC = 0x4f4d4943; // 'CIMO' read as a little-endian u32
const VERSION = 1;
const HEADER_BYTES = 24;
const BYTES_PER_OBSERVATION = 20;
/** Flags (u16 at offset 6): bit 0, a u8 state column after the datastream column. */
const FLAG_STATE_COLUMN = 1;
const KNOWN_FLAGS = FLAG_STATE_COLUMN;

export interface ObservationBatch {
  sequence: number;
  sentAt: number;
  count: number;
  time: Float64Array;
  result: Float64Array;
  datastream: Uint32Array;
  /** SensorStateCode per row (workers/live/alarmStateMachine.ts), when the batch carries the column. */
  state?: Uint8Array;
}

export function encodeObservationBatch(
  sequence: number,
  sentAt: number,
  datastream: ArrayLike<number>,
  time: ArrayLike<number>,
  result: ArrayLike<number>,
  count: number,
  state?: ArrayLike<number>,
): Uint8Array {
  const buffer = new ArrayBuffer(HEADER_BYTES + count * (BYTES_PER_OBSERVATION + (state ? 1 : 0)));
  const header = new DataView(buffer);
  header.setUint32(0, MAGIC, true);
  header.setUint16(4, VERSION, true);
  header.setUint16(6, state ? FLAG_STATE_COLUMN : 0, true);
  header.setUint32(8, sequence >>> 0, true);
  header.setUint32(12, count, true);
  header.setFloat64(16, sentAt, true);
  const times = new Float64Array(buffer, HEADER_BYTES, count);
  const results = new Float64Array(buffer, HEADER_BYTES + count * 8, count);
  const ids = new Uint32Array(buffer, HEADER_BYTES + count * 16, count);
  for (let i = 0; i < count; i++) {
    times[i] = time[i]!;
    results[i] = result[i]!;
    ids[i] = datastream[i]!;
  }
  if (state) {
    const states = new Uint8Array(buffer, HEADER_BYTES + count * BYTES_PER_OBSERVATION, count);
    for (let i = 0; i < count; i++) states[i] = state[i]!;
  }
  return new Uint8Array(buffer);
}

/** Reads a batch (the bytes may sit anywhere in a larger buffer); throws on anything else. */
export function decodeObservationBatch(bytes: Uint8Array): ObservationBatch {
  if (bytes.byteLength < HEADER_BYTES) throw new Error(`observation batch: ${bytes.byteLength} bytes is shorter than its header`);
  // Typed-array columns need an aligned start: copy unless the bytes already begin a buffer on an 8-byte boundary.
  const aligned = bytes.byteOffset % 8 === 0 ? bytes : new Uint8Array(bytes); // a copy (Buffer#slice would not copy)
  const header = new DataView(aligned.buffer, aligned.byteOffset, aligned.byteLength);
  if (header.getUint32(0, true) !== MAGIC) throw new Error('observation batch: wrong magic');
  const version = header.getUint16(4, true);
  if (version !== VERSION) throw new Error(`observation batch: version ${version} is not ${VERSION}`);
  const flags = header.getUint16(6, true);
  if ((flags & ~KNOWN_FLAGS) !== 0) throw new Error(`observation batch: unknown flags 0x${flags.toString(16)}`);
  const hasState = (flags & FLAG_STATE_COLUMN) !== 0;
  const count = header.getUint32(12, true);
  if (aligned.byteLength !== HEADER_BYTES + count * (BYTES_PER_OBSERVATION + (hasState ? 1 : 0)))
    throw new Error(`observation batch: ${aligned.byteLength} bytes does not hold ${count} observations${hasState ? ' with their states' : ''}`);
  const start = aligned.byteOffset + HEADER_BYTES;
  return {
    sequence: header.getUint32(8, true),
    sentAt: header.getFloat64(16, true),
    count,
    time: new Float64Array(aligned.buffer, start, count),
    result: new Float64Array(aligned.buffer, start + count * 8, count),
    datastream: new Uint32Array(aligned.buffer, start + count * 16, count),
    ...(hasState ? { state: new Uint8Array(aligned.buffer, start + count * BYTES_PER_OBSERVATION, count) } : {}),
  };
}

/**
 * Gathers observations into batches: `add` per accepted observation, `take` at the end of each
 * window (or when `isFull`), which returns the encoded batch or undefined when nothing came.
 * Pure: the broker owns the timer and the publishing.
 */
export class ObservationBatcher {
  private datastream: Uint32Array;
  private time: Float64Array;
  private result: Float64Array;
  private count = 0;
  private sequence = 0;

  constructor(readonly maxPerBatch = 4096) {
    this.datastream = new Uint32Array(maxPerBatch);
    this.time = new Float64Array(maxPerBatch);
    this.result = new Float64Array(maxPerBatch);
  }

  add(datastream: number, time: number, result: number): void {
    if (this.count === this.maxPerBatch) throw new Error('observation batch is full: take() it first');
    this.datastream[this.count] = datastream;
    this.time[this.count] = time;
    this.result[this.count] = result;
    this.count++;
  }

  isFull(): boolean {
    return this.count === this.maxPerBatch;
  }

  take(sentAt: number): Uint8Array | undefined {
    if (this.count === 0) return undefined;
    const bytes = encodeObservationBatch(++this.sequence, sentAt, this.datastream, this.time, this.result, this.count);
    this.count = 0;
    return bytes;
  }
}
