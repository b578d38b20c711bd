import * as http from 'node:http';
import * as net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { GrpcError, GrpcServer, Status } from '../../../../src/core/api/transport';
import type { HttpRequest, HttpResponse } from '../../../../src/core/api/transport';
import { connectRaw, echoPaths, failure, grpcClient, once, rawRequest, startServer, unary } from './helpers';

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function httpGet(port: number, path: string, agent?: http.Agent): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    }).on('error', reject);
  });
}

function httpPost(port: number, path: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let out = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (out += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: out }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The fallback the tests install: echoes the method, path and body, so both HTTP versions can be checked. */
function echoFallback(req: HttpRequest, res: HttpResponse): void {
  if (req.url === '/throw') throw new Error('fallback exploded');
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (d: string) => (body += d));
  req.on('end', () => {
    const text = JSON.stringify({ method: req.method, url: req.url, body, version: req.httpVersion });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
}

describe('GrpcServer (HTTP fallback)', () => {
  it('routes non-gRPC HTTP/2 requests and HTTP/1.1 requests on the same port to the fallback', async () => {
    const running = await startServer({}, (s) => {
      s.addUnary(echoPaths.unary, () => Buffer.from('grpc'));
      s.setHttpFallback(echoFallback);
    });
    const client = grpcClient(running.address);
    const session = await connectRaw(running.port);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // gRPC still works beside it
      expect(await unary(client, echoPaths.unary, Buffer.alloc(0))).toEqual(Buffer.from('grpc'));
      // HTTP/2 GET
      const h2 = await rawRequest(session, { ':method': 'GET', ':path': '/health', 'content-type': '' }, []);
      expect(h2.headers[':status']).toBe(200);
      expect(JSON.parse(h2.data.toString())).toEqual({ method: 'GET', url: '/health', body: '', version: '2.0' });
      // HTTP/2 POST JSON (the /v3 gateway's shape)
      const h2post = await rawRequest(session, { ':path': '/v3/kv/range', 'content-type': 'application/json' }, [Buffer.from('{"key":"Zm9v"}')]);
      expect(JSON.parse(h2post.data.toString())).toMatchObject({ method: 'POST', url: '/v3/kv/range', body: '{"key":"Zm9v"}' });
      // HTTP/1.1, twice on one keep-alive connection
      const a = await httpGet(running.port, '/version', agent);
      const b = await httpGet(running.port, '/health?x=1', agent);
      expect(JSON.parse(a.body)).toEqual({ method: 'GET', url: '/version', body: '', version: '1.1' });
      expect(JSON.parse(b.body).url).toBe('/health?x=1');
      expect(await httpPost(running.port, '/v3/kv/put', '{"key":"a","value":"b"}')).toEqual({
        status: 200,
        body: JSON.stringify({ method: 'POST', url: '/v3/kv/put', body: '{"key":"a","value":"b"}', version: '1.1' }),
      });
    } finally {
      agent.destroy();
      session.destroy();
      client.close();
      await running.server.close(0);
    }
  });

  it('answers 500 when the fallback throws, and logs it', async () => {
    const running = await startServer({}, (s) => s.setHttpFallback(echoFallback));
    try {
      expect((await httpGet(running.port, '/throw')).status).toBe(500);
      expect(running.logs.some((l) => String(l.fields?.error).includes('fallback exploded'))).toBe(true);
      // and keeps serving
      expect((await httpGet(running.port, '/ok')).status).toBe(200);
    } finally {
      await running.server.close(0);
    }
  });

  it('answers HTTP/1.1 with 404 when no fallback is set', async () => {
    const running = await startServer({}, () => {});
    try {
      expect((await httpGet(running.port, '/health')).status).toBe(404);
    } finally {
      await running.server.close(0);
    }
  });
});

describe('GrpcServer (close)', () => {
  it('lets an in-flight call finish, refuses new connections, then resolves', async () => {
    const started = deferred<void>();
    const release = deferred<void>();
    const running = await startServer({}, (s) => {
      s.addUnary('/cairn.test.Close/Slow', async () => {
        started.resolve();
        await release.promise;
        return Buffer.from('finished');
      });
    });
    const client = grpcClient(running.address);
    try {
      const inFlight = unary(client, '/cairn.test.Close/Slow', Buffer.alloc(0));
      await started.promise;
      let closed = false;
      const closing = running.server.close(30_000).then(() => (closed = true));
      // the listener is gone: a new connection is refused
      const refused = await new Promise<boolean>((resolve) => {
        const socket = net.connect(running.port, '127.0.0.1');
        socket.on('connect', () => {
          socket.destroy();
          resolve(false);
        });
        socket.on('error', () => resolve(true));
      });
      expect(refused).toBe(true);
      expect(closed).toBe(false);
      release.resolve();
      expect(await inFlight).toEqual(Buffer.from('finished'));
      await closing;
      expect(closed).toBe(true);
      // idempotent
      await running.server.close();
    } finally {
      client.close();
    }
  });

  it('cancels calls still running when the grace period ends', async () => {
    const started = deferred<void>();
    const aborted = deferred<unknown>();
    const running = await startServer({}, (s) => {
      s.addUnary('/cairn.test.Close/Forever', (_req, ctx) => new Promise(() => {
        ctx.signal.addEventListener('abort', () => aborted.resolve(ctx.signal.reason));
        started.resolve();
      }));
    });
    const client = grpcClient(running.address);
    try {
      const inFlight = failure(unary(client, '/cairn.test.Close/Forever', Buffer.alloc(0)));
      await started.promise;
      await running.server.close(20);
      expect(((await aborted.promise) as GrpcError).code).toBe(Status.CANCELLED);
      expect((await inFlight).code).not.toBe(grpc.status.OK);
    } finally {
      client.close();
    }
  });

  it('closes idle connections at once', async () => {
    const running = await startServer({}, (s) => s.addUnary(echoPaths.unary, () => Buffer.alloc(0)));
    const client = grpcClient(running.address);
    const agent = new http.Agent({ keepAlive: true });
    try {
      await unary(client, echoPaths.unary, Buffer.alloc(0));
      await httpGet(running.port, '/x', agent); // an idle HTTP/1.1 keep-alive connection
      const session = await connectRaw(running.port); // an idle HTTP/2 connection
      const goaway = once(session, 'goaway');
      session.on('error', () => {});
      const t0 = Date.now();
      await running.server.close(60_000);
      expect(Date.now() - t0).toBeLessThan(30_000);
      await goaway;
      session.destroy();
    } finally {
      agent.destroy();
      client.close();
    }
  });
});

describe('GrpcServer (listen)', () => {
  it('rejects listen() on a port in use', async () => {
    const running = await startServer({}, () => {});
    const other = new GrpcServer({ maxRecvMessageBytes: 10 });
    try {
      await expect(other.listen('127.0.0.1', running.port)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await other.close(0);
      await running.server.close(0);
    }
  });

  it('serves the same routes on two listeners', async () => {
    const running = await startServer({}, (s) => s.addUnary(echoPaths.unary, () => Buffer.from('both')));
    const second = await running.server.listen('127.0.0.1', 0);
    const a = grpcClient(running.address);
    const b = grpcClient(`127.0.0.1:${second.port}`);
    try {
      expect(await unary(a, echoPaths.unary, Buffer.alloc(0))).toEqual(Buffer.from('both'));
      expect(await unary(b, echoPaths.unary, Buffer.alloc(0))).toEqual(Buffer.from('both'));
    } finally {
      a.close();
      b.close();
      await running.server.close(0);
    }
  });

  it('refuses to register a path twice or a malformed path', async () => {
    const running = await startServer({}, (s) => s.addUnary(echoPaths.unary, () => Buffer.alloc(0)));
    try {
      expect(() => running.server.addUnary(echoPaths.unary, () => Buffer.alloc(0))).toThrow(/registered twice/);
      expect(() => running.server.addUnary('NoSlash', () => Buffer.alloc(0))).toThrow(/is not \/<service>\/<method>/);
      expect(() => running.server.addUnimplemented('/svc/', 'x')).toThrow(/is not \/<service>\/<method>/);
    } finally {
      await running.server.close(0);
    }
  });

  it('throws GrpcError subclasses through as statuses', () => {
    class Mine extends GrpcError {}
    expect(new Mine(Status.ABORTED, 'x').code).toBe(Status.ABORTED);
  });
});
