// cairn's gRPC server: a thin transport on node:http2 (a grpc-js server costs about twice as much per call,
// see shared/bench/README.md). Routes `/<service>/<method>` to byte-level handlers; every other request on
// the port (HTTP/2 with a non-gRPC content-type, or HTTP/1.1) goes to the HTTP fallback, as etcd serves gRPC
// and HTTP on one client port (listener-front.ts tells the protocols apart).
import assert from 'node:assert';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerHttp2Session, ServerHttp2Stream } from 'node:http2';
import { GrpcError } from './grpc-error';
import { Status } from './status';
import { parseGrpcTimeout } from './grpc-timeout';
import { acceptedEncodings, encodingOf } from './decompress';
import { maxFramedMessageBytes, framePrefixBytes } from './message-frame';
import { PingPolicy } from './ping-policy';
import type { PingPolicyOptions } from './ping-policy';
import { RouteKind, ServerCall } from './server-call';
import { endStream, statusHeaders } from './status-headers';
import type { CallLimits, Route, SessionState } from './server-call';
import { defaultLogger } from './default-logger';
import { createFront, formatPeer } from './listener-front';
import type {
  BidiHandler, FramedUnaryHandler, GrpcServerOptions, HttpFallback, HttpRequest, HttpResponse, ServerStreamHandler,
  TlsOptions, TransportLogger, UnaryHandler,
} from './types';

/** etcd's default --max-concurrent-streams (math.MaxUint32), also the largest value HTTP/2 allows */
export const defaultMaxConcurrentStreams = 2 ** 32 - 1;
export const defaultMaxBufferedBytesPerStream = 64 * 1024 * 1024;
export const defaultConnectionWindowBytes = 16 * 1024 * 1024;
export const defaultMaxSessionMemoryMb = 1024;
export const defaultCloseGraceMs = 5000;
/** the per-stream window never goes below the HTTP/2 default or above this */
export const minStreamWindowBytes = 65_535;
export const maxStreamWindowBytes = 2 ** 31 - 1;
const tooManyPingsData = Buffer.from('too_many_pings', 'latin1');

const kSession = Symbol('cairn.grpc.session');
type StatefulSession = ServerHttp2Session & { [kSession]?: SessionState };

/** grpc-go's rule: application/grpc, or application/grpc+<subtype> / application/grpc;<params>. */
function isGrpcContentType(contentType: string): boolean {
  if (!contentType.startsWith('application/grpc')) return false;
  if (contentType.length === 16) return true;
  const next = contentType.charCodeAt(16);
  return next === 0x2b /* + */ || next === 0x3b /* ; */;
}

function serviceOf(path: string): string | null {
  if (path.charCodeAt(0) !== 0x2f) return null;
  const slash = path.lastIndexOf('/');
  return slash > 0 && slash < path.length - 1 ? path.slice(1, slash) : null;
}

/** A header node:http2 may hand over as an array when it was repeated: the first value counts. */
function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function ignoreError(): void {
  // errors are reported through 'close'/'sessionError'; a listener must exist so none is thrown
}

/** Trailers-Only answer before a call exists (unknown method, bad headers). */
function respondEarly(stream: ServerHttp2Stream, code: number, message: string, extra?: OutgoingHttpHeaders, httpStatus = 200): void {
  if (stream.destroyed || stream.closed) return;
  const headers = statusHeaders(new GrpcError(code, message), true);
  headers[':status'] = httpStatus;
  if (extra !== undefined) Object.assign(headers, extra);
  try {
    stream.respond(headers, endStream);
  } catch {
    stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
  }
}

/** How long an idle HTTP/1.1 keep-alive connection (gateway, /health) stays open. */
const http1IdleTimeoutMs = 120_000;

export class GrpcServer {
  private readonly routes = new Map<string, Route>();
  private readonly unimplemented = new Map<string, string>();
  private readonly services = new Set<string>();
  private readonly limits: CallLimits;
  private readonly logger: TransportLogger;
  private readonly keepalive: PingPolicyOptions | null;
  private readonly connectionWindowBytes: number;
  private readonly engine: http2.Http2Server;
  private readonly http1: http.Server;
  private readonly fronts: net.Server[] = [];
  /** every accepted TCP connection, whatever it turned out to carry */
  private readonly sockets = new Set<net.Socket>();
  private readonly sessions = new Set<ServerHttp2Session>();
  private fallback: HttpFallback | null = null;
  private closing: Promise<void> | null = null;
  private onDrained: (() => void) | null = null;

  constructor(private readonly options: GrpcServerOptions) {
    const maxRecv = options.maxRecvMessageBytes;
    assert(Number.isInteger(maxRecv) && maxRecv >= 0 && maxRecv <= maxFramedMessageBytes, 'maxRecvMessageBytes must be an integer in [0, 2^32)');
    this.logger = options.logger ?? defaultLogger;
    this.limits = {
      maxRecvMessageBytes: maxRecv,
      maxSendMessageBytes: options.maxSendMessageBytes ?? maxFramedMessageBytes,
      maxBufferedBytesPerStream: options.maxBufferedBytesPerStream ?? defaultMaxBufferedBytesPerStream,
      logger: this.logger,
      observer: options.observer,
    };
    assert(this.limits.maxBufferedBytesPerStream > 0, 'maxBufferedBytesPerStream must be positive');
    this.keepalive = options.keepaliveMinTimeMs === undefined
      ? null
      : { minTimeMs: options.keepaliveMinTimeMs, permitWithoutCalls: options.keepalivePermitWithoutCalls ?? false };
    this.connectionWindowBytes = options.connectionWindowBytes ?? defaultConnectionWindowBytes;
    const streamWindowBytes = options.streamWindowBytes
      ?? Math.min(maxStreamWindowBytes, Math.max(minStreamWindowBytes, maxRecv + framePrefixBytes));
    this.engine = http2.createServer({
      maxSessionMemory: options.maxSessionMemoryMb ?? defaultMaxSessionMemoryMb,
      settings: {
        maxConcurrentStreams: options.maxConcurrentStreams ?? defaultMaxConcurrentStreams,
        initialWindowSize: streamWindowBytes,
      },
    });
    this.engine.on('session', (session: ServerHttp2Session) => this.onSession(session));
    this.engine.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, _flags: number, rawHeaders?: string[]) =>
      this.onStream(stream, headers, rawHeaders));
    this.engine.on('sessionError', (err: Error) => this.onConnectionError(err));
    this.http1 = http.createServer((req, res) => this.serveHttp(req, res));
    // Go's server (etcd) keeps an idle HTTP/1.1 connection open; Node closes it after 5 s, which a client that
    // reuses pooled connections can meet mid-request ("other side closed"). Idle connections still end, later.
    this.http1.keepAliveTimeout = http1IdleTimeoutMs;
    // node:http tracks connections (closeIdleConnections, the headers/request timeouts) from 'listening';
    // this server never listens itself (the fronts hand it connections), so start the tracking by hand
    this.http1.emit('listening');
  }

  // ---- routes ----

  addUnary(path: string, handler: UnaryHandler): void {
    this.addRoute(path, { kind: RouteKind.Unary, handler });
  }

  /** A unary method whose handler returns the whole response frame (5-byte prefix + message). */
  addUnaryFramed(path: string, handler: FramedUnaryHandler): void {
    this.addRoute(path, { kind: RouteKind.UnaryFramed, handler });
  }

  addServerStream(path: string, handler: ServerStreamHandler): void {
    this.addRoute(path, { kind: RouteKind.ServerStream, handler });
  }

  addBidi(path: string, handler: BidiHandler): void {
    this.addRoute(path, { kind: RouteKind.Bidi, handler });
  }

  /** A known method that answers UNIMPLEMENTED with `message` (without reading its request). */
  addUnimplemented(path: string, message: string): void {
    this.registerPath(path);
    this.unimplemented.set(path, message);
  }

  /** Requests that are not gRPC: HTTP/2 with another content-type, and every HTTP/1.1 request. */
  setHttpFallback(handler: HttpFallback): void {
    this.fallback = handler;
  }

  private addRoute(path: string, route: Route): void {
    assert(typeof route.handler === 'function', `grpc: the handler for ${path} is not a function`);
    this.registerPath(path);
    this.routes.set(path, route);
  }

  private registerPath(path: string): void {
    const service = serviceOf(path);
    assert(service !== null, `grpc: ${JSON.stringify(path)} is not /<service>/<method>`);
    assert(!this.routes.has(path) && !this.unimplemented.has(path), `grpc: ${path} is registered twice`);
    this.services.add(service);
  }

  // ---- listening ----

  /**
   * Listens on host:port (0: any free port); may be called once per address. `tls` (default: the server's
   * options.tls) makes this listener TLS-only: a server may listen with and without TLS on different addresses.
   */
  listen(host: string, port: number, tls: TlsOptions | undefined = this.options.tls): Promise<{ port: number }> {
    assert(this.closing === null, 'grpc: listen() after close()');
    const front = createFront(tls, {
      accept: (socket) => this.accept(socket),
      http2: (socket) => this.engine.emit('connection', socket),
      http1: (socket) => this.http1.emit('connection', socket),
      rejected: (peer, err) => this.logger.warn('grpc: rejected connection', { peer, error: err.message }),
    });
    return new Promise((resolve, reject) => {
      const onListenError = (err: Error) => reject(err);
      front.once('error', onListenError);
      front.listen(port, host, () => {
        front.off('error', onListenError);
        front.on('error', (err: Error) => this.logger.error('grpc: listener failed', { error: err.message }));
        this.fronts.push(front);
        resolve({ port: (front.address() as net.AddressInfo).port });
      });
    });
  }

  /** Tracks a new TCP connection; false (and the socket is gone) when closing. */
  private accept(socket: net.Socket): boolean {
    socket.on('error', ignoreError);
    if (this.closing !== null) {
      socket.destroy();
      return false;
    }
    this.sockets.add(socket);
    socket.on('close', () => {
      this.sockets.delete(socket);
      if (this.sockets.size === 0) this.onDrained?.();
    });
    return true;
  }

  // ---- HTTP/2 sessions and streams ----

  private onSession(session: StatefulSession): void {
    this.sessions.add(session);
    const socket = session.socket;
    const state: SessionState = {
      peer: formatPeer(socket?.remoteAddress, socket?.remotePort),
      openCalls: 0,
      pings: this.keepalive === null ? null : new PingPolicy(this.keepalive),
    };
    session[kSession] = state;
    session.on('close', () => this.sessions.delete(session));
    if (this.connectionWindowBytes > minStreamWindowBytes) {
      try {
        session.setLocalWindowSize(this.connectionWindowBytes);
      } catch (err) {
        this.logger.warn('grpc: could not widen the connection window', { error: (err as Error).message });
      }
    }
    const pings = state.pings;
    if (pings !== null) {
      session.on('ping', () => {
        if (pings.onPing(Date.now(), state.openCalls)) this.sendAway(session, state);
      });
    }
    if (this.closing !== null) session.close();
  }

  /** GOAWAY ENHANCE_YOUR_CALM "too_many_pings", then the connection is closed (as grpc-go does). */
  private sendAway(session: ServerHttp2Session, state: SessionState): void {
    if (session.closed || session.destroyed) return;
    this.logger.warn('grpc: client pings too often; closing its connection', { peer: state.peer });
    session.goaway(http2.constants.NGHTTP2_ENHANCE_YOUR_CALM, 0, tooManyPingsData);
    session.close();
    setImmediate(() => session.destroy());
  }

  private onStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, rawHeaders: string[] | undefined): void {
    // a client RST_STREAM with an error code makes the stream emit 'error'
    stream.on('error', ignoreError);
    try {
      this.dispatch(stream, headers, rawHeaders);
    } catch (err) {
      // a bug here must cost one stream, not the process (this runs inside node:http2's frame callbacks)
      this.logger.error('grpc: failed to dispatch a stream', { path: String(headers[':path']), error: (err as Error).stack ?? String(err) });
      if (!stream.destroyed) stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    }
  }

  private dispatch(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, rawHeaders: string[] | undefined): void {
    const contentType = headers['content-type'];
    if (contentType === undefined || !isGrpcContentType(contentType)) {
      this.serveHttp2(stream, headers, rawHeaders ?? []);
      return;
    }
    const method = headers[':method'];
    if (method !== 'POST') {
      respondEarly(stream, Status.INTERNAL, `Received a HEADERS frame with :method ${JSON.stringify(method)} which should be POST`, undefined, 405);
      return;
    }
    const path = headers[':path'] ?? '';
    const route = this.routes.get(path);
    if (route === undefined) {
      respondEarly(stream, Status.UNIMPLEMENTED, this.unimplemented.get(path) ?? this.unknownMethodMessage(path));
      return;
    }
    const encodingName = single(headers['grpc-encoding']);
    const encoding = encodingOf(encodingName);
    if (encoding === -1) {
      respondEarly(stream, Status.UNIMPLEMENTED, `grpc: Decompressor is not installed for grpc-encoding ${JSON.stringify(encodingName)}`,
        { 'grpc-accept-encoding': acceptedEncodings });
      return;
    }
    let timeoutMs: number | null = null;
    let deadline: number | null = null;
    const timeout = single(headers['grpc-timeout']);
    if (timeout !== undefined) {
      timeoutMs = parseGrpcTimeout(timeout);
      if (timeoutMs === null) {
        respondEarly(stream, Status.INTERNAL, `malformed grpc-timeout: ${JSON.stringify(timeout)}`);
        return;
      }
      deadline = Date.now() + timeoutMs;
    }
    const session = (stream.session as StatefulSession | undefined)?.[kSession];
    if (session === undefined) return; // the session is already gone
    new ServerCall(stream, headers, route, encoding, deadline, this.limits, session).start(timeoutMs);
  }

  /** grpc-go's wording, which clients match on. */
  private unknownMethodMessage(path: string): string {
    const service = serviceOf(path);
    if (service === null) return `malformed method name: ${JSON.stringify(path)}`;
    const methodName = path.slice(service.length + 2);
    return this.services.has(service) ? `unknown method ${methodName} for service ${service}` : `unknown service ${service}`;
  }

  // ---- plain HTTP ----

  private serveHttp2(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, rawHeaders: string[]): void {
    if (this.fallback === null) {
      // grpc-go's answer to a non-gRPC content-type
      const contentType = headers['content-type'] ?? '';
      respondEarly(stream, Status.INVALID_ARGUMENT, `invalid gRPC request content-type ${JSON.stringify(contentType)}`, undefined, 415);
      return;
    }
    this.serveHttp(new http2.Http2ServerRequest(stream, headers, {}, rawHeaders), new http2.Http2ServerResponse(stream));
  }

  private serveHttp(req: HttpRequest, res: HttpResponse): void {
    const fallback = this.fallback;
    if (fallback === null) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('404 page not found\n');
      return;
    }
    try {
      fallback(req, res);
    } catch (err) {
      this.logger.error('http: handler failed', { path: req.url ?? '', error: (err as Error).stack ?? String(err) });
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('internal server error\n');
      } else {
        res.destroy();
      }
    }
  }

  private onConnectionError(err: Error): void {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ECONNRESET' || code === 'EPIPE') return;
    this.logger.warn('grpc: connection error', { error: err.message, code: code ?? '' });
  }

  // ---- stopping ----

  /**
   * Stops listening, sends GOAWAY on every connection, lets in-flight calls finish for up to `graceMs`, then
   * destroys what is left (open calls see their signal abort with CANCELLED). Idempotent.
   */
  close(graceMs = defaultCloseGraceMs): Promise<void> {
    return (this.closing ??= this.shutdown(graceMs));
  }

  private async shutdown(graceMs: number): Promise<void> {
    const stopped = this.fronts.map((front) => new Promise<void>((resolve) => front.close(() => resolve())));
    for (const session of this.sessions) session.close();
    // closes idle keep-alive connections and stops the tracking started in the constructor
    this.http1.close(() => {});
    if (this.sockets.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        this.onDrained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.onDrained = null;
    for (const session of this.sessions) session.destroy();
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(stopped);
  }
}
