/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), table-driven slicing-by-8.
 * crc32c(Buffer.from('123456789')) === 0xe3069283.
 */
const POLY_REFLECTED = 0x82f63b78;
const TABLE_COUNT = 8;
const TABLE = buildTables();

function buildTables(): Int32Array {
  const t = new Int32Array(256 * TABLE_COUNT);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY_REFLECTED : c >>> 1;
    t[i] = c;
  }
  for (let i = 0; i < 256; i++) {
    for (let k = 1; k < TABLE_COUNT; k++) {
      const prev = t[(k - 1) * 256 + i];
      t[k * 256 + i] = (prev >>> 8) ^ t[prev & 0xff];
    }
  }
  return t;
}

/**
 * CRC-32C of bytes[start, end), continuing from `seed` (the CRC of the bytes before; 0 to start).
 * Returns an unsigned 32-bit value.
 */
export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length, seed = 0): number {
  const t = TABLE;
  let crc = ~seed;
  let i = start;
  const end8 = end - 8;
  while (i <= end8) {
    const a = crc ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
    const b = bytes[i + 4] | (bytes[i + 5] << 8) | (bytes[i + 6] << 16) | (bytes[i + 7] << 24);
    crc =
      t[1792 + (a & 0xff)] ^
      t[1536 + ((a >>> 8) & 0xff)] ^
      t[1280 + ((a >>> 16) & 0xff)] ^
      t[1024 + (a >>> 24)] ^
      t[768 + (b & 0xff)] ^
      t[512 + ((b >>> 8) & 0xff)] ^
      t[256 + ((b >>> 16) & 0xff)] ^
      t[b >>> 24];
    i += 8;
  }
  while (i < end) {
    crc = t[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
    i++;
  }
  return ~crc >>> 0;
}
