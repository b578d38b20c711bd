// The HEADERS a gRPC response is made of: the response headers, the trailers, and the single HEADERS frame of
// a Trailers-Only response. Constant objects are shared by every call (node:http2 copies, never mutates them).
import type { OutgoingHttpHeaders } from 'node:http2';
import type { GrpcError } from './grpc-error';
import { Status, maxStatusCode } from './status';
import { encodeGrpcMessage } from './percent-encoding';
import { writeMetadata } from './metadata';

export const responseHeaders: OutgoingHttpHeaders = Object.freeze({ ':status': 200, 'content-type': 'application/grpc' });
// no `date` header: gRPC has no use for it (grpc-go sends none) and it costs a clock read and bytes per call
export const waitForTrailers = Object.freeze({ waitForTrailers: true, sendDate: false });
export const endStream = Object.freeze({ endStream: true, sendDate: false });
export const okTrailers: OutgoingHttpHeaders = Object.freeze({ 'grpc-status': '0' });
const statusStrings = Array.from({ length: maxStatusCode + 1 }, (_, i) => String(i));

/** Trailers (or, with `trailersOnly`, the single HEADERS frame of a Trailers-Only response) for a status. */
export function statusHeaders(status: GrpcError | null, trailersOnly: boolean): OutgoingHttpHeaders {
  if (status === null && !trailersOnly) return okTrailers;
  const out: OutgoingHttpHeaders = trailersOnly ? { ':status': 200, 'content-type': 'application/grpc' } : {};
  if (status === null) {
    out['grpc-status'] = '0';
    return out;
  }
  out['grpc-status'] = statusStrings[status.code] ?? statusStrings[Status.UNKNOWN];
  if (status.message !== '') out['grpc-message'] = encodeGrpcMessage(status.message);
  if (status.metadata !== undefined) writeMetadata(status.metadata, out);
  return out;
}
