// Physical compaction: removes the history a compaction at revision C no longer needs, in bounded batches.
// Scanning the history records with revision <= C in revision order, each record removes its predecessor
// (superseded by a revision <= C) and a tombstone removes itself (and its key's tombstone entry). What stays
// of revisions <= C is exactly etcd's keep set: per key, the newest revision <= C unless it is a tombstone.
// Each record is visited once over all compactions (progress only moves forward), so a compaction costs the
// history written since the previous one, never a scan of every key.
import type { BackendWriteTxn } from '../backend';
import { decodeKeyValue } from './key-value-codec';
import type { MvccBuckets } from './reader';
import {
  hasPrevRecord, isTombstoneRecord, recordHeaderBytes, recordPrevMain, recordPrevSub, revisionKey, writeRevisionKey,
  revisionKeyBytes,
} from './record';

/** History records processed per LMDB write transaction, at most (keeps each step short). */
export const compactionBatchRecords = 1000;

export interface CompactionProgress {
  /** revision key of the last record processed */
  readonly lastKey: Buffer | undefined;
  /** whether every record <= the target has been processed */
  readonly done: boolean;
}

/** Processes up to `maxRecords` history records after `after` with main revision <= `target`. */
export function compactBatch(
  w: BackendWriteTxn, b: MvccBuckets, after: Buffer | undefined, target: number, maxRecords: number,
): CompactionProgress {
  const end = revisionKey(target + 1, 0);
  const batch: { key: Buffer; value: Buffer }[] = [];
  for (const e of b.revisions.scan({ start: after, exclusiveStart: after !== undefined, end, limit: maxRecords })) batch.push(e);
  const prevKey = Buffer.alloc(revisionKeyBytes);
  for (const { key, value: rec } of batch) {
    if (hasPrevRecord(rec)) {
      writeRevisionKey(prevKey, 0, recordPrevMain(rec), recordPrevSub(rec));
      w.remove(b.revisions, prevKey);
    }
    if (isTombstoneRecord(rec)) {
      w.remove(b.revisions, key);
      const userKey = decodeKeyValue(rec.subarray(recordHeaderBytes)).key;
      const tomb = b.tombstones.getFast(userKey);
      if (tomb !== undefined && tomb.length === revisionKeyBytes && Buffer.compare(tomb.subarray(0, revisionKeyBytes), key) === 0) {
        w.remove(b.tombstones, userKey);
      }
    }
  }
  return { lastKey: batch.length > 0 ? batch[batch.length - 1].key : after, done: batch.length < maxRecords };
}

/** Whether any history record after `after` with main revision <= `target` is left to process. */
export function compactionRemains(b: MvccBuckets, after: Buffer | undefined, target: number): boolean {
  for (const _ of b.revisions.keys({ start: after, exclusiveStart: after !== undefined, end: revisionKey(target + 1, 0), limit: 1 })) return true;
  return false;
}
