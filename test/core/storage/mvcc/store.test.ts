import { EtcdError, Errors, raise } from '../../../../src/core/errors';
import { rangeEndOf } from '../../../../src/core/storage/mvcc';
import { b, brief, plain, tempStore, type TempStore } from '../fixture';

const all = rangeEndOf(Buffer.from([0]));
let t: TempStore;
beforeEach(() => { t = tempStore(); });
afterEach(async () => { await t.close(); });

const keysAt = (rev = 0, limit = 0) => t.store.range(b('a'), all, rev, limit).kvs.map(brief);
const errorOf = (fn: () => unknown) => {
  try { fn(); } catch (e) { return e instanceof EtcdError ? e.message : String(e); }
  return 'no error';
};

describe('mvcc store', () => {
  it('starts at revision 1 and never compacted, as etcd', () => {
    expect(t.store.currentRevision).toBe(1);
    expect(t.store.compactRevision).toBe(-1);
    expect(t.store.consistentIndex).toBe(0);
  });

  it('puts, reads and deletes keys with etcd revisions and versions', () => {
    const o1 = t.apply((w) => w.put(b('a'), b('1'), 0n));
    expect(o1.revision).toBe(2);
    expect(o1.result).toBe(2);
    t.apply((w) => w.put(b('a'), b('2'), 7n));
    t.apply((w) => w.put(b('b'), b('x'), 0n));
    expect(keysAt()).toEqual(['a=2@2/3/2', 'b=x@4/4/1']);
    expect(plain(t.store.get(b('a'))!).lease).toBe('7');
    const d = t.apply((w) => w.deleteRange(b('a'), null));
    expect(d.result).toBe(1);
    expect(d.revision).toBe(5);
    expect(d.events.map((e) => [e.type, brief(e.kv)])).toEqual([['DELETE', 'a=@0/5/0']]);
    expect(keysAt()).toEqual(['b=x@4/4/1']);
    expect(t.store.get(b('a'))).toBeUndefined();
  });

  it('starts a new generation when a deleted key is put again', () => {
    t.apply((w) => w.put(b('k'), b('1'), 0n)); // 2
    t.apply((w) => w.put(b('k'), b('2'), 0n)); // 3
    t.apply((w) => w.deleteRange(b('k'), null)); // 4
    t.apply((w) => w.put(b('k'), b('3'), 0n)); // 5
    expect(keysAt()).toEqual(['k=3@5/5/1']);
    expect(keysAt(2)).toEqual(['k=1@2/2/1']);
    expect(keysAt(3)).toEqual(['k=2@2/3/2']);
    expect(keysAt(4)).toEqual([]);
    expect(keysAt(1)).toEqual([]);
  });

  it('gives every change of one entry the same main revision and increasing subs', () => {
    const o = t.apply((w) => {
      w.put(b('a'), b('1'), 0n);
      w.put(b('b'), b('1'), 0n);
      const seen = w.range(b('a'), all).kvs.map(brief); // reads its own writes
      w.deleteRange(b('a'), null);
      return seen;
    });
    expect(o.result).toEqual(['a=1@2/2/1', 'b=1@2/2/1']);
    expect(o.revision).toBe(2);
    expect(o.events.map((e) => `${e.type} ${e.revision}`)).toEqual(['PUT 2', 'PUT 2', 'DELETE 2']);
    expect(keysAt()).toEqual(['b=1@2/2/1']);
    expect(t.store.readEvents(1, 10, false).map((e) => `${e.type} ${brief(e.kv)}`)).toEqual(['PUT a=1@2/2/1', 'PUT b=1@2/2/1', 'DELETE a=@0/2/0']);
  });

  it('keeps the revision for an entry that changes nothing, and still counts it applied', () => {
    const o = t.apply((w) => w.deleteRange(b('nothing'), null));
    expect(o.revision).toBe(1);
    expect(o.events).toHaveLength(0);
    expect(t.store.consistentIndex).toBe(1);
  });

  it('fails an entry that raises an etcd error before changing anything, and applies the next one', () => {
    const outs = t.store.writeBatch((batch) => [
      batch.apply({ index: 1, term: 1 }, () => raise(Errors.KeyNotFound), undefined),
      batch.apply({ index: 2, term: 1 }, (w) => w.put(b('a'), b('1'), 0n), undefined),
    ]);
    expect(outs[0]!.error!.message).toBe(Errors.KeyNotFound.message);
    expect(outs[0]!.revision).toBe(1);
    expect(outs[1]!.revision).toBe(2);
    expect(t.store.consistentIndex).toBe(2);
  });

  it('keeps nothing of a batch that throws', () => {
    t.apply((w) => w.put(b('a'), b('1'), 0n));
    expect(() => t.store.writeBatch((batch) => {
      batch.apply({ index: 2, term: 1 }, (w) => w.put(b('b'), b('1'), 0n), undefined);
      throw new Error('boom');
    })).toThrow('boom');
    expect(t.store.currentRevision).toBe(2);
    expect(t.store.consistentIndex).toBe(1);
    expect(keysAt()).toEqual(['a=1@2/2/1']);
  });

  it('skips entries at or below the consistent index (replay)', () => {
    t.apply((w) => w.put(b('a'), b('1'), 0n));
    const again = t.store.writeBatch((batch) => batch.apply({ index: 1, term: 1 }, (w) => w.put(b('a'), b('2'), 0n), undefined));
    expect(again).toBeNull();
    expect(keysAt()).toEqual(['a=1@2/2/1']);
  });

  it('refuses future and compacted revisions with etcd errors', () => {
    for (let i = 0; i < 5; i++) t.apply((w) => w.put(b('a'), b(String(i)), 0n)); // revisions 2..6
    expect(errorOf(() => t.store.range(b('a'), null, 7))).toBe(Errors.FutureRev.message);
    t.apply((w) => w.compact(4));
    expect(errorOf(() => t.store.range(b('a'), null, 3))).toBe(Errors.Compacted.message);
    expect(keysAt(4)).toEqual(['a=2@2/4/3']);
    expect(t.apply((w) => w.compact(4)).error!.message).toBe(Errors.Compacted.message);
    expect(t.apply((w) => w.compact(3)).error!.message).toBe(Errors.Compacted.message);
    expect(t.apply((w) => w.compact(99)).error!.message).toBe(Errors.FutureRev.message);
  });

  it('counts every key in the range whatever the limit, at past revisions too', () => {
    for (const k of ['a', 'b', 'c', 'd']) t.apply((w) => w.put(b(k), b('v'), 0n)); // 2..5
    t.apply((w) => w.deleteRange(b('b'), null)); // 6
    const latest = t.store.range(b('a'), all, 0, 2);
    expect([latest.kvs.map(brief), latest.count, latest.revision]).toEqual([['a=v@2/2/1', 'c=v@4/4/1'], 3, 6]);
    const past = t.store.range(b('a'), all, 5, 2);
    expect([past.kvs.map(brief), past.count, past.revision]).toEqual([['a=v@2/2/1', 'b=v@3/3/1'], 4, 6]);
    expect(t.store.range(b('a'), b('c'), 0, 0, true)).toEqual({ kvs: [], count: 1, revision: 6 });
    expect(t.store.range(b('a'), b('c'), 5, 0, true)).toEqual({ kvs: [], count: 2, revision: 6 });
  });

  it('compacts: removes superseded revisions, keeps the newest before the compact revision, drops tombstones', () => {
    t.apply((w) => w.put(b('a'), b('1'), 0n)); // 2
    t.apply((w) => w.put(b('a'), b('2'), 0n)); // 3
    t.apply((w) => w.put(b('b'), b('1'), 0n)); // 4
    t.apply((w) => w.deleteRange(b('b'), null)); // 5
    t.apply((w) => w.put(b('a'), b('3'), 0n)); // 6
    t.apply((w) => w.compact(5));
    expect(t.store.compactionPending).toBe(true);
    while (t.store.compactStep()) { /* until done */ }
    expect(t.store.readEvents(1, 100, false).map((e) => `${e.type} ${brief(e.kv)}`)).toEqual(['PUT a=2@2/3/2', 'PUT a=3@2/6/3']);
    expect(keysAt(5)).toEqual(['a=2@2/3/2']);
    expect(keysAt(6)).toEqual(['a=3@2/6/3']);
    expect(t.store.range(b('b'), null, 5).count).toBe(0);
    // a later compaction removes what the earlier one kept
    t.apply((w) => w.compact(6));
    while (t.store.compactStep()) { /* until done */ }
    expect(t.store.readEvents(1, 100, false).map((e) => brief(e.kv))).toEqual(['a=3@2/6/3']);
  });

  it('compacts in bounded steps while writes continue', () => {
    for (let i = 0; i < 30; i++) t.apply((w) => w.put(b(`k${i % 5}`), b(String(i)), 0n)); // 2..31
    t.apply((w) => w.compact(20));
    let steps = 0;
    while (t.store.compactStep(4)) {
      steps++;
      t.apply((w) => w.put(b(`k${steps % 7}`), b('w'), 0n));
    }
    expect(steps).toBeGreaterThan(3);
    // history left at or below 20: the newest revision of each of k0..k4
    const left = t.store.readEvents(1, 1000, false).filter((e) => e.revision <= 20).map((e) => brief(e.kv));
    expect(left).toEqual(['k4=14@6/16/3', 'k0=15@2/17/4', 'k1=16@3/18/4', 'k2=17@4/19/4', 'k3=18@5/20/4']);
    expect(keysAt(20).length).toBe(5);
  });

  it('streams a large range from a pinned snapshot: same bytes as the whole buffer, unmoved by later writes and compaction', () => {
    for (let i = 0; i < 40; i++) t.apply((w) => w.put(b(`s${String(i).padStart(2, '0')}`), Buffer.alloc(100 + i, i), 0n));
    const whole = t.store.rangeLatestEncoded(b('s'), b('t'), 0);
    expect(whole.stream).toBeUndefined();
    const expected = Buffer.from(whole.kvs.buf.subarray(whole.kvs.start, whole.kvs.end));
    const below = t.store.rangeLatestEncoded(b('s'), b('t'), 0, expected.length); // not above: one buffer
    expect(below.stream).toBeUndefined();
    const r = t.store.rangeLatestEncoded(b('s'), b('t'), 10, 0); // limit 10: more, count 40
    expect([r.more, r.count, r.stream?.n]).toEqual([true, 40, 10]);
    r.stream?.close();
    const s = t.store.rangeLatestEncoded(b('s'), b('t'), 0, 0);
    const stream = s.stream!;
    expect([stream.n, stream.size, s.count, s.more]).toEqual([40, expected.length, 40, false]);
    const pieces: Buffer[] = [stream.next(1)!]; // at least one KeyValue per piece
    // everything the stream will send is overwritten, deleted and compacted away before it is read
    for (let i = 0; i < 40; i++) t.apply((w) => w.put(b(`s${String(i).padStart(2, '0')}`), b('new'), 0n));
    t.apply((w) => w.deleteRange(b('s'), b('t')));
    t.apply((w) => w.compact(t.store.currentRevision));
    while (t.store.compactStep()) { /* until done */ }
    for (let p = stream.next(1000); p !== undefined; p = stream.next(1000)) {
      expect(p.length).toBeLessThan(1000 + 200);
      pieces.push(p);
    }
    stream.close();
    expect(pieces.length).toBeGreaterThan(5);
    expect(Buffer.concat(pieces).equals(expected)).toBe(true);
    expect(() => stream.next(1)).toThrow(/after close/);
    expect(t.store.range(b('s'), rangeEndOf(b('t'))).count).toBe(0);
  });

  it('keeps data, indexes and compaction state across reopen and resumes an interrupted compaction', async () => {
    for (let i = 0; i < 20; i++) t.apply((w) => w.put(b(`k${i % 3}`), b(String(i)), 0n));
    t.apply((w) => w.deleteRange(b('k1'), null));
    t.apply((w) => w.compact(15));
    t.store.compactStep(2); // interrupted
    const before = { rev: t.store.currentRevision, ci: t.store.consistentIndex, latest: keysAt(), at16: keysAt(16) };
    await t.reopen();
    expect(t.store.currentRevision).toBe(before.rev);
    expect(t.store.consistentIndex).toBe(before.ci);
    expect(t.store.compactRevision).toBe(15);
    expect(t.store.compactionPending).toBe(true);
    expect(keysAt()).toEqual(before.latest);
    expect(keysAt(16)).toEqual(before.at16);
    while (t.store.compactStep()) { /* resume */ }
    // newest at or below 15 of k0, k1, k2 (k1 was deleted only at 22)
    expect(t.store.readEvents(1, 1000, false).filter((e) => e.revision <= 15).map((e) => e.revision)).toEqual([13, 14, 15]);
    expect(keysAt(16)).toEqual(before.at16);
    const skipped = t.store.writeBatch((batch) => batch.apply({ index: before.ci, term: 1 }, (w) => w.put(b('x'), b('1'), 0n), undefined));
    expect(skipped).toBeNull();
  });

  it('captures previous key-values in events when asked', () => {
    t.apply((w) => w.put(b('a'), b('1'), 0n));
    t.store.eventPrevKv = true;
    const o = t.apply((w) => { w.put(b('a'), b('2'), 0n); w.put(b('c'), b('1'), 0n); return w.deleteRange(b('a'), null); });
    expect(o.events.map((e) => (e.prevKv ? brief(e.prevKv) : '-'))).toEqual(['a=1@2/2/1', '-', 'a=2@2/3/2']);
    expect(t.store.readEvents(3, 10, true).map((e) => (e.prevKv ? brief(e.prevKv) : '-'))).toEqual(['a=1@2/2/1', '-', 'a=2@2/3/2']);
  });

  it('treats keys longer than LMDB stores as absent and bounds ranges by them correctly', () => {
    const max = t.backend.maxKeyBytes;
    const p = 'p'.repeat(max);
    t.apply((w) => { w.put(b(p), b('exact'), 0n); w.put(b(p.slice(0, -1) + 'q'), b('after'), 0n); w.put(b(p.slice(0, -1)), b('before'), 0n); });
    const long = b(p + 'x');
    expect(t.store.get(long)).toBeUndefined();
    expect(t.store.range(long, all).kvs.map((kv) => plain(kv).value)).toEqual(['after']);
    expect(t.store.range(b('a'), long).kvs.map((kv) => plain(kv).value)).toEqual(['before', 'exact']);
    expect(t.apply((w) => w.deleteRange(long, null)).result).toBe(0);
  });

  it('computes etcd\'s HashKV', () => {
    expect(t.store.hashKV().hash).toBe(1084519789); // etcd 3.4.23 on an empty store
    t.apply((w) => w.put(b('a'), b('1'), 0n));
    expect(t.store.hashKV()).toEqual({ hash: 2587454935, compactRevision: -1, hashRevision: 2, currentRevision: 2 });
    expect(errorOf(() => t.store.hashKV(3))).toBe(Errors.FutureRev.message);
  });
});
