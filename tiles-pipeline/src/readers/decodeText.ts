import { isUtf8 } from 'node:buffer';
import { encodingOfLabel } from './encodingOfLabel.js';
import { InputFileError } from './InputFileError.js';

/**
 * Decodes a text file whose format names no encoding (EPANET .inp): in `encoding` when given,
 * else UTF-8 when the bytes are valid UTF-8, else GB18030 (GBK's superset, what Chinese
 * Windows tools write). Never lossy: bytes that are invalid in the chosen encoding are a file
 * error with the line, not replacement characters (which would turn every Chinese id into the
 * same "???" and merge distinct elements).
 */
export function decodeText(bytes: Uint8Array, file: string, encoding?: string): { text: string; encoding: string } {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  if (encoding !== undefined) {
    const name = encodingOfLabel(encoding);
    if (!name) throw new InputFileError(file, `unknown encoding "${encoding}" (e.g. utf-8, gbk, gb18030, big5, windows-1252)`);
    return { text: decodeStrictly(body, name, file, `--encoding ${encoding}`), encoding: name };
  }
  if (bom || isUtf8(body)) return { text: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'), encoding: 'utf-8' };
  return { text: decodeStrictly(body, 'gb18030', file, 'not UTF-8, so read as GBK/GB18030'), encoding: 'gb18030' };
}

function decodeStrictly(bytes: Uint8Array, encoding: string, file: string, why: string): string {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    // Locate the first bad sequence for the message: where the lenient decode first substitutes.
    const lenient = new TextDecoder(encoding).decode(bytes);
    const bad = lenient.indexOf('\ufffd');
    const line = bad < 0 ? undefined : lenient.slice(0, bad).split('\n').length;
    throw new InputFileError(file, `the text is not valid ${encoding} (${why}); pass the file's encoding with --encoding`, line ? `line ${line}` : undefined);
  }
}
