// An etcdctl endpoint string as clientv3 3.4 reads it: "host:port" (transport from the TLS settings),
// "http://host:port" (always plaintext), "https://host:port" (always TLS), "unix://path" / "unixs://path".

export type EndpointTransport = 'plain' | 'tls' | 'configured';

export interface Endpoint {
  /** exactly as given (what etcdctl prints in endpoint status/health) */
  readonly raw: string;
  /** the grpc-js target: "host:port" or "unix:path" */
  readonly target: string;
  readonly transport: EndpointTransport;
  /** host name for TLS verification */
  readonly host: string;
}

export function parseEndpoint(raw: string): Endpoint {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(.*)$/.exec(raw);
  if (!m) return { raw, target: raw, transport: 'configured', host: hostOf(raw) };
  const scheme = m[1].toLowerCase();
  const rest = m[2];
  switch (scheme) {
    case 'http': case 'https': {
      const hostPort = rest.split('/')[0];
      return { raw, target: hostPort, transport: scheme === 'http' ? 'plain' : 'tls', host: hostOf(hostPort) };
    }
    case 'unix': case 'unixs':
      return { raw, target: `unix:${rest}`, transport: scheme === 'unix' ? 'configured' : 'tls', host: 'localhost' };
    default:
      // clientv3 dials nothing for an unknown scheme; grpc-js reports it as unreachable
      return { raw, target: raw, transport: 'plain', host: hostOf(rest) };
  }
}

function hostOf(hostPort: string): string {
  if (hostPort.startsWith('[')) return hostPort.slice(1, hostPort.indexOf(']'));
  const i = hostPort.lastIndexOf(':');
  return i < 0 ? hostPort : hostPort.slice(0, i);
}
