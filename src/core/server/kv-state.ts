// What the member needs from the storage engine: etcd's KV semantics over MVCC, the consistent index, and the
// batch apply of committed entries. Implemented over storage/mvcc and server/apply in kv-state-impl.ts.
import type { cairnpb, etcdserverpb } from '../api/proto';
import type { EncodedKvsOut, KvsPieces, OpOut } from '../api/grpc/wire';
import type { EtcdError } from '../errors';
import type { AlarmRecord, LeaseRecord, MvccEvent } from '../storage/mvcc';
import type { RangeStreamCursor } from './apply';

/** One applied change, as the watch layer needs it (key, encoded KeyValue, previous KeyValue, revision). */
export type AppliedEvent = MvccEvent;

export type ApplyResult =
  | { kind: 'put'; revision: number; prevKv?: Uint8Array }
  | { kind: 'deleteRange'; revision: number; deleted: number; prevKvs: Uint8Array[] }
  | { kind: 'txn'; revision: number; succeeded: boolean; responses: OpOut[] }
  | { kind: 'compaction'; revision: number }
  | { kind: 'leaseGrant'; revision: number; id: bigint; ttl: number }
  | { kind: 'leaseRevoke'; revision: number; id: bigint }
  | { kind: 'alarm'; revision: number; alarms: AlarmRecord[] }
  | { kind: 'leaseCheckpoint'; revision: number; checkpoints: Array<{ id: bigint; remainingTtl: number }> };

/** The outcome of one committed entry: the store revision after it, its events, and its answer or error. */
export interface ApplyOutcome {
  readonly revision: number;
  readonly events: readonly AppliedEvent[];
  readonly result?: ApplyResult;
  readonly error?: EtcdError;
}

export interface RangeResult {
  readonly revision: number;
  readonly kvs: readonly Uint8Array[];
  readonly encoded?: EncodedKvsOut;
  /** a large range read lazily (KvState.range with streamAboveBytes); whoever gets it closes it */
  readonly stream?: KvsPieces;
  readonly more: boolean;
  readonly count: number;
}

export interface KvState {
  consistentIndex(): number;
  currentRevision(): number;
  compactRevision(): number;
  validateRange(req: etcdserverpb.IRangeRequest): void;
  validatePut(req: etcdserverpb.IPutRequest): void;
  validateDeleteRange(req: etcdserverpb.IDeleteRangeRequest): void;
  validateTxn(req: etcdserverpb.ITxnRequest, maxTxnOps: number): void;
  /** with `streamAboveBytes`, a plain range larger than that comes back as a stream (RangeResult.stream) */
  range(req: etcdserverpb.IRangeRequest, streamAboveBytes?: number): RangeResult;
  /** A Range read chunk by chunk from a snapshot pinned now (RangeStream); the caller reads it to the end or closes it. */
  openRangeStream(req: etcdserverpb.IRangeRequest, chunkBytes: number): RangeStreamCursor;
  /** History for watchers catching up: events from {fromRevision, fromSub} on, at most `limit` (MvccStore.readEvents). */
  readEvents(fromRevision: number, limit: number, withPrevKv: boolean, fromSub: number): AppliedEvent[];
  /** Whether applied events carry the changed key's previous KeyValue (for prev_kv watchers). */
  setEventPrevKv(on: boolean): void;
  /** Every raised alarm. */
  alarms(): AlarmRecord[];
  /** Live keys (counted by the backend, no scan). */
  keysTotal(): number;
  /** Every stored lease (the lessor reads them at start). */
  leases(): LeaseRecord[];
  /** The keys attached to a lease, in key order. */
  leaseKeys(id: bigint): Buffer[];
  isReadOnlyTxn(req: etcdserverpb.ITxnRequest): boolean;
  isSerializableTxn(req: etcdserverpb.ITxnRequest): boolean;
  readOnlyTxn(req: etcdserverpb.ITxnRequest): Extract<ApplyResult, { kind: 'txn' }>;
  /** Applies committed entries (req null: an entry with no request) in one backend transaction with the consistent index. */
  applyBatch(batch: ReadonlyArray<{ index: number; term: number; req: cairnpb.IInternalRequest | null }>): ApplyOutcome[];
  /** Physically compacts one bounded step (at most `maxRecords` revisions); true while work is left. */
  compactStep(maxRecords: number): boolean;
  compactionPending(): boolean;
  /** Writes a consistent, compacted copy of the backend file to `path` (a snapshot; the store keeps serving). */
  copyBackend(path: string): Promise<void>;
  /** Where the backend file is (snapshot copies go beside it, on the same disk). */
  backendPath(): string;
  /** etcd's Maintenance.Hash: every bucket of the backend hashed (the applied index and term left out). */
  hashBackend(): Promise<number>;
  /** Online defragmentation: nothing may be applied until it resolves (EtcdServer.defragment holds applies). */
  defragment(): Promise<{ beforeBytes: number; afterBytes: number }>;
  /** Makes the backend durable (fsync): the WAL below the consistent index may then be released. */
  flush(): Promise<void>;
  hashKV(revision: number): { hash: number; compactRevision: number; hashRevision: number };
  dbSizeBytes(): number;
  dbSizeInUseBytes(): number;
  close(): Promise<void>;
}
