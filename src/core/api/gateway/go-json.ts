// A JSON reader that fails the way Go's encoding/json fails, because etcd's gateway answers a malformed body
// with the Go error text (code 3). Two entry points mirror the two Go paths the gateway takes:
//  - readFirstValue: json.Decoder.Decode on the body. Reads one value and ignores what follows it; a body of
//    only whitespace is io.EOF (the gateway treats it as an empty message); input ending inside the value is
//    "unexpected EOF".
//  - readWholeValue: json.Unmarshal (jsonpb uses it on a quoted number's inner text). The whole input must be
//    one value; "after top-level value" for trailing bytes; at the end of input Go feeds the scanner one space,
//    so a truncated number or literal reports "invalid character ' ' ...", anything else
//    "unexpected end of JSON input".
// Numbers keep their text (int64 must not pass through a double); strings keep their raw inner bytes (jsonpb
// looks enum names up unescaped) beside the unescaped bytes.
import { coerceUtf8, decodeRune, goQuoteChar } from './go-text';

export type JsonValue =
  | { readonly kind: 'object'; readonly fields: ReadonlyMap<string, JsonValue> }
  | { readonly kind: 'array'; readonly items: readonly JsonValue[] }
  | { readonly kind: 'string'; readonly raw: Buffer; readonly bytes: Buffer }
  | { readonly kind: 'number'; readonly text: string }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'null' };

/** encoding/json's nesting limit (maxNestingDepth): deeper input is a syntax error. */
export const maxNestingDepth = 10000;

export class JsonSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

type Mode = 'decoder' | 'unmarshal';

type Container =
  | { readonly kind: 'object'; readonly fields: Map<string, JsonValue>; key: string }
  | { readonly kind: 'array'; readonly items: JsonValue[] };

/** Scanner contexts where a space is acceptable input: at the end of input Go then says "unexpected end". */
const spaceTolerant = new Set([
  'looking for beginning of value',
  'looking for beginning of object key string',
  'after object key',
  'after object key:value pair',
  'after array element',
  'in string literal',
]);

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

class Reader {
  private pos = 0;
  private depth = 0;

  constructor(private readonly buf: Buffer, private readonly mode: Mode) {}

  /** The error Go reports for the byte at `pos` (or for the end of input) in scanner context `context`. */
  private fail(context: string): never {
    if (this.pos >= this.buf.length) {
      if (this.mode === 'decoder') throw new JsonSyntaxError('unexpected EOF');
      if (spaceTolerant.has(context)) throw new JsonSyntaxError('unexpected end of JSON input');
      throw new JsonSyntaxError(`invalid character ' ' ${context}`);
    }
    throw new JsonSyntaxError(`invalid character ${goQuoteChar(this.buf[this.pos])} ${context}`);
  }

  private skipSpace(): void {
    while (this.pos < this.buf.length && isSpace(this.buf[this.pos])) this.pos++;
  }

  /** First value of the input, or null when the input is empty or whitespace (Go's io.EOF). */
  first(): JsonValue | null {
    this.skipSpace();
    if (this.pos >= this.buf.length) return null;
    return this.value();
  }

  /** Where the reader stands: after `first()`, the offset just past the value. */
  get offset(): number {
    return this.pos;
  }

  whole(): JsonValue {
    const v = this.value();
    this.skipSpace();
    if (this.pos < this.buf.length) this.fail('after top-level value');
    return v;
  }

  /**
   * One value, iteratively (nesting can reach maxNestingDepth, deeper than the JS stack allows): an explicit
   * stack of open containers; after each complete value, the innermost container decides what comes next.
   */
  private value(): JsonValue {
    const stack: Container[] = [];
    for (;;) {
      let v = this.open(stack);
      if (v === null) continue; // a container opened and waits for its first element
      for (;;) {
        const top = stack[stack.length - 1];
        if (top === undefined) return v;
        this.skipSpace();
        const c = this.buf[this.pos];
        if (top.kind === 'object') {
          top.fields.set(top.key, v); // a repeated key replaces the earlier value, as in a Go map
          if (c === 0x2c) {
            this.pos++;
            top.key = this.objectKey();
            break;
          }
          if (c !== 0x7d) this.fail('after object key:value pair');
          v = { kind: 'object', fields: top.fields };
        } else {
          top.items.push(v);
          if (c === 0x2c) {
            this.pos++;
            break;
          }
          if (c !== 0x5d) this.fail('after array element');
          v = { kind: 'array', items: top.items };
        }
        this.pos++;
        stack.pop();
        this.depth--;
      }
    }
  }

  /** Reads a scalar, an empty container, or opens a container (pushed; returns null). */
  private open(stack: Container[]): JsonValue | null {
    this.skipSpace();
    const c = this.buf[this.pos];
    if (c === 0x7b || c === 0x5b) {
      if (++this.depth > maxNestingDepth) this.fail('exceeded max depth');
      this.pos++;
      this.skipSpace();
      if (c === 0x7b) {
        if (this.buf[this.pos] === 0x7d) {
          this.pos++;
          this.depth--;
          return { kind: 'object', fields: new Map() };
        }
        stack.push({ kind: 'object', fields: new Map(), key: this.objectKey() });
      } else {
        if (this.buf[this.pos] === 0x5d) {
          this.pos++;
          this.depth--;
          return { kind: 'array', items: [] };
        }
        stack.push({ kind: 'array', items: [] });
      }
      return null;
    }
    if (c === 0x22) return this.string();
    if (c === 0x2d || isDigit(c)) return this.number();
    if (c === 0x74) return this.literal('true', { kind: 'bool', value: true });
    if (c === 0x66) return this.literal('false', { kind: 'bool', value: false });
    if (c === 0x6e) return this.literal('null', { kind: 'null' });
    return this.fail('looking for beginning of value');
  }

  /** `"key" :` — leaves the reader at the value. */
  private objectKey(): string {
    this.skipSpace();
    if (this.buf[this.pos] !== 0x22) this.fail('looking for beginning of object key string');
    const key = this.string().bytes.toString('utf8');
    this.skipSpace();
    if (this.buf[this.pos] !== 0x3a) this.fail('after object key');
    this.pos++;
    return key;
  }

  private literal(word: string, v: JsonValue): JsonValue {
    for (let k = 0; k < word.length; k++) {
      if (this.buf[this.pos] !== word.charCodeAt(k)) this.fail(`in literal ${word} (expecting '${word[k]}')`);
      this.pos++;
    }
    return v;
  }

  private digits(): void {
    while (this.pos < this.buf.length && isDigit(this.buf[this.pos])) this.pos++;
  }

  private number(): JsonValue {
    const start = this.pos;
    if (this.buf[this.pos] === 0x2d) {
      this.pos++;
      if (!isDigit(this.buf[this.pos])) this.fail('in numeric literal');
    }
    if (this.buf[this.pos] === 0x30) this.pos++;
    else this.digits();
    if (this.buf[this.pos] === 0x2e) {
      this.pos++;
      if (!isDigit(this.buf[this.pos])) this.fail('after decimal point in numeric literal');
      this.digits();
    }
    const e = this.buf[this.pos];
    if (e === 0x65 || e === 0x45) {
      this.pos++;
      const s = this.buf[this.pos];
      if (s === 0x2b || s === 0x2d) this.pos++;
      if (!isDigit(this.buf[this.pos])) this.fail('in exponent of numeric literal');
      this.digits();
    }
    return { kind: 'number', text: this.buf.toString('latin1', start, this.pos) };
  }

  private string(): { kind: 'string'; raw: Buffer; bytes: Buffer } {
    this.pos++; // '"'
    const start = this.pos;
    let escaped = false;
    for (;;) {
      const c = this.buf[this.pos];
      if (this.pos >= this.buf.length) this.fail('in string literal');
      if (c === 0x22) break;
      if (c < 0x20) this.fail('in string literal');
      if (c === 0x5c) {
        escaped = true;
        this.pos++;
        const e = this.buf[this.pos];
        if (e === 0x75) {
          for (let k = 0; k < 4; k++) {
            this.pos++;
            if (!isHex(this.buf[this.pos])) this.fail('in \\u hexadecimal character escape');
          }
        } else if (!'bfnrt\\/"'.includes(String.fromCharCode(e)) || this.pos >= this.buf.length) {
          this.fail('in string escape code');
        }
      }
      this.pos++;
    }
    const raw = this.buf.subarray(start, this.pos);
    this.pos++; // closing '"'
    return { kind: 'string', raw, bytes: escaped ? unescape(raw) : coerceUtf8(raw) };
  }
}

const simpleEscapes: Record<string, number> = { b: 8, f: 12, n: 10, r: 13, t: 9, '\\': 0x5c, '/': 0x2f, '"': 0x22 };

function hex4(raw: Buffer, at: number): number {
  return at + 4 <= raw.length ? parseInt(raw.toString('latin1', at, at + 4), 16) : -1;
}

/** Go's unquoteBytes on an already validated literal: escapes resolved, bad surrogates and bad UTF-8 → U+FFFD. */
function unescape(raw: Buffer): Buffer {
  let s = '';
  let i = 0;
  while (i < raw.length) {
    const c = raw[i];
    if (c !== 0x5c) {
      const [r, size] = decodeRune(raw, i);
      s += String.fromCodePoint(r);
      i += size;
      continue;
    }
    const e = String.fromCharCode(raw[i + 1]);
    if (e !== 'u') {
      s += String.fromCharCode(simpleEscapes[e]);
      i += 2;
      continue;
    }
    let r = hex4(raw, i + 2);
    i += 6;
    if (r >= 0xd800 && r <= 0xdfff) {
      const lo = raw[i] === 0x5c && raw[i + 1] === 0x75 ? hex4(raw, i + 2) : -1;
      if (r <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff) {
        r = 0x10000 + ((r - 0xd800) << 10) + (lo - 0xdc00);
        i += 6;
      } else {
        r = 0xfffd;
      }
    }
    s += String.fromCodePoint(r);
  }
  return Buffer.from(s, 'utf8');
}

/** json.Decoder.Decode: the body's first JSON value, or null for an empty/whitespace body. */
export function readFirstValue(body: Buffer): JsonValue | null {
  return new Reader(body, 'decoder').first();
}

/**
 * json.Decoder.Decode on a stream: the first value of `buf` and the offset just past it (what follows is the
 * next value's), or a null value when `buf` holds only whitespace. Syntax errors are thrown as Go words them.
 */
export function readNextValue(buf: Buffer): { readonly value: JsonValue | null; readonly end: number } {
  const r = new Reader(buf, 'decoder');
  const value = r.first();
  return { value, end: r.offset };
}

/** json.Unmarshal's syntax check and parse of a whole input. */
export function readWholeValue(text: Buffer): JsonValue {
  return new Reader(text, 'unmarshal').whole();
}
