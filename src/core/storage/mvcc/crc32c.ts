// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as Go's crc32.MakeTable(crc32.Castagnoli) used by
// etcd's HashKV. Table-driven, slicing by 4. crc32c(Buffer.from('123456789')) === 0xe3069283.
const POLY_REFLECTED = 0x82f63b78;
const TABLES = 4;
const T = buildTables();

function buildTables(): Int32Array {
  const t = new Int32Array(256 * TABLES);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY_REFLECTED : c >>> 1;
    t[i] = c;
  }
  for (let i = 0; i < 256; i++) {
    for (let k = 1; k < TABLES; k++) t[k * 256 + i] = (t[(k - 1) * 256 + i] >>> 8) ^ t[t[(k - 1) * 256 + i] & 0xff];
  }
  return t;
}

/** The CRC of `bytes` continuing from `crc` (the CRC of what came before; 0 to start). Unsigned. */
export function crc32cUpdate(crc: number, bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = ~crc;
  let i = start;
  const end4 = end - 4;
  while (i <= end4) {
    c ^= bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    c = T[768 + (c & 0xff)] ^ T[512 + ((c >>> 8) & 0xff)] ^ T[256 + ((c >>> 16) & 0xff)] ^ T[c >>> 24];
    i += 4;
  }
  while (i < end) c = T[(c ^ bytes[i++]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
