// Differential test: the same seeded random KV requests against a real etcd 3.4 (a process on 127.0.0.1,
// random ports) and against validate + apply on our store; every response, error and the final HashKV must
// agree. Replay a failure with KV_DIFF_SEED=<seed>.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import Long from 'long';
import { etcdserverpb, mvccpb } from '../../../../src/core/api/proto';
import { EtcdError } from '../../../../src/core/errors';
import {
  compact, deleteRange, kvsOf as listKvs, put, range, txn, validateDeleteRange, validatePut, validateRange, validateTxn,
  type ApplyContext, type ResponseOpResult,
} from '../../../../src/core/server/apply';
import type { KvWriter } from '../../../../src/core/storage/mvcc';
import { plain, tempStore, type TempStore } from '../../storage/fixture';

const ETCD = '/usr/bin/etcd';
const pb = etcdserverpb;
const d = describe; // CI installs etcd (.ci/run); a missing binary fails loudly

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

interface Codec<T> { encode(m: T): { finish(): Uint8Array }; decode(b: Uint8Array): T }

class Etcd {
  private proc!: ChildProcess;
  private client!: grpc.Client;
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-etcd-'));

  async start(): Promise<void> {
    const [cp, pp] = [await freePort(), await freePort()];
    this.proc = spawn(ETCD, [
      '--data-dir', path.join(this.dir, 'data'), '--listen-client-urls', `http://127.0.0.1:${cp}`, '--advertise-client-urls', `http://127.0.0.1:${cp}`,
      '--listen-peer-urls', `http://127.0.0.1:${pp}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${pp}`,
      '--initial-cluster', `default=http://127.0.0.1:${pp}`, '--log-level', 'error', '--logger', 'zap',
    ], { stdio: 'ignore' });
    this.client = new grpc.Client(`127.0.0.1:${cp}`, grpc.credentials.createInsecure());
    await new Promise<void>((resolve, reject) => this.client.waitForReady(Date.now() + 20_000, (e) => (e ? reject(e) : resolve())));
    // ready for requests once it answers one (it elects itself first)
    for (let i = 0; ; i++) {
      try {
        await this.call('KV', 'Range', pb.RangeRequest, pb.RangeResponse, { key: Buffer.from('x') });
        return;
      } catch (e) {
        if (i > 200) throw e;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  call<Q, S>(svc: string, method: string, req: Codec<Q>, res: Codec<S>, msg: Q): Promise<S> {
    return new Promise((resolve, reject) => this.client.makeUnaryRequest(
      `/etcdserverpb.${svc}/${method}`, (m: Q) => Buffer.from(req.encode(m).finish()), (b: Buffer) => res.decode(b), msg,
      (err, r) => (err ? reject(err) : resolve(r as S)),
    ));
  }

  async stop(): Promise<void> {
    this.client?.close();
    if (this.proc && this.proc.exitCode === null) {
      const exited = new Promise((r) => this.proc.once('exit', r));
      this.proc.kill('SIGKILL');
      await exited;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = seed;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const num = (v: unknown) => Number(Long.fromValue((v ?? 0) as Long).toString());
const kvsOf = (kvs: Uint8Array[] | mvccpb.IKeyValue[] | null | undefined) =>
  (kvs ?? []).map((kv) => (kv instanceof Uint8Array ? plain(kv) : plain(mvccpb.KeyValue.encode(kv).finish())));

// ---- normalised views of both sides ----
type Op = etcdserverpb.IResponseOp;
function fromEtcdOp(op: Op): unknown {
  if (op.responseRange) return { range: { kvs: kvsOf(op.responseRange.kvs), count: num(op.responseRange.count), more: !!op.responseRange.more, rev: num(op.responseRange.header?.revision) } };
  if (op.responsePut) return { put: { prev: op.responsePut.prevKv ? kvsOf([op.responsePut.prevKv]) : [], rev: num(op.responsePut.header?.revision) } };
  if (op.responseDeleteRange) return { del: { deleted: num(op.responseDeleteRange.deleted), prev: kvsOf(op.responseDeleteRange.prevKvs), rev: num(op.responseDeleteRange.header?.revision) } };
  const t = op.responseTxn!;
  return { txn: { ok: !!t.succeeded, ops: (t.responses ?? []).map(fromEtcdOp), rev: num(t.header?.revision) } };
}
function fromOurOp(op: ResponseOpResult): unknown {
  if ('range' in op) return { range: { kvs: kvsOf(listKvs(op.range)), count: op.range.count, more: op.range.more, rev: op.range.revision } };
  if ('put' in op) return { put: { prev: op.put.prevKv ? kvsOf([op.put.prevKv]) : [], rev: op.put.revision } };
  if ('deleteRange' in op) return { del: { deleted: op.deleteRange.deleted, prev: kvsOf(op.deleteRange.prevKvs), rev: op.deleteRange.revision } };
  return { txn: { ok: op.txn.succeeded, ops: op.txn.responses.map(fromOurOp), rev: op.txn.revision } };
}

class Workload {
  private readonly keys = ['a', 'b', 'c', 'p/1', 'p/2', 'p/3', 'q'];
  constructor(private readonly rnd: () => number, private readonly leases: bigint[]) {}
  private pick<T>(xs: readonly T[]): T { return xs[Math.floor(this.rnd() * xs.length)]; }
  private chance(p: number): boolean { return this.rnd() < p; }
  private key(): Buffer { return Buffer.from(this.pick(this.keys)); }
  private end(): Buffer | undefined {
    const x = this.rnd();
    if (x < 0.5) return undefined;
    return Buffer.from(this.pick(['\0', 'c', 'p/', 'p0', 'p/3', 'z', 'a']));
  }
  private rev(current: number): number { return this.chance(0.6) ? 0 : Math.floor(this.rnd() * (current + 3)) - 1; }

  rangeReq(current: number): etcdserverpb.IRangeRequest {
    return {
      key: this.key(), rangeEnd: this.end(), revision: this.rev(current), limit: this.chance(0.3) ? Math.floor(this.rnd() * 4) : 0,
      sortOrder: this.chance(0.3) ? this.pick([0, 1, 2]) : 0, sortTarget: this.chance(0.3) ? this.pick([0, 1, 2, 3, 4]) : 0,
      keysOnly: this.chance(0.1), countOnly: this.chance(0.1),
      minModRevision: this.chance(0.1) ? Math.floor(this.rnd() * current) : 0, maxCreateRevision: this.chance(0.1) ? Math.floor(this.rnd() * current) : 0,
    };
  }

  putReq(): etcdserverpb.IPutRequest {
    const ignoreValue = this.chance(0.1);
    const ignoreLease = this.chance(0.1);
    const lease = !ignoreLease && this.chance(0.2) ? (this.chance(0.8) ? this.pick(this.leases) : 0x1234n) : 0n;
    return {
      key: this.key(), value: ignoreValue ? undefined : Buffer.from(`v${Math.floor(this.rnd() * 100)}`),
      lease: Long.fromString(lease.toString()), prevKv: this.chance(0.3), ignoreValue, ignoreLease,
    };
  }

  deleteReq(): etcdserverpb.IDeleteRangeRequest {
    return { key: this.key(), rangeEnd: this.end(), prevKv: this.chance(0.4) };
  }

  compare(current: number): etcdserverpb.ICompare {
    const target = this.pick([0, 1, 2, 3, 4]);
    const c: etcdserverpb.ICompare = { key: this.key(), rangeEnd: this.chance(0.2) ? this.end() : undefined, target, result: this.pick([0, 1, 2, 3]) };
    const n = Math.floor(this.rnd() * (current + 2));
    if (target === 0) c.version = this.chance(0.5) ? this.pick([0, 1, 2]) : n;
    else if (target === 1) c.createRevision = n;
    else if (target === 2) c.modRevision = n;
    else if (target === 3) c.value = Buffer.from(this.chance(0.3) ? '' : `v${Math.floor(this.rnd() * 100)}`);
    else c.lease = Long.fromString((this.chance(0.5) ? 0n : this.pick(this.leases)).toString());
    return c;
  }

  ops(current: number, depth: number): etcdserverpb.IRequestOp[] {
    const n = Math.floor(this.rnd() * 4);
    return Array.from({ length: n }, () => {
      const x = this.rnd();
      if (x < 0.35) return { requestPut: this.putReq() };
      if (x < 0.6) return { requestRange: this.rangeReq(current) };
      if (x < 0.85 || depth > 1) return { requestDeleteRange: this.deleteReq() };
      return { requestTxn: this.txnReq(current, depth + 1) };
    });
  }

  txnReq(current: number, depth = 0): etcdserverpb.ITxnRequest {
    return {
      compare: Array.from({ length: Math.floor(this.rnd() * 3) }, () => this.compare(current)),
      success: this.ops(current, depth), failure: this.ops(current, depth),
    };
  }
}

const describeError = (e: unknown) => {
  if (e instanceof EtcdError) return `error ${e.code}: ${e.message}`;
  const g = e as grpc.ServiceError;
  if (typeof g.code === 'number' && typeof g.details === 'string') return `error ${g.code}: ${g.details}`;
  throw e;
};

async function both(mine: () => unknown, theirs: () => Promise<unknown>): Promise<[unknown, unknown]> {
  let a: unknown;
  let b: unknown;
  try { a = mine(); } catch (e) { a = describeError(e); }
  try { b = await theirs(); } catch (e) { b = describeError(e); }
  return [a, b];
}

d('kv-apply against etcd 3.4', () => {
  let etcd: Etcd;
  let t: TempStore;
  beforeAll(async () => {
    etcd = new Etcd();
    await etcd.start();
  });
  afterAll(async () => { await etcd?.stop(); });
  beforeEach(() => { t = tempStore(); });
  afterEach(async () => { await t.close(); });

  it('answers a seeded random workload of KV requests exactly as etcd', async () => {
    const seed = process.env.KV_DIFF_SEED ? Number(process.env.KV_DIFF_SEED) : 20261125;
    const rnd = mulberry32(seed);
    const leases: bigint[] = [];
    for (let i = 0; i < 2; i++) {
      const g = await etcd.call('Lease', 'LeaseGrant', pb.LeaseGrantRequest, pb.LeaseGrantResponse, { TTL: 3600 });
      leases.push(BigInt(Long.fromValue(g.ID as Long).toString()));
    }
    const ctx: ApplyContext = { leaseExists: (id) => leases.includes(id) };
    const w = new Workload(rnd, leases);
    const write = <R>(fn: (kw: KvWriter) => R): R => {
      const o = t.apply(fn);
      if (o.error) throw o.error;
      return o.result as R;
    };
    const ops = 500;
    for (let i = 0; i < ops; i++) {
      const current = t.store.currentRevision;
      const x = rnd();
      let pair: [unknown, unknown];
      let what: unknown;
      if (x < 0.3) {
        const req = w.putReq();
        what = { put: req };
        pair = await both(() => { validatePut(req); const r = write((kw) => put(kw, req, ctx)); return fromOurOp({ put: r }); },
          async () => fromEtcdOp({ responsePut: await etcd.call('KV', 'Put', pb.PutRequest, pb.PutResponse, req) }));
      } else if (x < 0.5) {
        const req = w.rangeReq(current);
        what = { range: req };
        pair = await both(() => { validateRange(req); return fromOurOp({ range: range(t.store, pb.RangeRequest.decode(pb.RangeRequest.encode(req).finish())) }); },
          async () => fromEtcdOp({ responseRange: await etcd.call('KV', 'Range', pb.RangeRequest, pb.RangeResponse, req) }));
      } else if (x < 0.62) {
        const req = w.deleteReq();
        what = { del: req };
        pair = await both(() => { validateDeleteRange(req); return fromOurOp({ deleteRange: write((kw) => deleteRange(kw, req)) }); },
          async () => fromEtcdOp({ responseDeleteRange: await etcd.call('KV', 'DeleteRange', pb.DeleteRangeRequest, pb.DeleteRangeResponse, req) }));
      } else if (x < 0.97) {
        const req = pb.TxnRequest.decode(pb.TxnRequest.encode(w.txnReq(current)).finish());
        what = { txn: pb.TxnRequest.toObject(req, { longs: String, bytes: String }) };
        pair = await both(() => { validateTxn(req); const r = write((kw) => txn(kw, req, ctx)); return fromOurOp({ txn: r }); },
          async () => {
            const r = await etcd.call('KV', 'Txn', pb.TxnRequest, pb.TxnResponse, req);
            return fromEtcdOp({ responseTxn: { ...r, header: { revision: r.header?.revision } } });
          });
      } else {
        const req = { revision: Math.floor(rnd() * (current + 2)) - 1, physical: true };
        what = { compact: req };
        pair = await both(() => write((kw) => compact(kw, req)).revision, async () => num((await etcd.call('KV', 'Compact', pb.CompactionRequest, pb.CompactionResponse, req)).header?.revision));
      }
      if (rnd() < 0.2) t.store.compactStep(1 + Math.floor(rnd() * 4));
      if (i % 50 === 49) {
        // HashKV at a revision between the compact revision and the current one
        const { compactRevision, currentRevision } = t.store;
        const at = Math.max(compactRevision + 1, 1) + Math.floor(rnd() * (currentRevision - compactRevision));
        const hashes = await both(() => t.store.hashKV(at).hash, async () => (await etcd.call('Maintenance', 'HashKV', pb.HashKVRequest, pb.HashKVResponse, { revision: at })).hash);
        if (hashes[0] !== hashes[1]) throw new Error(`seed ${seed} op ${i}: HashKV at ${at}: cairn ${hashes[0]}, etcd ${hashes[1]}`);
      }
      if (JSON.stringify(pair[0]) !== JSON.stringify(pair[1])) {
        throw new Error(`seed ${seed} op ${i} ${JSON.stringify(what)}:\n cairn: ${JSON.stringify(pair[0])}\n etcd:  ${JSON.stringify(pair[1])}`);
      }
    }
    const theirs = await etcd.call('Maintenance', 'HashKV', pb.HashKVRequest, pb.HashKVResponse, { revision: 0 });
    const mine = t.store.hashKV();
    expect({ hash: mine.hash, compact: mine.compactRevision, rev: mine.currentRevision })
      .toEqual({ hash: theirs.hash, compact: num(theirs.compactRevision), rev: num(theirs.header?.revision) });
  });
});
