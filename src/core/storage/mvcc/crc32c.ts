// CRC-32C (Castagnoli) continued over more bytes, as etcd's HashKV computes it: the shared implementation in
// util/, under the name the hash code uses.
import { crc32c } from '../../util/crc32c';

/** Continues `crc` over bytes[start, end). */
export function crc32cUpdate(crc: number, bytes: Uint8Array, start = 0, end = bytes.length): number {
  return crc32c(bytes, start, end, crc);
}
