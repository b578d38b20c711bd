// Fixed-width big-endian integers for keys and meta values: byte order equals numeric order for
// non-negative values, which is what LMDB's key comparison needs.
import assert from 'node:assert';

const TWO_POW_32 = 0x1_0000_0000;

/** Writes a non-negative safe integer as 8 bytes big-endian at `offset`. */
export function writeUint64BE(buf: Uint8Array, offset: number, n: number): void {
  assert(n >= 0 && n <= Number.MAX_SAFE_INTEGER, 'uint64: out of range');
  const hi = Math.floor(n / TWO_POW_32);
  const lo = n - hi * TWO_POW_32;
  buf[offset] = hi >>> 24;
  buf[offset + 1] = (hi >>> 16) & 0xff;
  buf[offset + 2] = (hi >>> 8) & 0xff;
  buf[offset + 3] = hi & 0xff;
  buf[offset + 4] = lo >>> 24;
  buf[offset + 5] = (lo >>> 16) & 0xff;
  buf[offset + 6] = (lo >>> 8) & 0xff;
  buf[offset + 7] = lo & 0xff;
}

/** Reads 8 bytes big-endian at `offset` as a safe integer (asserts it is one). */
export function readUint64BE(buf: Uint8Array, offset: number): number {
  const hi = ((buf[offset] << 24) | (buf[offset + 1] << 16) | (buf[offset + 2] << 8) | buf[offset + 3]) >>> 0;
  const lo = ((buf[offset + 4] << 24) | (buf[offset + 5] << 16) | (buf[offset + 6] << 8) | buf[offset + 7]) >>> 0;
  assert(hi <= 0x1fffff, 'uint64: beyond 2^53');
  return hi * TWO_POW_32 + lo;
}

export function writeUint32BE(buf: Uint8Array, offset: number, n: number): void {
  buf[offset] = n >>> 24;
  buf[offset + 1] = (n >>> 16) & 0xff;
  buf[offset + 2] = (n >>> 8) & 0xff;
  buf[offset + 3] = n & 0xff;
}

export function readUint32BE(buf: Uint8Array, offset: number): number {
  return ((buf[offset] << 24) | (buf[offset + 1] << 16) | (buf[offset + 2] << 8) | buf[offset + 3]) >>> 0;
}

/** Writes a signed 64-bit integer (two's complement) big-endian. */
export function writeInt64BE(buf: Uint8Array, offset: number, v: bigint): void {
  let u = BigInt.asUintN(64, v);
  for (let i = 7; i >= 0; i--) {
    buf[offset + i] = Number(u & 0xffn);
    u >>= 8n;
  }
}

export function readInt64BE(buf: Uint8Array, offset: number): bigint {
  let u = 0n;
  for (let i = 0; i < 8; i++) u = (u << 8n) | BigInt(buf[offset + i]);
  return BigInt.asIntN(64, u);
}
