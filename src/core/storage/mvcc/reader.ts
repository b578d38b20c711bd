// The read paths over the MVCC buckets, shared by the store (committed state) and a write (its own state).
// Latest reads: the `keys` bucket points at each live key's newest record (one lookup, then the record).
// Past reads at R: start at the key's newest revision (live pointer or tombstone) and follow the chain of
// previous-revision pointers to the newest revision <= R (see record.ts).
import assert from 'node:assert';
import { Errors, raise } from '../../errors';
import type { Bucket, BucketEntry, ReadSnapshot, ScanBounds } from '../backend';
import { compareBytes, scanBoundsOf, type RangeEnd } from './key-range';
import {
  hasPrevRecord, isTombstoneRecord, pointerMain, pointerSub, recordHeaderBytes, recordPrevMain, recordPrevSub,
  revisionMainOf, revisionSubOf, writeRevisionKey, revisionKeyBytes,
} from './record';
import { encodedHeadroomBytes, encodedTailroomBytes, type EncodedKvs, type EncodedKvsStream, type MvccRangeResult } from './types';

export interface MvccBuckets {
  readonly revisions: Bucket;
  readonly keys: Bucket;
  readonly tombstones: Bucket;
  /** lease records and the lease → keys index (lease-index.ts) */
  readonly lease: Bucket;
  /** raised alarms (alarm-store.ts) */
  readonly alarm: Bucket;
}

export class MvccReader {
  private readonly revKey = Buffer.alloc(revisionKeyBytes);

  constructor(
    readonly buckets: MvccBuckets,
    readonly maxKeyBytes: number,
  ) {}

  /** The payload (encoded KeyValue) of the record at {main, sub} as a fresh buffer; the record must exist. */
  payloadAt(main: number, sub: number): Buffer {
    const rec = this.record(main, sub);
    assert(rec !== undefined, 'mvcc: missing record');
    return copyPayload(rec);
  }

  /** The key's latest live KeyValue (encoded), or undefined. */
  latest(key: Uint8Array): Buffer | undefined {
    if (key.length > this.maxKeyBytes) return undefined;
    const ptr = this.buckets.keys.getFast(key);
    if (ptr === undefined) return undefined;
    return this.payloadAt(pointerMain(ptr), pointerSub(ptr));
  }

  /** Checks the revision against [compactRevision, currentRevision]: Errors.FutureRev / Errors.Compacted. */
  checkRevision(revision: number, currentRevision: number, compactRevision: number): void {
    if (revision > currentRevision) raise(Errors.FutureRev);
    if (revision > 0 && revision < compactRevision) raise(Errors.Compacted);
  }

  range(key: Uint8Array, end: RangeEnd, revision: number, limit: number, countOnly: boolean, currentRevision: number, compactRevision: number): MvccRangeResult {
    this.checkRevision(revision, currentRevision, compactRevision);
    if (revision <= 0 || revision >= currentRevision) return this.rangeLatest(key, end, limit, countOnly, currentRevision);
    return this.rangeAt(key, end, revision, limit, countOnly, currentRevision);
  }

  private rangeLatest(key: Uint8Array, end: RangeEnd, limit: number, countOnly: boolean, currentRevision: number): MvccRangeResult {
    if (end === null) {
      const kv = this.latest(key);
      if (kv === undefined) return { kvs: [], count: 0, revision: currentRevision };
      return { kvs: countOnly ? [] : [kv], count: 1, revision: currentRevision };
    }
    const bounds = scanBoundsOf(key, end, this.maxKeyBytes);
    if (bounds === null) return { kvs: [], count: 0, revision: currentRevision };
    const keys = this.buckets.keys;
    if (countOnly) return { kvs: [], count: keys.count(bounds), revision: currentRevision };
    const kvs: Uint8Array[] = [];
    for (const { value: ptr } of keys.scan(limit > 0 ? { ...bounds, limit } : bounds)) {
      kvs.push(this.payloadAt(pointerMain(ptr), pointerSub(ptr)));
    }
    const count = limit > 0 && kvs.length >= limit ? keys.count(bounds) : kvs.length;
    return { kvs, count, revision: currentRevision };
  }

  /**
   * Two passes over the same read snapshot (synchronous, so no write comes between): the first sums the
   * encoded sizes, the second copies each stored KeyValue once, straight into the response's buffer.
   */
  rangeLatestEncoded(key: Uint8Array, end: Uint8Array, limit: number, currentRevision: number, stream?: StreamOption): EncodedRange {
    const bounds = scanBoundsOf(key, end, this.maxKeyBytes);
    const empty = { kvs: { buf: Buffer.allocUnsafe(encodedHeadroomBytes + encodedTailroomBytes), start: encodedHeadroomBytes, end: encodedHeadroomBytes, n: 0 }, count: 0, more: false, revision: currentRevision };
    if (bounds === null) return empty;
    const keys = this.buckets.keys;
    const ptrs: number[] = [];
    const lens: number[] = [];
    let total = 0;
    let more = false;
    for (const { value: ptr } of keys.scan(limit > 0 ? { ...bounds, limit: limit + 1 } : bounds)) {
      if (limit > 0 && ptrs.length === 2 * limit) {
        more = true;
        break;
      }
      const main = pointerMain(ptr);
      const sub = pointerSub(ptr);
      const rec = this.record(main, sub);
      assert(rec !== undefined, 'mvcc: missing record');
      const len = rec.length - recordHeaderBytes;
      total += 1 + varintBytes(len) + len;
      ptrs.push(main, sub);
      lens.push(len);
    }
    const n = ptrs.length / 2;
    if (n === 0) return empty;
    if (stream !== undefined && total > stream.aboveBytes) {
      // still in the synchronous sequence of the first pass: the snapshot sees the same records
      const count = more ? keys.count(bounds) : n;
      return { kvs: empty.kvs, stream: new SnapshotKvsStream(this.buckets.revisions, stream.snapshot(), ptrs, lens, total), count, more, revision: currentRevision };
    }
    const buf = Buffer.allocUnsafe(encodedHeadroomBytes + total + encodedTailroomBytes);
    let pos = encodedHeadroomBytes;
    for (let i = 0; i < ptrs.length; i += 2) {
      const rec = this.record(ptrs[i], ptrs[i + 1]) as Buffer;
      let len = rec.length - recordHeaderBytes;
      buf[pos++] = 0x12;
      while (len > 0x7f) { buf[pos++] = (len & 0x7f) | 0x80; len >>>= 7; }
      buf[pos++] = len;
      pos += rec.copy(buf, pos, recordHeaderBytes);
    }
    assert(pos === encodedHeadroomBytes + total, 'mvcc: encoded range size changed between passes');
    const count = more ? keys.count(bounds) : n;
    return { kvs: { buf, start: encodedHeadroomBytes, end: pos, n }, count, more, revision: currentRevision };
  }

  private rangeAt(key: Uint8Array, end: RangeEnd, at: number, limit: number, countOnly: boolean, currentRevision: number): MvccRangeResult {
    const kvs: Uint8Array[] = [];
    let count = 0;
    const take = (kv: Buffer | undefined) => {
      if (kv === undefined) return;
      count++;
      if (!countOnly && (limit <= 0 || kvs.length < limit)) kvs.push(kv);
    };
    if (end === null) {
      if (key.length <= this.maxKeyBytes) take(this.valueAtKey(key, at));
      return { kvs, count, revision: currentRevision };
    }
    const bounds = scanBoundsOf(key, end, this.maxKeyBytes);
    if (bounds === null) return { kvs, count, revision: currentRevision };
    for (const kv of this.valuesAt(bounds, at)) take(kv);
    return { kvs, count, revision: currentRevision };
  }

  /**
   * The KeyValues at revision `at` of the keys within `bounds`, in key order: the live keys and the deleted
   * keys merged (a key is in exactly one of them), each followed down its chain to `at`; keys that had no
   * value then are skipped.
   */
  private *valuesAt(bounds: ScanBounds, at: number): Generator<Buffer, void, undefined> {
    const live = this.buckets.keys.scan(bounds)[Symbol.iterator]();
    const dead = this.buckets.tombstones.scan(bounds)[Symbol.iterator]();
    try {
      let a = live.next();
      let b = dead.next();
      while (!a.done || !b.done) {
        let e: BucketEntry;
        if (b.done || (!a.done && compareBytes(a.value.key, b.value.key) < 0)) {
          e = a.value;
          a = live.next();
        } else {
          assert(a.done || compareBytes(a.value.key, b.value.key) !== 0, 'mvcc: key both live and deleted');
          e = b.value;
          b = dead.next();
        }
        const kv = this.valueAt(revisionMainOf(e.value), revisionSubOf(e.value), at);
        if (kv !== undefined) yield kv;
      }
    } finally {
      // an abandoned walk releases its cursors
      live.return?.();
      dead.return?.();
    }
  }

  /**
   * One chunk of a range read piece by piece (RangeStream), over a reader that sees one pinned snapshot: the
   * KeyValues of the keys in [key, end) (end not null) at `revision` (0: current), in key order, until `limit`
   * of them (0: no limit) or about `maxBytes` (at least one). `more`: the range has keys after the last one
   * returned. No count: a chunked read pays for counting once (range with countOnly), not once per chunk.
   */
  rangeChunk(key: Uint8Array, end: Uint8Array, revision: number, limit: number, maxBytes: number, currentRevision: number, compactRevision: number): { kvs: Buffer[]; more: boolean } {
    this.checkRevision(revision, currentRevision, compactRevision);
    const kvs: Buffer[] = [];
    const bounds = scanBoundsOf(key, end, this.maxKeyBytes);
    if (bounds === null) return { kvs, more: false };
    const values = revision <= 0 || revision >= currentRevision ? this.latestValues(bounds) : this.valuesAt(bounds, revision);
    let bytes = 0;
    for (const kv of values) {
      if (kvs.length > 0 && (kvs.length === limit || bytes >= maxBytes)) return { kvs, more: true }; // for-of closes the walk
      kvs.push(kv);
      bytes += kv.length;
    }
    return { kvs, more: false };
  }

  /** The latest KeyValues of the live keys within `bounds`, in key order. */
  private *latestValues(bounds: ScanBounds): Generator<Buffer, void, undefined> {
    for (const { value: ptr } of this.buckets.keys.scan(bounds)) yield this.payloadAt(pointerMain(ptr), pointerSub(ptr));
  }

  /** The key's KeyValue at revision `at`, or undefined when it did not exist then. */
  valueAtKey(key: Uint8Array, at: number): Buffer | undefined {
    if (key.length > this.maxKeyBytes) return undefined;
    const ptr = this.buckets.keys.getFast(key);
    if (ptr !== undefined) return this.valueAt(pointerMain(ptr), pointerSub(ptr), at);
    const tomb = this.buckets.tombstones.getFast(key);
    if (tomb !== undefined) return this.valueAt(revisionMainOf(tomb), revisionSubOf(tomb), at);
    return undefined;
  }

  /**
   * Walks a key's chain from its newest revision {main, sub} to the newest revision <= `at`. A record missing
   * on the way can only be a compacted tombstone (reads below the compact revision are refused), so it means
   * "no value" when <= at; above `at` it cannot be missing.
   */
  valueAt(main: number, sub: number, at: number): Buffer | undefined {
    for (;;) {
      const rec = this.record(main, sub);
      if (main <= at) {
        if (rec === undefined || isTombstoneRecord(rec)) return undefined;
        return copyPayload(rec);
      }
      assert(rec !== undefined, 'mvcc: broken revision chain');
      if (!hasPrevRecord(rec)) return undefined;
      main = recordPrevMain(rec);
      sub = recordPrevSub(rec);
    }
  }

  /** The key's newest revision at or below `at` (stored or a compacted tombstone), or undefined. */
  revisionAt(key: Uint8Array, at: number): { main: number; sub: number; tombstone: boolean } | undefined {
    if (key.length > this.maxKeyBytes) return undefined;
    let main: number;
    let sub: number;
    const ptr = this.buckets.keys.getFast(key);
    if (ptr !== undefined) {
      main = pointerMain(ptr);
      sub = pointerSub(ptr);
    } else {
      const tomb = this.buckets.tombstones.getFast(key);
      if (tomb === undefined) return undefined;
      main = revisionMainOf(tomb);
      sub = revisionSubOf(tomb);
    }
    for (;;) {
      const rec = this.record(main, sub);
      if (main <= at) return { main, sub, tombstone: rec === undefined || isTombstoneRecord(rec) };
      assert(rec !== undefined, 'mvcc: broken revision chain');
      if (!hasPrevRecord(rec)) return undefined;
      main = recordPrevMain(rec);
      sub = recordPrevSub(rec);
    }
  }

  /** The record at {main, sub} in the reused read buffer (valid until the next read), or undefined. */
  record(main: number, sub: number): Buffer | undefined {
    writeRevisionKey(this.revKey, 0, main, sub);
    return this.buckets.revisions.getFast(this.revKey);
  }
}

/** Payloads up to this size are copied byte by byte (cheaper than creating a view for memcpy). */
const smallCopyBytes = 48;

/** Ranges whose KeyValues exceed `aboveBytes` are read lazily through a snapshot (EncodedKvsStream). */
export interface StreamOption {
  readonly aboveBytes: number;
  readonly snapshot: () => ReadSnapshot;
}

/** Copies the records `ptrs` ({main, sub} pairs) names from a pinned snapshot, a chunk at a time. */
class SnapshotKvsStream implements EncodedKvsStream {
  private i = 0;
  private snap: ReadSnapshot | undefined;
  private readonly key = Buffer.alloc(revisionKeyBytes);
  readonly n: number;

  /** `lens`: each record's payload length, from the first pass (the records cannot change under the snapshot) */
  constructor(private readonly revisions: Bucket, snapshot: ReadSnapshot, private readonly ptrs: number[], private readonly lens: number[], readonly size: number) {
    this.snap = snapshot;
    this.n = ptrs.length / 2;
  }

  next(maxBytes: number): Buffer | undefined {
    const snap = this.snap;
    assert(snap !== undefined, 'mvcc: encoded range stream read after close');
    if (this.i >= this.ptrs.length) return undefined;
    // how many whole KeyValues make this piece (at least one), from the lengths of the first pass
    const first = this.i;
    let end = first;
    let bytes = 0;
    while (end < this.ptrs.length && (end === first || bytes < maxBytes)) {
      const len = this.lens[end / 2];
      bytes += 1 + varintBytes(len) + len;
      end += 2;
    }
    const buf = Buffer.allocUnsafe(bytes);
    let pos = 0;
    for (let i = first; i < end; i += 2) {
      writeRevisionKey(this.key, 0, this.ptrs[i], this.ptrs[i + 1]);
      const rec = this.revisions.getFast(this.key, snap); // a reused buffer: copied out at once
      assert(rec !== undefined && rec.length - recordHeaderBytes === this.lens[i / 2], 'mvcc: record missing or changed under the pinned snapshot');
      let len = rec.length - recordHeaderBytes;
      buf[pos++] = 0x12;
      while (len > 0x7f) { buf[pos++] = (len & 0x7f) | 0x80; len >>>= 7; }
      buf[pos++] = len;
      pos += rec.copy(buf, pos, recordHeaderBytes);
    }
    this.i = end;
    return buf;
  }

  close(): void {
    const snap = this.snap;
    this.snap = undefined;
    snap?.done();
  }
}

export interface EncodedRange {
  readonly kvs: EncodedKvs;
  /** instead of `kvs`: a large range read lazily (see EncodedKvsStream) */
  readonly stream?: EncodedKvsStream;
  /** every key in the range */
  readonly count: number;
  /** the limit left keys out */
  readonly more: boolean;
  readonly revision: number;
}

function varintBytes(n: number): number {
  let b = 1;
  while (n > 0x7f) { n >>>= 7; b++; }
  return b;
}

/** A fresh copy of a record's payload (the record may be a reused read buffer). */
export function copyPayload(rec: Buffer): Buffer {
  const len = rec.length - recordHeaderBytes;
  const out = Buffer.allocUnsafe(len);
  if (len <= smallCopyBytes) {
    for (let i = 0; i < len; i++) out[i] = rec[recordHeaderBytes + i];
  } else {
    out.set(new Uint8Array(rec.buffer, rec.byteOffset + recordHeaderBytes, len));
  }
  return out;
}
