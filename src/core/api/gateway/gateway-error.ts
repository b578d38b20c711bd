// Errors as etcd's gateway (grpc-gateway v1, runtime.DefaultHTTPError) answers them: the HTTP status its
// HTTPStatusFromCode gives the gRPC code, and a JSON body {"error":msg,"message":msg,"code":n} written by its
// JSONPb marshaler (so empty fields are left out). The status table is the one etcd 3.4.23 answers with
// (FailedPrecondition is 412 there; grpc-gateway ≥ 1.9.1 changed it to 400).
import { GrpcCode } from '../../errors';
import { goJsonString } from './go-text';

/** A gRPC status raised by the gateway itself (bad JSON, body too large, malformed frame, ...). */
export class GatewayError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
    this.name = 'GatewayError';
  }
}

const httpStatusByCode: ReadonlyMap<number, number> = new Map([
  [GrpcCode.OK, 200],
  [GrpcCode.CANCELLED, 408],
  [GrpcCode.UNKNOWN, 500],
  [GrpcCode.INVALID_ARGUMENT, 400],
  [GrpcCode.DEADLINE_EXCEEDED, 504],
  [GrpcCode.NOT_FOUND, 404],
  [GrpcCode.ALREADY_EXISTS, 409],
  [GrpcCode.PERMISSION_DENIED, 403],
  [GrpcCode.UNAUTHENTICATED, 401],
  [GrpcCode.RESOURCE_EXHAUSTED, 429],
  [GrpcCode.FAILED_PRECONDITION, 412],
  [GrpcCode.ABORTED, 409],
  [GrpcCode.OUT_OF_RANGE, 400],
  [GrpcCode.UNIMPLEMENTED, 501],
  [GrpcCode.INTERNAL, 500],
  [GrpcCode.UNAVAILABLE, 503],
  [GrpcCode.DATA_LOSS, 500],
]);

/** grpc-gateway's HTTPStatusFromCode as etcd 3.4 runs it; unknown codes are 500. */
export function httpStatusFromCode(code: number): number {
  return httpStatusByCode.get(code) ?? 500;
}

/** The error body etcd's gateway writes; JSONPb leaves out empty strings and a zero code. */
export function errorBody(code: number, message: string): string {
  const parts: string[] = [];
  if (message !== '') parts.push(`"error":${goJsonString(message)}`, `"message":${goJsonString(message)}`);
  if (code !== 0) parts.push(`"code":${code}`);
  return `{${parts.join(',')}}`;
}

/** The gRPC code and message of anything `invoke` threw: an integer `code` 1..16 is kept, else UNKNOWN. */
export function statusOf(err: unknown): { code: number; message: string } {
  if (err instanceof Error) {
    const e = err as Error & { code?: unknown; details?: unknown };
    const code = typeof e.code === 'number' && Number.isInteger(e.code) && e.code > 0 && e.code <= 16 ? e.code : GrpcCode.UNKNOWN;
    // grpc-js ServiceErrors carry the server's message in `details` ("<code> <NAME>: " is prefixed to `message`)
    const message = typeof e.details === 'string' ? e.details : e.message;
    return { code, message };
  }
  return { code: GrpcCode.UNKNOWN, message: String(err) };
}

/** Go's http.StatusText for the statuses httpStatusFromCode gives. */
const statusTexts: ReadonlyMap<number, string> = new Map([
  [200, 'OK'],
  [400, 'Bad Request'],
  [401, 'Unauthorized'],
  [403, 'Forbidden'],
  [404, 'Not Found'],
  [408, 'Request Timeout'],
  [409, 'Conflict'],
  [412, 'Precondition Failed'],
  [429, 'Too Many Requests'],
  [500, 'Internal Server Error'],
  [501, 'Not Implemented'],
  [503, 'Service Unavailable'],
  [504, 'Gateway Timeout'],
]);

/**
 * The last line of a stream that ends with an error, as etcd 3.4's gateway writes it (grpc-gateway v1
 * ForwardResponseStream: {"error": StreamError} through the JSONPb marshaler, so empty fields are left out,
 * and no delimiter after it):
 * {"error":{"grpc_code":12,"http_code":501,"message":"…","http_status":"Not Implemented"}}
 */
export function streamErrorChunk(code: number, message: string): string {
  const http = httpStatusFromCode(code);
  const parts: string[] = [];
  if (code !== 0) parts.push(`"grpc_code":${code}`);
  parts.push(`"http_code":${http}`);
  if (message !== '') parts.push(`"message":${goJsonString(message)}`);
  parts.push(`"http_status":${goJsonString(statusTexts.get(http) ?? '')}`);
  return `{"error":{${parts.join(',')}}}`;
}
