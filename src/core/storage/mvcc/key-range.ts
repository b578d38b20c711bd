// Key ranges as etcd's requests give them, turned into LMDB scan bounds. LMDB keys are at most `maxKeyBytes`
// long, so a bound longer than that is rewritten to an equivalent one over stored keys:
//   k >= start (start too long)  <=>  k > start[0, max)      (a stored key equal to the prefix is shorter)
//   k <  end   (end too long)    <=>  k <= end[0, max)
import type { ScanBounds } from '../backend';

/** A range end as the MVCC layer takes it: null = the single key; empty = every key >= key; else [key, end). */
export type RangeEnd = Uint8Array | null;

const EMPTY = new Uint8Array(0);

/** etcd's range_end as given in a request (absent/empty = single key, "\0" = from key) as a RangeEnd. */
export function rangeEndOf(rangeEnd: Uint8Array | null | undefined): RangeEnd {
  if (!rangeEnd || rangeEnd.length === 0) return null;
  if (rangeEnd.length === 1 && rangeEnd[0] === 0) return EMPTY;
  return rangeEnd;
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/** Scan bounds for [key, end) (end non-null), or null when the range is empty. */
export function scanBoundsOf(key: Uint8Array, end: Uint8Array, maxKeyBytes: number): ScanBounds | null {
  if (end.length !== 0 && compareBytes(end, key) <= 0) return null;
  const longStart = key.length > maxKeyBytes;
  const start = longStart ? key.subarray(0, maxKeyBytes) : key;
  if (end.length === 0) return { start, exclusiveStart: longStart };
  const longEnd = end.length > maxKeyBytes;
  return { start, exclusiveStart: longStart, end: longEnd ? end.subarray(0, maxKeyBytes) : end, inclusiveEnd: longEnd };
}

/** Whether `k` lies in [key, end) (end as RangeEnd). */
export function inRange(k: Uint8Array, key: Uint8Array, end: RangeEnd): boolean {
  if (end === null) return compareBytes(k, key) === 0;
  if (compareBytes(k, key) < 0) return false;
  return end.length === 0 || compareBytes(k, end) < 0;
}

/** clientv3.GetPrefixRangeEnd: the key with its last byte below 0xff incremented, or "\x00" (to the end). */
export function prefixRangeEnd(key: Uint8Array): Buffer {
  const end = Buffer.from(key);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] < 0xff) {
      end[i]++;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}
