// The MVCC store: etcd's revisioned key-value model on the LMDB backend, with a persistent key index (nothing
// is scanned on open). Writes come in batches of committed log entries, one LMDB transaction per batch; the
// consistent index (last applied entry), the current revision and the compaction state are stored in that
// same transaction, so a crash replays exactly the entries above the stored consistent index.
import assert from 'node:assert';
import { EtcdError, Errors, raise } from '../../errors';
import type { Backend, BackendWriteTxn, ReadSnapshot } from '../backend';
import { Buckets, MetaKeys, ensureStorageVersion, readMeta, storageVersion, writeMetaBytes, writeMetaNumber } from '../schema';
import { compactBatch, compactionBatchRecords, compactionRemains } from './compaction';
import { hashHistory } from './hash';
import { decodeKeyValue, encodeDeletedKeyValue } from './key-value-codec';
import type { RangeEnd } from './key-range';
import { PinnedRead } from './pinned-read';
import { attachedKeys, leaseRecord, leaseRecords, type LeaseRecord } from './lease-index';
import { alarmRecords, type AlarmRecord } from './alarm-store';
import { copyPayload, MvccReader, type EncodedRange, type MvccBuckets } from './reader';
import {
  hasPrevRecord, isTombstoneRecord, maxKeyBytes, recordHeaderBytes, recordPrevMain, recordPrevSub, revisionKey, revisionMainOf, revisionSubOf,
} from './record';
import { TxnWrite, type TxnWriteHost } from './txn-write';
import type { AppliedEntry, EntryOutcome, HashKVResult, KvReader, KvWriter, MvccEvent, MvccRangeResult } from './types';

export interface MvccStoreOptions {
  /** attach each change's previous KeyValue to its event (costs a read per change); settable later */
  readonly eventPrevKv?: boolean;
}

/** Events returned by `readEvents` per call, at most. */
export const readEventsMax = 10_000;

interface StoreState {
  consistentIndex: number;
  term: number;
  currentRevision: number;
  compactRevision: number;
}

const NO_EVENTS: readonly MvccEvent[] = Object.freeze([]);

/** One batch of committed entries in one LMDB write transaction; get it from `MvccStore.writeBatch`. */
export class WriteBatch implements TxnWriteHost {
  consistentIndex = 0;
  term = 0;
  currentRevision = 0;
  compactRevision = 0;
  private compactChanged = false;
  private w: BackendWriteTxn | null = null;
  private readonly txn: TxnWrite;

  /** @internal */
  constructor(
    private readonly store: MvccStore,
    reader: MvccReader,
  ) {
    this.txn = new TxnWrite(reader, this);
  }

  get eventPrevKv(): boolean {
    return this.store.eventPrevKv;
  }

  /** @internal */
  begin(w: BackendWriteTxn, s: StoreState): void {
    this.w = w;
    this.consistentIndex = s.consistentIndex;
    this.term = s.term;
    this.currentRevision = s.currentRevision;
    this.compactRevision = s.compactRevision;
    this.compactChanged = false;
  }

  /** @internal Writes the meta this batch changed; returns the state to publish once committed. */
  finish(): StoreState & { compactChanged: boolean } {
    const w = this.w;
    assert(w !== null, 'mvcc: batch not begun');
    const meta = this.store.backend.bucket(Buckets.meta);
    writeMetaNumber(w, meta, MetaKeys.consistentIndex, this.consistentIndex);
    writeMetaNumber(w, meta, MetaKeys.term, this.term);
    writeMetaNumber(w, meta, MetaKeys.currentRevision, this.currentRevision);
    if (this.compactChanged) writeMetaNumber(w, meta, MetaKeys.compactRevision, this.compactRevision);
    this.w = null;
    return {
      consistentIndex: this.consistentIndex, term: this.term, currentRevision: this.currentRevision,
      compactRevision: this.compactRevision, compactChanged: this.compactChanged,
    };
  }

  /**
   * Applies one committed entry as one etcd transaction: `fn(w, arg)` does the entry's reads and writes.
   * Returns null, without calling `fn`, when the entry was applied before (index <= consistent index: replay).
   * An EtcdError thrown by `fn` before it changed anything fails the entry (reported in the outcome; the index
   * still counts as applied); any other throw, or an EtcdError after a change, aborts the whole batch.
   */
  apply<A, R>(entry: AppliedEntry, fn: (w: KvWriter, arg: A) => R, arg: A): EntryOutcome<R> | null {
    const w = this.w;
    assert(w !== null, 'mvcc: batch not begun');
    if (entry.index <= this.consistentIndex) return null;
    const txn = this.txn;
    const compactBefore = this.compactRevision;
    txn.begin(w, this.currentRevision);
    let result: R | undefined;
    let error: EtcdError | undefined;
    try {
      result = fn(txn, arg);
    } catch (e) {
      if (!(e instanceof EtcdError)) throw e;
      assert(!txn.changed, `mvcc: entry ${entry.index} failed after changing the store: ${e.message}`);
      error = e;
    } finally {
      txn.end();
    }
    if (this.compactRevision !== compactBefore) this.compactChanged = true;
    this.consistentIndex = entry.index;
    this.term = entry.term;
    if (txn.changed) this.currentRevision++;
    return { index: entry.index, revision: this.currentRevision, events: txn.events.length === 0 ? NO_EVENTS : txn.events, result, error };
  }
}

export class MvccStore implements KvReader {
  /** attach each change's previous KeyValue to its event (the watch layer turns it on for prev_kv watchers) */
  eventPrevKv: boolean;
  private state: StoreState;
  private compactProgress: Buffer | undefined;
  private compactPending: boolean;
  private readonly reader: MvccReader;
  private readonly snapshotFn: () => ReadSnapshot;
  private readonly buckets: MvccBuckets;
  private readonly batch: WriteBatch;
  private inBatch = false;

  private constructor(readonly backend: Backend, opts: MvccStoreOptions) {
    this.eventPrevKv = opts.eventPrevKv === true;
    this.buckets = {
      revisions: backend.bucket(Buckets.revisions),
      keys: backend.bucket(Buckets.keys),
      tombstones: backend.bucket(Buckets.tombstones),
      lease: backend.bucket(Buckets.lease),
      alarm: backend.bucket(Buckets.alarm),
    };
    this.reader = new MvccReader(this.buckets, backend.maxKeyBytes);
    this.snapshotFn = () => backend.snapshot();
    this.batch = new WriteBatch(this, this.reader);
    const meta = readMeta(backend.bucket(Buckets.meta));
    this.state = {
      consistentIndex: meta.consistentIndex, term: meta.term,
      currentRevision: meta.currentRevision, compactRevision: meta.compactRevision,
    };
    this.compactProgress = meta.compactProgress;
    this.compactPending = compactionRemains(this.buckets, this.compactProgress, this.state.compactRevision);
  }

  /** Opens the store on a backend opened with every bucket of ../schema. Reads a few meta keys; no scans. */
  static open(backend: Backend, opts: MvccStoreOptions = {}): MvccStore {
    assert(backend.maxKeyBytes >= maxKeyBytes, 'mvcc: backend stores shorter keys than the store takes');
    const meta = backend.bucket(Buckets.meta);
    if (backend.readOnly) {
      const sv = readMeta(meta).storageVersion;
      if (sv !== undefined && sv !== storageVersion) throw new Error(`storage: backend has storage version ${sv}, this build reads ${storageVersion}`);
    } else {
      backend.writeSync((w) => ensureStorageVersion(w, meta));
    }
    return new MvccStore(backend, opts);
  }

  get currentRevision(): number {
    return this.state.currentRevision;
  }

  /** KvReader: the current revision. */
  get revision(): number {
    return this.state.currentRevision;
  }

  get compactRevision(): number {
    return this.state.compactRevision;
  }

  get consistentIndex(): number {
    return this.state.consistentIndex;
  }

  get term(): number {
    return this.state.term;
  }

  /** Whether physical compaction has work left (call `compactStep` between write batches). */
  get compactionPending(): boolean {
    return this.compactPending;
  }

  range(key: Uint8Array, end: RangeEnd, revision = 0, limit = 0, countOnly = false): MvccRangeResult {
    assert(!this.inBatch, 'mvcc: store read inside a write batch (use the entry\'s writer)');
    return this.reader.range(key, end, revision, limit, countOnly, this.state.currentRevision, this.state.compactRevision);
  }

  /** See KvReader.rangeLatestEncoded: the latest KeyValues of a key range, copied once into a response buffer. */
  rangeLatestEncoded(key: Uint8Array, end: Uint8Array, limit: number, streamAboveBytes?: number): EncodedRange {
    assert(!this.inBatch, 'mvcc: store read inside a write batch (use the entry\'s writer)');
    const stream = streamAboveBytes === undefined ? undefined : { aboveBytes: streamAboveBytes, snapshot: this.snapshotFn };
    return this.reader.rangeLatestEncoded(key, end, limit, this.state.currentRevision, stream);
  }

  /**
   * The store as it is now, pinned until the PinnedRead is closed: for reads spanning event-loop turns
   * (RangeStream). Writes and compactions after this call do not change what it reads.
   */
  /** Live keys: the key index's entry count, as LMDB keeps it. */
  keysTotal(): number {
    return this.buckets.keys.entryCount();
  }

  /** Every raised alarm. */
  alarms(): AlarmRecord[] {
    return alarmRecords(this.buckets.alarm);
  }

  /** Every stored lease (read at start by the lessor; leases are few next to keys). */
  leases(): LeaseRecord[] {
    assert(!this.inBatch, 'mvcc: store read inside a write batch');
    return [...leaseRecords(this.buckets.lease)];
  }

  lease(id: bigint): LeaseRecord | undefined {
    return leaseRecord(this.buckets.lease, id);
  }

  /** The keys attached to lease `id` (at most `limit`, 0: all), in key order. */
  leaseKeys(id: bigint, limit = 0): Buffer[] {
    assert(!this.inBatch, 'mvcc: store read inside a write batch');
    return attachedKeys(this.buckets.lease, id, limit).sort(Buffer.compare);
  }

  pinnedRead(): PinnedRead {
    assert(!this.inBatch, 'mvcc: store read inside a write batch (use the entry\'s writer)');
    return new PinnedRead(this.buckets, this.backend.maxKeyBytes, this.snapshotFn(), this.state.currentRevision, this.state.compactRevision);
  }

  /** The key's latest KeyValue (encoded), or undefined: the point-read fast path. */
  get(key: Uint8Array): Uint8Array | undefined {
    return this.reader.latest(key);
  }

  /**
   * Runs `fn` with one write batch in one LMDB write transaction and commits it (committed and visible, not
   * durable: see backend.ts). The store's revisions and indexes change only once the commit succeeded; if
   * anything throws, nothing of the batch is kept and the exception propagates (the caller must stop).
   */
  writeBatch<T>(fn: (batch: WriteBatch) => T): T {
    assert(!this.inBatch, 'mvcc: nested write batch');
    const batch = this.batch;
    let next: ReturnType<WriteBatch['finish']> | undefined;
    this.inBatch = true;
    try {
      const result = this.backend.writeSync((w) => {
        batch.begin(w, this.state);
        const r = fn(batch);
        next = batch.finish();
        return r;
      });
      assert(next !== undefined);
      this.state = { consistentIndex: next.consistentIndex, term: next.term, currentRevision: next.currentRevision, compactRevision: next.compactRevision };
      if (next.compactChanged) this.compactPending = true;
      return result;
    } finally {
      this.inBatch = false;
    }
  }

  /**
   * Physically removes up to `maxRecords` superseded history records of the pending compaction in one LMDB
   * transaction (progress stored with it, so a crash resumes where it stopped). Returns whether work is left.
   */
  compactStep(maxRecords = compactionBatchRecords): boolean {
    assert(!this.inBatch, 'mvcc: compactStep inside a write batch');
    if (!this.compactPending) return false;
    const target = this.state.compactRevision;
    const meta = this.backend.bucket(Buckets.meta);
    const progress = this.backend.writeSync((w) => {
      const p = compactBatch(w, this.buckets, this.compactProgress, target, maxRecords);
      if (p.lastKey !== undefined) writeMetaBytes(w, meta, MetaKeys.compactProgress, p.lastKey);
      return p;
    });
    this.compactProgress = progress.lastKey;
    this.compactPending = !progress.done;
    return this.compactPending;
  }

  /**
   * etcd's HashKV at `revision` (0: current): Errors.Compacted at or below the compact revision,
   * Errors.FutureRev above the current one. Finishes any pending physical compaction first.
   */
  hashKV(revision = 0): HashKVResult {
    const { currentRevision, compactRevision } = this.state;
    if (revision > 0 && revision <= compactRevision) raise(Errors.Compacted);
    if (revision > 0 && revision > currentRevision) raise(Errors.FutureRev);
    const upTo = revision === 0 ? currentRevision : revision;
    while (this.compactStep()) { /* bounded steps until done */ }
    return { hash: hashHistory(this.reader, upTo, compactRevision, currentRevision), compactRevision, hashRevision: upTo, currentRevision };
  }

  /**
   * Up to `limit` (<= readEventsMax) events with main revision >= `fromRevision`, in revision order, for a
   * watcher catching up (from sub revision `fromSub` of `fromRevision`: the rest of a revision read in parts).
   * The caller refuses revisions below the compact revision (etcd: compacted).
   */
  readEvents(fromRevision: number, limit: number, withPrevKv: boolean, fromSub = 0): MvccEvent[] {
    assert(limit > 0 && limit <= readEventsMax, 'mvcc: readEvents limit');
    const out: MvccEvent[] = [];
    const start = revisionKey(Math.max(fromRevision, 1), fromRevision >= 1 ? fromSub : 0);
    for (const { key: rk, value: rec } of this.buckets.revisions.scan({ start, limit })) {
      const main = revisionMainOf(rk);
      const payload = rec.subarray(recordHeaderBytes);
      const key = decodeKeyValue(payload).key;
      let prevKv: Uint8Array | undefined;
      if (withPrevKv && hasPrevRecord(rec)) {
        const prev = this.reader.record(recordPrevMain(rec), recordPrevSub(rec));
        if (prev !== undefined && !isTombstoneRecord(prev)) prevKv = copyPayload(prev);
      }
      const tomb = isTombstoneRecord(rec);
      const kv = tomb ? encodeDeletedKeyValue(key, main) : payload;
      const sub = revisionSubOf(rk);
      out.push(prevKv === undefined ? { type: tomb ? 'DELETE' : 'PUT', key, revision: main, sub, kv } : { type: tomb ? 'DELETE' : 'PUT', key, revision: main, sub, kv, prevKv });
    }
    return out;
  }
}
