// A Watch bidi stream: create requests go out, WatchResponses come back one by one (created, events,
// progress, canceled). Responses are delivered in order; the caller decides when to stop.
import * as grpc from '@grpc/grpc-js';
import { etcdserverpb } from '../api/proto';
import { isStatusLike, toEtcdError } from './grpc-status';
import { watchPath } from './rpc-methods';
import type { EtcdError } from '../errors';

export interface WatchStreamOptions {
  readonly onResponse: (r: etcdserverpb.WatchResponse) => void;
  /** the stream ended: with an error, or undefined when the server closed it cleanly */
  readonly onEnd: (err: EtcdError | undefined) => void;
}

type WatchCreate = NonNullable<Parameters<typeof etcdserverpb.WatchCreateRequest.encode>[0]>;

export class WatchStream {
  private readonly call: grpc.ClientDuplexStream<Buffer, Buffer>;
  private ended = false;

  constructor(client: grpc.Client, metadata: grpc.Metadata, private readonly opts: WatchStreamOptions) {
    this.call = client.makeBidiStreamRequest(watchPath, (b: Buffer) => b, (b: Buffer) => b, metadata, {});
    this.call.on('data', (b: Buffer) => opts.onResponse(etcdserverpb.WatchResponse.decode(b)));
    this.call.on('error', (err: unknown) => this.end(isStatusLike(err) ? toEtcdError(err) : undefined));
    this.call.on('end', () => this.end(undefined));
  }

  create(req: WatchCreate): void {
    this.send({ createRequest: req });
  }

  requestProgress(): void {
    this.send({ progressRequest: {} });
  }

  private send(req: Parameters<typeof etcdserverpb.WatchRequest.encode>[0]): void {
    this.call.write(Buffer.from(etcdserverpb.WatchRequest.encode(req).finish()));
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
