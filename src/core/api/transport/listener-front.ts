// The listening socket in front of the HTTP/2 and HTTP/1.1 engines, so one port serves both, as etcd's client
// port does (cmux). A plain connection is told apart by its first bytes: the HTTP/2 client preface, or
// anything else (HTTP/1.1). A TLS connection by ALPN: h2, or http/1.1 (or none).
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { TlsOptions } from './types';

/** a plain connection that sends nothing for this long is dropped before it is known to be HTTP/1 or /2 */
export const protocolSniffTimeoutMs = 10_000;

const http2Preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export interface FrontRoutes {
  /** every new TCP connection; false: drop it (the callee destroyed it) */
  accept(socket: net.Socket): boolean;
  http2(socket: net.Socket): void;
  http1(socket: net.Socket): void;
  /** a TLS handshake failed */
  rejected(peer: string, err: Error): void;
}

export function isHttp2Preface(chunk: Buffer): boolean {
  const n = Math.min(chunk.length, http2Preface.length);
  return chunk.subarray(0, n).equals(http2Preface.subarray(0, n));
}

export function formatPeer(address: string | undefined, port: number | undefined): string {
  if (address === undefined) return 'unknown';
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

export function createFront(tlsOptions: TlsOptions | undefined, routes: FrontRoutes): net.Server {
  return tlsOptions === undefined ? plainFront(routes) : tlsFront(tlsOptions, routes);
}

function plainFront(routes: FrontRoutes): net.Server {
  return net.createServer({ noDelay: true }, (socket) => {
    if (!routes.accept(socket)) return;
    socket.setTimeout(protocolSniffTimeoutMs);
    socket.on('timeout', destroySocket);
    socket.once('data', (chunk: Buffer) => {
      socket.off('timeout', destroySocket);
      socket.setTimeout(0);
      socket.pause();
      socket.unshift(chunk);
      if (isHttp2Preface(chunk)) {
        // node:http2 reads what is already buffered on the socket, then its native handle
        routes.http2(socket);
      } else {
        // node:http reads through 'data' events: let the buffered bytes flow to it
        routes.http1(socket);
        socket.resume();
      }
    });
  });
}

function tlsFront(t: TlsOptions, routes: FrontRoutes): tls.Server {
  const front = tls.createServer({
    key: t.key,
    cert: t.cert,
    ca: t.ca,
    requestCert: t.requestCert ?? false,
    rejectUnauthorized: t.rejectUnauthorized ?? (t.requestCert ?? false),
    ALPNProtocols: ['h2', 'http/1.1'],
  });
  front.on('connection', (socket: net.Socket) => {
    socket.setNoDelay(true);
    routes.accept(socket);
  });
  front.on('secureConnection', (socket: tls.TLSSocket) => {
    if (socket.alpnProtocol === 'h2') routes.http2(socket);
    else routes.http1(socket);
  });
  front.on('tlsClientError', (err: Error, socket: tls.TLSSocket) => routes.rejected(formatPeer(socket.remoteAddress, socket.remotePort), err));
  return front;
}

function destroySocket(this: net.Socket): void {
  this.destroy();
}
