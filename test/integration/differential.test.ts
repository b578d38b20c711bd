// Differential test: the same seeded random sequence of Put/DeleteRange/Txn/Range/Compact goes to the real
// etcd 3.4 and to cairn; every answer (response or gRPC error) must be identical, revisions included. Only the
// member and cluster ids differ (they hash the peer URLs, whose ports differ) and are masked.
// More seeds: DIFF_SEEDS=20 DIFF_OPS=1000 npx jest test/integration/differential
import { etcdserverpb } from '../../src/core/api/proto';
import { Prng } from '../helpers/prng';
import { startServer, type ServerProc } from '../helpers/procs';
import { RawClient, grpcError } from '../helpers/grpc';

const SEEDS = Number(process.env.DIFF_SEEDS ?? 3);
const OPS = Number(process.env.DIFF_OPS ?? 300);
const FIRST_SEED = Number(process.env.DIFF_SEED ?? 1);

const KEYS = ['a', 'a/1', 'a/2', 'a/3', 'b', 'b/x', 'c', 'foo', 'foo/bar', 'z'];
const b = (s: string) => Buffer.from(s);

type Op = { path: string; type: string; req: unknown };

function rangeEnd(r: Prng, key: string): Buffer | undefined {
  switch (r.int(5)) {
    case 0: return b(key + '\xff'.slice(0, 0) + '0'); // a range ending just after key's children
    case 1: return Buffer.from([0]); // from key
    case 2: { const e = Buffer.from(key); e[e.length - 1]++; return e; } // prefix
    case 3: return b(r.pick(KEYS));
    default: return undefined;
  }
}

function genRange(r: Prng, rev: number): etcdserverpb.IRangeRequest {
  const key = r.pick(KEYS);
  return {
    key: b(key),
    rangeEnd: rangeEnd(r, key),
    limit: r.chance(0.3) ? r.int(4) : 0,
    revision: r.chance(0.3) ? r.int(rev + 3) : 0,
    sortOrder: r.chance(0.3) ? r.int(3) : 0,
    sortTarget: r.chance(0.3) ? r.int(5) : 0,
    serializable: r.chance(0.5),
    keysOnly: r.chance(0.15),
    countOnly: r.chance(0.1),
    minModRevision: r.chance(0.1) ? r.int(rev + 1) : 0,
    maxModRevision: r.chance(0.1) ? r.int(rev + 1) : 0,
    minCreateRevision: r.chance(0.1) ? r.int(rev + 1) : 0,
    maxCreateRevision: r.chance(0.1) ? r.int(rev + 1) : 0,
  };
}

function genPut(r: Prng): etcdserverpb.IPutRequest {
  const ignoreValue = r.chance(0.05);
  return { key: b(r.pick(KEYS)), value: ignoreValue ? undefined : b('v' + r.int(1000)), prevKv: r.chance(0.5), ignoreValue };
}

function genDelete(r: Prng): etcdserverpb.IDeleteRangeRequest {
  const key = r.pick(KEYS);
  return { key: b(key), rangeEnd: r.chance(0.5) ? rangeEnd(r, key) : undefined, prevKv: r.chance(0.5) };
}

function genCompare(r: Prng, rev: number): etcdserverpb.ICompare {
  const target = r.int(5);
  const c: etcdserverpb.ICompare = { key: b(r.pick(KEYS)), result: r.int(4), target };
  if (r.chance(0.15)) c.rangeEnd = Buffer.from([0]);
  if (target === 0) c.version = r.int(4);
  if (target === 1) c.createRevision = r.int(rev + 2);
  if (target === 2) c.modRevision = r.int(rev + 2);
  if (target === 3) c.value = b('v' + r.int(1000));
  if (target === 4) c.lease = 0;
  return c;
}

function genTxn(r: Prng, rev: number, depth = 0): etcdserverpb.ITxnRequest {
  const ops = (): etcdserverpb.IRequestOp[] => {
    const n = r.int(4);
    const out: etcdserverpb.IRequestOp[] = [];
    for (let i = 0; i < n; i++) {
      const k = r.int(depth < 1 ? 4 : 3);
      if (k === 0) out.push({ requestRange: genRange(r, rev) });
      if (k === 1) out.push({ requestPut: genPut(r) });
      if (k === 2) out.push({ requestDeleteRange: genDelete(r) });
      if (k === 3) out.push({ requestTxn: genTxn(r, rev, depth + 1) });
    }
    return out;
  };
  const compare: etcdserverpb.ICompare[] = [];
  for (let i = r.int(3); i > 0; i--) compare.push(genCompare(r, rev));
  return { compare, success: ops(), failure: ops() };
}

function genOp(r: Prng, rev: number): Op {
  const x = r.int(100);
  if (x < 35) return { path: '/etcdserverpb.KV/Put', type: 'Put', req: genPut(r) };
  if (x < 60) return { path: '/etcdserverpb.KV/Range', type: 'Range', req: genRange(r, rev) };
  if (x < 72) return { path: '/etcdserverpb.KV/DeleteRange', type: 'DeleteRange', req: genDelete(r) };
  if (x < 96) return { path: '/etcdserverpb.KV/Txn', type: 'Txn', req: genTxn(r, rev) };
  return { path: '/etcdserverpb.KV/Compact', type: 'Compaction', req: { revision: r.int(rev + 2), physical: r.chance(0.5) } };
}

type Codec = { encode(m: unknown): { finish(): Uint8Array }; decode(b: Uint8Array): unknown; toObject(m: unknown, o: object): Record<string, unknown> };
const pb = etcdserverpb as unknown as Record<string, Codec>;

function normalize(obj: unknown): unknown {
  if (Array.isArray(obj)) return obj.map(normalize);
  if (obj && typeof obj === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
      if (k === 'clusterId' || k === 'memberId') continue; // they hash the (different) peer URLs
      out[k] = normalize(v);
    }
    return out;
  }
  return obj;
}

async function answer(c: RawClient, op: Op): Promise<unknown> {
  const reqType = pb[`${op.type}Request`];
  const resType = pb[`${op.type}Response`];
  try {
    const body = Buffer.from(reqType.encode(op.req).finish());
    const res = resType.decode(await c.callRaw(op.path, body));
    return { ok: normalize(resType.toObject(res, { longs: String, bytes: String, defaults: false })) };
  } catch (err) {
    return { error: grpcError(err) };
  }
}

describe('differential: cairn server against etcd 3.4', () => {
  let etcd: ServerProc;
  let cairn: ServerProc;

  beforeEach(async () => {
    [etcd, cairn] = await Promise.all([startServer('etcd'), startServer('cairn')]);
  });
  afterEach(async () => {
    await Promise.all([etcd?.destroy(), cairn?.destroy()]);
  });

  for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
    it(`answers a random sequence identically (seed ${seed}, ${OPS} ops)`, async () => {
      const r = new Prng(seed);
      const ce = new RawClient(etcd.endpoint);
      const cc = new RawClient(cairn.endpoint);
      let rev = 1;
      try {
        for (let i = 0; i < OPS; i++) {
          const op = genOp(r, rev);
          const [a, bb] = await Promise.all([answer(ce, op), answer(cc, op)]);
          if (JSON.stringify(a) !== JSON.stringify(bb)) {
            throw new Error(`seed ${seed} op ${i} ${op.type} ${JSON.stringify(pb[`${op.type}Request`].toObject(op.req, { longs: String, bytes: String }))}\n etcd:  ${JSON.stringify(a)}\n cairn: ${JSON.stringify(bb)}`);
          }
          const hdr = (a as { ok?: { header?: { revision?: string } } }).ok?.header?.revision;
          if (hdr) rev = Number(hdr);
        }
      } finally {
        ce.close();
        cc.close();
      }
    });
  }
});
