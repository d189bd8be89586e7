import { type IncomingMessage, Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { HttpError } from './HttpError.js';
import { parseAndKeepRequestTarget, type RequestTarget } from './requestTarget.js';

/** How long a client may take; past these its connection is closed (408 when it was mid-request). */
export interface ServerTimeouts {
  /** To send a request's whole header, from its first byte or from connecting (slow and silent clients). */
  headersMs: number;
  /** To send the whole request, header and body. */
  requestMs: number;
  /** An idle kept-alive connection between two requests. */
  keepAliveMs: number;
}

/**
 * An honest client sends its header in well under a second; 10 s leaves room for a bad mobile
 * link. Node checks every second here (its default is every 30 s), so a silent connection is
 * closed within 11 s.
 */
export const DEFAULT_TIMEOUTS: ServerTimeouts = { headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000 };

export interface BoundaryOptions {
  /** Sent on every response: handled, refused, failed, and refused upgrades. */
  headers: Readonly<Record<string, string>>;
  /** Paths that 'upgrade' listeners serve; an Upgrade to any other path is refused with 404. */
  upgradePaths: ReadonlySet<string>;
  /** The public base URL for links (RequestTarget.publicBase); undefined: the address a connection came in on. */
  publicBase?: string | undefined;
  timeouts?: Partial<ServerTimeouts>;
  /** Where failures of the server's own code go (one line per failure, with its stack). */
  log?: (message: string) => void;
}

export type RequestHandler = (request: IncomingMessage, response: ServerResponse, target: RequestTarget) => Promise<void> | void;

/**
 * An HTTP server where no request can take the process down: one error boundary around every
 * request and every upgrade. The target is parsed once (a malformed one gets 400); a handler's
 * HttpError gets its status; any other exception, thrown or rejected, gets 500 (or the
 * connection is cut when the response had begun) and is logged once. Upgrades to paths nobody
 * serves, CONNECT, and requests Node cannot parse are answered too, and slow or silent clients
 * are cut off (ServerTimeouts).
 */
export function createBoundedServer(options: BoundaryOptions, handler: RequestHandler): Server {
  return new BoundedServer(options, handler);
}

class BoundedServer extends Server {
  readonly #options: BoundaryOptions;
  readonly #log: (message: string) => void;

  constructor(options: BoundaryOptions, handler: RequestHandler) {
    const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    super(
      {
        headersTimeout: timeouts.headersMs,
        requestTimeout: Math.max(timeouts.requestMs, timeouts.headersMs),
        connectionsCheckingInterval: Math.min(1000, Math.max(10, timeouts.headersMs / 4)),
      },
      // The last line of defence: if answering a failure fails too, the connection is cut.
      (request, response) => void this.#handle(handler, request, response).catch(() => response.destroy()),
    );
    this.#options = options;
    this.#log = options.log ?? ((message) => console.error(message));
    this.keepAliveTimeout = timeouts.keepAliveMs;
    this.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => this.#answerClientError(error, socket));
    this.on('connect', (_request: IncomingMessage, socket: Duplex) => {
      socket.on('error', () => socket.destroy());
      this.#refuse(socket, 405, 'CONNECT is not supported');
    });
  }

  /** Every listener of 'upgrade' runs inside the boundary, after the target is parsed and its path known. */
  override emit(event: string, ...args: unknown[]): boolean {
    if (event !== 'upgrade') return super.emit(event, ...args);
    const [request, socket] = args as [IncomingMessage, Duplex, Buffer];
    // Node took its own error listener off the socket; a reset must not become an uncaught error.
    socket.on('error', () => socket.destroy());
    let target: RequestTarget;
    try {
      target = parseAndKeepRequestTarget(request, this.#options.publicBase);
    } catch (error) {
      this.#refuse(socket, error instanceof HttpError ? error.status : 400, error instanceof HttpError ? error.message : 'bad request');
      return true;
    }
    if (!this.#options.upgradePaths.has(target.path)) {
      this.#refuse(socket, 404, 'nothing to upgrade to here');
      return true;
    }
    try {
      return super.emit(event, ...args);
    } catch (error) {
      this.#logFailure(request, error);
      socket.destroy();
      return true;
    }
  }

  async #handle(handler: RequestHandler, request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.#setHeaders(response);
    try {
      await handler(request, response, parseAndKeepRequestTarget(request, this.#options.publicBase));
    } catch (error) {
      if (error instanceof HttpError) {
        if (response.headersSent) response.destroy();
        else this.#answer(response, error.status, error.message);
      } else if (clientLeft(error, request)) {
        response.destroy();
      } else {
        this.#logFailure(request, error);
        if (response.headersSent) response.destroy();
        else this.#answer(response, 500, 'internal error');
      }
    }
  }

  #setHeaders(response: ServerResponse): void {
    for (const [name, value] of Object.entries(this.#options.headers)) response.setHeader(name, value);
  }

  /** A short plain-text answer; headers a handler set before it failed (a length, a type) are dropped. */
  #answer(response: ServerResponse, status: number, message: string): void {
    for (const name of response.getHeaderNames()) response.removeHeader(name);
    this.#setHeaders(response);
    response
      .writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(message), 'Cache-Control': 'no-store' })
      .end(message);
  }

  /** Answers on a raw socket (upgrade, CONNECT, unparsable request), then closes it. */
  #refuse(socket: Duplex, status: number, message: string): void {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const headers = {
      ...this.#options.headers,
      Connection: 'close',
      'Content-Type': 'text/plain; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Length': String(Buffer.byteLength(message)),
    };
    const head = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
    socket.once('finish', () => socket.destroy());
    socket.end(`${head.join('\r\n')}\r\n\r\n${message}`);
  }

  /** What Node answers to a request it cannot parse or that timed out, with our headers. */
  #answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
    // Node's own rule: write nothing when a response on this connection has begun (it would
    // corrupt it for the client). `_httpMessage` is how Node itself finds that response.
    const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (error.code === 'ECONNRESET' || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const status =
      error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW' ? 413 : 400;
    this.#refuse(socket, status, STATUS_CODES[status] ?? 'bad request');
  }

  #logFailure(request: IncomingMessage, error: unknown): void {
    const target = JSON.stringify((request.url ?? '').slice(0, 200));
    this.#log(`request failed: ${request.method ?? '?'} ${target}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}

/** The client hung up while we answered: nothing failed on our side. */
function clientLeft(error: unknown, request: IncomingMessage): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return request.socket.destroyed && (code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET' || code === 'EPIPE');
}
