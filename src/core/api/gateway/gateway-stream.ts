// The streaming half of etcd's gateway (grpc-gateway v1 as etcd 3.4 runs it): POST /v3/watch and
// /v3/lease/keepalive (bidi), /v3/maintenance/snapshot and /v3/election/observe (server streaming).
//
// The registered gRPC handler runs unchanged: it is handed a GatewayCall, a BidiCall backed by the HTTP
// exchange instead of an HTTP/2 stream. Requests: a bidi body is a stream of JSON values, each converted,
// encoded and delivered as it completes (json-stream.ts); a server-streaming body is read whole, as for a unary
// call. Responses: each message becomes one line `{"result":<message as JSON>}\n` of a chunked 200 answer; a
// call that ends with an error ends the answer with `{"error":{"grpc_code",…}}` (no newline), whose status is
// the error's when nothing was written before it.
//
// What etcd's gateway answers, and so cairn:
//  - a first bidi value that cannot be read: a plain error answer (as unary), but code 2 (UNKNOWN, HTTP 500):
//    the generated code returns the decoder's error without making it INVALID_ARGUMENT;
//  - a later value that cannot be read: the requests simply end there (the client half-closes);
//  - an empty body: a call with no request that is half-closed at once;
//  - `Grpc-Metadata-Content-Type: application/grpc` only when the call's first output is a message (the gRPC
//    response headers it stands for come with the first message; a call that fails or ends first has none);
//  - `Grpc-Timeout`: the call's deadline; when it passes the call ends with DEADLINE_EXCEEDED;
//  - closing the connection cancels the call.
// Unlike etcd over HTTP/1.1 (where Go's server holds the response until the whole body is read), answers go
// out while the body is still arriving, so a client can keep one watch open and add requests to it.
//
// Buffers are bounded: one JSON value at most the unary body limit; while the response is behind (the client
// reads slowly) no further request is read; a handler that keeps writing to a client that does not read is
// cancelled past `maxBufferedBytes`, as the gRPC transport cancels such a stream.
import { GrpcCode } from '../../errors';
import { GrpcError, toGrpcError, wholeFramesMaxMessage } from '../transport';
import type { BidiCall, BidiHandler, CallContext, HttpRequest, HttpResponse, Metadata, ServerStreamHandler } from '../transport';
import { parseGrpcTimeout } from '../transport/grpc-timeout';
import { readBody, valueTooLarge } from './body-reader';
import { GatewayError, httpStatusFromCode, streamErrorChunk } from './gateway-error';
import {
  decodeResponse, encodeMessage, encodeRequest, framePrefixBytes, jsonHeaders, metadataOf, responseOf, sendError, sendFailure,
} from './gateway-io';
import type { Response } from './gateway-io';
import type { RouteSchema } from './gateway-schema';
import { JsonValueStream } from './json-stream';
import { messageFromValue } from './json-to-message';
import { messageToJson } from './message-to-json';

/**
 * Opens one streaming call on the handler registered for `grpcPath`, with `call` in place of the transport's.
 * Bidi handlers take it as it is; server-streaming ones through serverStreamAsBidi. Throws an error carrying a
 * gRPC `code` (UNIMPLEMENTED) when the method has no handler: the gateway answers as for a call that fails
 * before its first message.
 */
export type GrpcStreamInvoke = (grpcPath: string, call: BidiCall) => void;

export interface StreamLimits {
  /** the largest JSON value accepted in a streamed body (the unary body limit) */
  readonly valueLimitBytes: number;
  /** the largest encoded request message (the gRPC server's max receive: --max-request-bytes + 512 KiB) */
  readonly maxRecvBytes: number;
  /** response bytes queued for a client that does not read before its call is cancelled */
  readonly maxBufferedBytes: number;
}

const cardinalityNone = 'cardinality violation: received no request message from non-client-streaming RPC';
const cardinalityMany = 'cardinality violation: received multiple request messages for non-client-streaming RPC';

/**
 * A server-streaming handler as a bidi one: it runs once the one request has arrived and the requests ended,
 * as the gRPC transport runs it (the gateway sends a server-streaming call exactly one request).
 */
export function serverStreamAsBidi(handler: ServerStreamHandler): BidiHandler {
  return (call) => {
    let request: Buffer | null = null;
    let many = false;
    call.onMessage((m) => {
      if (request !== null) many = true;
      request = m;
    });
    call.onEnd(() => {
      if (request === null || many) {
        call.end(new GrpcError(GrpcCode.INTERNAL, request === null ? cardinalityNone : cardinalityMany));
        return;
      }
      let out: void | Promise<void>;
      try {
        out = handler(request, call);
      } catch (err) {
        call.end(toGrpcError(err).error);
        return;
      }
      if (out !== undefined) out.then(undefined, (err: unknown) => call.end(toGrpcError(err).error));
    });
  };
}

const enum State { Open, Ended, Cancelled }

const maxTimerDelayMs = 2 ** 31 - 1;

/** One streaming call over one HTTP exchange: what the handler sees (BidiCall) and what the body reader feeds. */
class GatewayCall implements BidiCall, CallContext {
  readonly path: string;
  readonly metadata: Metadata;
  readonly deadline: number | null;
  readonly peer: string;
  private state = State.Open;
  private readonly controller = new AbortController();
  private readonly res: Response;
  private messageCb: ((message: Buffer) => void) | null = null;
  private endCb: (() => void) | null = null;
  private cancelCb: (() => void) | null = null;
  private drainCb: (() => void) | null = null;
  /** a request that arrived before onMessage was registered (reading stops meanwhile) */
  private pending: Buffer | null = null;
  private requestsEnded = false;
  private endDelivered = false;
  /** the response is behind (a write returned false): count what is queued until it drains */
  private behind = false;
  private queuedBytes = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly route: RouteSchema,
    private readonly req: HttpRequest,
    rawRes: HttpResponse,
    private readonly limits: StreamLimits,
    deadline: number | null,
    /** the call can take requests again (a handler registered, the response drained) */
    private readonly onReady: () => void,
    /** the call is over, however: stop reading the body */
    private readonly onDone: () => void,
  ) {
    this.path = route.grpcPath;
    this.metadata = metadataOf(req);
    this.deadline = deadline;
    this.peer = `${req.socket?.remoteAddress ?? ''}:${req.socket?.remotePort ?? ''}`;
    this.res = responseOf(rawRes);
    const delay = deadline === null ? Infinity : Math.max(0, deadline - Date.now());
    // past what a timer can wait (about 24.8 days) the deadline is as good as none
    if (delay <= maxTimerDelayMs) {
      this.timer = setTimeout(() => this.fail(new GrpcError(GrpcCode.DEADLINE_EXCEEDED, 'context deadline exceeded')), delay);
    }
    rawRes.on('drain', () => this.drained());
    rawRes.on('error', () => this.cancel(new GrpcError(GrpcCode.CANCELLED, 'context canceled'), false));
    // 'close' also follows a normal end; only a call still open then has lost its client
    rawRes.once('close', () => this.cancel(new GrpcError(GrpcCode.CANCELLED, 'context canceled'), false));
    req.once('aborted', () => this.cancel(new GrpcError(GrpcCode.CANCELLED, 'context canceled'), false));
  }

  // ---- CallContext ----

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get ctx(): CallContext {
    return this;
  }

  // ---- BidiCall ----

  write(message: Uint8Array): boolean {
    if (!(message instanceof Uint8Array)) throw new TypeError('gateway: write() takes bytes');
    if (this.state !== State.Open) return false;
    let line: string;
    try {
      line = `{"result":${messageToJson(decodeResponse(message, this.route), this.route.response)}}\n`;
    } catch (err) {
      this.fail(toGrpcError(err).error);
      return false;
    }
    return this.writeLine(line);
  }

  writeFramed(frames: Uint8Array): boolean {
    if (wholeFramesMaxMessage(frames) < 0) throw new TypeError('gateway: writeFramed() takes whole uncompressed frames');
    let ok = true;
    for (let pos = 0; pos < frames.length;) {
      const size = ((frames[pos + 1] << 24) >>> 0) + (frames[pos + 2] << 16) + (frames[pos + 3] << 8) + frames[pos + 4];
      ok = this.write(frames.subarray(pos + framePrefixBytes, pos + framePrefixBytes + size));
      pos += framePrefixBytes + size;
    }
    return ok;
  }

  onDrain(cb: () => void): void {
    this.drainCb = cb;
  }

  onCancel(cb: () => void): void {
    this.cancelCb = cb;
    if (this.state === State.Cancelled) queueMicrotask(() => this.runCallback(cb));
  }

  end(status?: GrpcError): void {
    if (this.state !== State.Open) return;
    this.finish(status === undefined || status === null ? null : toGrpcError(status).error);
  }

  onMessage(cb: (message: Buffer) => void): void {
    this.messageCb = cb;
    queueMicrotask(() => this.flush());
  }

  onEnd(cb: () => void): void {
    this.endCb = cb;
    if (this.requestsEnded && this.pending === null) queueMicrotask(() => this.deliverEnd());
  }

  // ---- fed by the body reader ----

  /** Whether the next request can be handed over now (else the reader waits for onReady). */
  wantsRequests(): boolean {
    return this.state === State.Open && this.messageCb !== null && this.pending === null && !this.behind;
  }

  deliver(message: Buffer): void {
    if (this.state !== State.Open) return;
    if (message.length > this.limits.maxRecvBytes) {
      // what etcd's gRPC server answers a request over its limit, which the gateway passes on
      this.fail(new GrpcError(GrpcCode.RESOURCE_EXHAUSTED, `grpc: received message larger than max (${message.length} vs. ${this.limits.maxRecvBytes})`));
      return;
    }
    const cb = this.messageCb;
    if (cb === null || this.pending !== null) {
      this.pending = message;
      return;
    }
    this.runCallback(() => cb(message));
  }

  /** The client sent its last request (the body ended, or what follows cannot be read). */
  requestsDone(): void {
    if (this.requestsEnded) return;
    this.requestsEnded = true;
    if (this.pending === null) this.deliverEnd();
  }

  /** Ends the call with `error` on the gateway's behalf: the handler is told through onCancel. */
  fail(error: GrpcError): void {
    if (this.state !== State.Open) return;
    this.finish(error);
    this.notifyCancel(error);
  }

  // ---- internals ----

  private flush(): void {
    const cb = this.messageCb;
    const message = this.pending;
    if (this.state !== State.Open || cb === null) return;
    if (message !== null) {
      this.pending = null;
      this.runCallback(() => cb(message));
    }
    if (this.requestsEnded) this.deliverEnd();
    else if (this.wantsRequests()) this.onReady();
  }

  private deliverEnd(): void {
    const cb = this.endCb;
    if (this.endDelivered || cb === null || this.state !== State.Open) return;
    this.endDelivered = true;
    this.runCallback(cb);
  }

  private headers(withGrpcMetadata: boolean): Record<string, string> {
    const h: Record<string, string> = { ...jsonHeaders };
    if (withGrpcMetadata) h['grpc-metadata-content-type'] = 'application/grpc';
    // as etcd's gateway, chunked even for an answer that is one error line (HTTP/2 has no such header)
    if (this.req.httpVersion === '1.1') h['transfer-encoding'] = 'chunked';
    return h;
  }

  private writeLine(line: string): boolean {
    const res = this.res;
    let ok: boolean;
    try {
      if (!res.headersSent) res.writeHead(200, this.headers(true));
      ok = res.write(line);
    } catch {
      this.cancel(new GrpcError(GrpcCode.CANCELLED, 'context canceled'), true);
      return false;
    }
    if (!ok) this.behind = true;
    if (this.behind) {
      this.queuedBytes += Buffer.byteLength(line);
      if (this.queuedBytes > this.limits.maxBufferedBytes) {
        // a client that does not read: drop its connection rather than queue without end
        this.cancel(new GrpcError(GrpcCode.RESOURCE_EXHAUSTED,
          `gateway: stream cancelled: more than ${this.limits.maxBufferedBytes} bytes queued for a slow client`), true);
        return false;
      }
    }
    return ok;
  }

  private drained(): void {
    if (!this.behind) return;
    this.behind = false;
    this.queuedBytes = 0;
    if (this.state !== State.Open) return;
    const cb = this.drainCb;
    if (cb !== null) this.runCallback(cb);
    if (this.wantsRequests()) this.onReady();
  }

  /** The answer's end: OK, or the error line (with the error's status when nothing was written). */
  private finish(status: GrpcError | null): void {
    this.state = State.Ended;
    this.clearTimer();
    this.pending = null;
    this.onDone();
    const res = this.res;
    if (res.writableEnded) return;
    try {
      if (status === null) {
        if (!res.headersSent) res.writeHead(200, this.headers(false));
        res.end();
      } else {
        if (!res.headersSent) res.writeHead(httpStatusFromCode(status.code), this.headers(false));
        res.end(streamErrorChunk(status.code, status.message));
      }
    } catch {
      (this.res as unknown as HttpResponse).destroy();
    }
  }

  /** The call is over without an answer (client gone, or dropped by the gateway: `destroy`). */
  private cancel(reason: GrpcError, destroy: boolean): void {
    if (this.state !== State.Open) return;
    this.state = State.Cancelled;
    this.clearTimer();
    this.pending = null;
    this.onDone();
    if (destroy) (this.res as unknown as HttpResponse).destroy();
    this.notifyCancel(reason);
  }

  private notifyCancel(reason: GrpcError): void {
    this.controller.abort(reason);
    const cb = this.cancelCb;
    this.cancelCb = null;
    this.messageCb = this.endCb = this.drainCb = null;
    if (cb !== null) this.runCallback(cb);
  }

  /** A handler callback that throws ends the call with its status, as the gRPC transport does. */
  private runCallback(cb: () => void): void {
    try {
      cb();
    } catch (err) {
      this.fail(toGrpcError(err).error);
    }
  }

  private clearTimer(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }
}

/** The call's absolute deadline from `Grpc-Timeout`; undefined when the header is malformed. */
function deadlineOf(req: HttpRequest): number | null | undefined {
  const raw = req.headers['grpc-timeout'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value === '') return null;
  const ms = parseGrpcTimeout(value);
  return ms === null ? undefined : Date.now() + ms;
}

/** Opens the call: hands it to its handler; a method that cannot be called fails the call at once. */
function open(invoke: GrpcStreamInvoke, call: GatewayCall): GatewayCall {
  try {
    invoke(call.path, call);
  } catch (err) {
    call.fail(toGrpcError(err).error);
  }
  return call;
}

/** Serves one streaming route (the caller has checked the method and path). */
export function serveStream(route: RouteSchema, req: HttpRequest, res: HttpResponse, invoke: GrpcStreamInvoke, limits: StreamLimits): void {
  const deadline = deadlineOf(req);
  if (deadline === undefined) {
    req.resume();
    // grpc-gateway's AnnotateContext refuses it before any call is made
    sendError(req, res, GrpcCode.INVALID_ARGUMENT, `invalid grpc-timeout: ${String(req.headers['grpc-timeout'])}`);
    return;
  }
  if (route.requestStream) serveBidi(route, req, res, invoke, limits, deadline);
  else serveServerStream(route, req, res, invoke, limits, deadline);
}

/** Server streaming: the body is one request, read and converted as a unary call's. */
function serveServerStream(route: RouteSchema, req: HttpRequest, res: HttpResponse, invoke: GrpcStreamInvoke, limits: StreamLimits, deadline: number | null): void {
  readBody(req, limits.valueLimitBytes)
    .then((body) => {
      const request = encodeRequest(route, body);
      // nothing to read any more: the call needs no reading to resume or stop
      const call = open(invoke, new GatewayCall(route, req, res, limits, deadline, () => {}, () => {}));
      call.deliver(request);
      call.requestsDone();
    })
    .catch((err: unknown) => sendFailure(req, res, err));
}

/** Bidi: the body is a stream of JSON requests, each handed over as soon as it is complete. */
function serveBidi(route: RouteSchema, req: HttpRequest, res: HttpResponse, invoke: GrpcStreamInvoke, limits: StreamLimits, deadline: number | null): void {
  const values = new JsonValueStream(limits.valueLimitBytes);
  let call: GatewayCall | null = null;
  let reading = true;
  let draining = false;

  const stopReading = (): void => {
    if (!reading) return;
    reading = false;
    req.off('data', onData);
    req.off('end', onEnd);
    // the rest of the body is read into nothing, so an HTTP/1.1 connection stays usable
    req.resume();
  };
  const openCall = (): GatewayCall => (call ??= open(invoke, new GatewayCall(route, req, res, limits, deadline, () => pump(), stopReading)));

  /** Hands over every complete request the call can take now; pauses the body when it cannot. */
  const pump = (): void => {
    if (draining) return; // re-entered from a handler callback: the running loop goes on
    draining = true;
    try {
      while (reading) {
        if (call !== null && !call.wantsRequests()) {
          req.pause();
          return;
        }
        const item = values.next();
        if (item.kind === 'more') {
          req.resume();
          return;
        }
        if (item.kind === 'end') {
          stopReading();
          openCall().requestsDone();
          return;
        }
        if (item.kind === 'too-large') {
          // etcd has no such limit: its gRPC server refuses the message, which the client sees as this status
          stopReading();
          openCall().fail(new GrpcError(GrpcCode.RESOURCE_EXHAUSTED, valueTooLarge(limits.valueLimitBytes).message));
          return;
        }
        let message: Buffer;
        try {
          if (item.kind === 'error') throw new GatewayError(GrpcCode.INVALID_ARGUMENT, item.error.message);
          message = encodeMessage(route, messageFromValue(item.value, route.request));
        } catch (err) {
          if (!(err instanceof GatewayError)) throw err;
          stopReading();
          if (call === null) sendError(req, res, GrpcCode.UNKNOWN, err.message);
          else call.requestsDone();
          return;
        }
        openCall().deliver(message);
      }
    } finally {
      draining = false;
    }
  };
  const onData = (chunk: Buffer | string): void => {
    values.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    pump();
  };
  const onEnd = (): void => {
    values.end();
    pump();
  };
  req.on('data', onData);
  req.on('end', onEnd);
  // a reset before the call opened: nothing to answer (after, the call sees its own 'aborted'/'close')
  req.on('error', () => stopReading());
}
