import { createReadStream } from 'node:fs';
import { InputFileError } from './InputFileError.js';
import { decodeUtf8 } from './decodeUtf8.js';
import { DEFAULT_MAX_FEATURE_BYTES, DEFAULT_MAX_NESTING } from './featureLimits.js';

const OPEN_BRACE = 0x7b,
  CLOSE_BRACE = 0x7d,
  OPEN_BRACKET = 0x5b,
  CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22,
  BACKSLASH = 0x5c,
  COLON = 0x3a,
  COMMA = 0x2c;

export interface ScannedElement {
  index: number;
  /** The parsed element; undefined when it was refused (see `nesting` and `bytes`). */
  value: unknown;
  /** Byte offset of the element in the file. */
  byteOffset: number;
  /** Set when the element nests deeper than maxNesting (its depth, the element being level 1): it was not parsed. */
  nesting?: number;
  /** Set when the element is larger than maxFeatureBytes (its size): it was neither kept in memory nor parsed. */
  bytes?: number;
}

export interface FeatureCollectionScan {
  /** Top-level members other than "features" seen so far (e.g. type, crs, name). */
  readonly header: Record<string, unknown>;
  elements(): AsyncGenerator<ScannedElement>;
}

/**
 * Streams the elements of the top-level "features" array of a JSON object, parsing each element
 * on its own with the native JSON.parse: memory is bounded by one feature, and errors carry the
 * byte and line position. (stream-json parses token by token, ~10x slower here, without positions.)
 * An element nesting deeper than `maxNesting` is not parsed (JSON.parse of deep nesting is slow and
 * what reads it next recurses): it comes with `nesting` set; one larger than `maxFeatureBytes` is
 * not even held in memory: it comes with `bytes` set. A member outside "features" nested that
 * deep is a file error.
 */
export function streamFeatureCollection(
  file: string,
  { maxNesting = DEFAULT_MAX_NESTING, maxFeatureBytes = DEFAULT_MAX_FEATURE_BYTES }: { maxNesting?: number; maxFeatureBytes?: number } = {},
): FeatureCollectionScan {
  const header: Record<string, unknown> = {};
  async function* elements(): AsyncGenerator<ScannedElement> {
    let depth = 0;
    let inString = false;
    let escaped = false;
    // Inside the top-level object: what comes next, and where the current token started.
    let member: 'key' | 'colon' | 'value' | 'scalar' | 'nested' | 'string' | 'next' = 'key';
    let tokenStart = -1; // absolute offset of the key, member value or feature being read
    let key = '';
    let inFeatures = false;
    let commaPending = false; // a feature just ended; the next one needs a comma first
    let scalarElement = false; // reading a non-object element of "features" (a bad feature)
    let featuresSeen = false;
    let carry: Buffer = Buffer.alloc(0); // bytes from tokenStart to the end of the last chunk
    let carryOffset = 0;
    let offset = 0; // absolute offset of chunk[0]
    let lines = 1;
    let index = 0;
    let topClosed = false;
    let sawAnything = false;
    let deepest = 0; // deepest level inside the current element of "features" (the element: 1)
    let oversize = false; // the current element of "features" outgrew maxFeatureBytes: its bytes are not kept
    /** The current element of "features", ending before `end`: parsed, or refused as too large or too deep. */
    const element = (end: number, chunk: Buffer): ScannedElement => {
      const bytes = end - tokenStart;
      const refused: ScannedElement | undefined =
        oversize || bytes > maxFeatureBytes
          ? { index, value: undefined, byteOffset: tokenStart, bytes }
          : deepest > maxNesting
            ? { index, value: undefined, byteOffset: tokenStart, nesting: deepest }
            : undefined;
      const scanned = refused ?? { index, value: parse(take(tokenStart, end, chunk), tokenStart), byteOffset: tokenStart };
      index++;
      oversize = false;
      deepest = 0;
      return scanned;
    };

    const fail = (reason: string, at: number): never => {
      throw new InputFileError(file, reason, `byte ${at} (line ${lines})`);
    };
    const take = (from: number, to: number, chunk: Buffer): Buffer =>
      from >= offset ? chunk.subarray(from - offset, to - offset) : Buffer.concat([carry.subarray(from - carryOffset), chunk.subarray(0, to - offset)]);
    const parse = (bytes: Buffer, at: number): unknown => {
      const text = decodeUtf8(bytes, file, at);
      try {
        return JSON.parse(text);
      } catch (error) {
        const local = Number(/position (\d+)/.exec((error as Error).message)?.[1] ?? 0);
        const line = lines - (text.slice(local).match(/\n/g)?.length ?? 0);
        throw new InputFileError(file, `invalid JSON: ${(error as Error).message}`, `byte ${at + Buffer.byteLength(text.slice(0, local))} (line ${line})`);
      }
    };

    for await (const raw of createReadStream(file, { highWaterMark: 1 << 20 })) {
      let chunk = raw as Buffer;
      if (offset === 0 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
        chunk = chunk.subarray(3); // a UTF-8 BOM is tolerated (RFC 8259 lets parsers ignore it)
        offset = 3;
      }
      const pending: ScannedElement[] = [];
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk[i]!;
        const at = offset + i;
        if (c === 0x0a) lines++;
        if (inString) {
          if (escaped) escaped = false;
          else if (c === BACKSLASH) escaped = true;
          else if (c === QUOTE) {
            inString = false;
            if (depth === 1 && member === 'key') {
              key = String(parse(take(tokenStart, at + 1, chunk), tokenStart));
              tokenStart = -1;
              member = 'colon';
            } else if (depth === 1 && member === 'string') {
              header[key] = parse(take(tokenStart, at + 1, chunk), tokenStart);
              tokenStart = -1;
              member = 'next';
            }
          }
          continue;
        }
        if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
        sawAnything = true;
        if (topClosed) fail('unexpected data after the end of the JSON document', at);
        if (depth === 0) {
          if (c !== OPEN_BRACE) fail('expected a JSON object ({"type": "FeatureCollection", ...})', at);
          depth = 1;
          continue;
        }
        if (depth === 1) {
          if (member === 'scalar') {
            if (c !== COMMA && c !== CLOSE_BRACE) continue;
            header[key] = parse(take(tokenStart, at, chunk), tokenStart);
            tokenStart = -1;
            member = 'next';
          }
          if (member === 'key' || member === 'next') {
            if (c === CLOSE_BRACE) {
              depth = 0;
              topClosed = true;
            } else if (c === COMMA && member === 'next') member = 'key';
            else if (c === QUOTE && member === 'key') {
              tokenStart = at;
              inString = true;
            } else fail(`unexpected "${String.fromCharCode(c)}" in the top-level object`, at);
            continue;
          }
          if (member === 'colon') {
            if (c !== COLON) fail('expected ":" after a member name', at);
            member = 'value';
            continue;
          }
          // member === 'value'
          if (key === 'features') {
            if (c !== OPEN_BRACKET) fail('"features" must be an array', at);
            inFeatures = true;
            featuresSeen = true;
            depth = 2;
            member = 'next';
            continue;
          }
          tokenStart = at;
          if (c === QUOTE) {
            inString = true;
            member = 'string';
          } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
            depth = 2;
            member = 'nested';
          } else member = 'scalar';
          continue;
        }
        if (c === QUOTE) {
          if (inFeatures && depth === 2) {
            // A string where a feature should be: valid JSON, so a bad feature, not a bad file.
            if (commaPending) fail('missing comma between features', at);
            tokenStart = at;
            scalarElement = true;
          }
          inString = true;
          continue;
        }
        if (c === OPEN_BRACE || c === OPEN_BRACKET) {
          if (inFeatures && depth === 2) {
            if (commaPending) fail('missing comma between features', at);
            tokenStart = at;
            deepest = 0;
          }
          depth++;
          if (inFeatures) deepest = Math.max(deepest, depth - 2);
          else if (depth - 1 > maxNesting) fail(`the "${key}" member nests more than ${maxNesting} levels deep (--max-nesting)`, at);
          continue;
        }
        if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
          if (scalarElement && inFeatures && depth === 2) {
            pending.push(element(at, chunk));
            tokenStart = -1;
            scalarElement = false;
            commaPending = true;
          }
          depth--;
          if (depth === 1) {
            if (inFeatures) {
              if (c !== CLOSE_BRACKET) fail('mismatched bracket at the end of "features"', at);
              if (index > 0 && !commaPending) fail('trailing comma in "features"', at);
              inFeatures = false;
            } else {
              header[key] = parse(take(tokenStart, at + 1, chunk), tokenStart);
              tokenStart = -1;
            }
            member = 'next';
          } else if (inFeatures && depth === 2) {
            pending.push(element(at + 1, chunk));
            tokenStart = -1;
            commaPending = true;
          }
          continue;
        }
        if (inFeatures && depth === 2) {
          if (c !== COMMA) {
            if (commaPending && !scalarElement) fail('missing comma between features', at);
            if (tokenStart < 0) {
              tokenStart = at; // a number, true, false or null where a feature should be
              scalarElement = true;
            }
            continue;
          }
          if (scalarElement) {
            pending.push(element(at, chunk));
            tokenStart = -1;
            scalarElement = false;
            commaPending = true;
          }
          if (!commaPending) fail('unexpected comma in "features"', at);
          commaPending = false;
        }
      }
      // Keep the bytes of the unfinished token for the next chunk (not those of a feature already too large).
      if (tokenStart >= 0 && inFeatures && (oversize || offset + chunk.length - tokenStart > maxFeatureBytes)) {
        oversize = true;
        carry = Buffer.alloc(0);
        carryOffset = offset + chunk.length;
      } else if (tokenStart >= 0) {
        carry = tokenStart >= offset ? Buffer.from(chunk.subarray(tokenStart - offset)) : Buffer.concat([carry.subarray(tokenStart - carryOffset), chunk]);
        carryOffset = tokenStart;
      } else {
        carry = Buffer.alloc(0);
      }
      offset += chunk.length;
      yield* pending;
    }
    if (!sawAnything) throw new InputFileError(file, 'the file is empty');
    if (!topClosed) fail('the file ends before the JSON document does (truncated?)', offset);
    if (!featuresSeen) throw new InputFileError(file, 'no "features" array: not a GeoJSON FeatureCollection');
  }
  return { header, elements };
}
