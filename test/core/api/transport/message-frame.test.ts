import { frameMessage, isWholeFrame } from '../../../../src/core/api/transport';

describe('message-frame', () => {
  it('prefixes a message with a zero flag and its big-endian length', () => {
    expect(frameMessage(Buffer.from('abc'))).toEqual(Buffer.from([0, 0, 0, 0, 3, 97, 98, 99]));
    expect(frameMessage(new Uint8Array(0))).toEqual(Buffer.from([0, 0, 0, 0, 0]));
    const big = frameMessage(Buffer.alloc(0x01020304 & 0xffff));
    expect(big.readUInt32BE(1)).toBe(0x0304);
  });

  it('recognises whole uncompressed frames only', () => {
    expect(isWholeFrame(frameMessage(Buffer.from('abc')))).toBe(true);
    expect(isWholeFrame(Buffer.from([0, 0, 0, 0, 3, 1, 2]))).toBe(false);
    expect(isWholeFrame(Buffer.from([1, 0, 0, 0, 1, 1]))).toBe(false);
    expect(isWholeFrame(Buffer.from([0, 0, 0]))).toBe(false);
    expect(isWholeFrame(Buffer.from([0, 0x80, 0, 0, 0]))).toBe(false);
  });
});
