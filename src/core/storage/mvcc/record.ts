// The MVCC layout on disk (buckets named in ../schema/buckets.ts).
//
// revisions: revision key → record. Every change (put or delete) of every key, in revision order.
//   revision key = main (8 bytes BE) + sub (4 bytes BE)           — 12 bytes, sorts like {main, sub}
//   record       = flags (1) + previous revision main (8) + sub (4) + payload
//   payload      = the encoded mvccpb.KeyValue exactly as etcd stores it (a tombstone's payload is {key})
//   flags        = TOMBSTONE | HAS_PREV
// Each record points at the key's previous revision, so a key's history is a chain from its newest revision
// backwards, across generations (a tombstone points at the last put before it; a re-creation points at the
// tombstone).
//
// keys: user key → pointer to its newest revision (live keys only):
//   main (8) + sub (4) + create_revision (8) + version (8) + lease (8, int64)  — 36 bytes
// tombstones: user key → revision key of its tombstone (deleted keys whose tombstone is not compacted yet).
//
// Worked example, key "a": put@2, put@3, delete@4, put@5.
//   revisions: 2.0 {a,v1} → none;  3.0 {a,v2} → 2.0;  4.0 tombstone {a} → 3.0;  5.0 {a,v1, create 5} → 4.0
//   keys: a → 5.0 (create 5, version 1);  tombstones: none (removed when "a" was re-created at 5)
//   read at 3: start at 5.0 (> 3) → 4.0 (> 3) → 3.0 (<= 3): the value put at 3. Read at 4: 4.0 is a tombstone.
//   compact at 4: scanning 2.0..4.0, each record deletes its predecessor and a tombstone deletes itself:
//   3.0 deletes 2.0, 4.0 deletes 3.0 and 4.0; left: 5.0 (its dangling pointer to 4.0 means "nothing before").
//
// Why this layout (hot paths first):
// - latest point read: one lookup in `keys` (a small record) + one in `revisions`; prefix range: a contiguous
//   scan of `keys` + one lookup per key; count: LMDB counts `keys` natively (only live keys are there).
// - put: one lookup in `keys` (create revision, version, previous revision come from the pointer, no value
//   read), an append at the end of `revisions` (sequential, cheap), one write in `keys`. The value is stored
//   once, so the file is about as large as etcd's for the same data (quota parity).
// - past read: the chain from the newest revision; cost grows with the revisions written after the one read,
//   which compaction bounds (etcd's in-memory index binary-searches instead, but has to be rebuilt on start).
// - compaction: a sequential scan of the history written since the previous compaction; no per-key index
//   lookups (each record names its predecessor), deletes in bounded batches.
// - open: reads a few meta keys; nothing is scanned or rebuilt, whatever the number of keys.
// Rejected: a dupSort index key → all revisions (two random B-tree writes per put and lmdb-js cannot seek
// inside duplicates of binary values); keeping the latest value in `keys` too (one lookup less per read, but
// every value written twice and the file twice etcd's size for the same data).
import { readUint32BE, readUint64BE, writeUint32BE, writeUint64BE, readInt64BE, writeInt64BE } from '../schema/int64-be';

/**
 * Longest user key the store takes: LMDB's key limit with 4 KiB pages (lmdb-js). etcd accepts longer keys;
 * validation refuses them before they reach the log (server/apply/validate.ts).
 */
export const maxKeyBytes = 1978;

export const revisionKeyBytes = 12;
export const recordHeaderBytes = 13;
export const keyPointerBytes = 36;

export const FLAG_TOMBSTONE = 1;
export const FLAG_HAS_PREV = 2;

/** The largest sub revision one main revision can hold (one entry changing this many keys). */
export const maxSubRevision = 0xffffffff;

export function writeRevisionKey(buf: Uint8Array, offset: number, main: number, sub: number): void {
  writeUint64BE(buf, offset, main);
  writeUint32BE(buf, offset + 8, sub);
}

export function revisionKey(main: number, sub: number): Buffer {
  const b = Buffer.allocUnsafe(revisionKeyBytes);
  writeRevisionKey(b, 0, main, sub);
  return b;
}

export const revisionMainOf = (buf: Uint8Array, offset = 0): number => readUint64BE(buf, offset);
export const revisionSubOf = (buf: Uint8Array, offset = 0): number => readUint32BE(buf, offset + 8);

/** Writes a record header; the payload follows at `recordHeaderBytes`. prevMain 0 = no previous revision. */
export function writeRecordHeader(buf: Uint8Array, tombstone: boolean, prevMain: number, prevSub: number): void {
  buf[0] = (tombstone ? FLAG_TOMBSTONE : 0) | (prevMain !== 0 ? FLAG_HAS_PREV : 0);
  writeUint64BE(buf, 1, prevMain);
  writeUint32BE(buf, 9, prevSub);
}

export const isTombstoneRecord = (rec: Uint8Array): boolean => (rec[0] & FLAG_TOMBSTONE) !== 0;
export const hasPrevRecord = (rec: Uint8Array): boolean => (rec[0] & FLAG_HAS_PREV) !== 0;
export const recordPrevMain = (rec: Uint8Array): number => readUint64BE(rec, 1);
export const recordPrevSub = (rec: Uint8Array): number => readUint32BE(rec, 9);

export function writeKeyPointer(buf: Uint8Array, main: number, sub: number, createRevision: number, version: number, lease: bigint): void {
  writeUint64BE(buf, 0, main);
  writeUint32BE(buf, 8, sub);
  writeUint64BE(buf, 12, createRevision);
  writeUint64BE(buf, 20, version);
  if (lease === 0n) buf.fill(0, 28, 36);
  else writeInt64BE(buf, 28, lease);
}

export const pointerMain = (p: Uint8Array): number => readUint64BE(p, 0);
export const pointerSub = (p: Uint8Array): number => readUint32BE(p, 8);
export const pointerCreateRevision = (p: Uint8Array): number => readUint64BE(p, 12);
export const pointerVersion = (p: Uint8Array): number => readUint64BE(p, 20);
export function pointerLease(p: Uint8Array): bigint {
  for (let i = 28; i < 36; i++) if (p[i] !== 0) return readInt64BE(p, 28);
  return 0n;
}

/** etcd's revision key, as its HashKV hashes it: main (8 BE) '_' sub (8 BE), plus 't' for a tombstone. */
export function etcdRevisionKey(main: number, sub: number, tombstone: boolean): Buffer {
  const b = Buffer.alloc(tombstone ? 18 : 17);
  writeUint64BE(b, 0, main);
  b[8] = 0x5f;
  writeUint64BE(b, 9, sub);
  if (tombstone) b[17] = 0x74;
  return b;
}
