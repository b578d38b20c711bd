// RangeStream's cursor over a pinned read: merging its chunks must give exactly Range's answer (kvs, count,
// more, revision) for any request RangeStream takes, whatever the chunk size, and writes and compactions made
// while the stream is open must not change what it reads.
import { etcdserverpb } from '../../../../src/core/api/proto';
import { EtcdError, Errors } from '../../../../src/core/errors';
import { deleteRange, kvsOf, put, range, RangeStreamCursor, validateRangeStream, type RangeStreamChunk } from '../../../../src/core/server/apply';
import { Prng } from '../../../helpers/prng';
import { b, tempStore, type TempStore } from '../../storage/fixture';

const pb = etcdserverpb;
const rangeReq = (o: etcdserverpb.IRangeRequest) => pb.RangeRequest.decode(pb.RangeRequest.encode(o).finish());

let t: TempStore;
beforeEach(() => { t = tempStore(); });
afterEach(async () => { await t.close(); });

function ok<R>(o: { error?: EtcdError; result?: R }): R {
  if (o.error) throw o.error;
  return o.result as R;
}
const putKv = (k: string, v: string) => ok(t.apply((w) => put(w, pb.PutRequest.create({ key: b(k), value: b(v) }))));
const del = (k: string, end?: string) => ok(t.apply((w) => deleteRange(w, pb.DeleteRangeRequest.create({ key: b(k), rangeEnd: end === undefined ? undefined : b(end) }))));

interface Merged { kvs: string[]; count: number; more: boolean; revision: number; chunks: number }

/** Every chunk of the stream, merged as clientv3's GetStreamToGetResponse does; checks where header/more/count sit. */
function drain(cursor: RangeStreamCursor, between?: (i: number) => void): Merged {
  const kvs: string[] = [];
  const chunks: RangeStreamChunk[] = [];
  for (let c = cursor.read(); c !== undefined; c = cursor.read()) {
    chunks.push(c);
    for (const kv of c.kvs) kvs.push(Buffer.from(kv).toString('hex'));
    between?.(chunks.length);
  }
  expect(chunks.length).toBeGreaterThan(0);
  chunks.forEach((c, i) => {
    expect(c.last).toBe(i === chunks.length - 1);
    if (!c.last) {
      expect(c.kvs.length).toBeGreaterThan(0);
      expect([c.more, c.count, c.revision]).toEqual([false, 0, 0]);
    }
  });
  const last = chunks[chunks.length - 1];
  return { kvs, count: last.count, more: last.more, revision: last.revision, chunks: chunks.length };
}

function expected(req: etcdserverpb.RangeRequest): Omit<Merged, 'chunks'> {
  const r = range(t.store, req);
  return { kvs: kvsOf(r).map((kv) => Buffer.from(kv).toString('hex')), count: r.count, more: r.more, revision: r.revision };
}

const open = (req: etcdserverpb.RangeRequest, chunkBytes: number) => new RangeStreamCursor(t.store.pinnedRead(), req, chunkBytes);

describe('RangeStream cursor', () => {
  it('merges to the Range answer for random requests over a store with history (seeded)', () => {
    const seed = Number(process.env.RANGE_STREAM_SEED ?? 20261125);
    const rng = new Prng(seed);
    const key = () => `k${String(rng.int(60)).padStart(2, '0')}`;
    for (let i = 0; i < 400; i++) {
      if (rng.chance(0.15)) {
        const [x, y] = [key(), key()].sort();
        del(x, rng.chance(0.5) ? y : undefined);
      } else {
        putKv(key(), 'v'.repeat(rng.int(40)) + i);
      }
      if (i === 150) ok(t.apply((w) => { w.compact(100); return true; }));
    }
    while (t.store.compactStep(50));
    const current = t.store.currentRevision;
    for (let i = 0; i < 300; i++) {
      const [x, y] = [key(), key()].sort();
      const req = rangeReq({
        key: b(rng.chance(0.1) ? '\0' : x),
        rangeEnd: rng.pick([b(y + '~'), b('\0'), undefined, b(x)]),
        limit: rng.pick([0, 0, 1, 2, 7, 50]),
        revision: rng.pick([0, 0, current, 100 + rng.int(current - 100)]),
        keysOnly: rng.chance(0.2),
        countOnly: rng.chance(0.1),
        sortOrder: rng.pick([0, 0, 1]),
        serializable: rng.chance(0.5),
      });
      const chunkBytes = rng.pick([1, 10, 100, 1000, 1 << 20]);
      const got = drain(open(req, chunkBytes));
      const { chunks, ...merged } = got;
      expect({ seed, i, ...merged }).toEqual({ seed, i, ...expected(req) });
      if (chunkBytes === 1 && !req.countOnly && req.rangeEnd.length > 0) expect(chunks).toBe(Math.max(merged.kvs.length, 1));
    }
  });

  it('reads the snapshot it pinned: writes, deletes and a physical compaction during the stream change nothing', () => {
    for (let i = 0; i < 200; i++) putKv(`key-${String(i).padStart(3, '0')}`, `value-${i}`);
    const req = rangeReq({ key: b('key-'), rangeEnd: b('key.'), limit: 150 });
    const before = expected(req);
    const cursor = open(req, 200);
    const got = drain(cursor, (i) => {
      if (i === 2) {
        del('key-', 'key.');
        ok(t.apply((w) => { w.compact(w.revision); return true; }));
        while (t.store.compactStep(10));
      }
      if (i === 3) putKv('key-000a', 'new');
    });
    expect(got.chunks).toBeGreaterThan(3);
    const { chunks, ...merged } = got;
    void chunks;
    expect(merged).toEqual(before);
    expect(merged.more).toBe(true);
    expect(merged.count).toBe(200);
    expect(merged.kvs.length).toBe(150);
    // and the store itself moved on
    expect(range(t.store, rangeReq({ key: b('key-'), rangeEnd: b('key.') })).count).toBe(1);
  });

  it('closes its snapshot when done, and cannot be read after close', () => {
    putKv('a', '1');
    putKv('b', '2');
    const reader = t.store.pinnedRead();
    const cursor = new RangeStreamCursor(reader, rangeReq({ key: b('a'), rangeEnd: b('c') }), 1);
    expect(cursor.read()?.last).toBe(false);
    expect(reader.closed).toBe(false);
    expect(cursor.read()?.last).toBe(true);
    expect(reader.closed).toBe(true);
    expect(cursor.read()).toBeUndefined();

    const early = t.store.pinnedRead();
    const abandoned = new RangeStreamCursor(early, rangeReq({ key: b('a'), rangeEnd: b('c') }), 1);
    abandoned.read();
    abandoned.close();
    expect(early.closed).toBe(true);
    expect(() => early.range(b('a'), b('c'))).toThrow('closed pinned snapshot');
  });

  it('fails with etcd\'s errors for compacted and future revisions, and closes', () => {
    for (let i = 0; i < 5; i++) putKv('a', String(i));
    ok(t.apply((w) => { w.compact(4); return true; }));
    for (const [rev, err] of [[2, Errors.Compacted], [99, Errors.FutureRev]] as const) {
      for (const end of [b('z'), undefined]) {
        const reader = t.store.pinnedRead();
        const cursor = new RangeStreamCursor(reader, rangeReq({ key: b('a'), rangeEnd: end, revision: rev }), 100);
        expect(() => cursor.read()).toThrow(err.message);
        expect(reader.closed).toBe(true);
      }
    }
  });

  it('refuses sort orders and revision filters as etcd 3.7 does (Unimplemented)', () => {
    const refused = (o: etcdserverpb.IRangeRequest) => {
      try {
        validateRangeStream(rangeReq(o));
      } catch (e) {
        return `${(e as EtcdError).code} ${(e as EtcdError).message}`;
      }
      return 'taken';
    };
    expect(refused({ sortOrder: 1 })).toBe('taken');
    expect(refused({ sortOrder: 0, sortTarget: 4 })).toBe('taken');
    expect(refused({ sortOrder: 1, sortTarget: 0 })).toBe('taken');
    expect(refused({ sortOrder: 2 })).toBe('12 RangeStream does not support custom sort orders');
    expect(refused({ sortOrder: 1, sortTarget: 2 })).toBe('12 RangeStream does not support custom sort orders');
    for (const f of ['minModRevision', 'maxModRevision', 'minCreateRevision', 'maxCreateRevision']) {
      expect(refused({ [f]: 3 })).toBe('12 RangeStream does not support revision filters');
    }
  });
});
