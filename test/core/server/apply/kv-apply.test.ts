// Expectations from etcd 3.4.23 (probed over gRPC on loopback); kv-apply-etcd.test.ts compares against it live.
import { etcdserverpb } from '../../../../src/core/api/proto';
import { EtcdError, Errors } from '../../../../src/core/errors';
import { compact, deleteRange, kvsOf, put, range, txn, type RangeResult, type TxnResult } from '../../../../src/core/server/apply';
import type { KvWriter } from '../../../../src/core/storage/mvcc';
import { b, brief, plain, tempStore, type TempStore } from '../../storage/fixture';

const pb = etcdserverpb;
/** Requests as the gRPC layer hands them over: decoded by protobufjs (Long int64s, null oneofs). */
const rangeReq = (o: etcdserverpb.IRangeRequest) => pb.RangeRequest.decode(pb.RangeRequest.encode(o).finish());
const putReq = (o: etcdserverpb.IPutRequest) => pb.PutRequest.decode(pb.PutRequest.encode(o).finish());
const delReq = (o: etcdserverpb.IDeleteRangeRequest) => pb.DeleteRangeRequest.decode(pb.DeleteRangeRequest.encode(o).finish());
const txnReq = (o: etcdserverpb.ITxnRequest) => pb.TxnRequest.decode(pb.TxnRequest.encode(o).finish());

let t: TempStore;
beforeEach(() => { t = tempStore(); });
afterEach(async () => { await t.close(); });

const write = <R>(fn: (w: KvWriter) => R): R => {
  const o = t.apply(fn);
  if (o.error) throw o.error;
  return o.result as R;
};
const errorOf = (fn: () => unknown): string => {
  try { fn(); } catch (e) { if (e instanceof EtcdError) return e.message; throw e; }
  return 'no error';
};
const P = (k: string, v = 'v') => ({ requestPut: { key: b(k), value: b(v) } });
const R = (k: string, end?: string) => ({ requestRange: { key: b(k), rangeEnd: end === undefined ? undefined : b(end) } });
const D = (k: string, end?: string) => ({ requestDeleteRange: { key: b(k), rangeEnd: end === undefined ? undefined : b(end) } });

/** The store of the etcd probe: a@2 (3), b@3 (1), a@4 (2), c@5 (5), d@6 (0), delete b@7, b@8 (9). */
function seed(): void {
  write((w) => put(w, putReq({ key: b('a'), value: b('3') })));
  write((w) => put(w, putReq({ key: b('b'), value: b('1') })));
  write((w) => put(w, putReq({ key: b('a'), value: b('2') })));
  write((w) => put(w, putReq({ key: b('c'), value: b('5') })));
  write((w) => put(w, putReq({ key: b('d'), value: b('0') })));
  write((w) => deleteRange(w, delReq({ key: b('b') })));
  write((w) => put(w, putReq({ key: b('b'), value: b('9') })));
}

const get = (o: etcdserverpb.IRangeRequest) => {
  const r = range(t.store, rangeReq({ key: b('a'), rangeEnd: b('z'), ...o }));
  return `${kvsOf(r).map(brief).join(' ')} count=${r.count} more=${r.more} rev=${r.revision}`;
};

describe('kv-apply range', () => {
  beforeEach(seed);

  it('reads single keys, [key, end), from-key and everything', () => {
    expect(get({ rangeEnd: undefined })).toBe('a=2@2/4/2 count=1 more=false rev=8');
    expect(get({ key: b('c'), rangeEnd: b('\0') })).toBe('c=5@5/5/1 d=0@6/6/1 count=2 more=false rev=8');
    expect(get({ key: b('\0'), rangeEnd: b('\0') })).toBe('a=2@2/4/2 b=9@8/8/1 c=5@5/5/1 d=0@6/6/1 count=4 more=false rev=8');
    expect(get({ key: b('b'), rangeEnd: b('d') })).toBe('b=9@8/8/1 c=5@5/5/1 count=2 more=false rev=8');
    expect(get({ key: b('c'), rangeEnd: b('a') })).toBe(' count=0 more=false rev=8');
    expect(get({ key: b('zz'), rangeEnd: undefined })).toBe(' count=0 more=false rev=8');
  });

  it('limits, counts everything and says more, as etcd', () => {
    expect(get({ limit: 2 })).toBe('a=2@2/4/2 b=9@8/8/1 count=4 more=true rev=8');
    expect(get({ limit: 4 })).toBe('a=2@2/4/2 b=9@8/8/1 c=5@5/5/1 d=0@6/6/1 count=4 more=false rev=8');
    expect(get({ limit: -5 })).toBe('a=2@2/4/2 b=9@8/8/1 c=5@5/5/1 d=0@6/6/1 count=4 more=false rev=8');
  });

  it('sorts by every target both ways, ascending when order is NONE and the target is not KEY', () => {
    expect(get({ limit: 2, sortOrder: 2, sortTarget: 4 })).toBe('b=9@8/8/1 c=5@5/5/1 count=4 more=true rev=8');
    expect(get({ sortTarget: 1 })).toBe('b=9@8/8/1 c=5@5/5/1 d=0@6/6/1 a=2@2/4/2 count=4 more=false rev=8');
    expect(get({ sortTarget: 3, limit: 1 })).toBe('a=2@2/4/2 count=4 more=true rev=8');
    expect(get({ sortOrder: 2 })).toBe('d=0@6/6/1 c=5@5/5/1 b=9@8/8/1 a=2@2/4/2 count=4 more=false rev=8');
    expect(get({ sortOrder: 1, sortTarget: 2 })).toBe('a=2@2/4/2 c=5@5/5/1 d=0@6/6/1 b=9@8/8/1 count=4 more=false rev=8');
    expect(get({ sortOrder: 2, sortTarget: 3 })).toBe('b=9@8/8/1 d=0@6/6/1 c=5@5/5/1 a=2@2/4/2 count=4 more=false rev=8');
    expect(get({ sortOrder: 1, sortTarget: 4 })).toBe('d=0@6/6/1 a=2@2/4/2 c=5@5/5/1 b=9@8/8/1 count=4 more=false rev=8');
    expect(get({ sortOrder: 2, sortTarget: 1 })).toBe('a=2@2/4/2 b=9@8/8/1 c=5@5/5/1 d=0@6/6/1 count=4 more=false rev=8');
  });

  it('filters by mod and create revision without changing the count', () => {
    expect(get({ minModRevision: 5 })).toBe('b=9@8/8/1 c=5@5/5/1 d=0@6/6/1 count=4 more=false rev=8');
    expect(get({ minModRevision: 5, limit: 1 })).toBe('b=9@8/8/1 count=4 more=true rev=8');
    expect(get({ maxCreateRevision: 4 })).toBe('a=2@2/4/2 count=4 more=false rev=8');
    expect(get({ maxModRevision: 5, minCreateRevision: 3 })).toBe('c=5@5/5/1 count=4 more=false rev=8');
  });

  it('answers count_only and keys_only', () => {
    expect(get({ countOnly: true })).toBe(' count=4 more=false rev=8');
    expect(get({ countOnly: true, limit: 1 })).toBe(' count=4 more=false rev=8');
    expect(get({ keysOnly: true, limit: 1 })).toBe('a=@2/4/2 count=4 more=true rev=8');
  });

  it('reads past revisions with the current revision in the header', () => {
    expect(get({ revision: 5 })).toBe('a=2@2/4/2 b=1@3/3/1 c=5@5/5/1 count=3 more=false rev=8');
    expect(get({ key: b('b'), rangeEnd: undefined, revision: 7 })).toBe(' count=0 more=false rev=8');
    expect(get({ key: b('b'), rangeEnd: undefined, revision: 3 })).toBe('b=1@3/3/1 count=1 more=false rev=8');
    expect(get({ revision: -5, rangeEnd: undefined })).toBe('a=2@2/4/2 count=1 more=false rev=8');
    expect(errorOf(() => get({ revision: 1000 }))).toBe(Errors.FutureRev.message);
    write((w) => compact(w, { revision: 6 }));
    expect(errorOf(() => get({ revision: 5 }))).toBe(Errors.Compacted.message);
    expect(get({ revision: 6 })).toBe('a=2@2/4/2 b=1@3/3/1 c=5@5/5/1 d=0@6/6/1 count=4 more=false rev=8');
  });
});

describe('kv-apply put and delete', () => {
  it('keeps the value or lease with ignore_value/ignore_lease and needs the key to exist', () => {
    write((w) => put(w, putReq({ key: b('k'), value: b('v1'), lease: 5 })));
    write((w) => put(w, putReq({ key: b('k'), ignoreValue: true, lease: 6 })));
    expect(get({ key: b('k'), rangeEnd: undefined })).toBe('k=v1@2/3/2 count=1 more=false rev=3');
    const prev = write((w) => put(w, putReq({ key: b('k'), value: b('v2'), ignoreLease: true, prevKv: true })));
    expect(brief(prev.prevKv!)).toBe('k=v1@2/3/2');
    expect(prev.revision).toBe(4);
    expect(plain(prev.prevKv!).lease).toBe('6');
    expect(plain(t.store.get(b('k'))!).lease).toBe('6');
    expect(t.apply((w) => put(w, putReq({ key: b('nope'), ignoreValue: true }))).error!.message).toBe(Errors.KeyNotFound.message);
    expect(t.apply((w) => put(w, putReq({ key: b('nope'), ignoreLease: true }))).error!.message).toBe(Errors.KeyNotFound.message);
    expect(t.store.currentRevision).toBe(4);
  });

  it('refuses a lease that does not exist', () => {
    const ctx = { leaseExists: (id: bigint) => id === 7n };
    expect(t.apply((w) => put(w, putReq({ key: b('k'), lease: 8 }), ctx)).error!.message).toBe(Errors.LeaseNotFound.message);
    expect(t.apply((w) => put(w, putReq({ key: b('k'), lease: 7 }), ctx)).revision).toBe(2);
  });

  it('returns no prev_kv for a new key', () => {
    expect(write((w) => put(w, putReq({ key: b('k'), value: b('1'), prevKv: true })))).toEqual({ revision: 2 });
  });

  it('deletes ranges with prev_kv and keeps the revision when nothing was deleted', () => {
    for (const k of ['a', 'b', 'c']) write((w) => put(w, putReq({ key: b(k) })));
    const none = write((w) => deleteRange(w, delReq({ key: b('x'), rangeEnd: b('\0') })));
    expect(none).toEqual({ deleted: 0, prevKvs: [], revision: 4 });
    const d = write((w) => deleteRange(w, delReq({ key: b('a'), rangeEnd: b('c'), prevKv: true })));
    expect([d.deleted, d.prevKvs.map(brief), d.revision]).toEqual([2, ['a=@2/2/1', 'b=@3/3/1'], 5]);
    expect(write((w) => deleteRange(w, delReq({ key: b('\0'), rangeEnd: b('\0') }))).deleted).toBe(1);
  });

  it('compacts with etcd errors and the current revision in the header', () => {
    write((w) => put(w, putReq({ key: b('k') })));
    expect(write((w) => compact(w, { revision: 1 }))).toEqual({ revision: 2 });
    expect(t.apply((w) => compact(w, { revision: 0 })).error!.message).toBe(Errors.Compacted.message);
    expect(t.apply((w) => compact(w, { revision: 99 })).error!.message).toBe(Errors.FutureRev.message);
  });
});

const succeeded = (c: etcdserverpb.ICompare) => write((w) => txn(w, txnReq({ compare: [c] }))).succeeded;

describe('kv-apply txn', () => {
  beforeEach(seed);

  it('compares every target with every result', () => {
    // a: value 2, create 2, mod 4, version 2, lease 0
    const targets: [number, string, number | Buffer][] = [[0, 'version', 2], [1, 'createRevision', 2], [2, 'modRevision', 4], [3, 'value', b('2')], [4, 'lease', 0]];
    for (const [target, field, same] of targets) {
      const bigger = Buffer.isBuffer(same) ? b('3') : same + 1;
      const smaller = Buffer.isBuffer(same) ? b('1') : same - 1;
      const c = (result: number, v: number | Buffer) => succeeded({ key: b('a'), target, result, [field]: v });
      // EQUAL, GREATER, LESS, NOT_EQUAL against the same, a bigger and a smaller operand
      expect([c(0, same), c(0, bigger), c(1, smaller), c(1, same), c(2, bigger), c(2, same), c(3, bigger), c(3, same)])
        .toEqual([true, false, true, false, true, false, true, false]);
    }
  });

  it('compares a missing key as zero, except VALUE which always fails', () => {
    expect(succeeded({ key: b('zz'), target: 3, result: 3, value: b('x') })).toBe(false);
    expect(succeeded({ key: b('zz'), target: 3, result: 0, value: b('') })).toBe(false);
    expect(succeeded({ key: b('zz'), target: 0, result: 0, version: 0 })).toBe(true);
    expect(succeeded({ key: b('zz'), target: 1, result: 0, createRevision: 0 })).toBe(true);
    expect(succeeded({ key: b('zz'), target: 2, result: 2, modRevision: 1 })).toBe(true);
    expect(succeeded({ key: b('zz'), target: 4, result: 0, lease: 0 })).toBe(true);
  });

  it('requires every key of a compare range to hold', () => {
    expect(succeeded({ key: b('a'), rangeEnd: b('c'), target: 0, result: 1, version: 0 })).toBe(true);
    expect(succeeded({ key: b('a'), rangeEnd: b('c'), target: 2, result: 1, modRevision: 3 })).toBe(true);
    expect(succeeded({ key: b('a'), rangeEnd: b('c'), target: 2, result: 1, modRevision: 7 })).toBe(false);
    expect(succeeded({ key: b('x'), rangeEnd: b('z'), target: 0, result: 0, version: 0 })).toBe(true);
    expect(succeeded({ key: b('x'), rangeEnd: b('z'), target: 3, result: 3, value: b('q') })).toBe(false);
    expect(succeeded({ key: b('c'), rangeEnd: b('\0'), target: 2, result: 1, modRevision: 4 })).toBe(true);
  });

  it('treats a target whose operand is unset as zero and unknown enums as etcd does', () => {
    expect(succeeded({ key: b('a'), target: 0, result: 0, value: b('2') })).toBe(false);
    expect(succeeded({ key: b('a'), target: 0, result: 1, value: b('2') })).toBe(true);
    expect(succeeded({ key: b('a'), target: 0, result: 9 as never, version: 100 })).toBe(true);
    expect(succeeded({ key: b('a'), target: 9 as never, result: 0, version: 100 })).toBe(true);
  });

  it('applies one branch with one revision, nested txns and per-response revisions as etcd', () => {
    const r: TxnResult = write((w) => txn(w, txnReq({
      compare: [{ key: b('a'), target: 3, result: 0, value: b('2') }],
      success: [P('n1'), R('a'), { requestTxn: { success: [R('n1'), P('n2')] } }, D('zz')],
      failure: [P('never')],
    })));
    expect(r.succeeded).toBe(true);
    expect(r.revision).toBe(9);
    const shape = (x: TxnResult): unknown => x.responses.map((op) =>
      'put' in op ? `put@${op.put.revision}` : 'range' in op ? `range@${op.range.revision}:${kvsOf(op.range).map(brief).join(',')}` :
        'deleteRange' in op ? `del@${op.deleteRange.revision}:${op.deleteRange.deleted}` : { txn: op.txn.revision, ops: shape(op.txn) });
    expect(shape(r)).toEqual(['put@9', 'range@9:a=2@2/4/2', { txn: 0, ops: ['range@9:n1=v@9/9/1', 'put@9'] }, 'del@9:0']);
    expect(get({ key: b('n2'), rangeEnd: undefined })).toBe('n2=v@9/9/1 count=1 more=false rev=9');
  });

  it('keeps the revision for a read-only or no-op txn and reports the pre-txn revision for an early empty delete', () => {
    const ro = write((w) => txn(w, txnReq({ success: [R('a')] })));
    expect(ro.revision).toBe(8);
    const r = write((w) => txn(w, txnReq({ success: [D('nope'), P('q'), D('nope2')] })));
    expect(r.responses.map((op) => ('deleteRange' in op ? op.deleteRange.revision : 'put' in op ? op.put.revision : 0))).toEqual([8, 9, 9]);
    expect(range(t.store, rangeReq({ key: b('a') })).revision).toBe(9);
    expect(txn(t.store, txnReq({ success: [R('a')] })).responses.length).toBe(1); // a read-only txn on the store
  });

  it('evaluates nested compares before the txn writes anything', () => {
    const r = write((w) => txn(w, txnReq({ success: [P('q', '1'), { requestTxn: { compare: [{ key: b('q'), target: 0, result: 0, version: 0 }], success: [R('q')] } }] })));
    const nested = r.responses[1] as { txn: TxnResult };
    expect(nested.txn.succeeded).toBe(true);
    expect(kvsOf((nested.txn.responses[0] as { range: RangeResult }).range).map(brief)).toEqual(['q=1@9/9/1']);
  });

  it('checks taken ops before applying any: missing key for ignore_value, range revisions', () => {
    const fail = (req: etcdserverpb.ITxnRequest) => t.apply((w) => txn(w, txnReq(req))).error?.message;
    expect(fail({ success: [P('x'), { requestPut: { key: b('zzz'), ignoreValue: true } }] })).toBe(Errors.KeyNotFound.message);
    expect(fail({ success: [P('x'), { requestRange: { key: b('a'), revision: 9 } }] })).toBe(Errors.FutureRev.message);
    expect(fail({ failure: [{ requestRange: { key: b('a'), revision: 1000 } }], success: [] , compare: [{ key: b('a'), target: 0, result: 0, version: 99 }] })).toBe(Errors.FutureRev.message);
    expect(fail({ success: [{ requestRange: { key: b('a'), revision: 1000 } }], failure: [], compare: [{ key: b('a'), target: 0, result: 0, version: 99 }] })).toBeUndefined();
    expect(t.store.currentRevision).toBe(8);
    write((w) => compact(w, { revision: 5 }));
    expect(fail({ success: [{ requestRange: { key: b('a'), revision: 4 } }] })).toBe(Errors.Compacted.message);
  });
});
