// A LeaseKeepAlive bidi stream: keep-alive requests (a lease id each) go out, LeaseKeepAliveResponses come back
// in order. etcd answers a lease it does not know with TTL 0 rather than an error, so callers decide what an
// expired lease means (clientv3's KeepAliveOnce turns it into "requested lease not found").
import * as grpc from '@grpc/grpc-js';
import type Long from 'long';
import { etcdserverpb } from '../api/proto';
import { EtcdError, Errors } from '../errors';
import { isStatusLike, toEtcdError } from './grpc-status';
import { leaseKeepAlivePath } from './rpc-methods';

export interface LeaseKeepAliveOptions {
  readonly onResponse: (r: etcdserverpb.LeaseKeepAliveResponse) => void;
  /** the stream ended: with an error, or undefined when the server closed it cleanly */
  readonly onEnd: (err: EtcdError | undefined) => void;
}

type LeaseId = number | Long;

export class LeaseKeepAliveStream {
  private readonly call: grpc.ClientDuplexStream<Buffer, Buffer>;
  private ended = false;

  constructor(client: grpc.Client, metadata: grpc.Metadata, private readonly opts: LeaseKeepAliveOptions) {
    this.call = client.makeBidiStreamRequest(leaseKeepAlivePath, (b: Buffer) => b, (b: Buffer) => b, metadata, {});
    this.call.on('data', (b: Buffer) => opts.onResponse(etcdserverpb.LeaseKeepAliveResponse.decode(b)));
    this.call.on('error', (err: unknown) => this.end(isStatusLike(err) ? toEtcdError(err) : undefined));
    this.call.on('end', () => this.end(undefined));
  }

  /** Asks the server to renew the lease once. */
  keepAlive(id: LeaseId): void {
    if (this.ended) return;
    this.call.write(Buffer.from(etcdserverpb.LeaseKeepAliveRequest.encode({ ID: id }).finish()));
  }

  private end(err: EtcdError | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.opts.onEnd(err);
  }

  close(): void {
    this.ended = true;
    this.call.cancel();
  }
}

/**
 * clientv3's KeepAliveOnce: one request on a fresh stream, the first response. A TTL of 0 or less means the
 * lease is gone: rejects with "requested lease not found", as clientv3 does.
 */
export function keepAliveOnce(open: (o: LeaseKeepAliveOptions) => LeaseKeepAliveStream, id: LeaseId): Promise<etcdserverpb.LeaseKeepAliveResponse> {
  return new Promise((resolve, reject) => {
    let done = false;
    const s = open({
      onResponse: (r) => {
        if (done) return;
        done = true;
        s.close();
        if (Number(r.TTL) <= 0) reject(new EtcdError(Errors.LeaseNotFound.code, Errors.LeaseNotFound.message));
        else resolve(r);
      },
      onEnd: (err) => {
        if (done) return;
        done = true;
        reject(err ?? new EtcdError(Errors.LeaseNotFound.code, Errors.LeaseNotFound.message));
      },
    });
    s.keepAlive(id);
  });
}

export interface KeepAliveLoop {
  /** resolves when the lease is gone: a response with TTL <= 0, or no renewal before the last TTL ran out */
  readonly done: Promise<void>;
  stop(): void;
}

/** clientv3 re-checks keep-alives and reopens failed streams on a 500 ms beat */
export const keepAliveBeatMs = 500;

/**
 * clientv3's KeepAlive: renews `id` at a third of its TTL for as long as the lease lives, reporting every
 * response; a broken stream is reopened after a beat. Ends when the server says TTL 0 (expired or revoked) or
 * the lease's deadline passes without a renewal.
 */
export function keepAliveLoop(open: (o: LeaseKeepAliveOptions) => LeaseKeepAliveStream, id: LeaseId, onResponse: (r: etcdserverpb.LeaseKeepAliveResponse) => void, firstTtlSec?: number): KeepAliveLoop {
  let stream: LeaseKeepAliveStream | undefined;
  let finished = false;
  let nextSend: NodeJS.Timeout | undefined;
  let reopen: NodeJS.Timeout | undefined;
  let deadline = firstTtlSec === undefined ? Infinity : Date.now() + firstTtlSec * 1000;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => { resolveDone = resolve; });
  const finish = () => {
    if (finished) return;
    finished = true;
    clearTimeout(nextSend);
    clearTimeout(reopen);
    clearInterval(beat);
    stream?.close();
    resolveDone();
  };
  const beat = setInterval(() => { if (Date.now() > deadline) finish(); }, keepAliveBeatMs);
  const start = () => {
    if (finished) return;
    stream = open({
      onResponse: (r) => {
        if (finished) return;
        const ttl = Number(r.TTL);
        if (ttl <= 0) {
          finish();
          return;
        }
        deadline = Date.now() + ttl * 1000;
        onResponse(r);
        clearTimeout(nextSend);
        nextSend = setTimeout(() => stream?.keepAlive(id), (ttl * 1000) / 3);
      },
      onEnd: () => {
        if (finished) return;
        clearTimeout(nextSend);
        reopen = setTimeout(start, keepAliveBeatMs);
      },
    });
    stream.keepAlive(id);
  };
  start();
  return { done, stop: finish };
}
