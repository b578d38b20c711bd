// clientv3/concurrency.Election, the recipe etcdctl elect uses: a candidate writes `<name>/<lease %x>` with its
// proposal on its session lease and leads once every key created before its own is gone; observers read the
// first-created key under `<name>/` and follow its changes, moving to the next leader when it is deleted.
import Long from 'long';
import type { etcdserverpb, mvccpb } from '../../api/proto';
import type { EtcdClient } from '../../client/etcd-client';
import type { Session } from '../../client/session';
import { prefixRangeEnd } from '../kv-ops';
import { ascend, Canceled, sortCreate, waitDeletes, watchUntil } from './mutex';

export class Election {
  readonly keyPrefix: string;
  leaderKey = '';
  leaderRev = Long.ZERO;

  constructor(private readonly s: Session, name: string) {
    this.keyPrefix = `${name}/`;
  }

  private get client(): EtcdClient {
    return this.s.client;
  }

  async campaign(val: string, signal: AbortSignal): Promise<void> {
    const k = `${this.keyPrefix}${this.s.leaseHex}`;
    const key = Buffer.from(k);
    const resp = await this.client.txn({
      compare: [{ target: 1 /* CREATE */, result: 0, key, createRevision: 0 }],
      success: [{ requestPut: { key, value: Buffer.from(val), lease: this.s.lease } }],
      failure: [{ requestRange: { key } }],
    }, { deadline: Infinity });
    this.leaderKey = k;
    this.leaderRev = Long.fromValue(resp.header?.revision ?? 0);
    if (!resp.succeeded) {
      const kv = resp.responses[0].responseRange?.kvs?.[0];
      this.leaderRev = Long.fromValue(kv?.createRevision ?? 0);
      if (Buffer.from(kv?.value ?? []).toString() !== val) {
        await this.client.txn({
          compare: [{ target: 1, result: 0, key, createRevision: this.leaderRev }],
          success: [{ requestPut: { key, value: Buffer.from(val), lease: this.s.lease } }],
        }, { deadline: Infinity });
      }
    }
    try {
      await waitDeletes(this.client, Buffer.from(this.keyPrefix), this.leaderRev.subtract(1), signal);
    } catch (err) {
      if (err instanceof Canceled) await this.resign().catch(() => undefined);
      throw err;
    }
  }

  async resign(): Promise<void> {
    if (this.leaderKey === '') return;
    const key = Buffer.from(this.leaderKey);
    await this.client.txn({ compare: [{ target: 1, result: 0, key, createRevision: this.leaderRev }], success: [{ requestDeleteRange: { key } }] }, { deadline: Infinity });
    this.leaderKey = '';
  }

  /** Observe: calls `emit` with each leader (and each change of its value) until aborted or a watch fails. */
  async observe(signal: AbortSignal, emit: (r: etcdserverpb.RangeResponse) => void): Promise<void> {
    const pfx = Buffer.from(this.keyPrefix);
    for (;;) {
      const resp = await this.client.range({ key: pfx, rangeEnd: prefixRangeEnd(pfx), sortTarget: sortCreate, sortOrder: ascend, limit: 1 }, { deadline: Infinity });
      let kv: mvccpb.IKeyValue | undefined;
      let hdr: etcdserverpb.IResponseHeader | null | undefined;
      if (resp.kvs.length === 0) {
        await watchUntil(this.client, { key: pfx, rangeEnd: prefixRangeEnd(pfx), startRevision: Long.fromValue(resp.header?.revision ?? 0) }, signal, (wr) => {
          const put = wr.events.find((e) => e.type === 0);
          if (put === undefined) return false;
          kv = put.kv ?? undefined;
          hdr = { ...wr.header, revision: put.kv?.modRevision };
          return true;
        });
      } else {
        hdr = resp.header;
        kv = resp.kvs[0];
      }
      emit({ header: hdr, kvs: kv === undefined ? [] : [kv] } as etcdserverpb.RangeResponse);
      await watchUntil(this.client, { key: Buffer.from(kv?.key ?? []), startRevision: Long.fromValue(hdr?.revision ?? 0).add(1) }, signal, (wr) => {
        for (const ev of wr.events) {
          if (ev.type === 1) return true;
          emit({ ...resp, header: wr.header, kvs: [ev.kv] } as etcdserverpb.RangeResponse);
        }
        return false;
      });
    }
  }
}
