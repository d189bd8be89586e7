/**
 * MQTT 3.1.1 packets written byte by byte, for clients no library would be: one that never
 * reads, one that announces a 100 MB packet and streams it.
 */

/** The remaining length as a variable byte integer (MQTT 3.1.1 §2.2.3). */
export function remainingLength(length: number): Buffer {
  const bytes: number[] = [];
  do {
    const digit = length % 128;
    length = Math.floor(length / 128);
    bytes.push(length > 0 ? digit | 0x80 : digit);
  } while (length > 0);
  return Buffer.from(bytes);
}

function utf8String(text: string): Buffer {
  const bytes = Buffer.from(text);
  return Buffer.concat([Buffer.from([bytes.length >> 8, bytes.length & 0xff]), bytes]);
}

export function connectPacket(clientId: string, options: { clean?: boolean; username?: string; password?: string } = {}): Buffer {
  let flags = options.clean === false ? 0 : 0x02;
  if (options.username !== undefined) flags |= 0x80;
  if (options.password !== undefined) flags |= 0x40;
  const body = Buffer.concat([
    utf8String('MQTT'),
    Buffer.from([4, flags, 0, 0]), // level 4 (3.1.1), flags, keep-alive 0: never pings, never timed out
    utf8String(clientId),
    ...(options.username !== undefined ? [utf8String(options.username)] : []),
    ...(options.password !== undefined ? [utf8String(options.password)] : []),
  ]);
  return Buffer.concat([Buffer.from([0x10]), remainingLength(body.length), body]);
}

export function subscribePacket(packetId: number, topics: readonly string[], qos: 0 | 1 = 1): Buffer {
  const body = Buffer.concat([Buffer.from([packetId >> 8, packetId & 0xff]), ...topics.flatMap((topic) => [utf8String(topic), Buffer.from([qos])])]);
  return Buffer.concat([Buffer.from([0x82]), remainingLength(body.length), body]);
}

/** A QoS 0 PUBLISH's fixed header and topic, announcing a payload of `payloadBytes` (sent separately). */
export function publishHeader(topic: string, payloadBytes: number): Buffer {
  const topicBytes = utf8String(topic);
  return Buffer.concat([Buffer.from([0x30]), remainingLength(topicBytes.length + payloadBytes), topicBytes]);
}
