// Successive JSON values from a request body that arrives in chunks, as json.Decoder reads the body of a
// client-streaming call in etcd's gateway: values may be adjacent or separated by whitespace, and each one is
// read as soon as it is complete (the client may still be sending the next one).
//
// Two passes, so no byte is parsed twice while a large value trickles in: a cheap structural scan over each
// new chunk (nesting depth, strings, escapes) finds where the current value can end; only then does the real
// reader (go-json, with Go's error texts) parse it. Objects, arrays and strings end at their closing byte;
// numbers and literals only at the next byte that cannot continue them, or at the end of the body (as Go's
// decoder, which cannot know that `12` is not the start of `123` before it sees more). Memory is bounded: the
// bytes of one value are kept (at most `limitBytes`, else `too-large`), plus the rest of the chunk that
// ended it; whitespace between values is dropped as it is scanned.
import { JsonSyntaxError, readNextValue } from './go-json';
import type { JsonValue } from './go-json';

export type JsonStreamItem =
  /** a whole value (a body's `null` is a null value, not the end) */
  | { readonly kind: 'value'; readonly value: JsonValue }
  /** the next value is not complete yet: push more */
  | { readonly kind: 'more' }
  /** the body ended after the last value */
  | { readonly kind: 'end' }
  /** the next value is malformed (Go's message); nothing more is read */
  | { readonly kind: 'error'; readonly error: JsonSyntaxError }
  /** the next value is longer than the limit; nothing more is read */
  | { readonly kind: 'too-large' };

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
/** bytes that can continue a number or a literal (a wider set than valid: the reader reports what is wrong) */
const isScalarByte = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x2e || c === 0x2b || c === 0x2d;

/** unfinished values up to this size are parsed at every piece for an early syntax error */
const eagerCheckBytes = 4096;

const enum Shape { None, Container, String, Scalar }

export class JsonValueStream {
  /** the current value's bytes from its first byte (chunks[0][0]), and what arrived after them */
  private chunks: Buffer[] = [];
  /** scan position: chunk index and offset in it */
  private ci = 0;
  private off = 0;
  private shape: Shape = Shape.None;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** bytes of the current value scanned so far */
  private scanned = 0;
  /** the scan found where the current value can end */
  private complete = false;
  /** an unfinished value is parsed (for an early syntax error) when `scanned` reaches this: doubling keeps it linear */
  private checkAt = 0;
  private ended = false;
  private stopped: JsonStreamItem | null = null;

  constructor(private readonly limitBytes: number) {}

  push(chunk: Buffer): void {
    if (this.stopped === null && chunk.length > 0) this.chunks.push(chunk);
  }

  /** The body ended: what is pending must be a whole value (or whitespace). */
  end(): void {
    this.ended = true;
  }

  next(): JsonStreamItem {
    if (this.stopped !== null) return this.stopped;
    if (!this.complete) this.scan();
    if (this.stopped !== null) return this.stopped;
    if (this.shape === Shape.None) return this.ended ? this.stop({ kind: 'end' }) : { kind: 'more' };
    if (!this.complete && !this.ended) return this.earlyError() ?? { kind: 'more' };
    // the value ends where the reader says (it may stop before the scan's guess, e.g. `12x`: 12, then x)
    const buf = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    let read: { value: JsonValue | null; end: number };
    try {
      read = readNextValue(buf);
    } catch (err) {
      if (!(err instanceof JsonSyntaxError)) throw err;
      // after a complete scan the reader never runs out of input: an error here is the value's own
      return this.stop({ kind: 'error', error: err });
    }
    const rest = buf.subarray(read.end);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.ci = this.off = 0;
    this.shape = Shape.None;
    this.complete = false;
    // readNextValue skips leading whitespace only, and the scan dropped that: a value is always there
    return read.value === null ? this.next() : { kind: 'value', value: read.value };
  }

  /**
   * Go's decoder reports a syntax error at the byte that makes it, not when the value ends (which a malformed
   * value may never do): parse what has come of an unfinished value at each piece while it is small (requests
   * usually are), then each time it has doubled, which keeps the work linear.
   */
  private earlyError(): JsonStreamItem | null {
    if (this.scanned >= eagerCheckBytes && this.scanned < this.checkAt) return null;
    this.checkAt = 2 * this.scanned;
    const buf = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    this.chunks = [buf];
    this.ci = 0;
    this.off = buf.length;
    try {
      readNextValue(buf);
    } catch (err) {
      if (!(err instanceof JsonSyntaxError)) throw err;
      if (err.message !== 'unexpected EOF') return this.stop({ kind: 'error', error: err });
    }
    return null;
  }

  private stop(item: JsonStreamItem): JsonStreamItem {
    this.stopped = item;
    this.chunks = [];
    return item;
  }

  /** Scans the new bytes until the current value can end, or they run out. */
  private scan(): void {
    while (this.ci < this.chunks.length) {
      const chunk = this.chunks[this.ci];
      let i = this.off;
      if (this.shape === Shape.None) {
        while (i < chunk.length && isSpace(chunk[i])) i++;
        if (i === chunk.length) {
          // whitespace only: drop it
          this.chunks.splice(this.ci, 1);
          this.off = 0;
          continue;
        }
        // the value starts here: make it chunks[0][0]
        this.chunks = [chunk.subarray(i), ...this.chunks.slice(this.ci + 1)];
        this.ci = 0;
        this.off = 0;
        this.begin(this.chunks[0][0]);
        if (this.complete) return;
        this.off = 1;
        continue;
      }
      i = this.walk(chunk, i);
      this.scanned += i - this.off;
      if (this.scanned > this.limitBytes) {
        this.stop({ kind: 'too-large' });
        return;
      }
      if (this.complete) return;
      this.ci++;
      this.off = 0;
    }
  }

  private begin(c: number): void {
    this.scanned = 1;
    this.checkAt = 0;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    if (c === 0x7b || c === 0x5b) {
      this.shape = Shape.Container;
      this.depth = 1;
    } else if (c === 0x22) {
      this.shape = Shape.String;
      this.inString = true;
    } else if (isScalarByte(c)) {
      this.shape = Shape.Scalar;
    } else {
      // no value starts with this byte: let the reader say so now
      this.shape = Shape.Scalar;
      this.complete = true;
    }
  }

  /** Advances over `chunk` from `i`; returns where it stopped (just past the value's end when complete). */
  private walk(chunk: Buffer, i: number): number {
    if (this.shape === Shape.Scalar) {
      while (i < chunk.length && isScalarByte(chunk[i])) i++;
      if (i < chunk.length) this.complete = true;
      return i;
    }
    while (i < chunk.length) {
      const c = chunk[i++];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) {
          this.inString = false;
          if (this.shape === Shape.String) {
            this.complete = true;
            return i;
          }
        }
      } else if (c === 0x22) {
        this.inString = true;
      } else if (c === 0x7b || c === 0x5b) {
        this.depth++;
      } else if (c === 0x7d || c === 0x5d) {
        if (--this.depth === 0) {
          this.complete = true;
          return i;
        }
      }
    }
    return i;
  }
}
