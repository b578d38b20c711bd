// Shared pieces of the transport tests: the echo fixture's codecs, a server on a free port, a grpc-js client
// with identity (bytes) serializers, and a raw node:http2 client for what grpc-js will not send.
import * as path from 'node:path';
import * as http2 from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import * as protobuf from 'protobufjs';
import { GrpcServer } from '../../../../src/core/api/transport';
import type { GrpcServerOptions, TransportLogger } from '../../../../src/core/api/transport';

const root = protobuf.loadSync(path.join(__dirname, 'fixtures', 'echo.proto'));
const EchoRequest = root.lookupType('cairn.test.EchoRequest');
const EchoResponse = root.lookupType('cairn.test.EchoResponse');

export interface Echo {
  text?: string;
  payload?: Uint8Array;
  count?: number;
  index?: number;
}

export const echoPaths = {
  unary: '/cairn.test.Echo/Unary',
  stream: '/cairn.test.Echo/Stream',
  chat: '/cairn.test.Echo/Chat',
};

export function encodeRequest(m: Echo): Buffer {
  return Buffer.from(EchoRequest.encode(EchoRequest.create(m)).finish());
}
export function decodeRequest(b: Uint8Array): Echo {
  return EchoRequest.toObject(EchoRequest.decode(b), { defaults: true }) as Echo;
}
export function encodeResponse(m: Echo): Buffer {
  return Buffer.from(EchoResponse.encode(EchoResponse.create(m)).finish());
}
export function decodeResponse(b: Uint8Array): Echo {
  return EchoResponse.toObject(EchoResponse.decode(b), { defaults: true }) as Echo;
}

export interface LogLine {
  level: 'warn' | 'error';
  message: string;
  fields?: Record<string, unknown>;
}

export function captureLogger(): { logger: TransportLogger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    logger: {
      warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
      error: (message, fields) => lines.push({ level: 'error', message, fields }),
    },
  };
}

export interface Running {
  server: GrpcServer;
  port: number;
  address: string;
  logs: LogLine[];
}

export async function startServer(
  options: Partial<GrpcServerOptions>,
  register: (server: GrpcServer) => void,
): Promise<Running> {
  const { logger, lines } = captureLogger();
  const server = new GrpcServer({ maxRecvMessageBytes: 4 * 1024 * 1024, logger, ...options });
  register(server);
  const { port } = await server.listen('127.0.0.1', 0);
  return { server, port, address: `127.0.0.1:${port}`, logs: lines };
}

const identity = (b: Buffer): Buffer => b;

export function grpcClient(address: string, options: grpc.ChannelOptions = {}): grpc.Client {
  return new grpc.Client(address, grpc.credentials.createInsecure(), options);
}

export interface UnaryOptions {
  metadata?: grpc.Metadata;
  deadline?: number;
  onTrailers?: (status: grpc.StatusObject) => void;
}

/** A unary call with bytes in and out. */
export function unary(client: grpc.Client, method: string, request: Buffer, opts: UnaryOptions = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const call = client.makeUnaryRequest(
      method, identity, identity, request, opts.metadata ?? new grpc.Metadata(),
      opts.deadline === undefined ? {} : { deadline: opts.deadline },
      (err, value) => (err ? reject(err) : resolve(value as Buffer)),
    );
    if (opts.onTrailers) call.on('status', opts.onTrailers);
  });
}

export function serverStream(client: grpc.Client, method: string, request: Buffer, opts: grpc.CallOptions = {}): grpc.ClientReadableStream<Buffer> {
  return client.makeServerStreamRequest(method, identity, identity, request, new grpc.Metadata(), opts);
}

export function bidi(client: grpc.Client, method: string): grpc.ClientDuplexStream<Buffer, Buffer> {
  return client.makeBidiStreamRequest(method, identity, identity, new grpc.Metadata(), {});
}

/** Resolves with the error a call failed with (and fails the test when it succeeds). */
export async function failure(p: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await p;
  } catch (err) {
    return err as grpc.ServiceError;
  }
  throw new Error('expected the call to fail');
}

export function frame(message: Buffer, compressed = false): Buffer {
  const out = Buffer.alloc(5 + message.length);
  out[0] = compressed ? 1 : 0;
  out.writeUInt32BE(message.length, 1);
  message.copy(out, 5);
  return out;
}

export interface RawResult {
  headers: http2.IncomingHttpHeaders;
  trailers: http2.IncomingHttpHeaders;
  data: Buffer;
  rstCode: number;
}

/** A request sent by hand on a raw HTTP/2 session: the chunks are written as they are. */
export function rawRequest(
  session: http2.ClientHttp2Session,
  headers: http2.OutgoingHttpHeaders,
  chunks: Buffer[],
  endStream = true,
): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const req = session.request({ ':method': 'POST', 'content-type': 'application/grpc', te: 'trailers', ...headers }, { endStream: false });
    const result: RawResult = { headers: {}, trailers: {}, data: Buffer.alloc(0), rstCode: 0 };
    const data: Buffer[] = [];
    req.on('response', (h) => (result.headers = h));
    req.on('trailers', (t) => (result.trailers = t));
    req.on('data', (d: Buffer) => data.push(d));
    req.on('error', () => { /* reported through rstCode */ });
    req.on('close', () => {
      result.data = Buffer.concat(data);
      result.rstCode = req.rstCode ?? 0;
      resolve(result);
    });
    session.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    if (endStream) req.end();
  });
}

/** The status of a raw response: from the trailers, or from a Trailers-Only HEADERS frame. */
export function rawStatus(r: RawResult): { code: number; message: string } {
  const source = r.trailers['grpc-status'] !== undefined ? r.trailers : r.headers;
  return { code: Number(source['grpc-status']), message: decodeURIComponent(String(source['grpc-message'] ?? '')) };
}

export function connectRaw(port: number): Promise<http2.ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.once('connect', () => resolve(session));
    session.once('error', reject);
  });
}

/** Resolves when `emitter` emits `event` (for waiting on real I/O, not on time). */
export function once<T = unknown>(emitter: NodeJS.EventEmitter, event: string): Promise<T> {
  return new Promise((resolve) => emitter.once(event, (value: T) => resolve(value)));
}
