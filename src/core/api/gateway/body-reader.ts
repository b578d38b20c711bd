// Reads a request body up to a byte limit. A body over the limit (by Content-Length, or as it arrives) is
// refused without being kept: what was gathered is dropped and the rest is read and discarded, so the HTTP
// connection stays usable (HTTP/1.1 callers also get `Connection: close`).
import { GrpcCode } from '../../errors';
import { GatewayError } from './gateway-error';
import type { HttpRequest } from '../transport';

/** The client went away (aborted, reset) before the whole body arrived: nothing can be answered. */
export class ClientGoneError extends Error {
  constructor() {
    super('gateway: the client closed the request before its body was read');
    this.name = 'ClientGoneError';
  }
}

export function bodyTooLarge(limitBytes: number): GatewayError {
  return new GatewayError(GrpcCode.RESOURCE_EXHAUSTED, `gateway: request body is larger than the limit of ${limitBytes} bytes`);
}

/** One JSON request of a streamed body (watch, keepalive) over the limit a whole unary body has. */
export function valueTooLarge(limitBytes: number): GatewayError {
  return new GatewayError(GrpcCode.RESOURCE_EXHAUSTED, `gateway: a request in the body is larger than the limit of ${limitBytes} bytes`);
}

export function readBody(req: HttpRequest, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limitBytes) {
      req.resume(); // discard
      reject(bodyTooLarge(limitBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (err: Error | null, body?: Buffer): void => {
      if (settled) return;
      settled = true;
      // 'error' and 'aborted' stay listened to (a late reset must not become an uncaught 'error')
      req.off('data', onData);
      if (err) reject(err);
      else resolve(body as Buffer);
    };
    const onData = (chunk: Buffer | string): void => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += b.length;
      if (size > limitBytes) {
        chunks.length = 0;
        req.resume(); // keep reading, into nothing
        settle(bodyTooLarge(limitBytes));
        return;
      }
      chunks.push(b);
    };
    const onEnd = (): void => settle(null, Buffer.concat(chunks, size));
    const onGone = (): void => settle(new ClientGoneError());
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onGone);
    req.on('aborted', onGone);
  });
}
