// The error a handler throws (or passes to `end`) to answer a call with a gRPC status other than OK.
import { Status, isStatusCode } from './status';
import type { StatusCode } from './status';

/** Trailing metadata: plain keys carry ASCII strings, keys ending in `-bin` carry bytes (sent base64). */
export type TrailerMetadata = Record<string, string | Buffer>;

export class GrpcError extends Error {
  constructor(
    public readonly code: number,
    message: string,
    public readonly metadata?: TrailerMetadata,
  ) {
    super(message);
    this.name = 'GrpcError';
  }
}

/**
 * The status to send for anything a handler threw or rejected with. A GrpcError keeps its code; so does any
 * Error carrying an integer gRPC `code` (etcd's EtcdError sentinels, grpc-js ServiceErrors). Anything else is
 * UNKNOWN with its message, as grpc-go answers a plain Go error; `unexpected` tells the caller to log it.
 */
export function toGrpcError(err: unknown): { error: GrpcError; unexpected: boolean } {
  if (err instanceof GrpcError) return { error: err, unexpected: false };
  if (err instanceof Error) {
    const code = (err as Error & { code?: unknown }).code;
    if (isStatusCode(code)) return { error: new GrpcError(code as StatusCode, err.message), unexpected: false };
    return { error: new GrpcError(Status.UNKNOWN, err.message), unexpected: true };
  }
  return { error: new GrpcError(Status.UNKNOWN, String(err)), unexpected: true };
}
