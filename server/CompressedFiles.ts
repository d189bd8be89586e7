import { createReadStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants as zlibConstants, createBrotliCompress, createGzip, type BrotliCompress, type Gzip } from 'node:zlib';
// lru-cache: a byte-bounded LRU whose fetch() shares one in-flight load among concurrent
// callers, which is exactly "compress once however many ask at once"; well kept, no deps.
import { LRUCache } from 'lru-cache';

export type ContentEncoding = 'br' | 'gzip';

interface Source {
  file: string;
  size: number;
  encoding: ContentEncoding;
}

/**
 * Compressed bodies of static files, compressed once and kept by bytes (least recently used
 * out first). Concurrent requests for a body not yet kept wait for the same compression;
 * the file is read as a stream, so the raw file is never held whole.
 */
export class CompressedFiles {
  /** Compressions run (a cache miss that was not already in flight). */
  compressions = 0;
  readonly maxSourceBytes: number;
  readonly #cache: LRUCache<string, Buffer, Source>;

  constructor(
    options: {
      /** Bytes of compressed bodies kept (default 128 MiB). */
      maxBytes?: number;
      /** Files above this are compressed per request as a stream and never kept (default 256 MiB). */
      maxSourceBytes?: number;
    } = {},
  ) {
    this.maxSourceBytes = options.maxSourceBytes ?? 256 * 1024 * 1024;
    const maxBytes = options.maxBytes ?? 128 * 1024 * 1024;
    this.#cache = new LRUCache<string, Buffer, Source>({
      maxSize: maxBytes,
      maxEntrySize: maxBytes / 2, // one body may not push out everything else
      sizeCalculation: (body) => Math.max(1, body.length),
      ignoreFetchAbort: true,
      fetchMethod: async (_key, _stale, { context }) => {
        this.compressions++;
        const chunks: Buffer[] = [];
        await pipeline(createReadStream(context.file), compressor(context.encoding, context.size), async (compressed: AsyncIterable<Buffer>) => {
          for await (const chunk of compressed) chunks.push(chunk);
        });
        return Buffer.concat(chunks);
      },
    });
  }

  /** Bytes of compressed bodies kept now. */
  get keptBytes(): number {
    return this.#cache.calculatedSize;
  }

  /**
   * The compressed body of `file` at `version` (its ETag), or undefined when the file is too
   * large to keep: then stream it with `compressedStream`.
   */
  async body(file: string, version: string, size: number, encoding: ContentEncoding): Promise<Buffer | undefined> {
    if (size > this.maxSourceBytes) return undefined;
    return this.#cache.fetch(`${encoding}|${version}|${file}`, { context: { file, size, encoding } });
  }

  /** Compresses a file on the fly into `destination` (bounded memory, no Content-Length): for files too large to keep. */
  async pipeCompressed(file: string, size: number, encoding: ContentEncoding, destination: Writable): Promise<void> {
    await pipeline(createReadStream(file), compressor(encoding, size), destination);
  }
}

function compressor(encoding: ContentEncoding, size: number): BrotliCompress | Gzip {
  return encoding === 'br'
    ? createBrotliCompress({ params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: size } })
    : createGzip({ level: 6 });
}
