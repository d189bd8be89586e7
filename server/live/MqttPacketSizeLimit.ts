/** What the next bytes of a client's stream showed: fine so far, a packet over the limit, or no MQTT framing. */
export type PacketSizeVerdict = 'ok' | 'oversized' | 'malformed';

/**
 * Follows MQTT packet boundaries through a client's byte stream by their fixed headers alone
 * (a type byte, then the remaining length as a variable byte integer of 1–4 bytes, MQTT 3.1.1
 * §2.2.3) and says when a packet announces more than `maxPacketBytes`. That verdict comes with
 * the packet's first few bytes, so the connection can be closed before the body arrives:
 * mqtt-packet's parser, which aedes uses, has no size limit and collects a packet whole before it
 * parses it (a 100 MB PUBLISH would be 100 MB of memory). Pure: bytes in, verdict out.
 */
export class MqttPacketSizeLimit {
  private stage: 'type' | 'length' | 'body' = 'type';
  private remainingLength = 0;
  private lengthBytes = 0;
  private bodyLeft = 0;
  private verdict: PacketSizeVerdict = 'ok';

  /** `maxPacketBytes` counts the whole packet: fixed header, variable header and payload. */
  constructor(readonly maxPacketBytes: number) {}

  /** Takes the stream's next bytes; once a verdict is not 'ok' it stays so (the connection is to be closed). */
  check(bytes: Uint8Array): PacketSizeVerdict {
    let at = 0;
    while (this.verdict === 'ok' && at < bytes.length) {
      if (this.stage === 'body') {
        const skipped = Math.min(this.bodyLeft, bytes.length - at);
        this.bodyLeft -= skipped;
        at += skipped;
        if (this.bodyLeft === 0) this.stage = 'type';
        continue;
      }
      const byte = bytes[at++]!;
      if (this.stage === 'type') {
        this.stage = 'length';
        this.remainingLength = 0;
        this.lengthBytes = 0;
        continue;
      }
      this.remainingLength += (byte & 0x7f) * 128 ** this.lengthBytes++;
      // A continuation bit after k bytes means at least 128^k: refuse as soon as the lower bound passes the limit.
      const atLeast = this.remainingLength + (byte & 0x80 ? 128 ** this.lengthBytes : 0);
      if (1 + this.lengthBytes + atLeast > this.maxPacketBytes) this.verdict = 'oversized';
      else if (byte & 0x80) {
        if (this.lengthBytes === 4) this.verdict = 'malformed'; // §1.5.5: at most four bytes
      } else {
        this.bodyLeft = this.remainingLength;
        this.stage = this.bodyLeft > 0 ? 'body' : 'type';
      }
    }
    return this.verdict;
  }
}
