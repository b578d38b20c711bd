import { crc32cUpdate } from '../../../../src/core/storage/mvcc/crc32c';

describe('crc32c', () => {
  it('matches the CRC-32C check value and continues across chunks', () => {
    expect(crc32cUpdate(0, Buffer.from('123456789'))).toBe(0xe3069283);
    const data = Buffer.from('the quick brown fox jumps over the lazy dog, twice over');
    expect(crc32cUpdate(crc32cUpdate(0, data, 0, 13), data, 13)).toBe(crc32cUpdate(0, data));
    expect(crc32cUpdate(0, Buffer.from('key'))).toBe(1084519789); // etcd's HashKV of an empty store
  });
});
