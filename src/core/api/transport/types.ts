// The transport's public contract: what handlers see (never HTTP/2) and the server's options.
import type * as http from 'node:http';
import type * as http2 from 'node:http2';
import type { GrpcError } from './grpc-error';
import type { Metadata } from './metadata';

export interface CallContext {
  /** `/package.Service/Method` */
  readonly path: string;
  /** request metadata, parsed on first read: plain keys as strings, `-bin` keys as bytes */
  readonly metadata: Metadata;
  /** absolute deadline (ms since the epoch) from `grpc-timeout`, or null for none */
  readonly deadline: number | null;
  /** aborted on client cancellation, deadline, a stream overflow or the connection going away; its
   * `reason` is a GrpcError (CANCELLED, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED) */
  readonly signal: AbortSignal;
  /** remote `address:port` */
  readonly peer: string;
}

/**
 * Unary: request message bytes in, response message bytes out. Return bytes directly when the work is
 * synchronous (no promise is made then). Throw (or reject with) a GrpcError for a status.
 */
export type UnaryHandler = (request: Buffer, ctx: CallContext) => Uint8Array | Promise<Uint8Array>;

/**
 * A unary response frame (5-byte prefix + message) handed over in pieces: for large messages, so the whole
 * never sits in memory. The transport pulls the next piece when the stream can take more (HTTP/2 flow
 * control) and calls `close()` exactly once: after the last piece, or when the call ends early.
 */
export interface FrameStream {
  /** 5 + the message size: what the pieces add up to */
  readonly frameBytes: number;
  /** the next piece, or undefined after the last */
  next(): Uint8Array | undefined;
  close(): void;
}

/** Unary, answering with a whole gRPC frame (5-byte prefix + message) built by the caller: saves one copy. */
export type FramedUnaryHandler = (request: Buffer, ctx: CallContext) => Uint8Array | FrameStream | Promise<Uint8Array | FrameStream>;

/**
 * Server streaming: one request, then any number of `write`s and one `end`. The call ends only through
 * `end` (or a throw/rejection, which ends it with that error's status), not when the handler returns.
 */
export type ServerStreamHandler = (request: Buffer, call: ServerStreamCall) => void | Promise<void>;

/** Bidirectional streaming: called as the call opens, before any message; register the callbacks then. */
export type BidiHandler = (call: BidiCall) => void;

export interface ServerStreamCall {
  readonly ctx: CallContext;
  /** Sends one message. false: the stream is behind (wait for onDrain) or the call is over. */
  write(message: Uint8Array): boolean;
  /**
   * Sends whole frames (5-byte prefix + message each) built by the caller, e.g. encoded once for many streams:
   * one frame, or several back to back (one write for many messages).
   */
  writeFramed(frames: Uint8Array): boolean;
  /** Called each time a stream that was behind has drained. */
  onDrain(cb: () => void): void;
  /** Called once if the call ends without the handler's `end`: client cancel, deadline, overflow, session
   * gone. Also signalled through ctx.signal. */
  onCancel(cb: () => void): void;
  /** Ends the call with OK, or with the given error's status. Further writes and ends are ignored. */
  end(status?: GrpcError): void;
}

export interface BidiCall extends ServerStreamCall {
  /** Each request message in order. Until this is registered the stream is paused (flow control holds the client). */
  onMessage(cb: (message: Buffer) => void): void;
  /** The client half-closed (sent its last message); the call stays open until `end`. */
  onEnd(cb: () => void): void;
}

/** Fields are plain values; the project's zap-style logger fits. */
export interface TransportLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface TlsOptions {
  key: string | Buffer;
  cert: string | Buffer;
  /** CA bundle for client certificates */
  ca?: string | Buffer | Array<string | Buffer>;
  /** ask clients for a certificate */
  requestCert?: boolean;
  /** refuse clients whose certificate does not verify against `ca` (default: requestCert) */
  rejectUnauthorized?: boolean;
}

export interface GrpcServerOptions {
  /** largest request message accepted; larger ones get RESOURCE_EXHAUSTED before being buffered */
  maxRecvMessageBytes: number;
  /** largest response message sent (default 2^32-1) */
  maxSendMessageBytes?: number;
  /** SETTINGS_MAX_CONCURRENT_STREAMS per connection (default 2^32-1, etcd's default) */
  maxConcurrentStreams?: number;
  /** bytes a streaming call may have queued for a slow client before it is cancelled with
   * RESOURCE_EXHAUSTED (RST_STREAM ENHANCE_YOUR_CALM) (default 64 MiB) */
  maxBufferedBytesPerStream?: number;
  /** enforce a minimum interval between client pings (etcd --grpc-keepalive-min-time); off when absent */
  keepaliveMinTimeMs?: number;
  /** with keepaliveMinTimeMs: allow pings on connections without calls at that rate (etcd: false) */
  keepalivePermitWithoutCalls?: boolean;
  /** per-stream flow-control window we advertise (default: enough for one max-size request) */
  streamWindowBytes?: number;
  /** connection flow-control window we advertise (default 16 MiB) */
  connectionWindowBytes?: number;
  /** node:http2 maxSessionMemory in MiB (default 1024; node's 10 refuses streams under load) */
  maxSessionMemoryMb?: number;
  logger?: TransportLogger;
  tls?: TlsOptions;
  /** told of every call's start and end (metrics); must not throw */
  observer?: CallObserver;
}

/** The kind of a call as go-grpc-prometheus names it. */
export type CallType = 'unary' | 'server_stream' | 'bidi_stream';

export interface CallObserver {
  started(path: string, type: CallType): void;
  /** once per started call: the status it ended with (1 CANCELLED when the client went away), and its duration */
  handled(path: string, type: CallType, code: number, seconds: number): void;
}

/** A request that is not gRPC: on HTTP/2 node's compat objects, on HTTP/1.1 node:http's; both share this API. */
export type HttpRequest = http2.Http2ServerRequest | http.IncomingMessage;
export type HttpResponse = http2.Http2ServerResponse | http.ServerResponse;

/**
 * Handler for non-gRPC requests (GET /health, the /v3 JSON gateway). Declared with method syntax so a handler
 * written against the HTTP/2 compat types alone is accepted; on HTTP/1.1 connections it receives node:http's
 * IncomingMessage/ServerResponse, which offer the same url/method/headers/writeHead/setHeader/end/streaming API.
 */
export type HttpFallback = { handle(req: HttpRequest, res: HttpResponse): void }['handle'];
