// Go's string quoting as etcdctl prints it: `%q` (strconv.Quote) for the fields printer and txn errors, and
// encoding/json's string escaping for the json printer. Both take bytes, since Go strings are bytes.
import { decodeRune, isPrint } from './utf8';

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

const shortEscapes: Readonly<Record<number, string>> = {
  0x07: '\\a', 0x08: '\\b', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x0b: '\\v',
};

/** strconv.Quote: a double-quoted Go string literal of the bytes. */
export function goQuote(input: Uint8Array | string): string {
  const b = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  let out = '"';
  for (let i = 0; i < b.length;) {
    const { rune, size, valid } = decodeRune(b, i);
    i += size;
    if (!valid) {
      out += `\\x${hex(b[i - 1], 2)}`;
      continue;
    }
    if (rune === 0x22 || rune === 0x5c) {
      out += `\\${String.fromCharCode(rune)}`;
    } else if (isPrint(rune)) {
      out += String.fromCodePoint(rune);
    } else if (shortEscapes[rune] !== undefined) {
      out += shortEscapes[rune];
    } else if (rune < 0x20 || rune === 0x7f) {
      out += `\\x${hex(rune, 2)}`;
    } else if (rune < 0x10000) {
      out += `\\u${hex(rune, 4)}`;
    } else {
      out += `\\U${hex(rune, 8)}`;
    }
  }
  return out + '"';
}

/** encoding/json's string encoding (HTML-safe, invalid UTF-8 as U+FFFD), quotes included. */
export function goJsonString(input: Uint8Array | string): string {
  const b = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  let out = '"';
  for (let i = 0; i < b.length;) {
    const { rune, size, valid } = decodeRune(b, i);
    i += size;
    if (!valid) {
      out += '\\ufffd';
      continue;
    }
    switch (rune) {
      case 0x22: out += '\\"'; break;
      case 0x5c: out += '\\\\'; break;
      case 0x0a: out += '\\n'; break;
      case 0x0d: out += '\\r'; break;
      case 0x09: out += '\\t'; break;
      case 0x3c: case 0x3e: case 0x26: case 0x2028: case 0x2029: out += `\\u${hex(rune, 4)}`; break;
      default: out += rune < 0x20 ? `\\u${hex(rune, 4)}` : String.fromCodePoint(rune);
    }
  }
  return out + '"';
}

/** A Go []string printed with %v: [a b c]. */
export function goStringList(list: readonly string[]): string {
  return `[${list.join(' ')}]`;
}

/** strconv.Unquote for a "…" or `…` literal; undefined when it is not valid Go syntax. Returns bytes. */
export function goUnquote(lit: string): Buffer | undefined {
  if (lit.length < 2) return undefined;
  const q = lit[0];
  if (q !== lit[lit.length - 1]) return undefined;
  const body = lit.slice(1, -1);
  if (q === '`') return body.includes('`') || body.includes('\r') ? undefined : Buffer.from(body, 'utf8');
  if (q !== '"' || body.includes('\n')) return undefined;
  const out: number[] = [];
  const pushRune = (r: number) => out.push(...Buffer.from(String.fromCodePoint(r), 'utf8'));
  for (let i = 0; i < body.length;) {
    const c = body[i];
    if (c === '"') return undefined;
    if (c !== '\\') {
      const cp = body.codePointAt(i) as number;
      pushRune(cp);
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const e = body[i + 1];
    i += 2;
    const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34 };
    if (e !== undefined && simple[e] !== undefined) {
      out.push(simple[e]);
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const digits = body.slice(i, i + n);
      if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== n) return undefined;
      i += n;
      const v = parseInt(digits, 16);
      if (e === 'x') out.push(v);
      else if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return undefined;
      else pushRune(v);
    } else if (e !== undefined && e >= '0' && e <= '7') {
      const digits = body.slice(i - 1, i + 2);
      if (!/^[0-7]{3}$/.test(digits)) return undefined;
      const v = parseInt(digits, 8);
      if (v > 255) return undefined;
      out.push(v);
      i += 2;
    } else {
      return undefined;
    }
  }
  return Buffer.from(out);
}
