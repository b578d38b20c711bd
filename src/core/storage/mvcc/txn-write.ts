// One etcd transaction inside a write batch: every change of one log entry shares main revision
// beginRevision + 1, with sub revisions 0, 1, 2… in order. Reads see this transaction's own earlier writes
// (LMDB's write transaction), like etcd's storeTxnWrite.
import assert from 'node:assert';
import { Errors, raise } from '../../errors';
import type { BackendWriteTxn } from '../backend';
import { encodeDeletedKeyValue, keyValueSize, writeKeyValue } from './key-value-codec';
import { scanBoundsOf, type RangeEnd } from './key-range';
import type { MvccReader } from './reader';
import { activateAlarm, alarmRecords, deactivateAlarm } from './alarm-store';
import { attachKey, attachedKeys, detachKey, leaseRecord, putLeaseRecord, removeLeaseRecord } from './lease-index';
import {
  keyPointerBytes, maxKeyBytes, maxSubRevision, pointerCreateRevision, pointerLease, pointerMain, pointerSub, pointerVersion, recordHeaderBytes,
  revisionKeyBytes, revisionMainOf, revisionSubOf, writeKeyPointer, writeRecordHeader, writeRevisionKey,
} from './record';
import type { KvWriter, MvccEvent, MvccRangeResult } from './types';

const EMPTY = new Uint8Array(0);

/** Batch-level state a transaction reads and updates (owned by the write batch). */
export interface TxnWriteHost {
  compactRevision: number;
  readonly eventPrevKv: boolean;
}

export class TxnWrite implements KvWriter {
  beginRevision = 0;
  private changes = 0;
  events: MvccEvent[] = [];
  private w: BackendWriteTxn | null = null;
  private readonly revKey = Buffer.alloc(revisionKeyBytes);
  private readonly pointer = Buffer.alloc(keyPointerBytes);

  constructor(
    private readonly reader: MvccReader,
    private readonly host: TxnWriteHost,
  ) {}

  /** @internal Starts a transaction at store revision `beginRevision` inside backend write `w`. */
  begin(w: BackendWriteTxn, beginRevision: number): void {
    this.w = w;
    this.beginRevision = beginRevision;
    this.changes = 0;
    this.events = [];
  }

  /** @internal Ends it; the transaction must not be used afterwards. */
  end(): void {
    this.w = null;
  }

  get changed(): boolean {
    return this.changes > 0;
  }

  get revision(): number {
    return this.changes > 0 ? this.beginRevision + 1 : this.beginRevision;
  }

  get compactRevision(): number {
    return this.host.compactRevision;
  }

  range(key: Uint8Array, end: RangeEnd, revision = 0, limit = 0, countOnly = false): MvccRangeResult {
    this.active();
    return this.reader.range(key, end, revision, limit, countOnly, this.revision, this.host.compactRevision);
  }

  get(key: Uint8Array): Uint8Array | undefined {
    this.active();
    return this.reader.latest(key);
  }

  put(key: Uint8Array, value: Uint8Array, lease: bigint): number {
    const w = this.active();
    assert(key.length > 0 && key.length <= maxKeyBytes, 'mvcc: put key length');
    const { keys, tombstones, revisions } = this.reader.buckets;
    const main = this.beginRevision + 1;
    const sub = this.nextSub();
    let createRevision = main;
    let version = 1;
    let prevMain = 0;
    let prevSub = 0;
    let prevKv: Uint8Array | undefined;
    let prevLease = 0n;
    const ptr = keys.getFast(key);
    if (ptr !== undefined) {
      prevMain = pointerMain(ptr);
      prevSub = pointerSub(ptr);
      createRevision = pointerCreateRevision(ptr);
      version = pointerVersion(ptr) + 1;
      prevLease = pointerLease(ptr);
      if (this.host.eventPrevKv) prevKv = this.reader.payloadAt(prevMain, prevSub);
    } else {
      const tomb = tombstones.getFast(key);
      if (tomb !== undefined) {
        prevMain = revisionMainOf(tomb);
        prevSub = revisionSubOf(tomb);
        w.remove(tombstones, key);
      }
    }
    const size = keyValueSize(key.length, createRevision, main, version, value.length, lease);
    const rec = Buffer.allocUnsafe(recordHeaderBytes + size);
    writeRecordHeader(rec, false, prevMain, prevSub);
    const endPos = writeKeyValue(rec, recordHeaderBytes, key, createRevision, main, version, value, lease);
    assert(endPos === rec.length, 'mvcc: record size');
    writeRevisionKey(this.revKey, 0, main, sub);
    w.append(revisions, this.revKey, rec);
    writeKeyPointer(this.pointer, main, sub, createRevision, version, lease);
    w.put(keys, key, this.pointer);
    if (prevLease !== lease) {
      const leases = this.reader.buckets.lease;
      if (prevLease !== 0n) detachKey(w, leases, prevLease, key);
      if (lease !== 0n) attachKey(w, leases, lease, key);
    }
    const kv = rec.subarray(recordHeaderBytes);
    this.events.push(prevKv === undefined ? { type: 'PUT', key, revision: main, kv } : { type: 'PUT', key, revision: main, kv, prevKv });
    return main;
  }

  deleteRange(key: Uint8Array, end: RangeEnd, prevKvs?: Uint8Array[]): number {
    const w = this.active();
    const { keys, tombstones, revisions } = this.reader.buckets;
    const targets: { key: Buffer; value: Buffer }[] = [];
    if (end === null) {
      if (key.length <= this.reader.maxKeyBytes) {
        const ptr = keys.get(key);
        if (ptr !== undefined) targets.push({ key: Buffer.from(key), value: ptr });
      }
    } else {
      const bounds = scanBoundsOf(key, end, this.reader.maxKeyBytes);
      if (bounds !== null) for (const e of keys.scan(bounds)) targets.push(e);
    }
    const main = this.beginRevision + 1;
    const wantPrev = prevKvs !== undefined || this.host.eventPrevKv;
    for (const t of targets) {
      const sub = this.nextSub();
      const ptrMain = pointerMain(t.value);
      const ptrSub = pointerSub(t.value);
      const lease = pointerLease(t.value);
      if (lease !== 0n) detachKey(w, this.reader.buckets.lease, lease, t.key);
      const prevKv = wantPrev ? this.reader.payloadAt(ptrMain, ptrSub) : undefined;
      if (prevKvs !== undefined && prevKv !== undefined) prevKvs.push(prevKv);
      // etcd stores a tombstone's value as KeyValue{key} only
      const size = keyValueSize(t.key.length, 0, 0, 0, 0, 0n);
      const rec = Buffer.allocUnsafe(recordHeaderBytes + size);
      writeRecordHeader(rec, true, ptrMain, ptrSub);
      writeKeyValue(rec, recordHeaderBytes, t.key, 0, 0, 0, EMPTY, 0n);
      writeRevisionKey(this.revKey, 0, main, sub);
      w.append(revisions, this.revKey, rec);
      w.remove(keys, t.key);
      w.put(tombstones, t.key, this.revKey);
      const kv = encodeDeletedKeyValue(t.key, main);
      this.events.push(this.host.eventPrevKv && prevKv !== undefined
        ? { type: 'DELETE', key: t.key, revision: main, kv, prevKv }
        : { type: 'DELETE', key: t.key, revision: main, kv });
    }
    return targets.length;
  }

  leaseExists(id: bigint): boolean {
    this.active();
    return leaseRecord(this.reader.buckets.lease, id) !== undefined;
  }

  leaseGrant(id: bigint, ttl: number): boolean {
    const w = this.active();
    if (leaseRecord(this.reader.buckets.lease, id) !== undefined) return false;
    putLeaseRecord(w, this.reader.buckets.lease, id, ttl, 0);
    return true;
  }

  leaseRevoke(id: bigint): boolean {
    const w = this.active();
    const bucket = this.reader.buckets.lease;
    if (leaseRecord(bucket, id) === undefined) return false;
    // etcd deletes the lease's keys in key order, all at one revision
    const keys = attachedKeys(bucket, id).sort(Buffer.compare);
    for (const k of keys) this.deleteRange(k, null);
    removeLeaseRecord(w, bucket, id);
    return true;
  }

  leaseCheckpoint(id: bigint, remainingTtl: number): void {
    const w = this.active();
    const r = leaseRecord(this.reader.buckets.lease, id);
    if (r !== undefined) putLeaseRecord(w, this.reader.buckets.lease, id, r.ttl, remainingTtl);
  }

  alarmActivate(memberId: bigint, alarm: number): boolean {
    return activateAlarm(this.active(), this.reader.buckets.alarm, memberId, alarm);
  }

  alarmRaised(alarm: number): boolean {
    this.active();
    return alarmRecords(this.reader.buckets.alarm).some((a) => a.alarm === alarm);
  }

  alarmDeactivate(memberId: bigint, alarm: number): boolean {
    return deactivateAlarm(this.active(), this.reader.buckets.alarm, memberId, alarm);
  }

  compact(revision: number): void {
    this.active();
    if (revision <= this.host.compactRevision) raise(Errors.Compacted);
    if (revision > this.revision) raise(Errors.FutureRev);
    this.host.compactRevision = revision;
  }

  private nextSub(): number {
    assert(this.changes <= maxSubRevision, 'mvcc: too many changes in one revision');
    return this.changes++;
  }

  private active(): BackendWriteTxn {
    assert(this.w !== null, 'mvcc: write transaction used outside its entry');
    return this.w;
  }
}
