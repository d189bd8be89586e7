import { connect as connectTcp, type Socket } from 'node:net';
import { WebSocket } from 'ws';
import { OPEN_FEED, observationFeedTopic } from '../workers/live/ObservationBatch.js';
import { connectPacket, publishHeader, subscribePacket } from './rawMqttPackets.js';

/** Clients that attack a broker the way issue 18 probed it (the limits test and bench:live share them). */

/**
 * Every observation topic a read-only client may ask for: the per-datastream observations and
 * every batched feed (the broker grants an anonymous client what `public` may read: all of a
 * broker without pipe sensors, the open feed of one with them).
 */
const EVERYTHING_READABLE = ['v1.1/+/Observations', observationFeedTopic('+'), observationFeedTopic(OPEN_FEED)];

export interface NonReaders {
  /** Closes their sockets (the broker has usually cut them off by then). */
  close(): void;
}

/**
 * Subscribers that never read: they connect (anonymous), subscribe to everything readable at
 * QoS 1 and then stop reading: the TCP socket is paused, the WebSocket is (ws.pause()).
 */
export async function startNonReaders(target: { tcpPort: number; webSocketUrl: string }, tcpCount: number, webSocketCount: number): Promise<NonReaders> {
  const sockets: Socket[] = [];
  const websockets: WebSocket[] = [];
  const tag = Math.random().toString(36).slice(2, 8);
  for (let i = 0; i < tcpCount; i++) {
    const socket = connectTcp(target.tcpPort, '127.0.0.1');
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(Buffer.concat([connectPacket(`never-reads-tcp-${tag}-${i}`), subscribePacket(1, EVERYTHING_READABLE)]));
    socket.pause();
    sockets.push(socket);
  }
  for (let i = 0; i < webSocketCount; i++) {
    const websocket = new WebSocket(target.webSocketUrl, 'mqtt');
    websocket.on('error', () => undefined);
    await new Promise((resolve) => websocket.once('open', resolve));
    websocket.send(connectPacket(`never-reads-ws-${tag}-${i}`));
    websocket.send(subscribePacket(1, EVERYTHING_READABLE));
    websocket.pause();
    websockets.push(websocket);
  }
  return {
    close: () => {
      for (const socket of sockets) socket.destroy();
      for (const websocket of websockets) websocket.terminate();
    },
  };
}

export interface HugePublishResult {
  /** Payload bytes the client's socket took before the broker closed the connection. */
  sentBytes: number;
  closed: boolean;
  /** From the header's write to the close (ms). */
  closedAfterMs: number;
}

/**
 * Writes a PUBLISH announcing `payloadBytes` over TCP and streams its payload (one reused chunk,
 * so this side holds no more than 64 kB) until the broker closes the connection or 5 s after
 * all was written.
 */
export async function streamHugePublish(
  tcpPort: number,
  payloadBytes: number,
  credentials?: { username: string; password: string },
): Promise<HugePublishResult> {
  const socket = connectTcp(tcpPort, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.resume(); // read, so the broker's close is seen
  let closed = false;
  const whenClosed = new Promise<void>((resolve) => socket.once('close', resolve)).then(() => void (closed = true));
  await new Promise((resolve) => socket.once('connect', resolve));
  const started = Date.now();
  socket.write(connectPacket(`huge-publish-${Math.random().toString(36).slice(2, 8)}`, credentials));
  socket.write(publishHeader('v1.1/Datastreams(1)/Observations', payloadBytes));
  const chunk = Buffer.alloc(64 * 1024, 0x7b);
  let sentBytes = 0;
  while (sentBytes < payloadBytes && !closed) {
    const length = Math.min(chunk.length, payloadBytes - sentBytes);
    if (!socket.write(length === chunk.length ? chunk : chunk.subarray(0, length)))
      await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), whenClosed]);
    sentBytes += length;
  }
  await Promise.race([whenClosed, new Promise((resolve) => setTimeout(resolve, 5000))]);
  socket.destroy();
  return { sentBytes, closed, closedAfterMs: Date.now() - started };
}
