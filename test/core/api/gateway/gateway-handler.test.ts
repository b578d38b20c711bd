// The gateway on node:http (and once on node:http2) with a fake `invoke` that records what it is given and
// answers canned or echoed responses.
import * as http from 'node:http';
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import Long from 'long';
import { createGatewayHandler, maxBodyBytesFor } from '../../../../src/core/api/gateway';
import type { GatewayMetadata, GrpcInvoke } from '../../../../src/core/api/gateway';
import { gatewayRoutes } from '../../../../src/core/api/gateway/gateway-routes';
import { etcdserverpb } from '../../../../src/core/api/proto';

interface Call {
  readonly path: string;
  readonly request: Buffer;
  readonly metadata: GatewayMetadata;
}

interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

function frame(message: Uint8Array): Buffer {
  const f = Buffer.alloc(5 + message.length);
  f.writeUInt32BE(message.length, 1);
  f.set(message, 5);
  return f;
}

const emptyFrame = frame(new Uint8Array(0));

/** A gateway on a node:http server; requests it does not take get "fallback". */
async function startGateway(invoke: GrpcInvoke, maxRequestBytes?: number): Promise<{ port: number; calls: Call[]; close(): Promise<void> }> {
  const calls: Call[] = [];
  const handle = createGatewayHandler((path, request, metadata) => {
    calls.push({ path, request, metadata: metadata ?? {} });
    return invoke(path, request, metadata);
  }, { maxRequestBytes });
  const server = http.createServer((req, res) => {
    if (!handle(req, res)) {
      res.writeHead(418);
      res.end('fallback');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    calls,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function request(port: number, path: string, body = '', method = 'POST', headers: http.OutgoingHttpHeaders = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const errorJson = (code: number, message: string): string => JSON.stringify({ error: message, message, code });

describe('gateway-handler', () => {
  it('maps every unary gateway path to its gRPC method', async () => {
    const gw = await startGateway(() => Promise.resolve(emptyFrame));
    try {
      const streaming = new Set(['/v3/watch', '/v3/lease/keepalive', '/v3/maintenance/snapshot', '/v3/election/observe']);
      for (const [httpPath, grpcPath] of gatewayRoutes) {
        if (streaming.has(httpPath)) continue;
        gw.calls.length = 0;
        const r = await request(gw.port, httpPath, '{}');
        expect([httpPath, r.status, r.body, gw.calls.map((c) => c.path)]).toEqual([httpPath, 200, '{}', [grpcPath]]);
        expect(r.headers['content-type']).toBe('application/json');
      }
    } finally {
      await gw.close();
    }
  });

  it('encodes the JSON request and writes the decoded response', async () => {
    // echo: the RangeRequest's fields come back in a RangeResponse
    const gw = await startGateway((_path, req) => {
      const r = etcdserverpb.RangeRequest.decode(req);
      return Promise.resolve(frame(etcdserverpb.RangeResponse.encode({
        header: { revision: r.revision, clusterId: Long.MAX_UNSIGNED_VALUE },
        kvs: [{ key: r.key, value: r.rangeEnd, version: r.limit }],
        count: r.limit,
      }).finish()));
    });
    try {
      const r = await request(gw.port, '/v3/kv/range', '{"key":"YQ==","rangeEnd":"/w==","limit":"9223372036854775807","revision":-5}');
      expect(r.status).toBe(200);
      expect(r.body).toBe('{"header":{"cluster_id":"18446744073709551615","revision":"-5"},'
        + '"kvs":[{"key":"YQ==","version":"9223372036854775807","value":"/w=="}],"count":"9223372036854775807"}');
      expect(r.headers['grpc-metadata-content-type']).toBe('application/grpc');
      expect(Number(r.headers['content-length'])).toBe(Buffer.byteLength(r.body));
    } finally {
      await gw.close();
    }
  });

  it('maps gRPC codes to the HTTP statuses etcd 3.4 answers with', async () => {
    const statuses: Record<number, number> = {
      1: 408, 2: 500, 3: 400, 4: 504, 5: 404, 6: 409, 7: 403, 8: 429, 9: 412, 10: 409, 11: 400, 12: 501, 13: 500, 14: 503, 15: 500, 16: 401,
    };
    let code = 0;
    const gw = await startGateway(() => Promise.reject(Object.assign(new Error(`failure ${code}`), { code })));
    try {
      for (const [c, status] of Object.entries(statuses)) {
        code = Number(c);
        const r = await request(gw.port, '/v3/kv/put', '{"key":"YQ=="}');
        expect([code, r.status, r.body, r.headers['content-type']]).toEqual([code, status, errorJson(code, `failure ${code}`), 'application/json']);
      }
    } finally {
      await gw.close();
    }
  });

  it('answers UNKNOWN for errors without a gRPC code, and takes grpc-js details as the message', async () => {
    const errors: unknown[] = [new Error('plain'), Object.assign(new Error('odd'), { code: 99 }), 'a string',
      Object.assign(new Error('3 INVALID_ARGUMENT: etcdserver: key is not provided'), { code: 3, details: 'etcdserver: key is not provided' })];
    let next = 0;
    const gw = await startGateway(() => Promise.reject(errors[next++]));
    try {
      const bodies = [];
      for (let i = 0; i < errors.length; i++) bodies.push((await request(gw.port, '/v3/kv/range', '{}')).body);
      expect(bodies).toEqual([errorJson(2, 'plain'), errorJson(2, 'odd'), errorJson(2, 'a string'), errorJson(3, 'etcdserver: key is not provided')]);
    } finally {
      await gw.close();
    }
  });

  it('answers INTERNAL for a malformed or compressed response frame', async () => {
    const frames = [Buffer.from([0, 0, 0]), Buffer.from([0, 0, 0, 0, 9, 1]), Buffer.from([1, 0, 0, 0, 0]), frame(Buffer.from([0x0a, 0x05]))];
    let next = 0;
    const gw = await startGateway(() => Promise.resolve(frames[next++]));
    try {
      for (let i = 0; i < 3; i++) {
        expect(await request(gw.port, '/v3/kv/range', '{}')).toMatchObject({ status: 500, body: errorJson(13, 'gateway: malformed gRPC response frame from /etcdserverpb.KV/Range') });
      }
      const r = await request(gw.port, '/v3/kv/range', '{}');
      expect([r.status, JSON.parse(r.body).code, JSON.parse(r.body).message]).toEqual([500, 13, expect.stringMatching(/^grpc: failed to unmarshal the received message/)]);
    } finally {
      await gw.close();
    }
  });

  it('answers bad JSON with INVALID_ARGUMENT without calling the handler', async () => {
    const gw = await startGateway(() => Promise.resolve(emptyFrame));
    try {
      const r = await request(gw.port, '/v3/kv/range', '{bad');
      expect([r.status, r.body]).toEqual([400, errorJson(3, `invalid character 'b' looking for beginning of object key string`)]);
      const t = await request(gw.port, '/v3/kv/range', '{"key":"!!!"}');
      expect([t.status, t.body]).toEqual([400, errorJson(3, 'illegal base64 data at input byte 0')]);
      expect(gw.calls).toEqual([]);
    } finally {
      await gw.close();
    }
  });

  it('refuses a body over the limit, declared or streamed, without calling the handler', async () => {
    const maxRequestBytes = 1000;
    const limit = maxBodyBytesFor(maxRequestBytes);
    const gw = await startGateway(() => Promise.resolve(emptyFrame), maxRequestBytes);
    const tooLarge = errorJson(8, `gateway: request body is larger than the limit of ${limit} bytes`);
    try {
      // declared: answered before the body is sent
      const declared = await new Promise<Reply>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port: gw.port, path: '/v3/kv/put', method: 'POST', agent: false,
          headers: { 'content-length': String(limit + 1) } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            req.destroy();
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() });
          });
        });
        req.on('error', reject);
        req.write('{"key":');
      });
      expect([declared.status, declared.body, declared.headers.connection]).toEqual([429, tooLarge, 'close']);
      // streamed (chunked): refused once past the limit; the rest is read and dropped
      const body = `{"key":"YQ==","value":"${'A'.repeat(limit)}"}`;
      const streamed = await request(gw.port, '/v3/kv/put', body, 'POST', { 'transfer-encoding': 'chunked' });
      expect([streamed.status, streamed.body]).toEqual([429, tooLarge]);
      // at the limit: accepted
      const pad = (limit - 25) % 4; // whitespace, so that the base64 stays whole quanta
      const fits = `{"key":"YQ==",${' '.repeat(pad)}"value":"${'A'.repeat(limit - 25 - pad)}"}`;
      expect(fits.length).toBe(limit);
      expect((await request(gw.port, '/v3/kv/put', fits)).status).toBe(200);
      expect(gw.calls.length).toBe(1);
    } finally {
      await gw.close();
    }
  });

  it('derives the body limit from --max-request-bytes with room for base64 and JSON', () => {
    expect(maxBodyBytesFor(1572864)).toBe(Math.ceil((1572864 + 512 * 1024) * 4 / 3) + 64 * 1024);
    expect(maxBodyBytesFor(1572864)).toBeGreaterThan(Math.ceil(1572864 * 4 / 3));
  });

  it('forwards the authorization header and Grpc-Metadata-* headers as metadata', async () => {
    const gw = await startGateway(() => Promise.resolve(emptyFrame));
    try {
      await request(gw.port, '/v3/kv/range', '{}', 'POST', { authorization: 'tok', 'grpc-metadata-token': 't2', 'x-other': 'no' });
      expect(gw.calls[0].metadata).toEqual({ authorization: 'tok', token: 't2' });
    } finally {
      await gw.close();
    }
  });

  it('answers the streaming endpoints UNIMPLEMENTED as a failed stream when no stream invoke is given', async () => {
    const gw = await startGateway(() => Promise.resolve(emptyFrame));
    try {
      for (const [path, method] of [['/v3/watch', '/etcdserverpb.Watch/Watch'], ['/v3/lease/keepalive', '/etcdserverpb.Lease/LeaseKeepAlive'],
        ['/v3/maintenance/snapshot', '/etcdserverpb.Maintenance/Snapshot'], ['/v3/election/observe', '/v3electionpb.Election/Observe']]) {
        const r = await request(gw.port, path, '{}');
        expect([r.status, r.headers['transfer-encoding'], r.headers['grpc-metadata-content-type']]).toEqual([501, 'chunked', undefined]);
        // etcd's gateway writes a stream's error chunk without a newline after it
        expect(r.body).toBe(`{"error":{"grpc_code":12,"http_code":501,"message":"unknown method ${method}","http_status":"Not Implemented"}}`);
      }
      expect(gw.calls).toEqual([]);
    } finally {
      await gw.close();
    }
  });

  it('takes /v3 paths only and answers unknown paths, other methods, OPTIONS and /v3 as etcd does', async () => {
    const gw = await startGateway(() => Promise.resolve(emptyFrame));
    try {
      const notFound = { status: 404, body: 'Not Found\n' };
      expect(await request(gw.port, '/health', '', 'GET')).toMatchObject({ status: 418, body: 'fallback' });
      expect(await request(gw.port, '/v3beta', '{}')).toMatchObject({ status: 418 });
      expect(await request(gw.port, '/v3x/kv/range', '{}')).toMatchObject({ status: 418 });
      const nf = await request(gw.port, '/v3/kv/nope', '{}');
      expect(nf).toMatchObject(notFound);
      expect([nf.headers['content-type'], nf.headers['x-content-type-options']]).toEqual(['text/plain; charset=utf-8', 'nosniff']);
      expect(await request(gw.port, '/v3/kv/range/', '{}')).toMatchObject(notFound);
      expect(await request(gw.port, '/v3/', '{}')).toMatchObject(notFound);
      expect(await request(gw.port, '/v3/kv/range', '', 'GET')).toMatchObject({ status: 405, body: 'Method Not Allowed\n' });
      expect(await request(gw.port, '/v3/kv/range', '', 'HEAD')).toMatchObject({ status: 405, body: '' });
      expect(await request(gw.port, '/v3/kv/range', '', 'OPTIONS')).toMatchObject({ status: 200, body: '' });
      const moved = await request(gw.port, '/v3?x=1', '{}');
      expect([moved.status, moved.headers.location, moved.body]).toEqual([301, '/v3/?x=1', '']);
      const movedGet = await request(gw.port, '/v3', '', 'GET');
      expect(movedGet.body).toBe('<a href="/v3/">Moved Permanently</a>.\n\n');
      expect(await request(gw.port, '/v3beta/kv/range?key=x', '{}')).toMatchObject({ status: 200, body: '{}' });
      expect(await request(gw.port, '/v3/kv/%72ange', '{}')).toMatchObject({ status: 200, body: '{}' });
      expect(gw.calls.map((c) => c.path)).toEqual(['/etcdserverpb.KV/Range', '/etcdserverpb.KV/Range']);
    } finally {
      await gw.close();
    }
  });

  it('serves HTTP/2 requests through node:http2 compat objects', async () => {
    const handle = createGatewayHandler(() => Promise.resolve(frame(etcdserverpb.PutResponse.encode({ header: { revision: 3 } }).finish())));
    const server = http2.createServer((req, res) => {
      if (!handle(req, res)) {
        res.writeHead(418);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = http2.connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      const ask = (path: string, body: string) => new Promise<{ status: number; body: string }>((resolve, reject) => {
        const s = client.request({ ':method': 'POST', ':path': path, 'content-type': 'application/json' });
        let status = 0;
        const chunks: Buffer[] = [];
        s.on('response', (h) => { status = Number(h[':status']); });
        s.on('data', (c: Buffer) => chunks.push(c));
        s.on('end', () => resolve({ status, body: Buffer.concat(chunks).toString() }));
        s.on('error', reject);
        s.end(body);
      });
      expect(await ask('/v3/kv/put', '{"key":"YQ=="}')).toEqual({ status: 200, body: '{"header":{"revision":"3"}}' });
      expect(await ask('/v3/kv/put', '{')).toEqual({ status: 400, body: errorJson(3, 'unexpected EOF') });
    } finally {
      client.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
