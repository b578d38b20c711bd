import { crc32c } from '../../../src/core/util/crc32c';

function crc32cBitwise(bytes: Uint8Array): number {
  let crc = ~0;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return ~crc >>> 0;
}

describe('crc32c', () => {
  it('matches the standard check value and the RFC 3720 vectors', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
    expect(crc32c(Buffer.alloc(32, 0))).toBe(0x8a9136aa);
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
    expect(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => i)))).toBe(0x46dd794e);
  });

  it('agrees with a bitwise implementation on every length and offset', () => {
    const buf = Buffer.alloc(100);
    for (let i = 0; i < buf.length; i++) buf[i] = (i * 151 + 17) & 0xff;
    for (let start = 0; start < 9; start++) {
      for (let end = start; end <= buf.length; end++) {
        expect(crc32c(buf, start, end)).toBe(crc32cBitwise(buf.subarray(start, end)));
      }
    }
  });

  it('continues from a seed', () => {
    const buf = Buffer.from('the quick brown fox jumps over the lazy dog');
    for (let k = 0; k <= buf.length; k++) expect(crc32c(buf, k, buf.length, crc32c(buf, 0, k))).toBe(crc32c(buf));
  });
});
