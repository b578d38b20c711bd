// Go's text conventions that leak into etcd's gateway output: UTF-8 decoding with one U+FFFD per bad byte
// (unicode/utf8), strconv.Quote (used by `%q` in jsonpb's enum error and by encoding/json's scanner errors), and
// encoding/json's string escaping (HTML-safe: <, >, & and U+2028/9 escaped; \u00XX for other control bytes).

import { isUtf8 } from 'node:buffer';

const replacementChar = 0xfffd;
const hexDigits = '0123456789abcdef';

/**
 * One rune of `b` at `i`, as Go's utf8.DecodeRune reads it: [codePoint, size]. Invalid or truncated
 * sequences, overlongs, surrogates and values above U+10FFFF give [U+FFFD, 1].
 */
export function decodeRune(b: Uint8Array, i: number): [number, number] {
  const c0 = b[i];
  if (c0 < 0x80) return [c0, 1];
  const bad: [number, number] = [replacementChar, 1];
  const cont = (k: number): number => (i + k < b.length && (b[i + k] & 0xc0) === 0x80 ? b[i + k] & 0x3f : -1);
  if (c0 >= 0xc2 && c0 <= 0xdf) {
    const c1 = cont(1);
    return c1 < 0 ? bad : [((c0 & 0x1f) << 6) | c1, 2];
  }
  if (c0 >= 0xe0 && c0 <= 0xef) {
    const c1 = cont(1);
    const c2 = cont(2);
    if (c1 < 0 || c2 < 0) return bad;
    const r = ((c0 & 0x0f) << 12) | (c1 << 6) | c2;
    if (r < 0x800 || (r >= 0xd800 && r <= 0xdfff)) return bad;
    return [r, 3];
  }
  if (c0 >= 0xf0 && c0 <= 0xf4) {
    const c1 = cont(1);
    const c2 = cont(2);
    const c3 = cont(3);
    if (c1 < 0 || c2 < 0 || c3 < 0) return bad;
    const r = ((c0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3;
    if (r < 0x10000 || r > 0x10ffff) return bad;
    return [r, 4];
  }
  return bad;
}

const printableRe = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** Go's strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
function isPrint(r: number): boolean {
  if (r < 0x80) return r >= 0x20 && r < 0x7f;
  return printableRe.test(String.fromCodePoint(r));
}

function hex(n: number, width: number): string {
  let s = '';
  for (let k = width - 1; k >= 0; k--) s += hexDigits[(n >> (4 * k)) & 0xf];
  return s;
}

const shortEscapes: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };

/** Go's strconv.Quote of a byte string (invalid UTF-8 bytes come out as \xNN). */
export function goQuote(b: Uint8Array): string {
  let out = '"';
  for (let i = 0; i < b.length;) {
    const [r, size] = decodeRune(b, i);
    if (r === replacementChar && size === 1) {
      out += '\\x' + hex(b[i], 2);
    } else if (r === 0x22 || r === 0x5c) {
      out += '\\' + String.fromCharCode(r);
    } else if (isPrint(r)) {
      out += String.fromCodePoint(r);
    } else if (shortEscapes[r] !== undefined) {
      out += shortEscapes[r];
    } else if (r < 0x20 || r === 0x7f) {
      out += '\\x' + hex(r, 2);
    } else if (r < 0x10000) {
      out += '\\u' + hex(r, 4);
    } else {
      out += '\\U' + hex(r, 8);
    }
    i += size;
  }
  return out + '"';
}

/** How encoding/json's scanner names an offending byte in "invalid character X ..." (a byte read as a rune). */
export function goQuoteChar(c: number): string {
  if (c === 0x27) return `'\\''`;
  if (c === 0x22) return `'"'`;
  const q = goQuote(Buffer.from(String.fromCharCode(c), 'utf8'));
  return `'${q.slice(1, -1)}'`;
}

/**
 * A JSON string literal as Go's encoding/json writes it (json.Marshal, HTML escaping on). Lone surrogates,
 * which only arise from invalid UTF-8 upstream, come out as \ufffd like Go's invalid bytes.
 */
export function goJsonString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | null = null;
    if (c < 0x20) {
      esc = c === 10 ? '\\n' : c === 13 ? '\\r' : c === 9 ? '\\t' : '\\u00' + hex(c, 2);
    } else if (c === 0x22 || c === 0x5c) {
      esc = '\\' + s[i];
    } else if (c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) {
      esc = '\\u' + hex(c, 4);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const pair = c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      if (pair) {
        i++;
        continue;
      }
      esc = '\\ufffd';
    }
    if (esc !== null) {
      out += s.slice(start, i) + esc;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}

/** Replaces invalid UTF-8 in `b` by U+FFFD per bad byte, as Go does when it coerces a JSON string. */
export function coerceUtf8(b: Uint8Array): Buffer {
  if (isUtf8(b)) return Buffer.from(b.buffer, b.byteOffset, b.length);
  let i = 0;
  while (i < b.length) {
    const [r, size] = decodeRune(b, i);
    if (r === replacementChar && size === 1) break;
    i += size;
  }
  if (i === b.length) return Buffer.from(b.buffer, b.byteOffset, b.length);
  const parts: Buffer[] = [Buffer.from(b.subarray(0, i))];
  const fffd = Buffer.from([0xef, 0xbf, 0xbd]);
  while (i < b.length) {
    const [r, size] = decodeRune(b, i);
    if (r === replacementChar && size === 1) parts.push(fffd);
    else parts.push(Buffer.from(b.subarray(i, i + size)));
    i += size;
  }
  return Buffer.concat(parts);
}
