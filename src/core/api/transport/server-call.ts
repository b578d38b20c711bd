// One gRPC call on one HTTP/2 stream: reads the request messages, runs the handler, writes the response and
// the status. The hot path (a unary call) costs one object, four stream listeners shared by every call (no
// per-call closures: the call hangs off the stream under a symbol), one respond, one end, one sendTrailers,
// and no promise when the handler answers synchronously. The call object is also the handler's CallContext
// and, for streaming calls, its ServerStreamCall/BidiCall.
import * as http2 from 'node:http2';
import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import { GrpcError, toGrpcError } from './grpc-error';
import { Status } from './status';
import { endStream, okTrailers, responseHeaders, statusHeaders, waitForTrailers } from './status-headers';
import { readMetadata } from './metadata';
import type { Metadata } from './metadata';
import { MessageReader } from './message-reader';
import type { MessageSink } from './message-reader';
import { frameMessage, framePrefixBytes, isWholeFrame, wholeFramesMaxMessage } from './message-frame';
import { Encoding, decompressMessage } from './decompress';
import type { PingPolicy } from './ping-policy';
import type {
  BidiCall, BidiHandler, CallContext, CallObserver, CallType, FrameStream, FramedUnaryHandler, ServerStreamHandler, TransportLogger, UnaryHandler,
} from './types';

export const RouteKind = { Unary: 0, UnaryFramed: 1, ServerStream: 2, Bidi: 3 } as const;

export type Route =
  | { kind: typeof RouteKind.Unary; handler: UnaryHandler }
  | { kind: typeof RouteKind.UnaryFramed; handler: FramedUnaryHandler }
  | { kind: typeof RouteKind.ServerStream; handler: ServerStreamHandler }
  | { kind: typeof RouteKind.Bidi; handler: BidiHandler };

/** Per-server limits every call reads. */
export interface CallLimits {
  readonly maxRecvMessageBytes: number;
  readonly maxSendMessageBytes: number;
  readonly maxBufferedBytesPerStream: number;
  readonly logger: TransportLogger;
  readonly observer?: CallObserver;
}

function callTypeOf(route: Route): CallType {
  return route.kind === RouteKind.ServerStream ? 'server_stream' : route.kind === RouteKind.Bidi ? 'bidi_stream' : 'unary';
}

/** Per-connection state every call on it shares. */
export interface SessionState {
  readonly peer: string;
  openCalls: number;
  readonly pings: PingPolicy | null;
}

/** setTimeout's largest delay; a longer deadline never fires a timer (the client will give up first). */
export const maxTimerDelayMs = 2 ** 31 - 1;

const CallState = {
  /** reading the request (unary, server streaming) */
  Receiving: 0,
  /** the handler has the call */
  Running: 1,
  /** the final status is sent or queued behind the response */
  Answered: 2,
  /** reset (by the client, the session, or us on overflow) without a status */
  Cancelled: 3,
} as const;
type CallState = (typeof CallState)[keyof typeof CallState];

const cardinalityNone = 'cardinality violation: received no request message from non-client-streaming RPC';
const cardinalityMany = 'cardinality violation: received multiple request messages for non-client-streaming RPC';

const kCall = Symbol('cairn.grpc.call');
type CallStream = ServerHttp2Stream & { [kCall]?: ServerCall };

// Listeners shared by every call: `this` is the stream, the call hangs off it.
function onStreamData(this: CallStream, chunk: Buffer): void {
  this[kCall]?.handleData(chunk);
}
function onStreamEnd(this: CallStream): void {
  this[kCall]?.handleEnd();
}
function onStreamClose(this: CallStream): void {
  const call = this[kCall];
  this[kCall] = undefined;
  call?.handleClose();
}
function onStreamDrain(this: CallStream): void {
  this[kCall]?.handleDrain();
}
function onWantTrailers(this: CallStream): void {
  const call = this[kCall];
  try {
    this.sendTrailers(call === undefined ? okTrailers : call.takeTrailers());
    // the client is still sending: RST_STREAM NO_ERROR right after the status (PROTOCOL-HTTP2.md, "Early
    // Server Closure"), so it stops and the stream is freed; node submits the trailers from a setImmediate,
    // so the reset queues behind them
    if (call !== undefined && !call.clientHalfClosed) setImmediate(resetAfterTrailers, this);
  } catch (err) {
    call?.logger.error('grpc: failed to send trailers', { method: call.path, error: (err as Error).message });
    this.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
  }
}
function resetAfterTrailers(stream: CallStream): void {
  if (!stream.closed) stream.close(http2.constants.NGHTTP2_NO_ERROR);
}
function isFrameStream(x: unknown): x is FrameStream {
  return x !== null && typeof x === 'object' && !(x instanceof Uint8Array) && typeof (x as FrameStream).next === 'function' &&
    typeof (x as FrameStream).frameBytes === 'number';
}
function expireCall(call: ServerCall): void {
  call.handleDeadline();
}

export class ServerCall implements CallContext, BidiCall, MessageSink {
  readonly path: string;
  private state: CallState = CallState.Receiving;
  private readonly reader: MessageReader;
  private request: Buffer | null = null;
  private timer: NodeJS.Timeout | null = null;
  private controller: AbortController | null = null;
  private cancelReason: GrpcError | null = null;
  private cancelNotified = false;
  private trailers: OutgoingHttpHeaders = okTrailers;
  private metadataCache: Metadata | null = null;
  private messageCb: ((message: Buffer) => void) | null = null;
  private endCb: (() => void) | null = null;
  private cancelCb: (() => void) | null = null;
  private drainCb: (() => void) | null = null;
  /** bidi messages that arrived before onMessage was registered (the stream is paused meanwhile) */
  private pending: Buffer[] | null = null;
  private clientEnded = false;
  /** when the call started (only with an observer) */
  private startedAt = 0n;
  private endDelivered = false;
  /** a unary response being sent piece by piece (FrameStream), until its last piece or the stream's end */
  private chunked: FrameStream | null = null;

  constructor(
    private readonly stream: CallStream,
    private readonly headers: IncomingHttpHeaders,
    private readonly route: Route,
    private readonly encoding: Encoding,
    readonly deadline: number | null,
    private readonly limits: CallLimits,
    private readonly session: SessionState,
  ) {
    this.path = headers[':path'] as string;
    this.reader = new MessageReader(limits.maxRecvMessageBytes);
  }

  get logger(): TransportLogger {
    return this.limits.logger;
  }

  /** Attaches to the stream and, for bidi, hands the call to its handler. `timeoutMs`: from grpc-timeout. */
  start(timeoutMs: number | null): void {
    const stream = this.stream;
    stream[kCall] = this;
    stream.on('data', onStreamData);
    stream.on('end', onStreamEnd);
    stream.on('close', onStreamClose);
    this.session.openCalls++;
    if (this.limits.observer !== undefined) {
      this.startedAt = process.hrtime.bigint();
      this.limits.observer.started(this.path, callTypeOf(this.route));
    }
    if (timeoutMs !== null && timeoutMs <= maxTimerDelayMs) this.timer = setTimeout(expireCall, timeoutMs, this);
    if (this.route.kind === RouteKind.Bidi) {
      this.state = CallState.Running;
      try {
        this.route.handler(this);
      } catch (err) {
        this.fail(err);
      }
    }
  }

  // ---- CallContext ----

  get metadata(): Metadata {
    return (this.metadataCache ??= readMetadata(this.headers));
  }

  get signal(): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController();
      if (this.cancelNotified) this.controller.abort(this.cancelReason ?? cancelledError());
    }
    return this.controller.signal;
  }

  get peer(): string {
    return this.session.peer;
  }

  get ctx(): CallContext {
    return this;
  }

  // ---- ServerStreamCall / BidiCall ----

  write(message: Uint8Array): boolean {
    this.assertStreaming();
    if (!(message instanceof Uint8Array)) throw new TypeError('grpc: write() takes bytes');
    if (this.state !== CallState.Running) return false;
    if (message.length > this.limits.maxSendMessageBytes) {
      this.finish(sendTooLarge(message.length, this.limits.maxSendMessageBytes));
      return false;
    }
    return this.push(frameMessage(message));
  }

  writeFramed(frames: Uint8Array): boolean {
    this.assertStreaming();
    const largest = wholeFramesMaxMessage(frames);
    if (largest < 0) throw new TypeError('grpc: writeFramed() takes whole uncompressed frames');
    if (this.state !== CallState.Running) return false;
    if (largest > this.limits.maxSendMessageBytes) {
      this.finish(sendTooLarge(largest, this.limits.maxSendMessageBytes));
      return false;
    }
    return this.push(frames);
  }

  onDrain(cb: () => void): void {
    if (this.drainCb === null) this.stream.on('drain', onStreamDrain);
    this.drainCb = cb;
  }

  onCancel(cb: () => void): void {
    this.cancelCb = cb;
    if (this.cancelNotified) queueMicrotask(() => this.runCallback(cb));
  }

  end(status?: GrpcError): void {
    this.finish(status === undefined || status === null ? null : toGrpcError(status).error, true);
  }

  onMessage(cb: (message: Buffer) => void): void {
    this.assertStreaming();
    this.messageCb = cb;
    if (this.pending !== null) queueMicrotask(() => this.flushPending());
  }

  onEnd(cb: () => void): void {
    this.endCb = cb;
    if (this.clientEnded && this.pending === null) queueMicrotask(() => this.deliverEnd());
  }

  // ---- stream events (internal) ----

  /** @internal */
  handleData(chunk: Buffer): void {
    if (this.state >= CallState.Answered) return;
    const error = this.reader.push(chunk, this);
    if (error !== null) this.finish(error);
  }

  /** @internal MessageSink */
  acceptMessage(message: Buffer, compressed: boolean): void {
    if (this.state >= CallState.Answered) return;
    if (compressed) {
      try {
        message = decompressMessage(this.encoding, message, this.limits.maxRecvMessageBytes);
      } catch (err) {
        this.finish(toGrpcError(err).error);
        return;
      }
    }
    if (this.route.kind !== RouteKind.Bidi) {
      if (this.request !== null) this.finish(new GrpcError(Status.INTERNAL, cardinalityMany));
      else this.request = message;
      return;
    }
    if (this.messageCb !== null && this.pending === null) {
      this.deliver(this.messageCb, message);
    } else {
      (this.pending ??= []).push(message);
      this.stream.pause();
    }
  }

  /** @internal the client half-closed */
  handleEnd(): void {
    this.clientEnded = true;
    if (this.state >= CallState.Answered) return;
    if (!this.reader.atBoundary) {
      this.finish(new GrpcError(Status.INTERNAL, 'grpc: the request ended in the middle of a message'));
      return;
    }
    if (this.route.kind === RouteKind.Bidi) {
      if (this.pending === null) this.deliverEnd();
      return;
    }
    const request = this.request;
    if (request === null) {
      this.finish(new GrpcError(Status.INTERNAL, cardinalityNone));
      return;
    }
    this.request = null;
    this.state = CallState.Running;
    if (this.route.kind === RouteKind.ServerStream) this.runServerStream(this.route.handler, request);
    else this.runUnary(this.route.handler, request);
  }

  /** @internal */
  handleClose(): void {
    this.closeChunked();
    this.session.openCalls--;
    this.clearTimer();
    this.pending = null;
    if (this.state !== CallState.Answered) {
      if (this.state !== CallState.Cancelled) this.limits.observer?.handled(this.path, callTypeOf(this.route), Status.CANCELLED, this.elapsedSeconds());
      this.state = CallState.Cancelled;
      this.notifyCancel();
    }
    this.messageCb = this.endCb = this.drainCb = null;
  }

  /** @internal */
  handleDrain(): void {
    if (this.chunked !== null) {
      this.pumpChunks();
      return;
    }
    const cb = this.drainCb;
    if (cb !== null && this.state === CallState.Running) this.runCallback(cb);
  }

  /** @internal */
  handleDeadline(): void {
    this.timer = null;
    if (this.state >= CallState.Answered) return;
    const reason = new GrpcError(Status.DEADLINE_EXCEEDED, 'context deadline exceeded');
    this.cancelReason = reason;
    this.finish(reason);
    this.notifyCancel();
  }

  /** @internal */
  get clientHalfClosed(): boolean {
    return this.clientEnded;
  }

  /** @internal trailers for the 'wantTrailers' event */
  takeTrailers(): OutgoingHttpHeaders {
    return this.trailers;
  }

  // ---- running handlers ----

  private runUnary(handler: UnaryHandler | FramedUnaryHandler, request: Buffer): void {
    let out: Uint8Array | FrameStream | Promise<Uint8Array | FrameStream>;
    try {
      out = handler(request, this);
    } catch (err) {
      this.fail(err);
      return;
    }
    if (out instanceof Uint8Array) {
      this.reply(out);
    } else if (out !== null && typeof out === 'object' && 'then' in out && typeof out.then === 'function') {
      out.then((bytes) => this.replyAny(bytes), (err: unknown) => this.fail(err));
    } else if (isFrameStream(out)) {
      this.replyChunked(out);
    } else {
      this.failContract('unary handler returned neither bytes nor a promise');
    }
  }

  private replyAny(out: Uint8Array | FrameStream): void {
    if (isFrameStream(out)) this.replyChunked(out);
    else this.reply(out);
  }

  /** A framed unary answer sent piece by piece as HTTP/2 flow control allows (see FrameStream). */
  private replyChunked(body: FrameStream): void {
    if (this.state !== CallState.Running || this.route.kind !== RouteKind.UnaryFramed) {
      body.close();
      if (this.state === CallState.Running) this.failContract('only framed unary handlers may answer with a FrameStream');
      return;
    }
    const messageBytes = body.frameBytes - framePrefixBytes;
    if (messageBytes > this.limits.maxSendMessageBytes) {
      body.close();
      this.finish(sendTooLarge(messageBytes, this.limits.maxSendMessageBytes));
      return;
    }
    this.state = CallState.Answered;
    this.limits.observer?.handled(this.path, 'unary', Status.OK, this.elapsedSeconds());
    this.clearTimer();
    const stream = this.stream;
    if (stream.destroyed || stream.closed) {
      body.close();
      return;
    }
    if (this.session.pings !== null) this.session.pings.wroteSinceLastPing = true;
    this.chunked = body;
    try {
      stream.respond(responseHeaders, waitForTrailers);
      stream.on('wantTrailers', onWantTrailers);
      stream.on('drain', onStreamDrain);
    } catch (err) {
      this.closeChunked();
      this.abortStream(err);
      return;
    }
    this.pumpChunks();
  }

  /** Writes pieces until the stream's buffer is full (resumed on 'drain') or the last one is out. */
  private pumpChunks(): void {
    const body = this.chunked;
    if (body === null) return;
    const stream = this.stream;
    try {
      for (;;) {
        if (stream.destroyed || stream.closed) {
          this.closeChunked();
          return;
        }
        const piece = body.next();
        if (piece === undefined) {
          this.closeChunked();
          stream.end();
          return;
        }
        if (!stream.write(piece)) return;
      }
    } catch (err) {
      this.closeChunked();
      this.abortStream(err);
    }
  }

  private closeChunked(): void {
    const body = this.chunked;
    if (body === null) return;
    this.chunked = null;
    try {
      body.close();
    } catch (err) {
      this.limits.logger.error('grpc: closing a response stream failed', { method: this.path, error: (err as Error).message });
    }
  }

  private runServerStream(handler: ServerStreamHandler, request: Buffer): void {
    let out: Promise<void> | undefined;
    try {
      out = handler(request, this) ?? undefined;
    } catch (err) {
      this.fail(err);
      return;
    }
    if (out !== undefined && typeof out.then === 'function') out.then(undefined, (err: unknown) => this.fail(err));
  }

  /** The unary answer: headers, the one message, then trailers (sent on 'wantTrailers'). */
  private reply(bytes: Uint8Array): void {
    if (this.state !== CallState.Running) return;
    if (!(bytes instanceof Uint8Array)) {
      this.failContract('unary handler resolved to something other than bytes');
      return;
    }
    let frame: Uint8Array;
    if (this.route.kind === RouteKind.UnaryFramed) {
      if (!isWholeFrame(bytes)) {
        this.failContract('framed handler returned a malformed frame');
        return;
      }
      if (bytes.length - framePrefixBytes > this.limits.maxSendMessageBytes) {
        this.finish(sendTooLarge(bytes.length - framePrefixBytes, this.limits.maxSendMessageBytes));
        return;
      }
      frame = bytes;
    } else {
      if (bytes.length > this.limits.maxSendMessageBytes) {
        this.finish(sendTooLarge(bytes.length, this.limits.maxSendMessageBytes));
        return;
      }
      frame = frameMessage(bytes);
    }
    this.state = CallState.Answered;
    this.limits.observer?.handled(this.path, 'unary', Status.OK, this.elapsedSeconds());
    this.clearTimer();
    const stream = this.stream;
    if (stream.destroyed || stream.closed) return;
    if (this.session.pings !== null) this.session.pings.wroteSinceLastPing = true;
    try {
      stream.respond(responseHeaders, waitForTrailers);
      stream.on('wantTrailers', onWantTrailers);
      stream.end(frame);
    } catch (err) {
      this.abortStream(err);
    }
  }

  private push(frame: Uint8Array): boolean {
    const stream = this.stream;
    if (stream.destroyed || stream.closed) return false;
    if (this.session.pings !== null) this.session.pings.wroteSinceLastPing = true;
    let ok: boolean;
    try {
      if (!stream.headersSent) {
        stream.respond(responseHeaders, waitForTrailers);
        stream.on('wantTrailers', onWantTrailers);
      }
      ok = stream.write(frame);
    } catch (err) {
      this.abortStream(err);
      return false;
    }
    if (stream.writableLength > this.limits.maxBufferedBytesPerStream) {
      this.overflow();
      return false;
    }
    return ok;
  }

  /** A slow reader fell too far behind: reset the stream (the client sees RESOURCE_EXHAUSTED). */
  private overflow(): void {
    if (this.state < CallState.Answered) this.limits.observer?.handled(this.path, callTypeOf(this.route), Status.RESOURCE_EXHAUSTED, this.elapsedSeconds());
    this.state = CallState.Cancelled;
    this.clearTimer();
    this.cancelReason = new GrpcError(
      Status.RESOURCE_EXHAUSTED,
      `grpc: stream cancelled: more than ${this.limits.maxBufferedBytesPerStream} bytes queued for a slow client`,
    );
    this.limits.logger.warn('grpc: cancelling a stream whose client reads too slowly', {
      method: this.path,
      peer: this.session.peer,
      'buffered-bytes': this.stream.writableLength,
    });
    // the cancel notification follows from the stream's 'close'
    this.stream.close(http2.constants.NGHTTP2_ENHANCE_YOUR_CALM);
  }

  /** Ends the call with a status: Trailers-Only when nothing was sent yet, else trailers after the data. */
  /**
   * Answers the call with `status` (null: OK). When the transport ends it with an error (a bad or too large
   * request message, a handler that threw, a response too large) rather than the handler's `end`, the handler
   * hears it through onCancel and the signal, as for a client cancel: it must release what the call holds.
   */
  private elapsedSeconds(): number {
    return Number(process.hrtime.bigint() - this.startedAt) / 1e9;
  }

  private finish(status: GrpcError | null, byHandler = false): void {
    if (this.state >= CallState.Answered) return;
    this.state = CallState.Answered;
    this.limits.observer?.handled(this.path, callTypeOf(this.route), status === null ? 0 : status.code, this.elapsedSeconds());
    if (status !== null && !byHandler) queueMicrotask(() => {
      this.cancelReason ??= status;
      this.notifyCancel();
    });
    this.clearTimer();
    this.pending = null;
    const stream = this.stream;
    if (stream.destroyed || stream.closed) return;
    try {
      if (!stream.headersSent) {
        stream.respond(statusHeaders(status, true), endStream);
        if (!this.clientEnded) stream.close(http2.constants.NGHTTP2_NO_ERROR);
      } else {
        // trailers go out on 'wantTrailers', after the queued data (and then the reset, if needed)
        this.trailers = statusHeaders(status, false);
        stream.end();
      }
    } catch (err) {
      this.abortStream(err);
    }
  }

  private fail(err: unknown): void {
    const { error, unexpected } = toGrpcError(err);
    if (unexpected) {
      this.limits.logger.error('grpc: handler failed', {
        method: this.path,
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      });
    }
    this.finish(error);
  }

  /** A handler broke the transport's contract: INTERNAL for the client, an error line for us. */
  private failContract(what: string): void {
    this.limits.logger.error(`grpc: ${what}`, { method: this.path });
    this.finish(new GrpcError(Status.INTERNAL, `grpc: ${what}`));
  }

  private abortStream(err: unknown): void {
    this.limits.logger.error('grpc: could not write the response', { method: this.path, error: (err as Error).message });
    this.state = CallState.Cancelled;
    if (!this.stream.destroyed) this.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
  }

  private notifyCancel(): void {
    if (this.cancelNotified) return;
    this.cancelNotified = true;
    this.cancelReason ??= cancelledError();
    this.controller?.abort(this.cancelReason);
    const cb = this.cancelCb;
    this.cancelCb = null;
    if (cb !== null) this.runCallback(cb);
  }

  private deliver(cb: (message: Buffer) => void, message: Buffer): void {
    try {
      cb(message);
    } catch (err) {
      this.fail(err);
    }
  }

  private flushPending(): void {
    const pending = this.pending;
    const cb = this.messageCb;
    if (pending === null || cb === null) return;
    this.pending = null;
    for (const message of pending) {
      if (this.state !== CallState.Running) return;
      this.deliver(cb, message);
    }
    if (this.state !== CallState.Running) return;
    if (this.clientEnded) this.deliverEnd();
    else this.stream.resume();
  }

  private deliverEnd(): void {
    const cb = this.endCb;
    if (this.endDelivered || cb === null || this.state !== CallState.Running) return;
    this.endDelivered = true;
    this.runCallback(cb);
  }

  private runCallback(cb: () => void): void {
    try {
      cb();
    } catch (err) {
      this.fail(err);
    }
  }

  private clearTimer(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private assertStreaming(): void {
    if (this.route.kind !== RouteKind.ServerStream && this.route.kind !== RouteKind.Bidi) {
      throw new Error(`grpc: ${this.path} is unary: return the response instead of writing it`);
    }
  }
}

function cancelledError(): GrpcError {
  return new GrpcError(Status.CANCELLED, 'context canceled');
}

function sendTooLarge(length: number, max: number): GrpcError {
  return new GrpcError(Status.RESOURCE_EXHAUSTED, `grpc: trying to send message larger than max (${length} vs. ${max})`);
}
