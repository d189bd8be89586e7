import { connect } from 'node:net';

export interface RawAnswer {
  /** The status of the first response, undefined when the server closed without answering. */
  status: number | undefined;
  /** Everything the server sent. */
  bytes: Buffer;
  /** The server closed the connection (else we gave up after `timeoutMs`). */
  closed: boolean;
  ms: number;
}

/**
 * Sends bytes as they are on a fresh TCP connection and collects what comes back until the
 * server closes it or `timeoutMs` passes: for requests fetch or http.request would refuse or
 * normalise (bad encodings, "..", malformed request lines, slow headers).
 */
export function rawHttp(port: number, request: string | Buffer, options: { timeoutMs?: number; endAfterStatus?: boolean } = {}): Promise<RawAnswer> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const bytes = Buffer.concat(chunks);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(bytes.subarray(0, 20).toString('latin1'))?.[1];
      resolve({ status: status ? Number(status) : undefined, bytes, closed, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish(false), options.timeoutMs ?? 5000);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (options.endAfterStatus && Buffer.concat(chunks).includes('\r\n\r\n')) finish(false);
    });
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    socket.write(request);
  });
}

/** The header block of a raw answer, names lower-cased. */
export function rawHeaders(answer: RawAnswer): Record<string, string> {
  const head = answer.bytes.toString('latin1').split('\r\n\r\n')[0] ?? '';
  return Object.fromEntries(
    head
      .split('\r\n')
      .slice(1)
      .map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
}
