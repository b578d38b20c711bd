// etcd's Lock and Election services (etcdserver/api/v3lock, v3election, 3.4): clientv3's concurrency recipes
// (Mutex, Election) run against the local member. Same keys, same transactions, same waits, so a cairn lock and
// an etcdctl `lock` (which runs the recipe client-side) exclude each other, and answers carry the headers etcd's
// would. A lock holder's key is `<name>/<lease id in hex>`, attached to the caller's lease; the oldest key
// under the prefix (lowest create revision) holds the lock or leads the election.
import { etcdserverpb, longOf, mvccpb, toBigInt, toNumber, type v3electionpb, type v3lockpb } from '../../api/proto';
import { EtcdError, GrpcCode } from '../../errors';
import { prefixRangeEnd } from '../../storage/mvcc';
import { Aborted, LocalClient } from './local-client';

const CREATE = etcdserverpb.Compare.CompareTarget.CREATE;
const EQUAL = etcdserverpb.Compare.CompareResult.EQUAL;
const BY_CREATE = etcdserverpb.RangeRequest.SortTarget.CREATE;
const ASCEND = etcdserverpb.RangeRequest.SortOrder.ASCEND;
const DESCEND = etcdserverpb.RangeRequest.SortOrder.DESCEND;

/** clientv3's session TTL when the request names no lease (concurrency.defaultSessionTTL). */
const defaultSessionTtl = 60;

/** The errors etcd's recipes return as plain Go errors: gRPC sends them with code Unknown. */
export const RecipeErrors = {
  missingLeaderKey: () => new EtcdError(GrpcCode.UNKNOWN, '"leader" field must be provided'),
  notLeader: () => new EtcdError(GrpcCode.UNKNOWN, 'election: not leader'),
  noLeader: () => new EtcdError(GrpcCode.UNKNOWN, 'election: no leader'),
};


function withSlash(name: Uint8Array | null | undefined): Buffer {
  return Buffer.concat([Buffer.from(name ?? []), Buffer.from('/')]);
}

/** Go's %x of an int64 lease id (a negative one prints with a minus sign). */
function holderKey(prefix: Buffer, lease: bigint): Buffer {
  return Buffer.concat([prefix, Buffer.from(lease.toString(16))]);
}

/** clientv3's WithFirstCreate / WithLastCreate on a prefix: the oldest (newest) key under it. */
function topByCreate(prefix: Buffer, order: number, maxCreateRevision = 0): etcdserverpb.IRangeRequest {
  return { key: prefix, rangeEnd: prefixRangeEnd(prefix), sortTarget: BY_CREATE, sortOrder: order, limit: 1, maxCreateRevision };
}

const never = new AbortController().signal;

/** Leader changes an Observe stream may have waiting for its client before it is ended. */
const maxObserveBacklog = 4096;

export class Recipes {
  private readonly c: LocalClient;

  constructor(client: LocalClient) {
    this.c = client;
  }

  /** The session's lease: the request's, or a new one of clientv3's default TTL when it names none. */
  private async sessionLease(lease: bigint): Promise<bigint> {
    return lease !== 0n ? lease : this.c.leaseGrant(defaultSessionTtl);
  }

  // ---- Lock (concurrency.Mutex) ----

  async lock(req: v3lockpb.ILockRequest, signal: AbortSignal = never): Promise<{ header: etcdserverpb.IResponseHeader; key: Buffer }> {
    const lease = await this.sessionLease(toBigInt(req.lease));
    const prefix = withSlash(req.name);
    const myKey = holderKey(prefix, lease);
    const resp = await this.c.txn({
      compare: [{ target: CREATE, result: EQUAL, key: myKey, createRevision: 0 }],
      success: [{ requestPut: { key: myKey, value: Buffer.alloc(0), lease: longOf(lease) } }, { requestRange: topByCreate(prefix, ASCEND) }],
      failure: [{ requestRange: { key: myKey } }, { requestRange: topByCreate(prefix, ASCEND) }],
    });
    let myRev = toNumber(resp.header?.revision);
    if (!resp.succeeded) myRev = toNumber(resp.responses[0]?.responseRange?.kvs?.[0]?.createRevision);
    const owner = resp.responses[1]?.responseRange?.kvs ?? [];
    if (owner.length === 0 || toNumber(owner[0].createRevision) === myRev) return { header: resp.header ?? {}, key: myKey };
    try {
      const header = await this.waitDeletes(prefix, myRev - 1, signal);
      return { header, key: myKey };
    } catch (err) {
      // the wait failed (the caller went away): give up our place in line, as Mutex.Lock does
      await this.c.deleteKey(myKey).catch(() => undefined);
      throw err;
    }
  }

  async unlock(req: v3lockpb.IUnlockRequest): Promise<etcdserverpb.IResponseHeader> {
    return (await this.c.deleteKey(Buffer.from(req.key ?? []))).header ?? {};
  }

  // ---- Election (concurrency.Election) ----

  async campaign(req: v3electionpb.ICampaignRequest, signal: AbortSignal = never): Promise<v3electionpb.ICampaignResponse> {
    const lease = await this.sessionLease(toBigInt(req.lease));
    const prefix = withSlash(req.name);
    const key = holderKey(prefix, lease);
    const value = Buffer.from(req.value ?? []);
    const resp = await this.c.txn({
      compare: [{ target: CREATE, result: EQUAL, key, createRevision: 0 }],
      success: [{ requestPut: { key, value, lease: longOf(lease) } }],
      failure: [{ requestRange: { key } }],
    });
    let rev = toNumber(resp.header?.revision);
    if (!resp.succeeded) {
      const kv = resp.responses[0]?.responseRange?.kvs?.[0];
      rev = toNumber(kv?.createRevision);
      if (!Buffer.from(kv?.value ?? []).equals(value)) {
        const proclaimed = await this.c.txn({
          compare: [{ target: CREATE, result: EQUAL, key, createRevision: rev }],
          success: [{ requestPut: { key, value, lease: longOf(lease) } }],
        });
        if (!proclaimed.succeeded) throw RecipeErrors.notLeader();
      }
    }
    try {
      await this.waitDeletes(prefix, rev - 1, signal);
    } catch (err) {
      // canceled while waiting: step down, as Election.Campaign does
      if (err instanceof Aborted) await this.resignKey(key, rev).catch(() => undefined);
      throw err;
    }
    return { header: resp.header, leader: { name: req.name, key, rev, lease: longOf(lease) } };
  }

  async proclaim(req: v3electionpb.IProclaimRequest): Promise<etcdserverpb.IResponseHeader> {
    const l = req.leader;
    if (!l) throw RecipeErrors.missingLeaderKey();
    const key = Buffer.from(l.key ?? []);
    const resp = await this.c.txn({
      compare: [{ target: CREATE, result: EQUAL, key, createRevision: l.rev ?? 0 }],
      success: [{ requestPut: { key, value: Buffer.from(req.value ?? []), lease: l.lease ?? 0 } }],
    });
    if (!resp.succeeded) throw RecipeErrors.notLeader();
    return resp.header ?? {};
  }

  async resign(req: v3electionpb.IResignRequest): Promise<etcdserverpb.IResponseHeader> {
    const l = req.leader;
    if (!l) throw RecipeErrors.missingLeaderKey();
    return this.resignKey(Buffer.from(l.key ?? []), toNumber(l.rev));
  }

  private async resignKey(key: Buffer, rev: number): Promise<etcdserverpb.IResponseHeader> {
    const resp = await this.c.txn({
      compare: [{ target: CREATE, result: EQUAL, key, createRevision: rev }],
      success: [{ requestDeleteRange: { key } }],
    });
    return resp.header ?? {};
  }

  async leader(req: v3electionpb.ILeaderRequest): Promise<v3electionpb.ILeaderResponse> {
    const resp = await this.c.range(topByCreate(withSlash(req.name), ASCEND));
    if (resp.kvs.length === 0) throw RecipeErrors.noLeader();
    return { header: resp.header, kv: resp.kvs[0] };
  }

  /**
   * Election.Observe: the current leader, then each of its changes (proclaims), then the next leader once it
   * resigns or its lease ends, until `signal` aborts. `send` returns a promise that settles once the answer
   * is on its way (the caller's backpressure).
   */
  async observe(req: v3electionpb.ILeaderRequest, signal: AbortSignal, send: (r: v3electionpb.ILeaderResponse) => Promise<void>): Promise<void> {
    const prefix = withSlash(req.name);
    while (!signal.aborted) {
      const resp = await this.c.range(topByCreate(prefix, ASCEND));
      let header = resp.header ?? {};
      let kv: mvccpb.IKeyValue | undefined = resp.kvs[0];
      if (kv === undefined) {
        // no leader: wait for the first put under the prefix (a delete would make the loop spin)
        const w = await this.c.waitFor({ key: prefix, rangeEnd: prefixRangeEnd(prefix), startRevision: resp.header?.revision },
          signal, (r) => r.events.some((e) => e.type === mvccpb.Event.EventType.PUT));
        const ev = w.events.find((e) => e.type === mvccpb.Event.EventType.PUT);
        kv = ev?.kv ?? undefined;
        // clientv3 reports the put's own revision, in case the response held several
        header = { ...(w.header ?? {}), revision: kv?.modRevision };
      }
      if (kv === undefined) continue;
      await send({ header, kv });
      await this.followLeader(kv, toNumber(header.revision) + 1, signal, send);
    }
  }

  /** Sends each new value of the leader's key until it is deleted (the leader is gone). */
  private followLeader(leader: mvccpb.IKeyValue, fromRevision: number, signal: AbortSignal, send: (r: v3electionpb.ILeaderResponse) => Promise<void>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let queue = Promise.resolve();
      let pending = 0;
      let done = false;
      const finish = (err?: unknown) => {
        if (done) return;
        done = true;
        signal.removeEventListener('abort', onAbort);
        stream.close();
        if (err === undefined) void queue.then(resolve, reject);
        else reject(err);
      };
      const onAbort = () => finish(new Aborted(signal.reason));
      signal.addEventListener('abort', onAbort);
      const stream = this.c.watch({ key: leader.key, startRevision: fromRevision }, (r) => {
        if (done || r.created) return;
        if (r.canceled) return finish(new EtcdError(GrpcCode.FAILED_PRECONDITION, r.cancelReason || 'watch canceled'));
        for (const e of r.events) {
          if (e.type === mvccpb.Event.EventType.DELETE) return finish();
          // an observer that stops reading is not queued for without bound
          if (++pending > maxObserveBacklog) return finish(new EtcdError(GrpcCode.RESOURCE_EXHAUSTED, 'election: observer is too slow'));
          const answer = { header: r.header, kv: e.kv };
          queue = queue.then(() => send(answer)).finally(() => { pending--; });
        }
      });
      if (signal.aborted) onAbort();
    });
  }

  /**
   * concurrency.waitDeletes: until no key under the prefix was created at or below `maxCreateRevision`, wait
   * for the newest such key to be deleted. Returns the header of the range that found none.
   */
  private async waitDeletes(prefix: Buffer, maxCreateRevision: number, signal: AbortSignal): Promise<etcdserverpb.IResponseHeader> {
    for (;;) {
      if (signal.aborted) throw new Aborted(signal.reason);
      const resp = await this.c.range(topByCreate(prefix, DESCEND, maxCreateRevision));
      if (resp.kvs.length === 0) return resp.header ?? {};
      await this.c.waitFor({ key: resp.kvs[0].key, startRevision: resp.header?.revision }, signal,
        (r) => r.events.some((e) => e.type === mvccpb.Event.EventType.DELETE));
    }
  }
}
