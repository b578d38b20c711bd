// KvState over the LMDB-backed MVCC store and etcd's apply semantics (storage/, server/apply/).
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { openStorage, mapSizeForQuota } from '../storage';
import { Buckets, MetaKeys } from '../storage/schema';
import { fsyncPathSync } from '../util/fsync-sync';
import type { AlarmRecord, MvccStore, KvWriter, LeaseRecord } from '../storage/mvcc';
import { Errors, raise } from '../errors';
import { toBigInt, toBigUint, toNumber } from '../api/proto';
import type { Backend } from '../storage/backend';
import * as apply from './apply';
import type { ResponseOpResult, TxnResult } from './apply';
import type { cairnpb, etcdserverpb } from '../api/proto';
import { revisionOnlyHeader, type OpOut } from '../api/grpc/wire';
import type { AppliedEvent, ApplyOutcome, ApplyResult, KvState, RangeResult } from './kv-state';

/** etcd's default backend quota (--quota-backend-bytes 0). */
export const DEFAULT_QUOTA_BACKEND_BYTES = 2 * 1024 * 1024 * 1024;

export interface KvStateOptions {
  readonly quotaBackendBytes: number;
  /** store lease checkpoints (etcd's --experimental-enable-lease-checkpoint-persist) */
  readonly persistLeaseCheckpoints?: boolean;
}

/** Nested responses carry only their revision in the header, as etcd's do. */
function opOut(op: ResponseOpResult): OpOut {
  if ('range' in op) return { range: { header: revisionOnlyHeader(op.range.revision), kvs: op.range.kvs, encoded: op.range.encoded, more: op.range.more, count: op.range.count } };
  if ('put' in op) return { put: { header: revisionOnlyHeader(op.put.revision), prevKv: op.put.prevKv } };
  if ('deleteRange' in op) {
    return { deleteRange: { header: revisionOnlyHeader(op.deleteRange.revision), deleted: op.deleteRange.deleted, prevKvs: op.deleteRange.prevKvs } };
  }
  return { txn: { header: revisionOnlyHeader(op.txn.revision), succeeded: op.txn.succeeded, responses: op.txn.responses.map(opOut) } };
}

function txnResult(r: TxnResult): Extract<ApplyResult, { kind: 'txn' }> {
  return { kind: 'txn', revision: r.revision, succeeded: r.succeeded, responses: r.responses.map(opOut) };
}

const NOSPACE = 1;

/**
 * What applying an entry needs beyond its writer: lease existence (against the entry's own writer, so grants
 * earlier in the batch count) and whether a NOSPACE alarm is raised (etcd's capped applier: puts, txns that
 * put and lease grants are refused until it is disarmed).
 */
class ApplyEnv implements apply.ApplyContext {
  w: KvWriter | null = null;
  capped = false;
  persistCheckpoints = false;
  leaseExists(id: bigint): boolean {
    return this.w !== null && this.w.leaseExists(id);
  }
}

/**
 * The smallest TTL apply grants. The proposer already raised the TTL to etcd's minimum for its election timeout
 * (EtcdServer.leaseGrant); this only keeps a lease from being granted with no time at all.
 */
const applyMinLeaseTtl = 1;

/** etcd's quota cost: only a txn's own puts count (not those of nested txns), the larger branch. */
function txnPuts(r: etcdserverpb.ITxnRequest): boolean {
  return (r.success ?? []).some((op) => op.requestPut) || (r.failure ?? []).some((op) => op.requestPut);
}

/** Applies one decoded request to the entry's writer. */
function applyRequest(w: KvWriter, arg: { req: cairnpb.IInternalRequest | null; env: ApplyEnv }): ApplyResult | undefined {
  const { req, env } = arg;
  if (!req) return undefined;
  env.w = w;
  if (req.put) {
    if (env.capped) raise(Errors.NoSpace);
    const r = apply.put(w, req.put, env);
    return { kind: 'put', revision: r.revision, prevKv: r.prevKv };
  }
  if (req.deleteRange) {
    const r = apply.deleteRange(w, req.deleteRange);
    return { kind: 'deleteRange', revision: r.revision, deleted: r.deleted, prevKvs: r.prevKvs };
  }
  if (req.txn) {
    if (env.capped && txnPuts(req.txn)) raise(Errors.NoSpace);
    return txnResult(apply.txn(w, req.txn, env));
  }
  if (req.compaction) {
    const r = apply.compact(w, req.compaction);
    return { kind: 'compaction', revision: r.revision };
  }
  if (req.leaseGrant) {
    if (env.capped) raise(Errors.NoSpace);
    const r = apply.leaseGrant(w, req.leaseGrant, applyMinLeaseTtl);
    return { kind: 'leaseGrant', revision: r.revision, id: r.id, ttl: r.ttl };
  }
  if (req.leaseRevoke) {
    const r = apply.leaseRevoke(w, req.leaseRevoke);
    return { kind: 'leaseRevoke', revision: r.revision, id: r.id };
  }
  if (req.leaseCheckpoint) {
    // etcd keeps checkpoints in memory unless --experimental-enable-lease-checkpoint-persist; only stored ones
    // outlive a restart, which is all they change on one member
    const checkpoints = (req.leaseCheckpoint.checkpoints ?? []).map((c) => ({ id: toBigInt(c.ID ?? 0), remainingTtl: toNumber(c.remaining_TTL ?? 0) }));
    if (env.persistCheckpoints) for (const c of checkpoints) w.leaseCheckpoint(c.id, c.remainingTtl);
    return { kind: 'leaseCheckpoint', revision: w.revision, checkpoints };
  }
  if (req.alarm) {
    const a = req.alarm;
    const memberId = toBigUint(a.memberID);
    const type = a.alarm ?? 0;
    const ACTIVATE = 1;
    const DEACTIVATE = 2;
    const alarms: AlarmRecord[] = [];
    if (a.action === ACTIVATE && type !== 0) {
      // etcd answers with the alarm whether it was raised now or before
      w.alarmActivate(memberId, type);
      alarms.push({ memberId, alarm: type });
      if (type === NOSPACE) env.capped = true;
    } else if (a.action === DEACTIVATE) {
      if (w.alarmDeactivate(memberId, type)) alarms.push({ memberId, alarm: type });
      if (type === NOSPACE) env.capped = w.alarmRaised(NOSPACE);
    }
    return { kind: 'alarm', revision: w.revision, alarms };
  }
  return undefined; // a request kind this version does not apply: no change
}

class LmdbKvState implements KvState {
  private readonly env = new ApplyEnv();
  private defrags = 0;

  constructor(
    private backend: Backend,
    private store: MvccStore,
    persistLeaseCheckpoints: boolean,
    /** the backend file's name (a defragmented copy is opened under a temporary name, then renamed to this) */
    private readonly path: string,
    private readonly mapSizeBytes: number,
  ) {
    this.env.capped = store.alarms().some((a) => a.alarm === NOSPACE);
    this.env.persistCheckpoints = persistLeaseCheckpoints;
  }

  /**
   * Online defragmentation. The caller holds back applies meanwhile (nothing may write the store). LMDB writes a
   * compacted copy from one read transaction (worker thread: reads go on), the copy is opened and takes the
   * store's place in one synchronous step, and is renamed over the backend file. The old environment stays
   * open for the range streams that pinned it and closes when the last one is done.
   */
  async defragment(): Promise<{ beforeBytes: number; afterBytes: number }> {
    const beforeBytes = this.backend.sizeBytes();
    const tmp = `${this.path}.defrag-${process.pid}-${++this.defrags}`;
    fs.rmSync(tmp, { force: true });
    try {
      await this.backend.copyTo(tmp, true);
      fsyncPathSync(tmp);
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw err;
    }
    const { backend, store } = openStorage(tmp, { mapSizeBytes: this.mapSizeBytes, eventPrevKv: this.store.eventPrevKv });
    const old = this.backend;
    this.backend = backend;
    this.store = store;
    // the environment keeps its file open: the name can change under it
    fs.renameSync(tmp, this.path);
    fsyncPathSync(nodePath.dirname(this.path));
    void old.closeWhenIdle();
    return { beforeBytes, afterBytes: this.backend.sizeBytes() };
  }

  consistentIndex(): number { return this.store.consistentIndex; }
  currentRevision(): number { return this.store.currentRevision; }
  compactRevision(): number { return this.store.compactRevision; }
  validateRange(req: etcdserverpb.IRangeRequest): void { apply.validateRange(req); }
  validatePut(req: etcdserverpb.IPutRequest): void { apply.validatePut(req); }
  validateDeleteRange(req: etcdserverpb.IDeleteRangeRequest): void { apply.validateDeleteRange(req); }
  validateTxn(req: etcdserverpb.ITxnRequest, maxTxnOps: number): void { apply.validateTxn(req, maxTxnOps); }

  range(req: etcdserverpb.IRangeRequest, streamAboveBytes?: number): RangeResult {
    return apply.range(this.store, req, streamAboveBytes);
  }

  openRangeStream(req: etcdserverpb.IRangeRequest, chunkBytes: number): apply.RangeStreamCursor {
    return new apply.RangeStreamCursor(this.store.pinnedRead(), req, chunkBytes);
  }

  readEvents(fromRevision: number, limit: number, withPrevKv: boolean, fromSub: number): AppliedEvent[] {
    return this.store.readEvents(fromRevision, limit, withPrevKv, fromSub);
  }

  setEventPrevKv(on: boolean): void {
    this.store.eventPrevKv = on;
  }

  alarms(): AlarmRecord[] {
    return this.store.alarms();
  }

  keysTotal(): number {
    return this.store.keysTotal();
  }

  leases(): LeaseRecord[] {
    return this.store.leases();
  }

  leaseKeys(id: bigint): Buffer[] {
    return this.store.leaseKeys(id);
  }

  isReadOnlyTxn(req: etcdserverpb.ITxnRequest): boolean {
    return isReadOnlyOps(req.success) && isReadOnlyOps(req.failure);
  }

  isSerializableTxn(req: etcdserverpb.ITxnRequest): boolean {
    return isSerializableOps(req.success) && isSerializableOps(req.failure);
  }

  readOnlyTxn(req: etcdserverpb.ITxnRequest): Extract<ApplyResult, { kind: 'txn' }> {
    return txnResult(apply.txn(this.store, req));
  }

  applyBatch(batch: ReadonlyArray<{ index: number; term: number; req: cairnpb.IInternalRequest | null }>): ApplyOutcome[] {
    return this.store.writeBatch((b) => {
      const out: ApplyOutcome[] = [];
      for (const e of batch) {
        const o = b.apply(e, applyRequest, { req: e.req, env: this.env });
        if (o === null) out.push({ revision: this.store.currentRevision, events: [] }); // applied before (replay)
        else out.push({ revision: o.revision, events: o.events, result: o.result, error: o.error });
      }
      return out;
    });
  }

  hashKV(revision: number): { hash: number; compactRevision: number; hashRevision: number } {
    const h = this.store.hashKV(revision);
    return { hash: h.hash, compactRevision: h.compactRevision, hashRevision: h.hashRevision };
  }

  compactStep(maxRecords: number): boolean { return this.store.compactStep(maxRecords); }
  compactionPending(): boolean { return this.store.compactionPending; }
  flush(): Promise<void> { return this.backend.flush(); }
  copyBackend(path: string): Promise<void> { return this.backend.copyTo(path, true); }

  hashBackend(): Promise<number> {
    // etcd's DefaultIgnores: the applied index and term differ between members holding the same data
    const meta = Buckets.meta;
    const ignored = [MetaKeys.consistentIndex, MetaKeys.term];
    return this.backend.hashAll((bucket, key) => bucket === meta && ignored.some((k) => Buffer.compare(k, key) === 0));
  }
  backendPath(): string { return this.path; }
  dbSizeBytes(): number { return this.backend.sizeBytes(); }
  dbSizeInUseBytes(): number { return this.backend.sizeInUseBytes(); }
  close(): Promise<void> { return this.backend.close(); }
}

function isReadOnlyOps(ops: etcdserverpb.IRequestOp[] | null | undefined): boolean {
  for (const op of ops ?? []) {
    if (op.requestPut || op.requestDeleteRange) return false;
    if (op.requestTxn && !(isReadOnlyOps(op.requestTxn.success) && isReadOnlyOps(op.requestTxn.failure))) return false;
  }
  return true;
}

function isSerializableOps(ops: etcdserverpb.IRequestOp[] | null | undefined): boolean {
  for (const op of ops ?? []) {
    if (op.requestRange && !op.requestRange.serializable) return false;
    if (op.requestTxn && !(isSerializableOps(op.requestTxn.success) && isSerializableOps(op.requestTxn.failure))) return false;
  }
  return true;
}

export function openKvState(path: string, opts: KvStateOptions): KvState {
  const quota = opts.quotaBackendBytes > 0 ? opts.quotaBackendBytes : DEFAULT_QUOTA_BACKEND_BYTES;
  const { backend, store } = openStorage(path, { mapSizeBytes: mapSizeForQuota(quota) });
  return new LmdbKvState(backend, store, opts.persistLeaseCheckpoints === true, path, mapSizeForQuota(quota));
}
