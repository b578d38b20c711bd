// etcd's HashKV (3.4's HashByRev), byte for byte: CRC-32C over the bucket name "key" and then each stored
// (revision key, value) pair up to the hashed revision H, in revision order, with etcd's revision key format
// (8-byte main, '_', 8-byte sub, 't' for a tombstone) and etcd's stored value (the encoded KeyValue; a
// tombstone's is {key}). A revision at or below the compact revision counts only when it is its key's newest
// revision at or below H ("keep" at H), unless no key is live at H (then etcd keeps every stored revision).
// Callers finish physical compaction first: etcd's Compact(physical) does too. Verified against etcd 3.4.23.
import { crc32cUpdate } from './crc32c';
import { decodeKeyValue } from './key-value-codec';
import type { MvccReader } from './reader';
import { etcdRevisionKey, isTombstoneRecord, recordHeaderBytes, revisionKey, revisionMainOf, revisionSubOf } from './record';

const KEY_BUCKET_NAME = Buffer.from('key');
const FIRST_KEY = Buffer.from([0]);
const FROM_KEY = new Uint8Array(0);

/** The hash of the stored history up to revision `upTo` given the compact revision and current revision. */
export function hashHistory(reader: MvccReader, upTo: number, compactRevision: number, currentRevision: number): number {
  let h = crc32cUpdate(0, KEY_BUCKET_NAME);
  if (upTo < 1) return h;
  const filter = compactRevision >= 1 && reader.range(FIRST_KEY, FROM_KEY, upTo, 1, false, currentRevision, -1).kvs.length > 0;
  for (const { key, value } of reader.buckets.revisions.scan({ end: revisionKey(upTo + 1, 0) })) {
    const main = revisionMainOf(key);
    const sub = revisionSubOf(key);
    if (filter && main <= compactRevision) {
      const newest = reader.revisionAt(decodeKeyValue(value.subarray(recordHeaderBytes)).key, upTo);
      if (newest === undefined || newest.main !== main || newest.sub !== sub || newest.tombstone) continue;
    }
    h = crc32cUpdate(h, etcdRevisionKey(main, sub, isTombstoneRecord(value)));
    h = crc32cUpdate(h, value, recordHeaderBytes, value.length);
  }
  return h;
}
