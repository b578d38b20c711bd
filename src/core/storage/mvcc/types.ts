// The MVCC layer's interfaces, by capability (etcd's ReadView → TxnRead, WriteView → TxnWrite).
import type { EtcdError } from '../../errors';
import type { RangeEnd } from './key-range';

/** One change, as the watch layer needs it. */
export interface MvccEvent {
  readonly type: 'PUT' | 'DELETE';
  readonly key: Uint8Array;
  /** main revision of the change */
  readonly revision: number;
  /** sub revision (the change's place within its revision), set on events read back from history */
  readonly sub?: number;
  /** encoded mvccpb.KeyValue; for DELETE the key and mod_revision = the delete's revision, as etcd sends it */
  readonly kv: Uint8Array;
  /** the key's previous KeyValue (encoded), when the store captures it (see MvccStore.eventPrevKv) */
  readonly prevKv?: Uint8Array;
}

export interface MvccRangeResult {
  /** encoded KeyValues in key order, as stored (zero-copy for the response) */
  readonly kvs: Uint8Array[];
  /** keys in the range at that revision (all of them, whatever the limit) */
  readonly count: number;
  /** the reader's current revision (etcd's header revision for a range, also for past reads) */
  readonly revision: number;
}

/**
 * KeyValues already laid out as the `kvs` field of a RangeResponse (tag 2, length, encoded KeyValue, repeated)
 * in buf[start, end), with room before `start` (encodedHeadroomBytes) and after `end` (encodedTailroomBytes) for
 * the gRPC prefix, the header and the closing fields: the response frame is built in place, no second copy.
 */
export interface EncodedKvs {
  readonly buf: Buffer;
  readonly start: number;
  readonly end: number;
  /** how many KeyValues */
  readonly n: number;
}
/**
 * A large range's KeyValues read lazily, chunk by chunk, as the transport sends them (so a 20 MB response
 * never sits whole in memory): the encoded `kvs` fields of `n` KeyValues, `size` bytes in all, copied from a
 * read snapshot pinned when the range was read (a consistent view even if writes and compactions follow).
 * `close()` unpins it; it must be called once, when done or abandoned.
 */
export interface EncodedKvsStream {
  readonly size: number;
  readonly n: number;
  /** the next whole KeyValue fields, about `maxBytes` (at least one KeyValue), or undefined at the end */
  next(maxBytes: number): Buffer | undefined;
  close(): void;
}
export const encodedHeadroomBytes = 64;
export const encodedTailroomBytes = 16;

export interface KvReader {
  /** Current revision as this reader sees it (inside a write: +1 once it changed something). */
  readonly revision: number;
  readonly compactRevision: number;
  /**
   * Keys in [key, end) (see RangeEnd) at `revision` (0 or less: current). At most `limit` KeyValues (0: all);
   * `countOnly` returns none, only the count. Raises Errors.FutureRev above the current revision and
   * Errors.Compacted below the compact revision.
   */
  range(key: Uint8Array, end: RangeEnd, revision?: number, limit?: number, countOnly?: boolean): MvccRangeResult;
  /**
   * The newest KeyValues of the keys in [key, end) (end not null), at most `limit` (0: all), encoded in place
   * (see EncodedKvs), with the count of every key in the range. Optional: readers without it use `range`.
   */
  rangeLatestEncoded?(key: Uint8Array, end: Uint8Array, limit: number, streamAboveBytes?: number): { kvs: EncodedKvs; stream?: EncodedKvsStream; count: number; more: boolean; revision: number };
}

export interface KvWriter extends KvReader {
  /** Store revision before this write; a change gets main revision beginRevision + 1. */
  readonly beginRevision: number;
  /** Whether this write changed anything yet. */
  readonly changed: boolean;
  /** The key's current KeyValue (encoded), including this write's own changes. */
  get(key: Uint8Array): Uint8Array | undefined;
  /** Puts; returns the main revision of the change. */
  put(key: Uint8Array, value: Uint8Array, lease: bigint): number;
  /** Deletes every live key in the range; pushes their KeyValues to `prevKvs` when given. Returns how many. */
  deleteRange(key: Uint8Array, end: RangeEnd, prevKvs?: Uint8Array[]): number;
  /** Whether lease `id` exists (granted, not revoked), including this write's own grants. */
  leaseExists(id: bigint): boolean;
  /** Stores a new lease; false (and no change) when `id` exists. Not a key change: no revision of its own. */
  leaseGrant(id: bigint, ttl: number): boolean;
  /** Deletes the lease's keys (in key order, one revision) and the lease; false when it does not exist. */
  leaseRevoke(id: bigint): boolean;
  /** Stores the TTL a lease has left (etcd's lease checkpoint); nothing when it does not exist. */
  leaseCheckpoint(id: bigint, remainingTtl: number): void;
  /** Raises an alarm (false: raised already). Not a key change. */
  alarmActivate(memberId: bigint, alarm: number): boolean;
  /** Whether any member has raised this alarm (this write's changes included). */
  alarmRaised(alarm: number): boolean;
  /** Clears an alarm (false: it was not raised). */
  alarmDeactivate(memberId: bigint, alarm: number): boolean;
  /** Sets the compact revision (Errors.Compacted if not above it, Errors.FutureRev if above current). */
  compact(revision: number): void;
}

/** What applying one log entry did. */
export interface EntryOutcome<R> {
  readonly index: number;
  /** store revision after the entry */
  readonly revision: number;
  readonly events: readonly MvccEvent[];
  readonly result: R | undefined;
  /** the etcd error the entry failed with (it changed nothing) */
  readonly error: EtcdError | undefined;
}

/** The log position of an entry being applied. */
export interface AppliedEntry {
  readonly index: number;
  readonly term: number;
}

export interface HashKVResult {
  /** CRC-32C as etcd's HashKV computes it */
  readonly hash: number;
  readonly compactRevision: number;
  /** the revision hashed up to */
  readonly hashRevision: number;
  /** the store's current revision (etcd's header revision for HashKV) */
  readonly currentRevision: number;
}
