// What the unary and the streaming gateway share: answering an exchange with a whole body, etcd's error body,
// the metadata taken from the request's headers, and the request/response message codecs of a route.
import { GrpcCode } from '../../errors';
import type { HttpRequest, HttpResponse } from '../transport';
import { ClientGoneError } from './body-reader';
import { GatewayError, errorBody, httpStatusFromCode, statusOf } from './gateway-error';
import type { RouteSchema } from './gateway-schema';
import { messageFromBody } from './json-to-message';
import type { MessageObject } from './json-to-message';

/** gRPC metadata the gateway forwards: `authorization`, and `Grpc-Metadata-<key>` headers as `<key>`. */
export type GatewayMetadata = Readonly<Record<string, string>>;

export const framePrefixBytes = 5;

/** The response API both node:http and node:http2 compat responses offer, as the gateway uses it. */
export interface Response {
  readonly headersSent: boolean;
  readonly writableEnded: boolean;
  writeHead(status: number, headers: Record<string, string>): unknown;
  write(chunk: string | Buffer): boolean;
  end(body?: string | Buffer): unknown;
}

export function responseOf(res: HttpResponse): Response {
  return res as unknown as Response;
}

export const plainTextHeaders = { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' };
export const jsonHeaders = { 'content-type': 'application/json' };

/** Answers with a whole body (Content-Length), unless an answer was already started. */
export function send(req: HttpRequest, res: HttpResponse, status: number, headers: Record<string, string>, body: string): void {
  const r = responseOf(res);
  if (r.headersSent || r.writableEnded) return;
  const b = Buffer.from(body, 'utf8');
  try {
    r.writeHead(status, { ...headers, 'content-length': String(b.length) });
    r.end(req.method === 'HEAD' ? undefined : b);
  } catch {
    // a header node refuses (e.g. a Location built from a strange URL): the exchange cannot be answered
    res.destroy();
  }
}

/** etcd's gateway error answer (runtime.HTTPError): the status for the code, {"error","message","code"}. */
export function sendError(req: HttpRequest, res: HttpResponse, code: number, message: string, close = false): void {
  // HTTP/2 forbids connection-specific headers
  const extra: Record<string, string> = close && req.httpVersionMajor === 1 ? { connection: 'close' } : {};
  send(req, res, httpStatusFromCode(code), { ...jsonHeaders, ...extra }, errorBody(code, message));
}

/**
 * A failure before any answer was written, answered as etcd's gateway does: nothing when the client is gone,
 * the gateway's own refusals (a too large body closes the connection), else the error's gRPC status.
 */
export function sendFailure(req: HttpRequest, res: HttpResponse, err: unknown): void {
  if (err instanceof ClientGoneError) return;
  if (err instanceof GatewayError) {
    sendError(req, res, err.code, err.message, err.code === GrpcCode.RESOURCE_EXHAUSTED);
    return;
  }
  const s = statusOf(err);
  sendError(req, res, s.code, s.message);
}

export function metadataOf(req: HttpRequest): GatewayMetadata {
  const md: Record<string, string> = {};
  const prefix = 'grpc-metadata-';
  for (const [name, value] of Object.entries(req.headers)) {
    const v = Array.isArray(value) ? value[0] : value;
    if (typeof v !== 'string') continue;
    if (name === 'authorization') md.authorization = v;
    else if (name.startsWith(prefix) && name.length > prefix.length) md[name.slice(prefix.length)] = v;
  }
  return md;
}

/** A response message (without the frame prefix) decoded with the route's codec. */
export function decodeResponse(message: Uint8Array, route: RouteSchema): object {
  try {
    return route.responseCodec.decode(message);
  } catch (err) {
    throw new GatewayError(GrpcCode.INTERNAL, `grpc: failed to unmarshal the received message ${(err as Error).message}`);
  }
}

/** A whole response frame (5-byte prefix + message) decoded with the route's codec. */
export function decodeFrame(frame: Uint8Array, route: RouteSchema): object {
  const length = frame.length >= framePrefixBytes ? ((frame[1] << 24) >>> 0) + (frame[2] << 16) + (frame[3] << 8) + frame[4] : -1;
  if (frame[0] !== 0 || length !== frame.length - framePrefixBytes) {
    throw new GatewayError(GrpcCode.INTERNAL, `gateway: malformed gRPC response frame from ${route.grpcPath}`);
  }
  return decodeResponse(frame.subarray(framePrefixBytes), route);
}

/** A request message object encoded with the route's codec. */
export function encodeMessage(route: RouteSchema, message: MessageObject): Buffer {
  let bytes: Uint8Array;
  try {
    bytes = route.requestCodec.encode(message).finish();
  } catch (err) {
    throw new GatewayError(GrpcCode.INVALID_ARGUMENT, `gateway: cannot encode the request: ${(err as Error).message}`);
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** A unary body (its first JSON value) as the route's encoded request message. */
export function encodeRequest(route: RouteSchema, body: Buffer): Buffer {
  return encodeMessage(route, messageFromBody(body, route.request));
}
