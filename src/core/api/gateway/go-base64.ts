// Base64 decoding exactly as Go's encoding/base64 StdEncoding (padded, non-strict) does it, which is what
// encoding/json applies to a JSON string bound for a []byte field: \r and \n are skipped anywhere, padding is
// required, non-zero trailing bits are accepted, and errors name the byte offset Go names
// ("illegal base64 data at input byte N"). Node's decoder is lenient in other ways, so it cannot stand in.

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const invalid = 0xff;
const padChar = 0x3d; // '='
const decodeMap: Uint8Array = (() => {
  const m = new Uint8Array(256).fill(invalid);
  for (let i = 0; i < alphabet.length; i++) m[alphabet.charCodeAt(i)] = i;
  return m;
})();

export class Base64Error extends Error {
  constructor(readonly offset: number) {
    super(`illegal base64 data at input byte ${offset}`);
    this.name = 'Base64Error';
  }
}

const isNewline = (c: number): boolean => c === 0x0a || c === 0x0d;

interface Output {
  readonly bytes: Uint8Array;
  n: number;
}

/** Decodes one quantum (up to 4 symbols) from `src` at `si` into `out`; returns the next index. */
function decodeQuantum(src: Uint8Array, si: number, out: Output): number {
  const dbuf = [0, 0, 0, 0];
  let dlen = 4;
  let trailingGarbageAt = -1;
  for (let j = 0; j < 4; j++) {
    if (si === src.length) {
      if (j === 0) return si;
      throw new Base64Error(si - j);
    }
    const c = src[si++];
    const v = decodeMap[c];
    if (v !== invalid) {
      dbuf[j] = v;
      continue;
    }
    if (isNewline(c)) {
      j--;
      continue;
    }
    if (c !== padChar) throw new Base64Error(si - 1);
    // padding: only after two or three symbols, and "==" after two
    if (j < 2) throw new Base64Error(si - 1);
    if (j === 2) {
      while (si < src.length && isNewline(src[si])) si++;
      if (si === src.length) throw new Base64Error(src.length);
      if (src[si] !== padChar) throw new Base64Error(si - 1);
      si++;
    }
    while (si < src.length && isNewline(src[si])) si++;
    if (si < src.length) trailingGarbageAt = si;
    dlen = j;
    break;
  }
  const val = (dbuf[0] << 18) | (dbuf[1] << 12) | (dbuf[2] << 6) | dbuf[3];
  const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
  for (let k = 0; k < dlen - 1; k++) out.bytes[out.n++] = bytes[k];
  if (trailingGarbageAt >= 0) throw new Base64Error(trailingGarbageAt);
  return si;
}

/** Canonical padded base64 (no newlines): Node's decoder gives the same bytes as Go's for it. */
function isCanonical(src: Uint8Array): boolean {
  if (src.length % 4 !== 0) return false;
  let end = src.length;
  if (end > 0 && src[end - 1] === padChar) end--;
  if (end > 0 && src[end - 1] === padChar && end === src.length - 1) end--;
  if (src.length - end > 0 && end % 4 < 2) return false;
  for (let i = 0; i < end; i++) if (decodeMap[src[i]] === invalid) return false;
  return true;
}

/** Go's base64.StdEncoding.Decode of `src`; throws Base64Error with Go's offset. */
export function goBase64Decode(src: Uint8Array): Buffer {
  if (isCanonical(src)) return Buffer.from(Buffer.from(src.buffer, src.byteOffset, src.length).toString('latin1'), 'base64');
  const out: Output = { bytes: new Uint8Array(Math.ceil(src.length / 4) * 3), n: 0 };
  let si = 0;
  while (si < src.length) si = decodeQuantum(src, si, out);
  return Buffer.from(out.bytes.buffer, 0, out.n);
}
