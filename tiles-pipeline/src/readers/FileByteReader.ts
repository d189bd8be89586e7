import { type FileHandle, open } from 'node:fs/promises';

const CHUNK = 1 << 20;

/**
 * Reads a binary file front to back in pieces of any length, a megabyte from disk at a time:
 * what the record-structured formats (.shp, .dbf) need to stream without holding the file.
 */
export class FileByteReader {
  /** File offset of the next byte `read` returns. */
  position = 0;
  private buffer: Buffer = Buffer.alloc(0);
  private bufferStart = 0;
  private closed = false;

  private constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  static async open(path: string): Promise<FileByteReader> {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      return new FileByteReader(handle, size);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** The next `length` bytes, fewer only at the end of the file. The view is valid until the next call. */
  async read(length: number): Promise<Buffer> {
    const from = this.position - this.bufferStart;
    if (from < 0 || from + length > this.buffer.length) await this.fill(length);
    const start = this.position - this.bufferStart;
    const bytes = this.buffer.subarray(start, Math.min(start + length, this.buffer.length));
    this.position += bytes.length;
    return bytes;
  }

  /** Moves the read position (the next `read` starts there). */
  seek(position: number): void {
    this.position = position;
  }

  /** Closes the file; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }

  private async fill(length: number): Promise<void> {
    const size = Math.max(length, CHUNK);
    const buffer = Buffer.allocUnsafe(size);
    const { bytesRead } = await this.handle.read(buffer, 0, size, this.position);
    this.buffer = buffer.subarray(0, bytesRead);
    this.bufferStart = this.position;
  }
}
