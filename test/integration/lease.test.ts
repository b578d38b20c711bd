// The Lease service against etcd 3.4. etcd and cairn run as twins (same identity: headers compare byte for
// byte) and get the same requests through raw gRPC, with lease ids chosen by the test so both sides name the
// same leases; answers and errors must match. Then expiry (the keys of an expired lease are deleted at one
// revision and watchers see it, as on etcd), and on cairn alone: leases and their keys survive kill -9.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { etcdserverpb } from '../../src/core/api/proto';
import { startTwinEtcd, type EtcdMember } from '../commands/ctl/ctl-diff';
import { grpcError, outcome, plainOf, RawClient, type Outcome } from '../helpers/grpc';
import { freePort, hasEtcd, RUN_JS, tempDir } from '../helpers/procs';

const L = '/etcdserverpb.Lease/';
const KV = '/etcdserverpb.KV/';
const b = (s: string) => Buffer.from(s);

/** A LeaseKeepAlive stream: the answers so far, and how the call ended. */
class KeepAlive {
  readonly answers: object[] = [];
  status: { code: number; details: string } | undefined;
  private readonly call: grpc.ClientDuplexStream<Buffer, Buffer>;

  constructor(client: RawClient) {
    this.call = client.client.makeBidiStreamRequest(L + 'LeaseKeepAlive', (x: Buffer) => x, (x: Buffer) => x);
    this.call.on('data', (m: Buffer) => this.answers.push(plainOf(etcdserverpb.LeaseKeepAliveResponse)(etcdserverpb.LeaseKeepAliveResponse.decode(m))));
    this.call.on('status', (s: grpc.StatusObject) => { this.status = { code: s.code, details: s.details }; });
    this.call.on('error', () => { /* the status says it */ });
  }

  send(id: number): void {
    this.call.write(Buffer.from(etcdserverpb.LeaseKeepAliveRequest.encode({ ID: id }).finish()));
  }

  end(): void {
    this.call.end();
  }

  async until(done: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`keepalive: waited in vain; answers so far ${JSON.stringify(this.answers)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

const describeIf = hasEtcd() ? describe : describe.skip;

describeIf('Lease against etcd 3.4', () => {
  let etcd: EtcdMember;
  let cairn: EtcdMember;
  let clients: RawClient[];

  beforeAll(async () => {
    [etcd, cairn] = await startTwinEtcd({ sutIsCairn: true });
    clients = [new RawClient(etcd.endpoint), new RawClient(cairn.endpoint)];
  }, 60_000);

  afterAll(async () => {
    for (const c of clients ?? []) c.close();
    await Promise.all([etcd?.stop(), cairn?.stop()]);
  });

  /** one unary call on both members, answers compared (after `mask`) */
  const same = async <Req, Res>(method: string, req: Req, types: [{ encode(m: Req): { finish(): Uint8Array } }, { decode(b: Uint8Array): Res; toObject(m: Res, o: object): object }], mask: (o: Outcome) => Outcome = (o) => o) => {
    const [e, c] = await Promise.all(clients.map((cl) => outcome(cl.call(method, types[0], types[1], req), plainOf(types[1]))));
    expect({ method, req, got: mask(c) }).toEqual({ method, req, got: mask(e) });
    return e;
  };
  const grant = (req: etcdserverpb.ILeaseGrantRequest) => same(L + 'LeaseGrant', req, [etcdserverpb.LeaseGrantRequest, etcdserverpb.LeaseGrantResponse]);
  const put = (req: etcdserverpb.IPutRequest) => same(KV + 'Put', req, [etcdserverpb.PutRequest, etcdserverpb.PutResponse]);
  const revoke = (id: number) => same(L + 'LeaseRevoke', { ID: id }, [etcdserverpb.LeaseRevokeRequest, etcdserverpb.LeaseRevokeResponse]);
  /** TTL ticks down on each side on its own clock: it must be within `slack` seconds below the granted TTL */
  const ttlWithin = (granted: number, slack: number) => (o: Outcome): Outcome => {
    if (!('ok' in o)) return o;
    const r = o.ok as { TTL?: string; keys?: string[] };
    const ttl = Number(r.TTL ?? 0);
    return { ok: { ...r, TTL: ttl <= granted && ttl >= granted - slack ? '<ticking>' : ttl, keys: r.keys?.slice().sort() } };
  };

  it('grants, refuses and clamps as etcd does; puts attach; timetolive, leases and revoke answer the same', async () => {
    await grant({ ID: 100, TTL: 600 });
    await grant({ ID: 100, TTL: 60 }); // exists
    await grant({ ID: 101, TTL: 9_000_000_001 }); // too large
    await grant({ ID: 102, TTL: 1 }); // raised to the minimum (2 s with the default election timeout)
    await grant({ ID: 103, TTL: -5 });
    await grant({ ID: 104, TTL: 9_000_000_000 });
    await put({ key: b('l/a'), value: b('1'), lease: 100 });
    await put({ key: b('l/b'), value: b('2'), lease: 100 });
    await put({ key: b('l/c'), value: b('3'), lease: 104 });
    await put({ key: b('l/x'), value: b('1'), lease: 999 }); // no such lease
    await put({ key: b('l/c'), value: b('4'), ignoreLease: true }); // keeps lease 104
    await same(KV + 'Txn', { success: [{ requestPut: { key: b('l/t'), value: b('t'), lease: 998 } }] }, [etcdserverpb.TxnRequest, etcdserverpb.TxnResponse]);
    const ttl = [etcdserverpb.LeaseTimeToLiveRequest, etcdserverpb.LeaseTimeToLiveResponse] as [typeof etcdserverpb.LeaseTimeToLiveRequest, typeof etcdserverpb.LeaseTimeToLiveResponse];
    await same(L + 'LeaseTimeToLive', { ID: 100, keys: true }, ttl, ttlWithin(600, 30));
    await same(L + 'LeaseTimeToLive', { ID: 104, keys: true }, ttl, ttlWithin(9_000_000_000, 30));
    await same(L + 'LeaseTimeToLive', { ID: 100 }, ttl, ttlWithin(600, 30));
    await same(L + 'LeaseTimeToLive', { ID: 555, keys: true }, ttl); // unknown: TTL -1
    await same(L + 'LeaseLeases', {}, [etcdserverpb.LeaseLeasesRequest, etcdserverpb.LeaseLeasesResponse], (o) => {
      if (!('ok' in o)) return o;
      const r = o.ok as { leases?: Array<{ ID: string }> };
      return { ok: { ...r, leases: r.leases?.map((l) => l.ID).sort() } };
    });
    await revoke(100);
    await revoke(100); // gone
    await same(KV + 'Range', { key: b('l/'), rangeEnd: b('l0') }, [etcdserverpb.RangeRequest, etcdserverpb.RangeResponse]);
    for (const id of [102, 103, 104]) await revoke(id);
    await same(KV + 'Range', { key: b('l/'), rangeEnd: b('l0') }, [etcdserverpb.RangeRequest, etcdserverpb.RangeResponse]);
  });

  it('keepalive answers TTL for a live lease, 0 for an unknown one, and ends OK when the client half-closes', async () => {
    await grant({ ID: 200, TTL: 300 });
    const streams = clients.map((c) => new KeepAlive(c));
    for (const s of streams) {
      s.send(200);
      s.send(555);
      s.send(200);
      s.end();
    }
    await Promise.all(streams.map((s) => s.until(() => s.status !== undefined)));
    expect(streams[1].answers).toEqual(streams[0].answers);
    expect(streams[1].status).toEqual(streams[0].status);
    expect(streams[0].answers.map((a) => (a as { TTL?: string }).TTL)).toEqual(['300', undefined, '300']);
    await revoke(200);
  });

  it('an expired lease is revoked: its keys are deleted at one revision, in key order, and watchers see it', async () => {
    await grant({ ID: 300, TTL: 2 });
    for (const k of ['e/c', 'e/a', 'e/b']) await put({ key: b(k), value: b('v'), lease: 300 });
    const watches = clients.map((c) => {
      const answers: object[] = [];
      const call = c.client.makeBidiStreamRequest('/etcdserverpb.Watch/Watch', (x: Buffer) => x, (x: Buffer) => x);
      call.on('data', (m: Buffer) => answers.push(plainOf(etcdserverpb.WatchResponse)(etcdserverpb.WatchResponse.decode(m))));
      call.on('error', () => { /* canceled at the end */ });
      call.write(Buffer.from(etcdserverpb.WatchRequest.encode({ createRequest: { key: b('e/'), rangeEnd: b('e0'), prevKv: true } }).finish()));
      return { call, answers };
    });
    const deadline = Date.now() + 15_000;
    while (watches.some((w) => w.answers.length < 2) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    for (const w of watches) w.call.cancel();
    expect(watches[1].answers).toEqual(watches[0].answers);
    const events = (watches[0].answers[1] as { events?: Array<{ type?: string; kv: { key: string } }> }).events ?? [];
    expect(events.map((e) => [e.type, Buffer.from(e.kv.key, 'base64').toString()])).toEqual([['DELETE', 'e/a'], ['DELETE', 'e/b'], ['DELETE', 'e/c']]);
    await same(L + 'LeaseTimeToLive', { ID: 300 }, [etcdserverpb.LeaseTimeToLiveRequest, etcdserverpb.LeaseTimeToLiveResponse]);
  });
});

describe('Leases on cairn across kill -9', () => {
  it('keeps granted leases and their keys; revoke after the restart deletes them, and short leases still expire', async () => {
    const dir = tempDir('lease-restart');
    const port = await freePort();
    const peer = await freePort();
    let proc: ChildProcess | undefined;
    const start = async () => {
      proc = spawn(process.execPath, [RUN_JS, 'server', '--data-dir', path.join(dir, 'data'),
        '--listen-client-urls', `http://127.0.0.1:${port}`, '--advertise-client-urls', `http://127.0.0.1:${port}`,
        '--listen-peer-urls', `http://127.0.0.1:${peer}`], { stdio: 'ignore' });
      const deadline = Date.now() + 20_000;
      while (!(await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false))) {
        if (Date.now() > deadline) throw new Error('cairn did not start');
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const kill = async () => {
      const p = proc;
      if (p === undefined || p.exitCode !== null) return;
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGKILL');
      await exited;
    };
    try {
      await start();
      let client = new RawClient(`127.0.0.1:${port}`);
      await client.call(L + 'LeaseGrant', etcdserverpb.LeaseGrantRequest, etcdserverpb.LeaseGrantResponse, { ID: 7, TTL: 600 });
      await client.call(L + 'LeaseGrant', etcdserverpb.LeaseGrantRequest, etcdserverpb.LeaseGrantResponse, { ID: 8, TTL: 2 });
      for (const [k, id] of [['r/a', 7], ['r/b', 7], ['r/s', 8]] as const) {
        await client.call(KV + 'Put', etcdserverpb.PutRequest, etcdserverpb.PutResponse, { key: b(k), value: b('v'), lease: id });
      }
      client.close();
      await kill();
      await start();
      client = new RawClient(`127.0.0.1:${port}`);
      const t = await client.call(L + 'LeaseTimeToLive', etcdserverpb.LeaseTimeToLiveRequest, etcdserverpb.LeaseTimeToLiveResponse, { ID: 7, keys: true });
      expect(t.keys.map((k) => Buffer.from(k).toString())).toEqual(['r/a', 'r/b']);
      expect(Number(t.grantedTTL)).toBe(600);
      const leases = await client.call(L + 'LeaseLeases', etcdserverpb.LeaseLeasesRequest, etcdserverpb.LeaseLeasesResponse, {});
      expect(leases.leases.map((l) => Number(l.ID))).toEqual([7, 8]);
      // lease 8 (2 s, plus the election timeout after a start) expires and takes r/s with it
      const deadline = Date.now() + 15_000;
      let left = 3;
      while (left > 2 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        const r = await client.call(KV + 'Range', etcdserverpb.RangeRequest, etcdserverpb.RangeResponse, { key: b('r/'), rangeEnd: b('r0'), countOnly: true });
        left = Number(r.count);
      }
      expect(left).toBe(2);
      await client.call(L + 'LeaseRevoke', etcdserverpb.LeaseRevokeRequest, etcdserverpb.LeaseRevokeResponse, { ID: 7 });
      const r = await client.call(KV + 'Range', etcdserverpb.RangeRequest, etcdserverpb.RangeResponse, { key: b('r/'), rangeEnd: b('r0') });
      expect(r.kvs).toEqual([]);
      const err = await client.call(L + 'LeaseRevoke', etcdserverpb.LeaseRevokeRequest, etcdserverpb.LeaseRevokeResponse, { ID: 8 }).catch(grpcError);
      expect(err).toEqual({ code: grpc.status.NOT_FOUND, details: 'etcdserver: requested lease not found' });
      client.close();
    } finally {
      await kill();
    }
  }, 60_000);
});
