// The gateway wired into cairn's transport the way the server is meant to wire it: the gRPC services'
// registrations are teed into a table that `invoke` calls in-process, and the gateway is the transport's HTTP
// fallback ahead of the plain endpoints. The same handler then answers gRPC and JSON alike.
import * as grpc from '@grpc/grpc-js';
import * as http2 from 'node:http2';
import Long from 'long';
import { createGatewayHandler, serverStreamAsBidi } from '../../../../src/core/api/gateway';
import type { GrpcInvoke, GrpcStreamInvoke } from '../../../../src/core/api/gateway';
import type { ServiceRegistry } from '../../../../src/core/api/grpc/services';
import { etcdserverpb } from '../../../../src/core/api/proto';
import { GrpcServer, joinFrameStream } from '../../../../src/core/api/transport';
import type { BidiHandler } from '../../../../src/core/api/transport';
import { EtcdError, GrpcCode, notYet } from '../../../../src/core/errors';

type FramedHandler = Parameters<ServiceRegistry['addUnaryFramed']>[1];

function frameOf(message: Uint8Array): Buffer {
  const f = Buffer.alloc(5 + message.length);
  f.writeUInt32BE(message.length, 1);
  f.set(message, 5);
  return f;
}

/** Registers on the transport and keeps the handlers for the gateway's in-process calls. */
function teeRegistry(server: GrpcServer): { registry: ServiceRegistry; invoke: GrpcInvoke; invokeStream: GrpcStreamInvoke } {
  const unary = new Map<string, FramedHandler>();
  const streaming = new Map<string, BidiHandler>();
  const unimplemented = new Map<string, string>();
  const registry: ServiceRegistry = {
    addUnaryFramed: (path, handler) => {
      server.addUnaryFramed(path, handler);
      unary.set(path, handler);
    },
    addServerStream: (path, handler) => {
      server.addServerStream(path, handler);
      streaming.set(path, serverStreamAsBidi(handler));
    },
    addBidi: (path, handler) => {
      server.addBidi(path, handler);
      streaming.set(path, handler);
    },
    addUnimplemented: (path, message) => {
      server.addUnimplemented(path, message);
      unimplemented.set(path, message);
    },
  };
  const invoke: GrpcInvoke = async (path, request) => {
    const h = unary.get(path);
    if (h !== undefined) {
      const out = await h(request);
      return out instanceof Uint8Array ? out : joinFrameStream(out);
    }
    throw new EtcdError(GrpcCode.UNIMPLEMENTED, unimplemented.get(path) ?? `unknown method ${path}`);
  };
  const invokeStream: GrpcStreamInvoke = (path, call) => {
    const h = streaming.get(path);
    if (h === undefined) throw new EtcdError(GrpcCode.UNIMPLEMENTED, unimplemented.get(path) ?? `unknown method ${path}`);
    h(call);
  };
  return { registry, invoke, invokeStream };
}

describe('gateway wiring', () => {
  it('answers JSON over HTTP/1.1 and HTTP/2 and gRPC from the same registered handlers', async () => {
    const server = new GrpcServer({ maxRecvMessageBytes: 1024 * 1024 });
    const { registry, invoke } = teeRegistry(server);
    // a stand-in for registerServices(registry, etcdServer)
    registry.addUnaryFramed('/etcdserverpb.KV/Range', (req) => {
      const r = etcdserverpb.RangeRequest.decode(req);
      if (r.key.length === 0) throw new EtcdError(GrpcCode.INVALID_ARGUMENT, 'etcdserver: key is not provided');
      return frameOf(etcdserverpb.RangeResponse.encode({ header: { revision: 5 }, kvs: [{ key: r.key, value: Buffer.from('v'), version: 1 }], count: 1 }).finish());
    });
    registry.addUnimplemented('/etcdserverpb.Lease/LeaseGrant', notYet('Lease.LeaseGrant', 'leases arrive later').message);
    const gateway = createGatewayHandler(invoke, { maxRequestBytes: 1024 });
    server.setHttpFallback((req, res) => {
      if (gateway(req, res)) return;
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('404 page not found\n');
    });
    const { port } = await server.listen('127.0.0.1', 0);
    const base = `http://127.0.0.1:${port}`;
    const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const h2 = http2.connect(base);
    try {
      const range = await fetch(`${base}/v3/kv/range`, { method: 'POST', body: '{"key":"YQ=="}' });
      expect([range.status, await range.text()]).toEqual([200,
        '{"header":{"revision":"5"},"kvs":[{"key":"YQ==","version":"1","value":"dg=="}],"count":"1"}']);
      const empty = await fetch(`${base}/v3/kv/range`, { method: 'POST', body: '{}' });
      expect([empty.status, await empty.text()]).toEqual([400,
        '{"error":"etcdserver: key is not provided","message":"etcdserver: key is not provided","code":3}']);
      const grant = await fetch(`${base}/v3/lease/grant`, { method: 'POST', body: '{"TTL":5}' });
      expect([grant.status, await grant.json()]).toEqual([501, expect.objectContaining({ code: 12, error: expect.stringContaining('Lease.LeaseGrant') })]);
      expect((await fetch(`${base}/health`)).status).toBe(404); // not the gateway's: the next handler's

      const viaH2 = await new Promise<string>((resolve, reject) => {
        const s = h2.request({ ':method': 'POST', ':path': '/v3/kv/range', 'content-type': 'application/json' });
        const chunks: Buffer[] = [];
        s.on('data', (c: Buffer) => chunks.push(c));
        s.on('end', () => resolve(Buffer.concat(chunks).toString()));
        s.on('error', reject);
        s.end('{"key":"Yg=="}');
      });
      expect(viaH2).toBe('{"header":{"revision":"5"},"kvs":[{"key":"Yg==","version":"1","value":"dg=="}],"count":"1"}');

      const viaGrpc = await new Promise<Buffer>((resolve, reject) => {
        client.makeUnaryRequest('/etcdserverpb.KV/Range', (x: Buffer) => x, (x: Buffer) => x,
          Buffer.from(etcdserverpb.RangeRequest.encode({ key: Buffer.from('c') }).finish()), (err, res) => (err ? reject(err) : resolve(res as Buffer)));
      });
      expect(Long.fromValue(etcdserverpb.RangeResponse.decode(viaGrpc).count).toNumber()).toBe(1);
    } finally {
      client.close();
      h2.close();
      await server.close(0);
    }
  });

  it('answers the streaming endpoints from the same registered stream handlers as gRPC', async () => {
    const server = new GrpcServer({ maxRecvMessageBytes: 1024 * 1024 });
    const { registry, invoke, invokeStream } = teeRegistry(server);
    // stand-ins: a keepalive that answers each id with TTL 10 and ends with the requests; a server stream of 2
    registry.addBidi('/etcdserverpb.Lease/LeaseKeepAlive', (call) => {
      call.onMessage((m) => {
        const id = etcdserverpb.LeaseKeepAliveRequest.decode(m).ID;
        call.writeFramed(frameOf(etcdserverpb.LeaseKeepAliveResponse.encode({ ID: id, TTL: 10 }).finish()));
      });
      call.onEnd(() => call.end());
    });
    registry.addServerStream('/etcdserverpb.Maintenance/Snapshot', (_req, call) => {
      call.write(etcdserverpb.SnapshotResponse.encode({ remainingBytes: 1, blob: Buffer.from('a') }).finish());
      call.write(etcdserverpb.SnapshotResponse.encode({ blob: Buffer.from('b') }).finish());
      call.end();
    });
    const gateway = createGatewayHandler(invoke, { invokeStream });
    server.setHttpFallback((req, res) => { gateway(req, res); });
    const { port } = await server.listen('127.0.0.1', 0);
    const base = `http://127.0.0.1:${port}`;
    const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    try {
      const keepalive = await fetch(`${base}/v3/lease/keepalive`, { method: 'POST', body: '{"ID":7}{"ID":"8"}' });
      expect([keepalive.status, await keepalive.text()]).toEqual([200, '{"result":{"ID":"7","TTL":"10"}}\n{"result":{"ID":"8","TTL":"10"}}\n']);
      const snapshot = await fetch(`${base}/v3/maintenance/snapshot`, { method: 'POST', body: '{}' });
      expect([snapshot.status, await snapshot.text()]).toEqual([200, '{"result":{"remaining_bytes":"1","blob":"YQ=="}}\n{"result":{"blob":"Yg=="}}\n']);

      const viaGrpc = await new Promise<Buffer[]>((resolve, reject) => {
        const out: Buffer[] = [];
        const s = client.makeBidiStreamRequest('/etcdserverpb.Lease/LeaseKeepAlive', (x: Buffer) => x, (x: Buffer) => x);
        s.on('data', (b: Buffer) => out.push(b));
        s.on('end', () => resolve(out));
        s.on('error', reject);
        s.end(Buffer.from(etcdserverpb.LeaseKeepAliveRequest.encode({ ID: 7 }).finish()));
      });
      expect(viaGrpc.map((b) => Long.fromValue(etcdserverpb.LeaseKeepAliveResponse.decode(b).TTL).toNumber())).toEqual([10]);
    } finally {
      client.close();
      await server.close(0);
    }
  });
});
