// A typed etcd v3 client over grpc-js and the generated static codecs, behaving as clientv3 3.4 does for
// etcdctl: several endpoints with failover (an Unavailable endpoint is skipped for the next one until the call's
// deadline), user/password turned into a token sent as `token` metadata and refreshed once when the server
// calls it invalid, calls pinned to one endpoint for the maintenance RPCs, and failures as EtcdError with the
// message etcdctl prints.
import assert from 'node:assert';
import * as grpc from '@grpc/grpc-js';
import { EtcdError, Errors, GrpcCode } from '../errors';
import type { ClientOptions } from './client-options';
import { Connection } from './connection';
import { parseEndpoint, type Endpoint } from './endpoint';
import { deadlineExceeded, isStatusLike, toEtcdError, type StatusLike } from './grpc-status';
import { etcdserverpb, mvccpb, toNumber } from '../api/proto';
import { Rpc, rangeStreamPath, type RpcMethod } from './rpc-methods';
import { WatchStream, type WatchStreamOptions } from './watch-stream';
import { LeaseKeepAliveStream, type LeaseKeepAliveOptions } from './lease-keepalive';

/** pause after every endpoint failed once, before the next round (clientv3's 25 ms backoff) */
export const failoverRoundPauseMs = 25;
/** hard bound on attempts of one call, whatever its deadline */
export const callAttemptsMax = 10_000;

export interface CallOptions {
  /** absolute deadline, ms since the epoch */
  readonly deadline: number;
}

/** grpc-js's words for failures that happen before a request is sent: safe to retry even a write. */
const notSentPattern = /No connection established|ECONNREFUSED|ENOENT|EHOSTUNREACH|ENETUNREACH|Name resolution failed|getaddrinfo|Failed to connect/i;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

export class EtcdClient {
  private readonly connections: Connection[];
  private current = 0;
  private token: string | undefined;
  private closed = false;

  private constructor(readonly options: ClientOptions, endpoints: readonly Endpoint[]) {
    assert(endpoints.length > 0, 'at least one endpoint');
    this.connections = endpoints.map((e) => new Connection(e, options));
  }

  /**
   * A client for the endpoints; with a user it authenticates first (within the dial timeout), as clientv3.New
   * does. A cluster without auth enabled is fine: the client then sends no token.
   */
  static async connect(options: ClientOptions): Promise<EtcdClient> {
    const endpoints = options.endpoints.map(parseEndpoint);
    if (endpoints.length === 0) endpoints.push(parseEndpoint('127.0.0.1:2379'));
    const c = new EtcdClient(options, endpoints);
    if (options.auth !== undefined && options.auth.user !== '' && options.auth.password !== '') {
      try {
        await c.authenticate(Date.now() + options.dialTimeoutMs);
      } catch (err) {
        c.close();
        throw err;
      }
    }
    return c;
  }

  get endpoints(): readonly string[] {
    return this.connections.map((c) => c.endpoint.raw);
  }

  /** A client on one endpoint of this one, sharing its options and token (for Status, HashKV and health). */
  pinned(endpoint: string): EtcdClient {
    const c = new EtcdClient({ ...this.options, endpoints: [endpoint] }, [parseEndpoint(endpoint)]);
    c.token = this.token;
    return c;
  }

  range(req: Parameters<typeof Rpc.range.request.encode>[0], o: CallOptions) { return this.call(Rpc.range, req, o); }
  put(req: Parameters<typeof Rpc.put.request.encode>[0], o: CallOptions) { return this.call(Rpc.put, req, o); }
  deleteRange(req: Parameters<typeof Rpc.deleteRange.request.encode>[0], o: CallOptions) { return this.call(Rpc.deleteRange, req, o); }
  txn(req: Parameters<typeof Rpc.txn.request.encode>[0], o: CallOptions) { return this.call(Rpc.txn, req, o); }
  compact(req: Parameters<typeof Rpc.compact.request.encode>[0], o: CallOptions) { return this.call(Rpc.compact, req, o); }
  memberList(o: CallOptions) { return this.call(Rpc.memberList, {}, o); }
  status(o: CallOptions) { return this.call(Rpc.status, {}, o); }
  hashKV(req: Parameters<typeof Rpc.hashKV.request.encode>[0], o: CallOptions) { return this.call(Rpc.hashKV, req, o); }

  /** Opens a Watch stream on the current endpoint (with `hasleader` metadata, as etcdctl's WithRequireLeader). */
  watch(opts: WatchStreamOptions): WatchStream {
    const md = this.metadata();
    md.set('hasleader', 'true');
    return new WatchStream(this.connections[this.current].client, md, opts);
  }

  /** Opens a LeaseKeepAlive stream on the current endpoint. */
  leaseKeepAlive(opts: LeaseKeepAliveOptions): LeaseKeepAliveStream {
    return new LeaseKeepAliveStream(this.connections[this.current].client, this.metadata(), opts);
  }

  /** One unary call with failover and token refresh; rejects with EtcdError. */
  call<Req, Res>(method: RpcMethod<Req, Res>, req: Req, o: CallOptions): Promise<Res> {
    const body = Buffer.from(method.request.encode(req).finish());
    return this.attempts(method.idempotent, o, async (conn) => method.response.decode(await conn.unary(method.path, body, this.metadata(), o.deadline)));
  }

  /**
   * KV.RangeStream (etcd 3.7): the range in chunks, merged into one RangeResponse as clientv3's
   * GetStreamToGetResponse merges them (KeyValues appended; header, more and count from the chunk that has them).
   * A stream that fails before its first chunk is tried again like a unary Range.
   */
  rangeStream(req: Parameters<typeof Rpc.range.request.encode>[0], o: CallOptions): Promise<etcdserverpb.RangeResponse> {
    const body = Buffer.from(Rpc.range.request.encode(req).finish());
    return this.attempts(true, o, async (conn) => {
      const out = etcdserverpb.RangeResponse.create();
      let received = false;
      try {
        await conn.serverStream(rangeStreamPath, body, this.metadata(), o.deadline, (m) => {
          received = true;
          const r = etcdserverpb.RangeStreamResponse.decode(m).rangeResponse;
          if (!r) return;
          // decode builds message instances, whatever the generated property types say
          for (const kv of (r.kvs ?? []) as mvccpb.KeyValue[]) out.kvs.push(kv);
          if (r.header) out.header = r.header;
          if (r.more) out.more = true;
          if (r.count !== null && r.count !== undefined && toNumber(r.count) !== 0) out.count = r.count;
        });
      } catch (err) {
        // part of the answer arrived: trying again elsewhere could mix two states, so the error stands
        if (received && isStatusLike(err)) throw toEtcdError(err);
        throw err;
      }
      return out;
    });
  }

  /** Runs `once` on the current endpoint with failover on Unavailable and one token refresh; rejects with EtcdError. */
  private async attempts<Res>(idempotent: boolean, o: CallOptions, once: (conn: Connection) => Promise<Res>): Promise<Res> {
    assert(!this.closed, 'client is closed');
    let refreshed = false;
    let failedInRound = 0;
    for (let attempt = 0; attempt < callAttemptsMax; attempt++) {
      if (Date.now() >= o.deadline) throw deadlineExceeded();
      const conn = this.connections[this.current];
      try {
        return await once(conn);
      } catch (err) {
        if (!isStatusLike(err)) throw err;
        if (this.canFailOver(err, idempotent)) {
          this.current = (this.current + 1) % this.connections.length;
          if (++failedInRound >= this.connections.length) {
            failedInRound = 0;
            await sleep(Math.min(failoverRoundPauseMs, o.deadline - Date.now()));
          }
          continue;
        }
        if (!refreshed && this.shouldRefreshToken(err.details)) {
          refreshed = true;
          await this.authenticate(o.deadline);
          continue;
        }
        throw toEtcdError(err);
      }
    }
    throw deadlineExceeded();
  }

  /**
   * clientv3 3.4's shouldRefreshToken: an invalid token or an old auth revision, or "user name is empty" (the
   * server forgot the token, or enabled auth after this client found it off) when there is a user and password.
   */
  private shouldRefreshToken(details: string): boolean {
    const auth = this.options.auth;
    if (auth === undefined || auth.user === '' || auth.password === '') return false;
    return details === Errors.InvalidAuthToken.message || details === Errors.AuthOldRevision.message ||
      details === Errors.UserEmpty.message;
  }

  /** The token sent as `token` metadata (undefined without a user, or while auth is off). */
  get authToken(): string | undefined {
    return this.token;
  }

  private canFailOver(err: StatusLike, idempotent: boolean): boolean {
    if (err.code !== GrpcCode.UNAVAILABLE) return false;
    return idempotent || notSentPattern.test(err.details);
  }

  private metadata(): grpc.Metadata {
    const md = new grpc.Metadata();
    if (this.token !== undefined) md.set('token', this.token);
    return md;
  }

  /** clientv3's getToken: each endpoint in turn; "auth not enabled" means no token is needed. */
  private async authenticate(deadline: number): Promise<void> {
    const auth = this.options.auth;
    assert(auth !== undefined, 'authenticate needs a user');
    this.token = undefined;
    let last: EtcdError = deadlineExceeded();
    for (let round = 0; round < callAttemptsMax && Date.now() < deadline; round++) {
      for (const conn of this.connections) {
        try {
          const res = Rpc.authenticate.response.decode(await conn.unary(
            Rpc.authenticate.path, Buffer.from(Rpc.authenticate.request.encode({ name: auth.user, password: auth.password }).finish()),
            new grpc.Metadata(), deadline));
          this.token = res.token;
          return;
        } catch (err) {
          if (!isStatusLike(err)) throw err;
          last = toEtcdError(err);
          if (last.message === Errors.AuthNotEnabled.message) return;
          if (err.code !== GrpcCode.UNAVAILABLE) throw last;
        }
      }
      await sleep(Math.min(failoverRoundPauseMs, deadline - Date.now()));
    }
    throw Date.now() >= deadline ? deadlineExceeded() : last;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.connections) c.close();
  }
}
