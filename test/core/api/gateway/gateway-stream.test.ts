// The streaming gateway with stand-in handlers on node:http (and once node:http2): requests handed over as
// they arrive, one line per response, the end and error lines, cancellation when the client goes, and the
// bounds (request size, a client that does not read).
import * as http from 'node:http';
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import Long from 'long';
import { createGatewayHandler, serverStreamAsBidi } from '../../../../src/core/api/gateway';
import type { GrpcStreamInvoke } from '../../../../src/core/api/gateway';
import { etcdserverpb, v3electionpb } from '../../../../src/core/api/proto';
import { GrpcError } from '../../../../src/core/api/transport';
import type { BidiHandler } from '../../../../src/core/api/transport';
import { EtcdError, GrpcCode } from '../../../../src/core/errors';

const W = '/etcdserverpb.Watch/Watch';

function frame(message: Uint8Array): Buffer {
  const f = Buffer.alloc(5 + message.length);
  f.writeUInt32BE(message.length, 1);
  f.set(message, 5);
  return f;
}

const watchResponse = (m: etcdserverpb.IWatchResponse): Buffer => frame(etcdserverpb.WatchResponse.encode(m).finish());

/** A watch stand-in: answers each create with created, watch_id = its key's length; cancel ends the call. */
function echoWatch(log: string[]): BidiHandler {
  return (call) => {
    call.onCancel(() => log.push(`cancel ${(call.ctx.signal.reason as GrpcError).code}`));
    call.onMessage((m) => {
      const req = etcdserverpb.WatchRequest.decode(m);
      log.push(`message ${JSON.stringify(etcdserverpb.WatchRequest.toObject(req, { bytes: String, longs: String }))}`);
      if (req.cancelRequest) call.end(Long.fromValue(req.cancelRequest.watchId ?? 0).toNumber() === 99 ? new GrpcError(GrpcCode.NOT_FOUND, 'no such watch') : undefined);
      else call.writeFramed(watchResponse({ watchId: req.createRequest?.key?.length ?? -1, created: true }));
    });
    call.onEnd(() => log.push('end'));
  };
}

async function startGateway(handlers: Record<string, BidiHandler>, opts: { maxRequestBytes?: number; maxBufferedBytesPerStream?: number } = {}) {
  const invokeStream: GrpcStreamInvoke = (path, call) => {
    const h = handlers[path];
    if (h === undefined) throw new EtcdError(GrpcCode.UNIMPLEMENTED, `unknown method ${path}`);
    h(call);
  };
  const handle = createGatewayHandler(() => Promise.reject(new Error('no unary calls here')), { ...opts, invokeStream });
  const server = http.createServer((req, res) => {
    if (!handle(req, res)) res.writeHead(418).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A POST whose body is written piece by piece and whose answer is read as it comes. */
class Exchange {
  status = 0;
  headers: http.IncomingHttpHeaders = {};
  text = '';
  ended = false;
  readonly req: http.ClientRequest;
  private res: http.IncomingMessage | null = null;

  constructor(port: number, path: string, headers: http.OutgoingHttpHeaders = {}) {
    this.req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers, agent: false });
    this.req.on('response', (res) => {
      this.res = res;
      this.status = res.statusCode ?? 0;
      this.headers = res.headers;
      res.on('data', (b: Buffer) => { if (this.text.length < 1 << 20) this.text += b.toString('utf8'); });
      res.on('end', () => { this.ended = true; });
      res.on('error', () => {});
    });
    this.req.on('error', () => {});
    this.req.flushHeaders();
  }

  get lines(): string[] {
    return this.text.split('\n').filter((l) => l !== '');
  }

  send(s: string): void {
    this.req.write(s);
  }

  end(s?: string): void {
    this.req.end(s);
  }

  destroy(): void {
    this.req.destroy();
  }

  pauseReading(): void {
    this.res?.pause();
  }

  resumeReading(): void {
    this.res?.resume();
  }

  async until(what: string, ok: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ok()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; have ${JSON.stringify(this.text)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

async function waitFor(what: string, ok: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('gateway streams', () => {
  it('hands each request over as it completes and writes one result line per response', async () => {
    const log: string[] = [];
    const gw = await startGateway({ [W]: echoWatch(log) });
    try {
      const x = new Exchange(gw.port, '/v3/watch');
      x.send('{"create_request":{"key":"YQ=="}}\n{"create_');
      await x.until('the first line', () => x.lines.length === 1);
      expect([x.status, x.headers['content-type'], x.headers['grpc-metadata-content-type'], x.headers['transfer-encoding']])
        .toEqual([200, 'application/json', 'application/grpc', 'chunked']);
      expect(x.lines).toEqual(['{"result":{"watch_id":"1","created":true}}']);
      x.send('request":{"key":"YWJj"}}');
      await x.until('the second line', () => x.lines.length === 2);
      expect(x.lines[1]).toBe('{"result":{"watch_id":"3","created":true}}');
      // the body ends: the handler hears it, the call stays open until the handler ends it
      x.end();
      await waitFor('end', () => log.includes('end'));
      expect(x.ended).toBe(false);
      x.destroy();
      await waitFor('cancel', () => log.includes(`cancel ${GrpcCode.CANCELLED}`));
      expect(log.filter((l) => l.startsWith('message'))).toHaveLength(2);
    } finally {
      await gw.close();
    }
  });

  it('ends the answer with the handler: OK without a line, an error as the last line (no newline)', async () => {
    const log: string[] = [];
    const gw = await startGateway({ [W]: echoWatch(log) });
    try {
      const ok = new Exchange(gw.port, '/v3/watch');
      ok.end('{"create_request":{"key":"YQ=="}} {"cancel_request":{"watch_id":1}}');
      await ok.until('the end', () => ok.ended);
      expect([ok.status, ok.text]).toEqual([200, '{"result":{"watch_id":"1","created":true}}\n']);

      const failed = new Exchange(gw.port, '/v3/watch');
      failed.end('{"create_request":{"key":"YQ=="}} {"cancel_request":{"watch_id":99}}');
      await failed.until('the end', () => failed.ended);
      expect([failed.status, failed.text]).toEqual([200, '{"result":{"watch_id":"1","created":true}}\n'
        + '{"error":{"grpc_code":5,"http_code":404,"message":"no such watch","http_status":"Not Found"}}']);

      // an error before any result: its status, and no Grpc-Metadata-Content-Type (no gRPC headers came)
      const first = new Exchange(gw.port, '/v3/watch');
      first.end('{"cancel_request":{"watch_id":99}}');
      await first.until('the end', () => first.ended);
      expect([first.status, first.headers['grpc-metadata-content-type'], first.text]).toEqual([404, undefined,
        '{"error":{"grpc_code":5,"http_code":404,"message":"no such watch","http_status":"Not Found"}}']);
      expect(log).not.toContain(`cancel ${GrpcCode.CANCELLED}`); // the handler ended them itself
    } finally {
      await gw.close();
    }
  });

  it('answers an unreadable first request as etcd (code 2, HTTP 500) and ends the requests at a later one', async () => {
    const log: string[] = [];
    const gw = await startGateway({ [W]: echoWatch(log) });
    try {
      const bad = new Exchange(gw.port, '/v3/watch');
      bad.end('{"create_request":{"key":5}}');
      await bad.until('the end', () => bad.ended);
      expect([bad.status, bad.headers['content-length'], JSON.parse(bad.text)]).toEqual([500, String(bad.text.length), {
        error: 'json: cannot unmarshal number into Go value of type []uint8',
        message: 'json: cannot unmarshal number into Go value of type []uint8',
        code: 2,
      }]);
      expect(log).toEqual([]); // no call was opened

      const later = new Exchange(gw.port, '/v3/watch');
      later.send('{"create_request":{"key":"YQ=="}} {"create_request": x');
      await waitFor('the end of the requests', () => log.includes('end'));
      // nothing after the bad value is read as a request
      later.end('{"create_request":{"key":"YWJj"}}');
      await later.until('the first line', () => later.lines.length === 1);
      expect(log.filter((l) => l.startsWith('message'))).toHaveLength(1);
      later.destroy();
      await waitFor('cancel', () => log.includes(`cancel ${GrpcCode.CANCELLED}`));
    } finally {
      await gw.close();
    }
  });

  it('refuses a request over the limits as the gRPC server would: RESOURCE_EXHAUSTED, the handler cancelled', async () => {
    const log: string[] = [];
    const gw = await startGateway({ [W]: echoWatch(log) }, { maxRequestBytes: 1024 });
    try {
      const maxRecv = 1024 + 512 * 1024;
      // under the JSON limit, but the message is over gRPC's
      const key = Buffer.alloc(maxRecv + 10, 0x61).toString('base64');
      const big = new Exchange(gw.port, '/v3/watch');
      big.end(`{"create_request":{"key":"YQ=="}}{"create_request":{"key":"${key}"}}`);
      await big.until('the end', () => big.ended);
      expect(big.lines).toEqual(['{"result":{"watch_id":"1","created":true}}',
        `{"error":{"grpc_code":8,"http_code":429,"message":"grpc: received message larger than max (${maxRecv + 18} vs. ${maxRecv})","http_status":"Too Many Requests"}}`]);
      expect(log).toContain(`cancel ${GrpcCode.RESOURCE_EXHAUSTED}`);

      // over the JSON limit: refused while it arrives, whatever follows
      const huge = new Exchange(gw.port, '/v3/watch');
      huge.send(`{"create_request":{"key":"${'A'.repeat(800_000)}`);
      await huge.until('the end', () => huge.ended);
      expect([huge.status, huge.text]).toEqual([429,
        '{"error":{"grpc_code":8,"http_code":429,"message":"gateway: a request in the body is larger than the limit of 765952 bytes","http_status":"Too Many Requests"}}']);
      huge.destroy();
    } finally {
      await gw.close();
    }
  });

  it('cancels a handler that queues more than the limit for a client that does not read', async () => {
    let cancelled: unknown = null;
    let writes = 0;
    const flood: BidiHandler = (call) => {
      call.onCancel(() => { cancelled = call.ctx.signal.reason; });
      call.onMessage(() => {
        // ignores write()'s false on purpose
        const big = watchResponse({ watchId: 1, cancelReason: 'x'.repeat(64 * 1024) });
        const tick = (): void => {
          for (let i = 0; i < 16 && call.writeFramed(big) !== undefined && cancelled === null; i++) writes++;
          if (cancelled === null) setImmediate(tick);
        };
        tick();
      });
    };
    const gw = await startGateway({ [W]: flood }, { maxBufferedBytesPerStream: 4 * 1024 * 1024 });
    try {
      const x = new Exchange(gw.port, '/v3/watch');
      x.send('{}');
      await x.until('the first bytes', () => x.text.length > 0);
      x.pauseReading();
      await waitFor('the cancel', () => cancelled !== null, 20_000);
      expect((cancelled as GrpcError).code).toBe(GrpcCode.RESOURCE_EXHAUSTED);
      expect(writes).toBeLessThan(1000);
    } finally {
      await gw.close();
    }
  });

  it('stops reading requests while the answer is behind, and reads on once it drains', async () => {
    let received = 0;
    let behind = false;
    const slow: BidiHandler = (c) => {
      c.onMessage(() => {
        received++;
        // the first answers are 1 MiB each: a few fill the socket buffers of a client that does not read
        const size = received <= 100 ? 1024 * 1024 : 1;
        if (!c.writeFramed(watchResponse({ watchId: received, cancelReason: 'y'.repeat(size) }))) behind = true;
      });
    };
    const gw = await startGateway({ [W]: slow });
    try {
      const x = new Exchange(gw.port, '/v3/watch');
      x.send('{}');
      await x.until('the first bytes', () => x.text.length > 0);
      x.pauseReading();
      x.send('{}'.repeat(10_000));
      await waitFor('the answer to fall behind', () => behind);
      // no wait on a condition can show that nothing more happens: give the server time to (wrongly) read on
      await new Promise((r) => setTimeout(r, 300));
      expect(received).toBeLessThan(100);
      x.resumeReading();
      await waitFor('every request', () => received === 10_001, 30_000);
      x.destroy();
    } finally {
      await gw.close();
    }
  });

  it('runs a server-streaming handler on the one request of the body, read as a unary body', async () => {
    const seen: string[] = [];
    const observe = serverStreamAsBidi(async (request, call) => {
      const name = v3electionpb.LeaderRequest.decode(request).name.toString();
      seen.push(name);
      if (name === 'fail') throw new EtcdError(GrpcCode.FAILED_PRECONDITION, 'not now');
      for (let i = 1; i <= 3; i++) {
        call.write(v3electionpb.LeaderResponse.encode({ header: { revision: i }, kv: { key: Buffer.from(name) } }).finish());
        await new Promise((r) => setImmediate(r));
      }
      call.end();
    });
    const gw = await startGateway({ '/v3electionpb.Election/Observe': observe });
    try {
      const ok = new Exchange(gw.port, '/v3/election/observe');
      ok.end('{"name":"ZWw="} trailing garbage is ignored, as for a unary body');
      await ok.until('the end', () => ok.ended);
      expect([ok.status, ok.lines]).toEqual([200, [1, 2, 3].map((i) => `{"result":{"header":{"revision":"${i}"},"kv":{"key":"ZWw="}}}`)]);
      expect(seen).toEqual(['el']);

      const failed = new Exchange(gw.port, '/v3/election/observe');
      failed.end(`{"name":"${Buffer.from('fail').toString('base64')}"}`);
      await failed.until('the end', () => failed.ended);
      expect([failed.status, failed.text]).toEqual([412, '{"error":{"grpc_code":9,"http_code":412,"message":"not now","http_status":"Precondition Failed"}}']);

      const bad = new Exchange(gw.port, '/v3/election/observe');
      bad.end('{"name":');
      await bad.until('the end', () => bad.ended);
      // a server-streaming body is read as etcd reads a unary one: INVALID_ARGUMENT
      expect([bad.status, bad.text]).toEqual([400, '{"error":"unexpected EOF","message":"unexpected EOF","code":3}']);
    } finally {
      await gw.close();
    }
  });

  it('ends the call at its Grpc-Timeout and refuses a malformed one', async () => {
    const log: string[] = [];
    const gw = await startGateway({ [W]: echoWatch(log) });
    try {
      const x = new Exchange(gw.port, '/v3/watch', { 'grpc-timeout': '200m' });
      x.end('{"create_request":{"key":"YQ=="}}');
      await x.until('the end', () => x.ended);
      expect(x.lines).toEqual(['{"result":{"watch_id":"1","created":true}}',
        '{"error":{"grpc_code":4,"http_code":504,"message":"context deadline exceeded","http_status":"Gateway Timeout"}}']);
      expect(log).toContain(`cancel ${GrpcCode.DEADLINE_EXCEEDED}`);

      const bad = new Exchange(gw.port, '/v3/watch', { 'grpc-timeout': 'soon' });
      bad.end('{}');
      await bad.until('the end', () => bad.ended);
      expect([bad.status, bad.text]).toEqual([400, '{"error":"invalid grpc-timeout: soon","message":"invalid grpc-timeout: soon","code":3}']);
    } finally {
      await gw.close();
    }
  });

  it('serves a stream over HTTP/2 too', async () => {
    const log: string[] = [];
    const invokeStream: GrpcStreamInvoke = (path, call) => echoWatch(log)(call);
    const handle = createGatewayHandler(() => Promise.reject(new Error('unary')), { invokeStream });
    const server = http2.createServer((req, res) => { handle(req, res); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = http2.connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      const s = client.request({ ':method': 'POST', ':path': '/v3/watch', 'content-type': 'application/json' });
      let text = '';
      let headers: http2.IncomingHttpHeaders = {};
      s.on('response', (h) => { headers = h; });
      s.on('data', (b: Buffer) => { text += b.toString(); });
      s.write('{"create_request":{"key":"YQ=="}}');
      await waitFor('a line', () => text.includes('\n'));
      expect([headers[':status'], headers['grpc-metadata-content-type'], text]).toEqual([200, 'application/grpc', '{"result":{"watch_id":"1","created":true}}\n']);
      s.close();
      await waitFor('cancel', () => log.includes(`cancel ${GrpcCode.CANCELLED}`));
    } finally {
      client.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
