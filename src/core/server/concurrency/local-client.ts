// An in-process client of one member, for services that etcd builds on its own client API (v3lock and
// v3election run clientv3's concurrency recipes against the local server through v3client). Requests go through
// the same validation, log and apply as a remote client's; answers are the same encoded responses, decoded, so
// headers carry the member's cluster id, member id, revision and term exactly as the wire does.
import { etcdserverpb, longOf, toNumber } from '../../api/proto';
import { EtcdError, Errors, GrpcCode } from '../../errors';
import { frameDelete, frameRangeResponse, frameTxn } from '../../api/grpc/wire';
import { joinFrameStream } from '../../api/transport';
import type { EtcdServer } from '../etcd-server';
import type { WatchStream } from '../watch/watch-hub';

const framePrefix = 5;

function unframe(frame: Uint8Array): Uint8Array {
  return frame.subarray(framePrefix);
}

/** Why a wait ended early: the caller's call was canceled (client gone, deadline). */
export class Aborted extends Error {
  constructor(readonly reason: unknown) {
    super('aborted');
  }
}

export class LocalClient {
  constructor(private readonly server: EtcdServer) {}

  async txn(req: etcdserverpb.ITxnRequest): Promise<etcdserverpb.TxnResponse> {
    const bytes = etcdserverpb.TxnRequest.encode(req).finish();
    const out = await this.server.txn(etcdserverpb.TxnRequest.decode(bytes), bytes);
    return etcdserverpb.TxnResponse.decode(unframe(frameTxn(out)));
  }

  async range(req: etcdserverpb.IRangeRequest): Promise<etcdserverpb.RangeResponse> {
    const out = await this.server.range(etcdserverpb.RangeRequest.fromObject(req));
    const framed = frameRangeResponse(out);
    return etcdserverpb.RangeResponse.decode(unframe(framed instanceof Uint8Array ? framed : joinFrameStream(framed)));
  }

  async deleteKey(key: Uint8Array): Promise<etcdserverpb.DeleteRangeResponse> {
    const bytes = etcdserverpb.DeleteRangeRequest.encode({ key }).finish();
    const out = await this.server.deleteRange(etcdserverpb.DeleteRangeRequest.decode(bytes), bytes);
    return etcdserverpb.DeleteRangeResponse.decode(unframe(frameDelete(out)));
  }

  async leaseGrant(ttl: number): Promise<bigint> {
    return (await this.server.leaseGrant({ ID: longOf(0n), TTL: ttl })).id;
  }

  /**
   * A watch on [key, rangeEnd) from `startRevision`; `onResponse` gets each WatchResponse (the first is the
   * creation). Returns the stream, to close when done. Responses are handled as they come, nothing is queued.
   */
  watch(req: etcdserverpb.IWatchCreateRequest, onResponse: (r: etcdserverpb.WatchResponse) => void): WatchStream {
    const stream = this.server.watch.openStream({
      send: (frame) => {
        onResponse(etcdserverpb.WatchResponse.decode(unframe(frame)));
        return true;
      },
    });
    stream.create(req);
    return stream;
  }

  /**
   * Resolves with the first watch response that `until` accepts, watching [key, rangeEnd) from `startRevision`;
   * rejects with Aborted when `signal` aborts, or with an EtcdError when the watch is canceled (compaction).
   */
  waitFor(
    req: etcdserverpb.IWatchCreateRequest,
    signal: AbortSignal,
    until: (r: etcdserverpb.WatchResponse) => boolean,
  ): Promise<etcdserverpb.WatchResponse> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) {
        reject(new Aborted(signal.reason));
        return;
      }
      let settled = false;
      // set once the watch exists: a create refused at once answers before `watch` returns
      const made: { stream?: WatchStream } = {};
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        made.stream?.close();
        fn();
      };
      const onAbort = () => finish(() => reject(new Aborted(signal.reason)));
      signal.addEventListener('abort', onAbort);
      made.stream = this.watch(req, (r) => {
        if (r.canceled) {
          // clientv3's WatchResponse.Err(): a compacted start, else the cancel reason
          const err = toNumber(r.compactRevision) !== 0
            ? new EtcdError(Errors.Compacted.code, Errors.Compacted.message)
            : new EtcdError(GrpcCode.FAILED_PRECONDITION, r.cancelReason !== '' ? r.cancelReason : 'lost watcher waiting for delete');
          finish(() => reject(err));
        } else if (until(r)) finish(() => resolve(r));
        else if (until(r)) finish(() => resolve(r));
      });
      if (settled) made.stream.close();
    });
  }
}
