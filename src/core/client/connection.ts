// One gRPC channel to one endpoint (grpc-js), with the transport credentials and keepalive etcdctl would use.
import * as fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type { ClientOptions, TlsOptions } from './client-options';
import { keepAliveTimeMinMs, maxReceiveMessageBytes, maxSendMessageBytes } from './client-options';
import type { Endpoint } from './endpoint';

let ipServerNameWarningDropped = false;

/**
 * grpc-js names the TLS server by the endpoint's host even when it is an IP address, and Node then prints
 * DEP0123 ("Setting the TLS ServerName to an IP address is not permitted by RFC 6066") on stderr. Go's
 * crypto/tls simply sends no server name for an IP, and etcdctl prints nothing: that one warning is dropped.
 */
function dropIpServerNameWarning(): void {
  if (ipServerNameWarningDropped) return;
  ipServerNameWarningDropped = true;
  const emit = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const code = typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as { code?: string }).code : rest[1];
    if (code === 'DEP0123' || (warning instanceof Error && (warning as NodeJS.ErrnoException).code === 'DEP0123')) return;
    emit(warning, ...rest);
  }) as typeof process.emitWarning;
}

function tlsCredentials(tls: TlsOptions | undefined): grpc.ChannelCredentials {
  dropIpServerNameWarning();
  const read = (file: string | undefined) => (file === undefined ? null : fs.readFileSync(file));
  const verify: grpc.VerifyOptions = tls?.insecureSkipVerify ? { rejectUnauthorized: false, checkServerIdentity: () => undefined } : {};
  return grpc.credentials.createSsl(read(tls?.caFile), read(tls?.keyFile), read(tls?.certFile), verify);
}

export function credentialsFor(endpoint: Endpoint, opts: ClientOptions): grpc.ChannelCredentials {
  switch (endpoint.transport) {
    case 'plain': return grpc.credentials.createInsecure();
    case 'tls': return tlsCredentials(opts.tls);
    case 'configured': return opts.tls === undefined ? grpc.credentials.createInsecure() : tlsCredentials(opts.tls);
  }
}

export function channelOptions(endpoint: Endpoint, opts: ClientOptions): grpc.ChannelOptions {
  const o: grpc.ChannelOptions = {
    'grpc.max_receive_message_length': maxReceiveMessageBytes,
    'grpc.max_send_message_length': maxSendMessageBytes,
    'grpc.keepalive_permit_without_calls': 0,
    'grpc.enable_retries': 0,
  };
  if (opts.keepAliveTimeMs > 0) {
    o['grpc.keepalive_time_ms'] = Math.max(opts.keepAliveTimeMs, keepAliveTimeMinMs);
    o['grpc.keepalive_timeout_ms'] = opts.keepAliveTimeoutMs;
  }
  if (opts.tls?.serverName) o['grpc.ssl_target_name_override'] = opts.tls.serverName;
  else if (endpoint.transport !== 'plain') o['grpc.default_authority'] = endpoint.target.startsWith('unix:') ? 'localhost' : endpoint.target;
  return o;
}

export class Connection {
  readonly client: grpc.Client;

  constructor(readonly endpoint: Endpoint, opts: ClientOptions) {
    this.client = new grpc.Client(endpoint.target, credentialsFor(endpoint, opts), channelOptions(endpoint, opts));
  }

  unary(path: string, body: Buffer, metadata: grpc.Metadata, deadline: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        path,
        (b: Buffer) => b,
        (b: Buffer) => b,
        body,
        metadata,
        { deadline },
        (err, res) => (err ? reject(err) : resolve(res as Buffer)),
      );
    });
  }

  /**
   * A server-streaming call: `onMessage` for each response message in order; resolves when the server ends
   * the call with OK, rejects with its status otherwise. `received` tells whether any message arrived (a call
   * that failed before one may be tried again elsewhere).
   */
  serverStream(path: string, body: Buffer, metadata: grpc.Metadata, deadline: number, onMessage: (m: Buffer) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const call = this.client.makeServerStreamRequest(path, (b: Buffer) => b, (b: Buffer) => b, body, metadata, { deadline });
      call.on('data', (m: Buffer) => {
        try {
          onMessage(m);
        } catch (err) {
          call.cancel();
          reject(err as Error);
        }
      });
      call.on('error', reject);
      call.on('end', () => resolve());
    });
  }

  close(): void {
    this.client.close();
  }
}
