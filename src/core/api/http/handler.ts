// The plain HTTP endpoints on the client port, beside gRPC and the /v3/* JSON gateway: /health, /livez,
// /readyz, /version.
import type * as http2 from 'node:http2';

export interface HttpTarget {
  readonly version: string;
  readonly clusterVersion: string;
  /**
   * true when the member can serve a linearizable read now (it has a leader, is not stopping) and no alarm is
   * raised but those named in `excludeAlarms` (etcd's /health?exclude=NOSPACE)
   */
  healthy(excludeAlarms?: ReadonlySet<string>): boolean;
  /** the Prometheus text exposition (/metrics); absent: 404 */
  metrics?(): Promise<{ body: string; contentType: string }>;
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
        const exclude = new Set(new URLSearchParams(url.slice(pathname.length + 1)).getAll('exclude'));
        // Go sniffs the JSON etcd writes without a content type as text/plain
        if (target.healthy(exclude)) return send(res, 200, JSON.stringify({ health: 'true' }), 'text/plain; charset=utf-8');
        // etcd answers an unhealthy member with Go's http.Error: plain text, a newline after the JSON
        res.setHeader('x-content-type-options', 'nosniff');
        return send(res, 503, `${JSON.stringify({ health: 'false' })}\n`, 'text/plain; charset=utf-8');
      }
      case '/livez':
        return send(res, 200, 'ok', 'text/plain; charset=utf-8');
      case '/readyz':
        return target.healthy() ? send(res, 200, 'ok', 'text/plain; charset=utf-8') : send(res, 503, 'not ready', 'text/plain; charset=utf-8');
      case '/metrics': {
        if (target.metrics === undefined) return send(res, 404, '404 page not found\n', 'text/plain; charset=utf-8');
        target.metrics().then(
          (m) => send(res, 200, m.body, m.contentType),
          (err: unknown) => send(res, 500, `${(err as Error).message}\n`, 'text/plain; charset=utf-8'),
        );
        return;
      }
      case '/version':
        return send(res, 200, JSON.stringify({ etcdserver: target.version, etcdcluster: target.clusterVersion }));
      default:
        return send(res, 404, '404 page not found\n', 'text/plain; charset=utf-8');
    }
  };
}
