import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { MqttPacketSizeLimit } from './MqttPacketSizeLimit.js';

export interface ConnectionLimits {
  /** The largest MQTT packet a client may send (bytes, whole packet); a larger one closes the connection on its header. */
  maxPacketBytes: number;
  /** Past this many bytes written to the client and not yet sent, it is too slow and is cut off. */
  maxUnsentBytes: number;
}

/** Told once per connection when it is closed for one of the limits. */
export interface ConnectionLimitEvents {
  oversizedPacket(): void;
  slowClient(): void;
}

/**
 * Ends a client's socket. Destroyed without an error, a socket makes a new Error (stack trace
 * and all) for each write still in its buffer: a slow client's ten thousand small writes took
 * the event loop 0.5 s. With this error every buffered write gets the same one.
 */
const CLOSED_BY_BROKER = new Error('connection closed by the broker');

/** What a connection needs from TCP or WebSocket. */
interface Transport {
  send(bytes: Buffer): void;
  /** Bytes handed to `send` that the client has not taken yet (the socket's own buffer included). */
  unsentBytes(): number;
  pause(): void;
  resume(): void;
  end(): void;
  destroy(): void;
}

/**
 * One client's connection as aedes sees it, over TCP or WebSocket, with bounded buffers both ways.
 *
 * Out: a write is handed to the socket at once and its callback called at once, so a client
 * that does not read never holds up the broker. aedes waits for 'drain' when a write returns
 * false, and a message is delivered to its next subscribers only when every subscriber's write
 * has called back (mqemitter, 100 messages in flight): one non-reading subscriber froze every
 * viewer's feed and the ingest until aedes' drain timeout. Instead the bytes wait in the socket's
 * buffer, and when that passes `maxUnsentBytes` the client is cut off and counted.
 *
 * In: each packet's announced size is checked on its fixed header (`MqttPacketSizeLimit`), and
 * reading stops while aedes has not taken what arrived (the socket is paused).
 */
export class BoundedMqttConnection extends Duplex {
  private readonly sizeLimit: MqttPacketSizeLimit;

  private constructor(
    private readonly transport: Transport,
    /** The client's address (its source for the failed-login throttle). */
    readonly remoteAddress: string,
    private readonly limits: ConnectionLimits,
    private readonly events: ConnectionLimitEvents,
  ) {
    // write() returns false only past the client's limit, never for one big feed batch (16 kB
    // would make aedes wait for 'drain' on every such delivery).
    super({ writableHighWaterMark: limits.maxUnsentBytes });
    this.sizeLimit = new MqttPacketSizeLimit(limits.maxPacketBytes);
  }

  static overTcp(socket: Socket, limits: ConnectionLimits, events: ConnectionLimitEvents): BoundedMqttConnection {
    const connection = new BoundedMqttConnection(
      {
        send: (bytes) => {
          if (!socket.destroyed) socket.write(bytes);
        },
        unsentBytes: () => socket.writableLength,
        pause: () => socket.pause(),
        resume: () => socket.resume(),
        end: () => socket.end(),
        destroy: () => socket.destroy(CLOSED_BY_BROKER),
      },
      socket.remoteAddress ?? '',
      limits,
      events,
    );
    socket.on('data', (bytes: Buffer) => connection.received(bytes));
    socket.on('end', () => connection.destroyed || connection.push(null));
    socket.on('close', () => connection.destroy());
    socket.on('error', () => connection.destroy());
    return connection;
  }

  /** `socket` is the upgraded HTTP connection the WebSocket runs on. */
  static overWebSocket(websocket: WebSocket, socket: Socket, limits: ConnectionLimits, events: ConnectionLimitEvents): BoundedMqttConnection {
    const connection = new BoundedMqttConnection(
      {
        send: (bytes) => websocket.send(bytes, { binary: true }),
        unsentBytes: () => websocket.bufferedAmount,
        pause: () => websocket.pause(),
        resume: () => websocket.resume(),
        end: () => websocket.close(),
        // What websocket.terminate() does, with the shared error (see CLOSED_BY_BROKER).
        destroy: () => socket.destroy(CLOSED_BY_BROKER),
      },
      socket.remoteAddress ?? '',
      limits,
      events,
    );
    websocket.on('message', (bytes: Buffer, isBinary: boolean) => {
      // [MQTT-6.0.0-1]: MQTT travels in binary frames; anything else closes the connection.
      if (isBinary) connection.received(bytes);
      else connection.destroy();
    });
    websocket.on('close', () => {
      if (!connection.destroyed) connection.push(null);
      connection.destroy();
    });
    websocket.on('error', (error: Error & { code?: string }) => {
      // ws refuses a frame over its maxPayload on the frame's header, before reading it.
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') events.oversizedPacket();
      connection.destroy();
    });
    return connection;
  }

  private received(bytes: Buffer): void {
    if (this.destroyed) return;
    const verdict = this.sizeLimit.check(bytes);
    if (verdict !== 'ok') {
      if (verdict === 'oversized') this.events.oversizedPacket();
      this.destroy();
      return;
    }
    if (!this.push(bytes)) this.transport.pause();
  }

  override _read(): void {
    this.transport.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.send(chunk);
    callback();
  }

  /** mqtt-packet writes a packet in pieces inside cork(): they leave as one write (one WebSocket frame). */
  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    this.send(chunks.length === 1 ? chunks[0]!.chunk : Buffer.concat(chunks.map(({ chunk }) => chunk)));
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.transport.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.transport.destroy();
    callback(error);
  }

  private send(bytes: Buffer): void {
    if (this.destroyed) return;
    this.transport.send(bytes);
    if (this.transport.unsentBytes() > this.limits.maxUnsentBytes) {
      this.events.slowClient();
      this.destroy();
    }
  }
}
