// clientv3/concurrency.Mutex, the recipe etcdctl lock uses: the key `<name>/<lease %x>` is created with the
// session's lease in a txn (if it does not exist yet), and the holder is the key under `<name>/` with the lowest
// create revision. A waiter watches the key just before its own (by create revision) until it is deleted, then
// looks again, until no key created before its own is left.
import Long from 'long';
import type { etcdserverpb } from '../../api/proto';
import type { EtcdClient } from '../../client/etcd-client';
import type { Session } from '../../client/session';
import { EtcdError, GrpcCode } from '../../errors';
import { prefixRangeEnd } from '../kv-ops';

export const sortCreate = 2;
export const ascend = 1;
const descend = 2;

export class Canceled extends Error {
  constructor() {
    super('context canceled');
  }
}

export class Mutex {
  readonly pfx: string;
  myKey = '';
  myRev = Long.ZERO;
  header: etcdserverpb.ResponseHeader.$Properties | null | undefined;

  constructor(private readonly s: Session, name: string) {
    this.pfx = `${name}/`;
  }

  private get client(): EtcdClient {
    return this.s.client;
  }

  /** Lock: resolves holding the lock; rejects with Canceled when `signal` fires first. */
  async lock(signal: AbortSignal): Promise<void> {
    this.myKey = `${this.pfx}${this.s.leaseHex}`;
    const key = Buffer.from(this.myKey);
    const pfx = Buffer.from(this.pfx);
    const getOwner = { requestRange: { key: pfx, rangeEnd: prefixRangeEnd(pfx), sortTarget: sortCreate, sortOrder: ascend, limit: 1 } };
    const resp = await this.client.txn({
      compare: [{ target: 1 /* CREATE */, result: 0 /* EQUAL */, key, createRevision: 0 }],
      success: [{ requestPut: { key, value: Buffer.alloc(0), lease: this.s.lease } }, getOwner],
      failure: [{ requestRange: { key } }, getOwner],
    }, { deadline: Infinity });
    this.myRev = Long.fromValue(resp.header?.revision ?? 0);
    if (!resp.succeeded) this.myRev = Long.fromValue(resp.responses[0].responseRange?.kvs?.[0]?.createRevision ?? 0);
    const owner = resp.responses[1].responseRange?.kvs ?? [];
    if (owner.length === 0 || Long.fromValue(owner[0].createRevision ?? 0).equals(this.myRev)) {
      this.header = resp.header;
      return;
    }
    try {
      this.header = await waitDeletes(this.client, pfx, this.myRev.subtract(1), signal);
    } catch (err) {
      await this.unlock().catch(() => undefined);
      throw err;
    }
  }

  async unlock(): Promise<void> {
    await this.client.deleteRange({ key: Buffer.from(this.myKey) }, { deadline: Infinity });
  }
}

type Header = etcdserverpb.ResponseHeader.$Properties | null | undefined;

/** waitDeletes: until no key under the prefix was created at or before maxCreateRev */
export async function waitDeletes(client: EtcdClient, pfx: Buffer, maxCreateRev: Long, signal: AbortSignal): Promise<Header> {
  for (;;) {
    if (signal.aborted) throw new Canceled();
    const r = await client.range({ key: pfx, rangeEnd: prefixRangeEnd(pfx), sortTarget: sortCreate, sortOrder: descend, limit: 1, maxCreateRevision: maxCreateRev }, { deadline: Infinity });
    if (r.kvs.length === 0) return r.header;
    await watchUntil(client, { key: Buffer.from(r.kvs[0].key ?? []), startRevision: Long.fromValue(r.header?.revision ?? 0) }, signal, (resp) => resp.events.some((e) => e.type === 1));
  }
}

/** Watches until `done(response)` says so; rejects with Canceled on abort, or with the stream's end. */
export function watchUntil(client: EtcdClient, req: { key: Buffer; rangeEnd?: Buffer; startRevision: Long }, signal: AbortSignal, done: (r: etcdserverpb.WatchResponse) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new Canceled());
      return;
    }
    const onAbort = () => { stream.close(); reject(new Canceled()); };
    const stream = client.watch({
      onResponse: (r) => {
        if (!r.created && done(r)) {
          signal.removeEventListener('abort', onAbort);
          stream.close();
          resolve();
        }
      },
      onEnd: (err) => {
        signal.removeEventListener('abort', onAbort);
        reject(err ?? new EtcdError(GrpcCode.CANCELLED, 'context canceled'));
      },
    });
    signal.addEventListener('abort', onAbort, { once: true });
    stream.create(req);
  });
}
