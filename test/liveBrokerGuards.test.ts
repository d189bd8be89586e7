import { describe, expect, it } from 'vitest';
import { LoginThrottle } from '../server/live/LoginThrottle.js';
import { MqttPacketSizeLimit } from '../server/live/MqttPacketSizeLimit.js';
import { connectPacket, publishHeader, subscribePacket } from '../harness/rawMqttPackets.js';

describe('MqttPacketSizeLimit: packet sizes from the fixed headers alone', () => {
  const stream = Buffer.concat([connectPacket('viewer'), subscribePacket(1, ['cimtwin/v1/Observations']), publishHeader('t', 3), Buffer.from('abc')]);

  it('passes packets within the limit, however the stream is cut into chunks', () => {
    for (const size of [1, 2, 3, 7, stream.length]) {
      const limit = new MqttPacketSizeLimit(64);
      for (let at = 0; at < stream.length; at += size) expect(limit.check(stream.subarray(at, at + size))).toBe('ok');
    }
  });

  it('refuses a packet on its header, even when the length arrives one byte at a time', () => {
    const header = publishHeader('v1.1/Datastreams(1)/Observations', 100 * 1024 * 1024);
    const limit = new MqttPacketSizeLimit(8192);
    expect(limit.check(stream)).toBe('ok');
    const verdicts = [...header.subarray(0, 5)].map((byte) => limit.check(Uint8Array.of(byte)));
    // Type byte, then the second length byte's continuation bit says "at least 128² = 16 kB": over 8 kB.
    expect(verdicts).toEqual(['ok', 'ok', 'oversized', 'oversized', 'oversized']);
    expect(limit.check(Buffer.from('more'))).toBe('oversized'); // and it stays so
  });

  it('counts the whole packet: a packet of exactly the limit passes, one byte more does not', () => {
    const exactly = Buffer.concat([publishHeader('t', 95), Buffer.alloc(95)]); // type, length, topic (2 + 1), payload
    expect(exactly.length).toBe(100);
    expect(new MqttPacketSizeLimit(100).check(exactly)).toBe('ok');
    expect(new MqttPacketSizeLimit(99).check(exactly)).toBe('oversized');
  });

  it('calls a remaining length of more than four bytes malformed', () => {
    expect(new MqttPacketSizeLimit(Number.MAX_SAFE_INTEGER).check(Uint8Array.of(0x30, 0xff, 0xff, 0xff, 0xff))).toBe('malformed');
  });
});

describe('LoginThrottle: failed logins per source', () => {
  it('locks a source out after maxFailures within the window, other sources not, and forgets at the window end', () => {
    const throttle = new LoginThrottle(3, 1000);
    for (let i = 0; i < 3; i++) {
      expect(throttle.isLockedOut('10.0.0.1', i)).toBe(false);
      throttle.recordFailure('10.0.0.1', i);
    }
    expect(throttle.isLockedOut('10.0.0.1', 10)).toBe(true);
    throttle.recordRefusal('10.0.0.1', 10);
    expect(throttle.isLockedOut('10.0.0.2', 10)).toBe(false);
    expect(throttle.takeEnded(999)).toEqual([]);
    expect(throttle.isLockedOut('10.0.0.1', 1000)).toBe(false);
    expect(throttle.takeEnded(1000)).toEqual([{ source: '10.0.0.1', failures: 3, refused: 1 }]);
    expect(throttle.takeEnded(5000)).toEqual([]); // once
  });

  it('counts an IPv6 /64 as one source and an IPv4-mapped address as IPv4', () => {
    expect(LoginThrottle.sourceOf('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(LoginThrottle.sourceOf('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(LoginThrottle.sourceOf('::1')).toBe('0:0:0:0::/64');
    expect(LoginThrottle.sourceOf('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(LoginThrottle.sourceOf('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(LoginThrottle.sourceOf('192.0.2.7')).toBe('192.0.2.7');
  });
});
