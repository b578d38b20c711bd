// Go's utf8.DecodeRune over bytes: one rune and its width, or RuneError (0xFFFD) of width 1 for an invalid
// byte, with Go's rules (no overlong forms, no surrogates, nothing above U+10FFFF).

export const runeError = 0xfffd;

export interface DecodedRune {
  readonly rune: number;
  readonly size: number;
  /** false when the byte at the position is not the start of a valid encoding */
  readonly valid: boolean;
}

export function decodeRune(b: Uint8Array, i: number): DecodedRune {
  const c0 = b[i];
  if (c0 < 0x80) return { rune: c0, size: 1, valid: true };
  const bad: DecodedRune = { rune: runeError, size: 1, valid: false };
  const cont = (k: number): number => (i + k < b.length && (b[i + k] & 0xc0) === 0x80 ? b[i + k] & 0x3f : -1);
  if (c0 >= 0xc2 && c0 <= 0xdf) {
    const c1 = cont(1);
    return c1 < 0 ? bad : { rune: ((c0 & 0x1f) << 6) | c1, size: 2, valid: true };
  }
  if (c0 >= 0xe0 && c0 <= 0xef) {
    const c1 = cont(1);
    const c2 = cont(2);
    if (c1 < 0 || c2 < 0) return bad;
    const r = ((c0 & 0x0f) << 12) | (c1 << 6) | c2;
    if (r < 0x800 || (r >= 0xd800 && r <= 0xdfff)) return bad;
    return { rune: r, size: 3, valid: true };
  }
  if (c0 >= 0xf0 && c0 <= 0xf4) {
    const c1 = cont(1);
    const c2 = cont(2);
    const c3 = cont(3);
    if (c1 < 0 || c2 < 0 || c3 < 0) return bad;
    const r = ((c0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3;
    if (r < 0x10000 || r > 0x10ffff) return bad;
    return { rune: r, size: 4, valid: true };
  }
  return bad;
}

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isPrint(r: number): boolean {
  if (r < 0x80) return r >= 0x20 && r < 0x7f;
  return printable.test(String.fromCodePoint(r));
}
