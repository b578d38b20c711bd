// Request metadata from HTTP/2 headers: custom headers as strings, `-bin` headers base64-decoded to bytes.
// Pseudo-headers and the headers gRPC itself reserves are left out (as grpc-go's isReservedHeader does).
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';

export type Metadata = Record<string, string | Buffer>;

const reservedHeaders = new Set([
  'content-type',
  'te',
  'connection',
  'host',
  'grpc-timeout',
  'grpc-encoding',
  'grpc-message-type',
  'grpc-status',
  'grpc-message',
  'grpc-status-details-bin',
]);

const binarySuffix = '-bin';

/**
 * Duplicate plain headers arrive joined with ", " (node:http2 does that); for a duplicated or comma-separated
 * `-bin` header the first value is kept, as etcd reads `md[key][0]`. Base64 may be padded or not.
 */
export function readMetadata(headers: IncomingHttpHeaders): Metadata {
  const out: Metadata = {};
  for (const key of Object.keys(headers)) {
    if (key.charCodeAt(0) === 0x3a /* ':' */ || reservedHeaders.has(key)) continue;
    const raw = headers[key];
    if (raw === undefined) continue;
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (key.endsWith(binarySuffix)) {
      const comma = value.indexOf(',');
      out[key] = Buffer.from((comma >= 0 ? value.slice(0, comma) : value).trim(), 'base64');
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** Trailing metadata to headers: `-bin` values base64 (unpadded, as the spec asks), others as they are. */
export function writeMetadata(metadata: Record<string, string | Buffer>, into: OutgoingHttpHeaders): void {
  for (const key of Object.keys(metadata)) {
    const name = key.toLowerCase();
    if (name.charCodeAt(0) === 0x3a || reservedHeaders.has(name)) continue;
    const value = metadata[key];
    if (name.endsWith(binarySuffix)) {
      into[name] = (typeof value === 'string' ? Buffer.from(value) : value).toString('base64').replace(/=+$/, '');
    } else {
      into[name] = typeof value === 'string' ? value : value.toString('latin1');
    }
  }
}
