// The plain HTTP endpoints on the client port, beside gRPC and the /v3/* JSON gateway: /health, /livez,
// /readyz, /version.
import type * as http2 from 'node:http2';

export interface HttpTarget {
  readonly version: string;
  readonly clusterVersion: string;
  /** true when the member can serve a linearizable read now (it has a leader and is not stopping) */
  healthy(): boolean;
}

function send(res: http2.Http2ServerResponse, status: number, body: string, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function httpHandler(target: HttpTarget): (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void {
  return (req, res) => {
    const url = req.url ?? '/';
    const pathname = url.split('?')[0];
    switch (pathname) {
      case '/health': {
        const ok = target.healthy();
        return send(res, ok ? 200 : 503, JSON.stringify({ health: ok ? 'true' : 'false' }));
      }
      case '/livez':
        return send(res, 200, 'ok', 'text/plain; charset=utf-8');
      case '/readyz':
        return target.healthy() ? send(res, 200, 'ok', 'text/plain; charset=utf-8') : send(res, 503, 'not ready', 'text/plain; charset=utf-8');
      case '/version':
        return send(res, 200, JSON.stringify({ etcdserver: target.version, etcdcluster: target.clusterVersion }));
      default:
        return send(res, 404, '404 page not found\n', 'text/plain; charset=utf-8');
    }
  };
}
