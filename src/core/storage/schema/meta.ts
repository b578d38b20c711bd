// The meta bucket: what the backend's data describes, written in the same LMDB transaction as that data.
import assert from 'node:assert';
import type { Bucket, BackendWriteTxn } from '../backend';
import { readInt64BE, writeInt64BE, writeUint64BE } from './int64-be';

/** The storage format this code writes; a backend holding another one must be migrated first. */
export const storageVersion = 'cairn-storage-1';

const key = (s: string) => Buffer.from(s, 'latin1');

/** Meta keys (etcd's names where etcd has the same notion). Numbers are 8-byte big-endian int64. */
export const MetaKeys = Object.freeze({
  /** index of the last raft entry applied to this backend */
  consistentIndex: key('consistent_index'),
  /** term of that entry */
  term: key('term'),
  storageVersion: key('storageVersion'),
  /** MVCC main revision of the last change (1 in an empty store, as etcd) */
  currentRevision: key('current_revision'),
  /** revision of the last accepted compaction: reads below it fail (-1: never compacted, as etcd) */
  compactRevision: key('scheduledCompactRev'),
  /** revision key of the last history record the physical compaction has processed (absent: none) */
  compactProgress: key('compact_progress'),
});

export interface MetaState {
  readonly consistentIndex: number;
  readonly term: number;
  readonly currentRevision: number;
  readonly compactRevision: number;
  readonly compactProgress: Buffer | undefined;
  readonly storageVersion: string | undefined;
}

/** etcd's initial revisions: an empty store is at revision 1 and has never been compacted. */
export const initialCurrentRevision = 1;
export const initialCompactRevision = -1;

const scratch = Buffer.alloc(8);

export function readMeta(meta: Bucket): MetaState {
  const sv = meta.get(MetaKeys.storageVersion);
  return {
    consistentIndex: readNumber(meta, MetaKeys.consistentIndex, 0),
    term: readNumber(meta, MetaKeys.term, 0),
    currentRevision: readNumber(meta, MetaKeys.currentRevision, initialCurrentRevision),
    compactRevision: readNumber(meta, MetaKeys.compactRevision, initialCompactRevision),
    compactProgress: meta.get(MetaKeys.compactProgress),
    storageVersion: sv === undefined ? undefined : sv.toString('latin1'),
  };
}

function readNumber(meta: Bucket, k: Buffer, absent: number): number {
  const v = meta.getFast(k);
  if (v === undefined) return absent;
  assert(v.length === 8, 'meta: bad number');
  const n = readInt64BE(v, 0);
  assert(n >= BigInt(-Number.MAX_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER), 'meta: number out of range');
  return Number(n);
}

/** Writes a meta number (inside the caller's write transaction). */
export function writeMetaNumber(w: BackendWriteTxn, meta: Bucket, k: Buffer, n: number): void {
  assert(Number.isSafeInteger(n), 'meta: not a safe integer');
  if (n >= 0) writeUint64BE(scratch, 0, n);
  else writeInt64BE(scratch, 0, BigInt(n));
  w.put(meta, k, scratch);
}

export function writeMetaBytes(w: BackendWriteTxn, meta: Bucket, k: Buffer, v: Uint8Array): void {
  w.put(meta, k, v);
}

/**
 * Stamps a fresh backend with this code's storage version, or checks an existing one. Throws when the backend
 * holds a format this code does not read.
 */
export function ensureStorageVersion(w: BackendWriteTxn, meta: Bucket): void {
  const sv = meta.get(MetaKeys.storageVersion);
  if (sv === undefined) {
    w.put(meta, MetaKeys.storageVersion, Buffer.from(storageVersion, 'latin1'));
    return;
  }
  const found = sv.toString('latin1');
  if (found !== storageVersion) throw new Error(`storage: backend has storage version ${found}, this build reads ${storageVersion}`);
}
