// The composition root of one member: opens storage and WAL the same way an offline tool would, replays the
// WAL above the stored consistent index, starts the consensus module, and exposes the KV/cluster/maintenance
// operations the gRPC layer serves. Writes: validate → propose (consensus) → committed entry → apply in one
// backend transaction per batch (data + consistent index together) → answer the waiter → emit events.
import { cairnpb, etcdserverpb, longOf, toBigInt, toNumber } from '../api/proto';
import type { HeaderFields, RangeOut, PutOut, DeleteOut, TxnOut } from '../api/grpc/wire';
import { headerIdBytes } from '../api/grpc/wire';
import * as fs from 'node:fs';
import { EtcdError, Errors, GrpcCode, raise } from '../errors';
import type { ConsensusModule, CommittedEntry } from './consensus';
import { Waiters } from './waiters';
import { maxLeaseTtl, validateRangeStream, type RangeStreamCursor } from './apply';
import { WatchHub } from './watch/watch-hub';
import { Lessor } from '../lease/lessor';
import { readEventsMax } from '../storage/mvcc';
import type { KvState, AppliedEvent, ApplyResult } from './kv-state';

export interface MemberInfo {
  readonly id: bigint;
  readonly name: string;
  readonly peerUrls: readonly string[];
  readonly clientUrls: readonly string[];
  readonly isLearner: boolean;
}

export interface ServerLimits {
  readonly maxRequestBytes: number;
  readonly maxTxnOps: number;
  /** applied entries between two backend fsyncs after which the WAL before them is released (etcd's --snapshot-count) */
  readonly snapshotEntries: number;
  /** revisions removed per physical compaction step (etcd's --compaction-batch-limit) */
  readonly compactionBatchLimit: number;
  /** pause between compaction steps (etcd's --compaction-sleep-interval); 0: the next turn of the event loop */
  readonly compactionSleepIntervalMs: number;
  /**
   * plain ranges whose KeyValues exceed this many bytes are sent chunk by chunk from a pinned read snapshot
   * instead of being built whole in memory (default rangeStreamAboveBytesDefault)
   */
  readonly rangeStreamAboveBytes?: number;
  /** RangeStream: a chunk ends once its KeyValues reach this many bytes (default rangeStreamChunkBytesDefault) */
  readonly rangeStreamChunkBytes?: number;
  /** progress responses to quiet watchers that asked for them (etcd --watch-progress-notify-interval); 0: off */
  readonly watchProgressNotifyIntervalMs?: number;
  /** a lease granted a shorter TTL gets this many seconds (etcd: 1.5 election timeouts, rounded up; see minLeaseTtlSeconds) */
  readonly minLeaseTtlSeconds?: number;
  /** leases found at start run their TTL plus this long (etcd's Promote: the election timeout) */
  readonly leaseExtendMs?: number;
  /** lease checkpoints every this long (etcd --experimental-enable-lease-checkpoint: 5 minutes); 0: off */
  readonly leaseCheckpointIntervalMs?: number;
  /**
   * the backend size above which writes that add data are refused and NOSPACE is raised (etcd's
   * --quota-backend-bytes after defaulting: 0 means etcd's 2 GiB default, negative disables it)
   */
  readonly quotaBackendBytes?: number;
}

export interface HashKVOut { header: HeaderFields; hash: number; compactRevision: number; hashRevision: number }

/** etcd's DefaultQuotaBytes: 2 GiB. */
export const defaultQuotaBackendBytes = 2 * 1024 * 1024 * 1024;
/** etcd's quota costs (etcdserver/quota.go): a key-value's overhead and a lease's. */
const kvOverhead = 256;
const leaseOverhead = 64;
const ALARM_NOSPACE = 1;
/** how stale the size the quota is checked against may be */
const dbSizeRefreshMs = 50;

/**
 * etcd's minimum lease TTL: 1.5 election timeouts (in heartbeat ticks, cut like etcd's integer arithmetic),
 * rounded up to whole seconds: 2 s with the defaults (100 ms heartbeat, 1 s election timeout).
 */
export function minLeaseTtlSeconds(electionTicks: number, heartbeatMs: number): number {
  return Math.ceil((Math.floor((3 * electionTicks) / 2) * heartbeatMs) / 1000);
}

/** Snapshots being copied or sent at once, at most (each is a whole copy of the backend on disk). */
const maxSnapshots = 2;

/** etcd revokes at most 1000 expired leases a second (leaseRevokeRate), checking every 500 ms. */
const leaseRevokeCheckMs = 500;
const leaseRevokesPerCheck = 500;
const leaseCheckpointsPerCheck = 500;

/** 256 KiB: a chunk is built whole, so this is the memory one RangeStream holds at a time (times two or so). */
export const rangeStreamChunkBytesDefault = 256 * 1024;

/** 1 MiB: below it one buffer is cheapest; above it, memory per large response stays a chunk or two. */
export const rangeStreamAboveBytesDefault = 1024 * 1024;

export interface ServerLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Everything the member is built from; the opening of storage and WAL happens in bootstrap.ts. */
export interface EtcdServerParts {
  readonly memberId: bigint;
  readonly clusterId: bigint;
  readonly members: readonly MemberInfo[];
  readonly kv: KvState;
  readonly consensus: ConsensusModule;
  readonly limits: ServerLimits;
  readonly logger: ServerLogger;
  readonly version: string;
  readonly clock?: () => number;
  /** told of applies, failed proposals and lease events (metrics) */
  readonly observer?: ServerObserver;
}

export interface ServerObserver {
  /** one batch of committed entries applied in one backend transaction, and how long that took */
  applied(seconds: number): void;
  proposalFailed(): void;
  leaseEvent(kind: 'granted' | 'revoked' | 'renewed'): void;
}

type Decoded = cairnpb.InternalRequest;
type Result = ApplyResult;

/** One member's request-serving core. */
export class EtcdServer {
  readonly memberId: bigint;
  readonly clusterId: bigint;
  readonly members: readonly MemberInfo[];
  readonly version: string;
  private readonly kv: KvState;
  private readonly consensus: ConsensusModule;
  private readonly limits: ServerLimits;
  readonly logger: ServerLogger;
  private readonly waiters: Waiters<Result>;
  /** decoded requests proposed by this process, by id, so apply need not decode them again */
  private readonly localRequests = new Map<number, Decoded>();
  private readonly idBytes: Buffer;
  private readonly etcdRequestIdVarintBytes: number;
  private readonly observer: ServerObserver | undefined;
  private readonly eventListeners: Array<(revision: number, events: readonly AppliedEvent[]) => void> = [];
  /** the Watch service's watchers, fed from the apply loop */
  readonly watch: WatchHub;
  /** lease expiry and renewal; the stored leases change only through applied entries */
  private readonly lessor: Lessor;
  private leaseTimer: NodeJS.Timeout | undefined;
  /** the low 48 bits of the next generated lease id (etcd's request id generator: member, time, counter) */
  private leaseIdSuffix: bigint;
  private snapshotsOpen = 0;
  /** snapshot copies being written (a defragmentation waits for them: they read the environment it replaces) */
  private snapshotCopies: Promise<void>[] = [];
  /** set while the backend is being defragmented: committed entries wait in `deferred` (see defragment) */
  private defragging: Promise<unknown> | null = null;
  private deferred: CommittedEntry[] = [];
  /** the backend's in-use size, read at most every dbSizeRefreshMs (the quota check needs it per write) */
  private dbSizeCached = 0;
  private dbSizeReadAt = 0;
  private noSpaceProposed = false;
  private snapshotSeq = 0;
  private stopped = false;
  // physical compaction runs in bounded steps between other work; these wait for it to finish
  private compactionScheduled = false;
  private compactionWaiters: Array<() => void> = [];
  private readonly compactionLoopBound = () => this.compactionLoop();
  // backend durability points: the WAL before the last one is released
  private appliedSinceFlush = 0;
  private flushing: Promise<void> | null = null;

  constructor(parts: EtcdServerParts) {
    this.memberId = parts.memberId;
    this.clusterId = parts.clusterId;
    this.members = parts.members;
    this.kv = parts.kv;
    this.consensus = parts.consensus;
    this.limits = parts.limits;
    this.logger = parts.logger;
    this.version = parts.version;
    this.observer = parts.observer;
    this.waiters = new Waiters<Result>((parts.clock ?? Date.now)());
    this.idBytes = headerIdBytes(this.clusterId, this.memberId);
    const now = BigInt((parts.clock ?? Date.now)());
    let reqId = ((this.memberId & 0xffffn) << 48n) | ((now & ((1n << 40n) - 1n)) << 8n);
    let n = 1;
    for (reqId >>= 7n; reqId > 0n; reqId >>= 7n) n++;
    this.etcdRequestIdVarintBytes = n;
    this.consensus.onCommitted((entries) => this.applyEntries(entries));
    this.watch = new WatchHub({
      currentRevision: () => this.kv.currentRevision(),
      compactRevision: () => this.kv.compactRevision(),
      readEvents: (from, limit, withPrevKv, fromSub) => this.kv.readEvents(from, limit, withPrevKv, fromSub),
      setEventPrevKv: (on) => this.kv.setEventPrevKv(on),
      header: (revision) => this.header(revision),
    }, {
      catchUpEvents: readEventsMax,
      progressIntervalMs: this.limits.watchProgressNotifyIntervalMs ?? 0,
      maxResponseBytes: this.limits.maxRequestBytes,
    });
    this.onApplied((revision, events) => this.watch.onApplied(revision, events));
    const clock = parts.clock ?? Date.now;
    this.lessor = new Lessor({ now: clock, checkpointIntervalMs: this.limits.leaseCheckpointIntervalMs ?? 0 });
    this.lessor.recover(this.kv.leases(), this.limits.leaseExtendMs ?? 0);
    this.leaseIdSuffix = (BigInt(clock()) & ((1n << 40n) - 1n)) << 8n;
    this.refreshDbSize(true);
    this.leaseTimer = setInterval(() => this.tickLeases(), leaseRevokeCheckMs);
    this.leaseTimer.unref();
  }

  /** Applies entries found in the WAL above the consistent index (called once at start, before serving). */
  replay(entries: readonly CommittedEntry[]): number {
    const fresh = entries.filter((e) => e.index > this.kv.consistentIndex());
    if (fresh.length > 0) this.applyEntries(fresh);
    return fresh.length;
  }

  /** A subscriber to every applied change (the watch layer). */
  onApplied(listener: (revision: number, events: readonly AppliedEvent[]) => void): void {
    this.eventListeners.push(listener);
  }

  currentRevision(): number {
    return this.kv.currentRevision();
  }

  header(revision: number): HeaderFields {
    return { idBytes: this.idBytes, revision, raftTerm: this.consensus.status().term };
  }

  // ---- KV ----

  range(req: etcdserverpb.RangeRequest): RangeOut | Promise<RangeOut> {
    this.kv.validateRange(req);
    if (req.serializable) return this.rangeNow(req);
    return this.consensus.readIndex().then(() => this.rangeNow(req));
  }

  private rangeNow(req: etcdserverpb.RangeRequest): RangeOut {
    const r = this.kv.range(req, this.limits.rangeStreamAboveBytes ?? rangeStreamAboveBytesDefault);
    return { header: this.header(r.revision), kvs: r.kvs, encoded: r.encoded, stream: r.stream, more: r.more, count: r.count };
  }

  /**
   * RangeStream (etcd 3.7): the range read chunk by chunk from a snapshot pinned once the read is linearized
   * (serializable: at once). The caller reads the cursor to its last chunk or closes it.
   */
  async openRangeStream(req: etcdserverpb.RangeRequest): Promise<RangeStreamCursor> {
    this.kv.validateRange(req);
    validateRangeStream(req);
    if (!req.serializable) await this.consensus.readIndex();
    return this.kv.openRangeStream(req, this.limits.rangeStreamChunkBytes ?? rangeStreamChunkBytesDefault);
  }

  async put(req: etcdserverpb.PutRequest, requestBytes: Uint8Array): Promise<PutOut> {
    // etcd's quota interceptor runs before the request's own checks
    this.checkQuota(kvOverhead + (req.key?.length ?? 0) + (req.value?.length ?? 0));
    this.kv.validatePut(req);
    const res = await this.propose(2, requestBytes, { put: req });
    if (res.kind !== 'put') throw new Error('apply: put answered with ' + res.kind);
    return { header: this.header(res.revision), prevKv: res.prevKv };
  }

  async deleteRange(req: etcdserverpb.DeleteRangeRequest, requestBytes: Uint8Array): Promise<DeleteOut> {
    this.kv.validateDeleteRange(req);
    const res = await this.propose(3, requestBytes, { deleteRange: req });
    if (res.kind !== 'deleteRange') throw new Error('apply: delete answered with ' + res.kind);
    return { header: this.header(res.revision), deleted: res.deleted, prevKvs: res.prevKvs };
  }

  async txn(req: etcdserverpb.TxnRequest, requestBytes: Uint8Array): Promise<TxnOut> {
    this.checkQuota(txnCost(req));
    this.kv.validateTxn(req, this.limits.maxTxnOps);
    if (this.kv.isReadOnlyTxn(req)) {
      // like etcd: a read-only txn is served from the local store after a read barrier, not through the log
      if (!this.kv.isSerializableTxn(req)) await this.consensus.readIndex();
      return this.txnOut(this.kv.readOnlyTxn(req));
    }
    const res = await this.propose(4, requestBytes, { txn: req });
    if (res.kind !== 'txn') throw new Error('apply: txn answered with ' + res.kind);
    return this.txnOut(res);
  }

  private txnOut(res: Extract<Result, { kind: 'txn' }>): TxnOut {
    return { header: this.header(res.revision), succeeded: res.succeeded, responses: res.responses };
  }

  /** With `physical`, answers once the superseded revisions are removed, as etcd does. */
  async compact(req: etcdserverpb.CompactionRequest, requestBytes: Uint8Array): Promise<HeaderFields> {
    const res = await this.propose(5, requestBytes, { compaction: req });
    if (res.kind !== 'compaction') throw new Error('apply: compaction answered with ' + res.kind);
    if (req.physical && this.kv.compactionPending()) await new Promise<void>((resolve) => this.compactionWaiters.push(resolve));
    return this.header(res.revision);
  }

  private scheduleCompaction(): void {
    if (this.compactionScheduled || this.stopped || !this.kv.compactionPending()) return;
    this.compactionScheduled = true;
    setImmediate(this.compactionLoopBound);
  }

  /** One bounded compaction step per turn of the event loop, so writes and reads go on in between. */
  private compactionLoop(): void {
    this.compactionScheduled = false;
    if (this.stopped || this.defragging !== null) return; // resumed after the defragmentation
    if (this.kv.compactStep(this.limits.compactionBatchLimit)) {
      this.compactionScheduled = true;
      if (this.limits.compactionSleepIntervalMs > 0) setTimeout(this.compactionLoopBound, this.limits.compactionSleepIntervalMs);
      else setImmediate(this.compactionLoopBound);
      return;
    }
    const waiters = this.compactionWaiters;
    this.compactionWaiters = [];
    for (const w of waiters) w();
  }

  /**
   * Makes the backend durable up to the current consistent index and releases the WAL before it. Called every
   * `snapshotEntries` applied entries, so restarts replay a bounded tail of the log.
   */
  private maybeFlush(applied: number): void {
    this.appliedSinceFlush += applied;
    if (this.appliedSinceFlush < this.limits.snapshotEntries || this.flushing || this.stopped) return;
    this.appliedSinceFlush = 0;
    const index = this.kv.consistentIndex();
    this.flushing = this.kv.flush()
      .then(() => this.consensus.releaseLogBefore(index + 1))
      .catch((err: unknown) => this.logger.error('failed to release the WAL after a backend flush', { error: String(err) }))
      .finally(() => { this.flushing = null; });
  }

  // ---- leases ----

  /** LeaseGrant: the ID is chosen here when the client left it 0, and the TTL raised to the minimum, before proposing. */
  async leaseGrant(req: etcdserverpb.ILeaseGrantRequest): Promise<{ header: HeaderFields; id: bigint; ttl: number }> {
    this.checkQuota(leaseOverhead);
    let id = toBigInt(req.ID ?? 0);
    while (id === 0n || (toBigInt(req.ID ?? 0) === 0n && this.lessor.has(id))) id = this.nextLeaseId();
    let ttl = toNumber(req.TTL ?? 0);
    if (ttl > maxLeaseTtl) raise(Errors.LeaseTTLTooLarge);
    ttl = Math.max(ttl, this.limits.minLeaseTtlSeconds ?? 1);
    const bytes = etcdserverpb.LeaseGrantRequest.encode({ ID: longOf(id), TTL: ttl }).finish();
    const res = await this.propose(6, bytes, { leaseGrant: etcdserverpb.LeaseGrantRequest.decode(bytes) });
    if (res.kind !== 'leaseGrant') throw new Error('apply: lease grant answered with ' + res.kind);
    return { header: this.header(res.revision), id: res.id, ttl: res.ttl };
  }

  async leaseRevoke(req: etcdserverpb.LeaseRevokeRequest, requestBytes: Uint8Array): Promise<HeaderFields> {
    const res = await this.propose(7, requestBytes, { leaseRevoke: req });
    if (res.kind !== 'leaseRevoke') throw new Error('apply: lease revoke answered with ' + res.kind);
    return this.header(res.revision);
  }

  /**
   * LeaseKeepAlive (etcd's LeaseRenew): the lease's TTL, or 0 when there is no such lease. A lease already
   * expired is answered 0 once its revoke has applied (its keys are gone by then), as etcd does.
   */
  leaseRenew(id: bigint): number | Promise<number> {
    const r = this.lessor.renew(id);
    if (r.kind === 'renewed') {
      this.observer?.leaseEvent('renewed');
      // etcd: a renewal voids the lease's checkpointed remaining TTL, through the log
      if (r.clearCheckpoint) this.proposeCheckpoints([{ id, remainingTtl: 0 }]);
      return r.ttl;
    }
    if (r.kind === 'not-found') return 0;
    return r.revoked.then(() => 0);
  }

  /** LeaseTimeToLive: undefined when there is no such lease (etcd answers TTL -1). */
  leaseTimeToLive(id: bigint, withKeys: boolean): { ttl: number; grantedTtl: number; keys: Buffer[] } | undefined {
    const t = this.lessor.timeToLive(id);
    if (t === undefined) return undefined;
    return { ...t, keys: withKeys ? this.kv.leaseKeys(id) : [] };
  }

  leaseIds(): bigint[] {
    return this.lessor.ids();
  }

  // what /metrics reads when scraped, one value per gauge (the in-use size walks every bucket's stats)
  leaseCount(): number { return this.lessor.size; }
  keysTotal(): number { return this.kv.keysTotal(); }
  compactRevision(): number { return this.kv.compactRevision(); }
  dbSizeBytes(): number { return this.kv.dbSizeBytes(); }
  dbSizeInUseBytes(): number { return this.kv.dbSizeInUseBytes(); }

  private nextLeaseId(): bigint {
    this.leaseIdSuffix = (this.leaseIdSuffix + 1n) & ((1n << 48n) - 1n);
    return (((this.memberId & 0xffffn) << 48n) | this.leaseIdSuffix) & ((1n << 63n) - 1n);
  }

  /** etcd's LeaseCheckpoint request, through the log; failures are left to the next round. */
  private proposeCheckpoints(checkpoints: ReadonlyArray<{ id: bigint; remainingTtl: number }>): void {
    const bytes = etcdserverpb.LeaseCheckpointRequest.encode({
      checkpoints: checkpoints.map((c) => ({ ID: longOf(c.id), remaining_TTL: c.remainingTtl })),
    }).finish();
    this.propose(9, bytes, { leaseCheckpoint: etcdserverpb.LeaseCheckpointRequest.decode(bytes) }).catch((err: unknown) => {
      this.logger.warn('failed to checkpoint leases', { error: String(err) });
    });
  }

  /**
   * The lessor's periodic work, every 500 ms (the leader's job; every member here is the leader): checkpoints
   * due and revokes of expired leases are proposed. @internal public so tests with a fake clock can run a round.
   */
  tickLeases(): void {
    if (this.stopped) return;
    // etcd checkpoints at most 1000 leases a second, in batches of at most 1000
    const due = this.lessor.dueCheckpoints(leaseCheckpointsPerCheck);
    if (due.length > 0) this.proposeCheckpoints(due);
    for (const id of this.lessor.expired(leaseRevokesPerCheck)) {
      const bytes = etcdserverpb.LeaseRevokeRequest.encode({ ID: longOf(id) }).finish();
      this.propose(7, bytes, { leaseRevoke: etcdserverpb.LeaseRevokeRequest.decode(bytes) }).catch((err: unknown) => {
        // not found: revoked meanwhile by a client; anything else is retried when the lease is due again
        if (!(err instanceof EtcdError && err.message === Errors.LeaseNotFound.message)) {
          this.logger.warn('failed to revoke an expired lease', { lease: id.toString(16), error: String(err) });
        }
      });
    }
  }

  // ---- quota and alarms ----

  /**
   * etcd's quota check before a write is proposed: when the backend plus the write's cost would reach the quota,
   * NOSPACE is raised (through the log, once) and the write refused with "etcdserver: mvcc: database space exceeded".
   */
  private checkQuota(cost: number): void {
    const quota = this.limits.quotaBackendBytes ?? 0;
    if (quota < 0 || cost === 0) return;
    if (this.dbSizeCached + cost < (quota === 0 ? defaultQuotaBackendBytes : quota)) return;
    if (!this.noSpaceProposed && !this.kv.alarms().some((a) => a.alarm === ALARM_NOSPACE && a.memberId === this.memberId)) {
      this.noSpaceProposed = true;
      this.logger.warn('alarm raised', { alarm: 'NOSPACE', from: this.memberId.toString(16), 'db-size-bytes': this.dbSizeCached, 'quota-size-bytes': quota });
      const bytes = etcdserverpb.AlarmRequest.encode({ action: 1, memberID: longOf(this.memberId, true), alarm: ALARM_NOSPACE }).finish();
      this.propose(8, bytes, { alarm: etcdserverpb.AlarmRequest.decode(bytes) })
        .catch((err: unknown) => this.logger.warn('failed to raise the NOSPACE alarm', { error: String(err) }))
        .finally(() => { this.noSpaceProposed = false; });
    }
    raise(Errors.NoSpace);
  }

  /**
   * The quota is checked against the pages in use, not the file's high-water mark as etcd does with bbolt: LMDB
   * reuses freed pages, so after a compaction writes fit again without a defragmentation (which etcd needs to
   * shrink its file before it can be disarmed for good).
   */
  private refreshDbSize(force = false): void {
    const now = Date.now();
    if (!force && now - this.dbSizeReadAt < dbSizeRefreshMs) return;
    this.dbSizeReadAt = now;
    this.dbSizeCached = this.kv.dbSizeInUseBytes();
  }

  /** Alarm GET: the raised alarms of one type (NONE: all), from the applied state. */
  alarms(type = 0): Array<{ memberId: bigint; alarm: number }> {
    return this.kv.alarms().filter((a) => type === 0 || a.alarm === type);
  }

  /** Alarm ACTIVATE/DEACTIVATE, through the log as in etcd. */
  async alarm(req: etcdserverpb.AlarmRequest, requestBytes: Uint8Array): Promise<{ header: HeaderFields; alarms: Array<{ memberId: bigint; alarm: number }> }> {
    const res = await this.propose(8, requestBytes, { alarm: req });
    if (res.kind !== 'alarm') throw new Error('apply: alarm answered with ' + res.kind);
    return { header: this.header(res.revision), alarms: res.alarms };
  }

  /** Maintenance.Hash: the whole backend hashed from one snapshot (etcd: "for testing only"). */
  async hashBackend(): Promise<{ header: HeaderFields; hash: number }> {
    if (this.defragging !== null) await this.defragging.catch(() => undefined);
    const revision = this.kv.currentRevision();
    return { header: this.header(revision), hash: await this.kv.hashBackend() };
  }

  // ---- defragmentation ----

  /**
   * Maintenance.Defragment: the backend rewritten without its free pages, online. As in etcd, writes wait
   * meanwhile: committed entries are held (durable in the WAL) and applied once the copy has replaced the store,
   * so acknowledged writes are all in the copy and nothing is applied twice. Reads go on from the old
   * environment, which holds everything acknowledged (no write is acknowledged while entries are held).
   */
  async defragment(): Promise<HeaderFields> {
    if (this.stopped) raise(Errors.Stopped);
    while (this.defragging !== null) await this.defragging.catch(() => undefined);
    let done!: () => void;
    this.defragging = new Promise<void>((resolve) => { done = resolve; });
    try {
      if (this.flushing) await this.flushing;
      await Promise.all(this.snapshotCopies);
      const r = await this.kv.defragment();
      this.logger.info('finished defragmenting the backend', { 'current-db-size-bytes': r.beforeBytes, 'new-db-size-bytes': r.afterBytes });
    } finally {
      this.defragging = null;
      done();
      const held = this.deferred;
      this.deferred = [];
      if (held.length > 0 && !this.stopped) this.applyEntries(held);
      this.scheduleCompaction();
      this.refreshDbSize(true);
    }
    return this.header(this.kv.currentRevision());
  }

  // ---- snapshots ----

  /**
   * Maintenance.Snapshot: a consistent, compacted copy of the backend written beside it (LMDB copies from one
   * read transaction on a worker thread, so writes go on), to be streamed and then released (deleted). At most
   * `maxSnapshots` at a time: each is a whole copy on disk.
   */
  async openSnapshot(): Promise<{ path: string; size: number; release(): Promise<void> }> {
    if (this.stopped) raise(Errors.Stopped);
    if (this.snapshotsOpen >= maxSnapshots) {
      throw new EtcdError(GrpcCode.RESOURCE_EXHAUSTED, `cairn: ${maxSnapshots} snapshots are being sent already; retry when one is done`);
    }
    this.snapshotsOpen++;
    const file = `${this.kv.backendPath()}.snapshot-${process.pid}-${++this.snapshotSeq}.tmp`;
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      this.snapshotsOpen--;
      await fs.promises.rm(file, { force: true });
    };
    try {
      await fs.promises.rm(file, { force: true });
      if (this.defragging !== null) await this.defragging.catch(() => undefined);
      const copy = this.kv.copyBackend(file);
      const tracked = copy.catch(() => undefined);
      this.snapshotCopies.push(tracked);
      try {
        await copy;
      } finally {
        this.snapshotCopies = this.snapshotCopies.filter((c) => c !== tracked);
      }
      const { size } = await fs.promises.stat(file);
      return { path: file, size, release };
    } catch (err) {
      await release();
      throw err;
    }
  }

  hashKV(revision: number): HashKVOut | Promise<HashKVOut> {
    // hashing finishes a pending compaction first (a write): not while the store is being copied
    if (this.defragging !== null) return this.defragging.catch(() => undefined).then(() => this.hashKV(revision));
    const h = this.kv.hashKV(revision);
    return { header: this.header(this.kv.currentRevision()), ...h };
  }

  // ---- cluster / maintenance ----

  status() {
    const s = this.consensus.status();
    return {
      header: this.header(this.kv.currentRevision()),
      version: this.version,
      dbSize: this.kv.dbSizeBytes(),
      dbSizeInUse: this.kv.dbSizeInUseBytes(),
      leader: s.leader,
      raftIndex: s.commitIndex,
      raftTerm: s.term,
      raftAppliedIndex: s.appliedIndex,
      isLearner: s.isLearner,
    };
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.watch.stop();
    if (this.leaseTimer !== undefined) clearInterval(this.leaseTimer);
    this.lessor.releaseWaiters();
    await this.consensus.stop();
    if (this.defragging !== null) await this.defragging.catch(() => undefined);
    if (this.flushing) await this.flushing;
    for (const w of this.compactionWaiters) w();
    this.compactionWaiters = [];
    this.waiters.failAll(new EtcdError(Errors.Stopped.code, Errors.Stopped.message));
    await this.kv.flush();
    await this.kv.close();
  }

  // ---- write path ----

  /**
   * Builds the log entry without re-encoding the request: InternalRequest{id = 1, <field> = request bytes},
   * checks its size like etcd (the whole proposal against --max-request-bytes), proposes it and waits.
   */
  private propose(field: number, requestBytes: Uint8Array, decoded: Partial<Decoded>): Promise<Result> {
    if (this.stopped) raise(Errors.Stopped);
    const { id, promise } = this.waiters.register();
    const data = encodeInternal(id, field, requestBytes);
    if (this.etcdProposalBytes(requestBytes.length) > this.limits.maxRequestBytes) {
      this.waiters.fail(id, new EtcdError(Errors.RequestTooLarge.code, Errors.RequestTooLarge.message));
      return promise;
    }
    try {
      this.consensus.propose(data);
    } catch (err) {
      this.waiters.fail(id, err as Error);
      return promise;
    }
    this.localRequests.set(id, Object.assign(new cairnpb.InternalRequest(), decoded, { id }));
    return promise;
  }

  /**
   * The size etcd 3.4 checks against --max-request-bytes for the same request: its marshalled
   * InternalRaftRequest{header (field 100) = RequestHeader{ID}, <request field>}, where the ID starts with the
   * member id's low 16 bits (so its varint size depends on the member). Drawing the line at the same byte as
   * etcd keeps "etcdserver: request is too large" where clients expect it.
   */
  private etcdProposalBytes(requestBytes: number): number {
    const header = 1 + this.etcdRequestIdVarintBytes;
    return 2 + varintLen(header) + header + 1 + varintLen(requestBytes) + requestBytes;
  }

  private applyEntries(entries: readonly CommittedEntry[]): void {
    if (this.defragging !== null) {
      // nothing may write the store while it is copied; the entries are durable in the WAL and apply right after
      for (const e of entries) this.deferred.push(e);
      return;
    }
    const batch: Array<{ index: number; term: number; req: Decoded | null }> = [];
    for (const e of entries) batch.push({ index: e.index, term: e.term, req: this.decodeEntry(e) });
    const started = this.observer !== undefined ? process.hrtime.bigint() : 0n;
    const outcomes = this.kv.applyBatch(batch);
    if (this.observer !== undefined) this.observer.applied(Number(process.hrtime.bigint() - started) / 1e9);
    for (let i = 0; i < batch.length; i++) {
      const req = batch[i].req;
      const out = outcomes[i];
      if (out.events.length > 0) for (const l of this.eventListeners) l(out.revision, out.events);
      if (out.result?.kind === 'leaseGrant') {
        this.lessor.granted(out.result.id, out.result.ttl);
        this.observer?.leaseEvent('granted');
      } else if (out.result?.kind === 'leaseRevoke') {
        this.lessor.revoked(out.result.id);
        this.observer?.leaseEvent('revoked');
      } else if (out.result?.kind === 'leaseCheckpoint') {
        for (const c of out.result.checkpoints) this.lessor.checkpointed(c.id, c.remainingTtl);
      }
      if (out.error !== undefined) this.observer?.proposalFailed();
      if (!req) continue;
      const id = toNumber(req.id);
      this.localRequests.delete(id);
      if (out.error) this.waiters.fail(id, out.error);
      else if (out.result) this.waiters.trigger(id, out.result);
    }
    this.consensus.applied(entries[entries.length - 1].index);
    this.refreshDbSize();
    this.scheduleCompaction();
    this.maybeFlush(entries.length);
  }

  private decodeEntry(e: CommittedEntry): Decoded | null {
    if (e.data.length === 0) return null;
    const req = cairnpb.InternalRequest.decode(e.data);
    const local = this.localRequests.get(toNumber(req.id));
    return local ?? req;
  }
}

/** etcd's costTxn: the puts directly in the larger branch (nested txns cost nothing). */
function txnCost(r: etcdserverpb.ITxnRequest): number {
  const cost = (ops: etcdserverpb.IRequestOp[] | null | undefined) => {
    let n = 0;
    for (const op of ops ?? []) if (op.requestPut) n += kvOverhead + (op.requestPut.key?.length ?? 0) + (op.requestPut.value?.length ?? 0);
    return n;
  };
  return Math.max(cost(r.success), cost(r.failure));
}

/** InternalRequest bytes: field 1 (id, varint) then `field` (length-delimited) holding `payload` as it is. */
function encodeInternal(id: number, field: number, payload: Uint8Array): Buffer {
  const idLen = varintLen(id);
  const lenLen = varintLen(payload.length);
  const out = Buffer.allocUnsafe(1 + idLen + 1 + lenLen + payload.length);
  let pos = 0;
  out[pos++] = 0x08;
  pos = putVarint(out, pos, id);
  out[pos++] = (field << 3) | 2;
  pos = putVarint(out, pos, payload.length);
  out.set(payload, pos);
  return out;
}

function varintLen(n: number): number {
  let len = 1;
  while (n >= 0x80) { n = Math.floor(n / 0x80); len++; }
  return len;
}

function putVarint(buf: Buffer, pos: number, n: number): number {
  while (n >= 0x80) { buf[pos++] = (n % 0x80) | 0x80; n = Math.floor(n / 0x80); }
  buf[pos++] = n;
  return pos;
}
