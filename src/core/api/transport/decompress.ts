// Compressed request messages (grpc/grpc doc/compression.md): each message with the compressed flag set is
// compressed on its own with the call's `grpc-encoding`. Responses are always sent uncompressed (identity).
import * as zlib from 'node:zlib';
import { GrpcError } from './grpc-error';
import { Status } from './status';

export const Encoding = { Identity: 0, Gzip: 1, Deflate: 2 } as const;
export type Encoding = (typeof Encoding)[keyof typeof Encoding];

/** What the server accepts, for `grpc-accept-encoding`. */
export const acceptedEncodings = 'identity,deflate,gzip';

/** The encoding named by a `grpc-encoding` header, or -1 when unsupported. */
export function encodingOf(name: string | undefined): Encoding | -1 {
  if (name === undefined || name === 'identity') return Encoding.Identity;
  if (name === 'gzip') return Encoding.Gzip;
  if (name === 'deflate') return Encoding.Deflate;
  return -1;
}

/** Inflates one message without ever producing more than `maxBytes` (zlib stops at the bound). */
export function decompressMessage(encoding: Encoding, message: Buffer, maxBytes: number): Buffer {
  if (encoding === Encoding.Identity) {
    throw new GrpcError(Status.INTERNAL, 'grpc: compressed flag set with identity or empty encoding');
  }
  const options = { maxOutputLength: Math.max(1, maxBytes) };
  try {
    return encoding === Encoding.Gzip ? zlib.gunzipSync(message, options) : zlib.inflateSync(message, options);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new GrpcError(Status.RESOURCE_EXHAUSTED, `grpc: received message after decompression larger than max ${maxBytes}`);
    }
    throw new GrpcError(Status.INTERNAL, `grpc: failed to decompress the received message: ${(err as Error).message}`);
  }
}
