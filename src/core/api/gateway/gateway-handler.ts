// etcd's JSON gateway (grpc-gateway v1 in front of the gRPC services): POST /v3/<path> with a JSON body is
// turned into the gRPC request message, handed to `invoke` (the same handlers gRPC clients reach), and the
// response or error is written as etcd 3.4 writes it. What happens around the gateway in etcd is mirrored
// where it concerns /v3 paths: /v3beta/ is rewritten to /v3/, OPTIONS answers 200 empty, "/v3" redirects to
// "/v3/", unknown paths are "Not Found", other methods "Method Not Allowed" (grpc-gateway's plain-text errors).
// Streaming RPCs (watch, lease keepalive, snapshot, election observe) go to gateway-stream.ts.
import assert from 'node:assert';
import { GrpcCode } from '../../errors';
import { defaultMaxBufferedBytesPerStream } from '../transport';
import type { HttpRequest, HttpResponse } from '../transport';
import { readBody } from './body-reader';
import { GatewayError } from './gateway-error';
import { decodeFrame, encodeRequest, jsonHeaders as json, metadataOf, plainTextHeaders as plainText, send, sendError, sendFailure } from './gateway-io';
import type { GatewayMetadata } from './gateway-io';
import { gatewaySchema } from './gateway-schema';
import type { GatewaySchema, RouteSchema } from './gateway-schema';
import { serveStream } from './gateway-stream';
import type { GrpcStreamInvoke } from './gateway-stream';
import { messageToJson } from './message-to-json';

export type { GatewayMetadata };

/**
 * Calls one unary gRPC method with the encoded request message. Resolves to the response as a gRPC frame
 * (5-byte prefix + message); rejects with an error carrying the numeric gRPC `code` and its `message`.
 */
export type GrpcInvoke = (grpcPath: string, request: Buffer, metadata?: GatewayMetadata) => Promise<Uint8Array>;

export interface GatewayOptions {
  /** the server's --max-request-bytes (default etcd's 1.5 MiB); the body limit is derived from it */
  readonly maxRequestBytes?: number;
  /** opens streaming calls (watch, lease keepalive, ...); without it they answer UNIMPLEMENTED */
  readonly invokeStream?: GrpcStreamInvoke;
  /** response bytes a streaming call may queue for a slow client before it is cancelled (default 64 MiB) */
  readonly maxBufferedBytesPerStream?: number;
  /** schema to use instead of the one read from the repository's protos (tests) */
  readonly schema?: GatewaySchema;
}

/** etcd's --max-request-bytes default. */
export const defaultMaxRequestBytes = 1572864;
/** What etcd's gRPC server accepts beyond --max-request-bytes (its grpcOverheadBytes). */
export const grpcOverheadBytes = 512 * 1024;
/** Room for field names, punctuation and whitespace around the base64 in a JSON body. */
export const jsonOverheadBytes = 64 * 1024;
const base64Expansion = 4 / 3;

/** The largest JSON body accepted: a largest gRPC request message written out as base64 JSON. */
export function maxBodyBytesFor(maxRequestBytes: number): number {
  return Math.ceil((maxRequestBytes + grpcOverheadBytes) * base64Expansion) + jsonOverheadBytes;
}

type Target = { readonly kind: 'redirect'; readonly query: string } | { readonly kind: 'route'; readonly path: string };

/** The gateway path of a request URL, or null when the URL is not the gateway's. */
function targetOf(url: string): Target | null {
  const q = url.indexOf('?');
  let path = q < 0 ? url : url.slice(0, q);
  try {
    path = decodeURIComponent(path);
  } catch {
    // a malformed escape: match the raw path (it will not name a route)
  }
  if (path.startsWith('/v3beta/')) path = '/v3/' + path.slice('/v3beta/'.length);
  if (path === '/v3') return { kind: 'redirect', query: q < 0 ? '' : url.slice(q) };
  return path.startsWith('/v3/') ? { kind: 'route', path } : null;
}

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };
const htmlEscape = (s: string): string => s.replace(/[&<>"']/g, (c) => htmlEscapes[c]);

/**
 * The gateway as a request handler: returns true when it took the request (its path is /v3, /v3/… or
 * /v3beta/…) and answers it, possibly later; false to let the caller handle the request.
 */
export function createGatewayHandler(invoke: GrpcInvoke, opts: GatewayOptions = {}): (req: HttpRequest, res: HttpResponse) => boolean {
  const schema = opts.schema ?? gatewaySchema();
  const maxRequestBytes = opts.maxRequestBytes ?? defaultMaxRequestBytes;
  assert(Number.isInteger(maxRequestBytes) && maxRequestBytes > 0, `gateway: bad maxRequestBytes ${maxRequestBytes}`);
  const limitBytes = maxBodyBytesFor(maxRequestBytes);
  const invokeStream: GrpcStreamInvoke = opts.invokeStream ?? ((path) => {
    throw new GatewayError(GrpcCode.UNIMPLEMENTED, `unknown method ${path}`);
  });
  const streamLimits = {
    valueLimitBytes: limitBytes,
    maxRecvBytes: maxRequestBytes + grpcOverheadBytes,
    maxBufferedBytes: opts.maxBufferedBytesPerStream ?? defaultMaxBufferedBytesPerStream,
  };
  assert(streamLimits.maxBufferedBytes > 0, 'gateway: maxBufferedBytesPerStream must be positive');

  const serve = (route: RouteSchema, req: HttpRequest, res: HttpResponse): void => {
    readBody(req, limitBytes)
      .then((body) => invoke(route.grpcPath, encodeRequest(route, body), metadataOf(req)))
      .then((frame) => {
        const text = messageToJson(decodeFrame(frame, route), route.response);
        send(req, res, 200, { ...json, 'grpc-metadata-content-type': 'application/grpc' }, text);
      })
      .catch((err: unknown) => sendFailure(req, res, err));
  };

  const dispatch = (target: Target, req: HttpRequest, res: HttpResponse): void => {
    if (req.method === 'OPTIONS') {
      send(req, res, 200, {}, '');
    } else if (target.kind === 'redirect') {
      const location = '/v3/' + target.query;
      const isGet = req.method === 'GET' || req.method === 'HEAD';
      const html = req.method === 'GET' ? `<a href="${htmlEscape(location)}">Moved Permanently</a>.\n\n` : '';
      send(req, res, 301, { location, ...(isGet ? { 'content-type': 'text/html; charset=utf-8' } : {}) }, html);
    } else {
      const route = schema.routes.get(target.path);
      if (route === undefined) {
        send(req, res, 404, plainText, 'Not Found\n');
      } else if (req.method !== 'POST') {
        send(req, res, 405, plainText, 'Method Not Allowed\n');
      } else if (route.streaming) {
        serveStream(route, req, res, invokeStream, streamLimits);
      } else {
        serve(route, req, res);
      }
    }
  };

  return (req, res) => {
    const target = targetOf(req.url ?? '/');
    if (target === null) return false;
    try {
      dispatch(target, req, res);
    } catch (err) {
      // never let a throw escape into node's 'request' event (it would end the process)
      sendError(req, res, GrpcCode.INTERNAL, `gateway: ${(err as Error).message}`);
    }
    return true;
  };
}
