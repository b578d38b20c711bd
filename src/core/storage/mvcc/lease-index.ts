// Leases on disk, in the `lease` bucket, written in the same transaction as the key changes they go with:
//
//   'L' + id (8, int64 BE)         → ttl (8, int64 BE) + remaining ttl (8, int64 BE; 0: none checkpointed)
//   'K' + id (8) + user key        → empty: the key is attached to the lease (its newest revision names it)
//
// The attachment index is kept by the put and delete paths (TxnWrite): a put that gives a key another lease
// moves it, a delete removes it. So revoking a lease is a prefix scan of its own keys, and opening a member
// reads the lease records only, never the keys (etcd rebuilds its item map by scanning every key at start).
// An index key holds at most LMDB's key size: a user key too long to fit is indexed by a prefix and a hash of
// it, with the whole key as the value (keys that fit have an empty value).
import { createHash } from 'node:crypto';
import type { Bucket, BackendWriteTxn, ReadSnapshot } from '../backend';
import { readInt64BE, writeInt64BE } from '../schema/int64-be';
import { prefixRangeEnd } from './key-range';
import { maxKeyBytes } from './record';

const TAG_LEASE = 0x4c; // 'L'
const TAG_KEY = 0x4b; // 'K'
const idBytes = 8;
const EMPTY = new Uint8Array(0);

/** A stored lease: its granted TTL and, when checkpointed, the TTL it had left (seconds). */
export interface LeaseRecord {
  readonly id: bigint;
  readonly ttl: number;
  readonly remainingTtl: number;
}

function recordKey(id: bigint): Buffer {
  const k = Buffer.allocUnsafe(1 + idBytes);
  k[0] = TAG_LEASE;
  writeInt64BE(k, 1, id);
  return k;
}

function keysPrefix(id: bigint): Buffer {
  const k = Buffer.allocUnsafe(1 + idBytes);
  k[0] = TAG_KEY;
  writeInt64BE(k, 1, id);
  return k;
}

/** Room for the user key in an attachment key. */
const attachRoom = maxKeyBytes - 1 - idBytes;
/** A long key is indexed by its first `longPrefix` bytes and a 16-byte hash. */
const longPrefix = attachRoom - 16;

function attachmentKey(id: bigint, key: Uint8Array): { k: Buffer; v: Uint8Array } {
  const long = key.length > attachRoom;
  const k = Buffer.allocUnsafe(1 + idBytes + (long ? attachRoom : key.length));
  k[0] = TAG_KEY;
  writeInt64BE(k, 1, id);
  if (!long) {
    k.set(key, 1 + idBytes);
    return { k, v: EMPTY };
  }
  k.set(key.subarray(0, longPrefix), 1 + idBytes);
  k.set(createHash('sha256').update(key).digest().subarray(0, 16), 1 + idBytes + longPrefix);
  return { k, v: key };
}

function decodeRecord(k: Uint8Array, v: Uint8Array): LeaseRecord {
  return { id: readInt64BE(k, 1), ttl: Number(readInt64BE(v, 0)), remainingTtl: Number(readInt64BE(v, 8)) };
}

export function leaseRecord(bucket: Bucket, id: bigint): LeaseRecord | undefined {
  const k = recordKey(id);
  const v = bucket.get(k);
  return v === undefined ? undefined : decodeRecord(k, v);
}

export function putLeaseRecord(w: BackendWriteTxn, bucket: Bucket, id: bigint, ttl: number, remainingTtl: number): void {
  const v = Buffer.allocUnsafe(16);
  writeInt64BE(v, 0, BigInt(ttl));
  writeInt64BE(v, 8, BigInt(remainingTtl));
  w.put(bucket, recordKey(id), v);
}

export function removeLeaseRecord(w: BackendWriteTxn, bucket: Bucket, id: bigint): boolean {
  return w.remove(bucket, recordKey(id));
}

/** Every stored lease, in id order (as int64 BE bytes: non-negative ids ascending, then negative ones). */
export function* leaseRecords(bucket: Bucket, snapshot?: ReadSnapshot): Generator<LeaseRecord> {
  const start = Buffer.from([TAG_LEASE]);
  for (const { key, value } of bucket.scan({ start, end: Buffer.from([TAG_LEASE + 1]), snapshot })) yield decodeRecord(key, value);
}

export function attachKey(w: BackendWriteTxn, bucket: Bucket, id: bigint, key: Uint8Array): void {
  const { k, v } = attachmentKey(id, key);
  w.put(bucket, k, v);
}

export function detachKey(w: BackendWriteTxn, bucket: Bucket, id: bigint, key: Uint8Array): void {
  w.remove(bucket, attachmentKey(id, key).k);
}

/** The keys attached to lease `id`, at most `limit` (0: all), in index order (key order for keys that fit). */
export function attachedKeys(bucket: Bucket, id: bigint, limit = 0, snapshot?: ReadSnapshot): Buffer[] {
  const prefix = keysPrefix(id);
  const out: Buffer[] = [];
  for (const { key, value } of bucket.scan({ start: prefix, end: prefixRangeEnd(prefix), limit: limit > 0 ? limit : undefined, snapshot })) {
    out.push(value.length > 0 ? value : key.subarray(1 + idBytes));
  }
  return out;
}
