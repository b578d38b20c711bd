// A reader of the store frozen at one moment: every read goes through one pinned LMDB read snapshot, so a read
// that spans many event-loop turns (RangeStream) sees one consistent state, whatever writes and compactions
// (logical or physical) happen meanwhile. Pinning costs nothing up front; while pinned, LMDB cannot reuse the
// pages freed after it, so whoever opens one closes it as soon as the read is over or abandoned.
import type { ReadSnapshot } from '../backend';
import type { RangeEnd } from './key-range';
import { MvccReader, type MvccBuckets } from './reader';
import type { KvReader, MvccRangeResult } from './types';

export class PinnedRead implements KvReader {
  private snap: ReadSnapshot | undefined;
  private readonly reader: MvccReader;

  /** `revision`/`compactRevision`: the store's, read in the same synchronous turn as the snapshot was pinned */
  constructor(buckets: MvccBuckets, maxKeyBytes: number, snapshot: ReadSnapshot, readonly revision: number, readonly compactRevision: number) {
    this.snap = snapshot;
    this.reader = new MvccReader({
      revisions: buckets.revisions.pinned(snapshot),
      keys: buckets.keys.pinned(snapshot),
      tombstones: buckets.tombstones.pinned(snapshot),
      lease: buckets.lease.pinned(snapshot),
      alarm: buckets.alarm.pinned(snapshot),
    }, maxKeyBytes);
  }

  range(key: Uint8Array, end: RangeEnd, revision = 0, limit = 0, countOnly = false): MvccRangeResult {
    this.check();
    return this.reader.range(key, end, revision, limit, countOnly, this.revision, this.compactRevision);
  }

  /** See MvccReader.rangeChunk. */
  rangeChunk(key: Uint8Array, end: Uint8Array, revision: number, limit: number, maxBytes: number): { kvs: Buffer[]; more: boolean } {
    this.check();
    return this.reader.rangeChunk(key, end, revision, limit, maxBytes, this.revision, this.compactRevision);
  }

  get closed(): boolean {
    return this.snap === undefined;
  }

  /** Unpins the snapshot; reads after it throw. Idempotent. */
  close(): void {
    const snap = this.snap;
    this.snap = undefined;
    snap?.done();
  }

  private check(): void {
    if (this.snap === undefined) throw new Error('mvcc: read through a closed pinned snapshot');
  }
}
