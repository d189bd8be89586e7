import { isUtf8 } from 'node:buffer';
import { InputFileError } from './InputFileError.js';

const strict = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8 and turns a bad byte sequence into a clear, positioned file error. */
export function decodeUtf8(bytes: Uint8Array, file: string, byteOffset: number): string {
  // Validate, then decode, with Node's SIMD code: 3–4× a fatal TextDecoder on large chunks.
  if (isUtf8(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  {
    let bad = 0;
    // Find the first offending byte for the message: decode growing prefixes on a char boundary.
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (b < 0x80) continue;
      const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
      try {
        strict.decode(bytes.subarray(i, i + length));
        i += length - 1;
      } catch {
        bad = i;
        break;
      }
    }
    throw new InputFileError(
      file,
      'text is not valid UTF-8 (GeoJSON and CityJSON must be UTF-8; a GBK/GB18030 file must be converted first, e.g. iconv -f GB18030 -t UTF-8)',
      `byte ${byteOffset + bad}`,
    );
  }
}
