// A seeded random workload against a naive in-memory model of etcd's MVCC: every revision of every key kept in
// a list, reads by scanning it, compaction as etcd's keep set, HashKV computed from that keep set with
// protobufjs. Any failure prints its seed; set MVCC_MODEL_SEED to replay one.
import { mvccpb } from '../../../../src/core/api/proto';
import { EtcdError, Errors } from '../../../../src/core/errors';
import { crc32cUpdate, rangeEndOf, type KvWriter, type RangeEnd } from '../../../../src/core/storage/mvcc';
import { brief, tempStore, type TempStore } from '../fixture';

interface Rec {
  key: string;
  main: number;
  sub: number;
  tomb: boolean;
  value: string;
  create: number;
  version: number;
  lease: bigint;
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

class Model {
  rev = 1;
  compactRev = -1;
  recs: Rec[] = [];
  private begin = 0;
  private changes = 0;

  startEntry(): void {
    this.begin = this.rev;
    this.changes = 0;
  }

  endEntry(): void {
    if (this.changes > 0) this.rev = this.begin + 1;
  }

  get txnRev(): number {
    return this.changes > 0 ? this.begin + 1 : this.begin;
  }

  /** newest record of key at revision `at` (or the newest, with this entry's changes) */
  at(key: string, at: number): Rec | undefined {
    let found: Rec | undefined;
    for (const r of this.recs) if (r.key === key && r.main <= at) found = r;
    return found && !found.tomb ? found : undefined;
  }

  keysIn(key: string, end: string | null): string[] {
    const keys = [...new Set(this.recs.map((r) => r.key))].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return keys.filter((k) => (end === null ? k === key : Buffer.compare(Buffer.from(k), Buffer.from(key)) >= 0 && (end === '' || Buffer.compare(Buffer.from(k), Buffer.from(end)) < 0)));
  }

  range(key: string, end: string | null, rev: number, limit: number, curRev: number): { kvs: string[]; count: number } {
    if (rev > curRev) throw new EtcdError(Errors.FutureRev.code, Errors.FutureRev.message);
    if (rev > 0 && rev < this.compactRev) throw new EtcdError(Errors.Compacted.code, Errors.Compacted.message);
    const at = rev <= 0 ? curRev : rev;
    const live = this.keysIn(key, end).map((k) => this.at(k, at)).filter((r): r is Rec => r !== undefined);
    const kvs = live.map((r) => `${r.key}=${r.value}@${r.create}/${r.main}/${r.version}`);
    return { kvs: limit > 0 ? kvs.slice(0, limit) : kvs, count: live.length };
  }

  put(key: string, value: string, lease: bigint): void {
    const main = this.begin + 1;
    const prev = this.at(key, main);
    this.recs.push({ key, main, sub: this.changes++, tomb: false, value, create: prev ? prev.create : main, version: prev ? prev.version + 1 : 1, lease });
  }

  del(key: string, end: string | null): number {
    const main = this.begin + 1;
    const live = this.keysIn(key, end).filter((k) => this.at(k, main) !== undefined);
    for (const k of live) this.recs.push({ key: k, main, sub: this.changes++, tomb: true, value: '', create: 0, version: 0, lease: 0n });
    return live.length;
  }

  /** etcd's keep set: revisions above the compact revision, and per key the newest at or below it unless a tombstone. */
  kept(): Rec[] {
    const newest = new Map<string, Rec>();
    for (const r of this.recs) if (r.main <= this.compactRev) newest.set(r.key, r);
    return this.recs.filter((r) => r.main > this.compactRev || (newest.get(r.key) === r && !r.tomb));
  }

  /** etcd 3.4's HashByRev: revisions at or below the compact revision count when they are their key's newest at `upTo`. */
  hash(upTo: number): number {
    let h = crc32cUpdate(0, Buffer.from('key'));
    const anyLive = this.keysIn('\0', '').some((k) => this.at(k, upTo) !== undefined);
    const newestAt = (key: string) => [...this.recs].reverse().find((r) => r.key === key && r.main <= upTo);
    for (const r of this.kept()) {
      if (r.main > upTo) continue;
      if (this.compactRev >= 1 && anyLive && r.main <= this.compactRev && newestAt(r.key) !== r) continue;
      const rk = Buffer.alloc(r.tomb ? 18 : 17);
      rk.writeBigUInt64BE(BigInt(r.main), 0);
      rk[8] = 0x5f;
      rk.writeBigUInt64BE(BigInt(r.sub), 9);
      if (r.tomb) rk[17] = 0x74;
      const props: Record<string, unknown> = { key: Buffer.from(r.key) };
      if (!r.tomb) {
        Object.assign(props, { createRevision: r.create, modRevision: r.main, version: r.version });
        if (r.value) props.value = Buffer.from(r.value);
        if (r.lease !== 0n) props.lease = Number(r.lease);
      }
      h = crc32cUpdate(h, rk);
      h = crc32cUpdate(h, mvccpb.KeyValue.encode(props).finish());
    }
    return h;
  }
}

const KEYS = ['a', 'b', 'c', 'd', 'p/1', 'p/2', 'p/3', 'z'];

function outcome<T>(fn: () => T): T | string {
  try {
    return fn();
  } catch (e) {
    if (e instanceof EtcdError) return `error: ${e.message}`;
    throw e;
  }
}

async function run(seed: number, entries: number): Promise<void> {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const randomEnd = (): string | null => {
    const x = rnd();
    if (x < 0.4) return null;
    if (x < 0.55) return '';
    return pick(['b', 'c', 'p/', 'p0', 'p/3', 'zz', 'a']);
  };
  const toEnd = (e: string | null): RangeEnd => (e === null ? null : e === '' ? rangeEndOf(Buffer.from([0])) : Buffer.from(e));
  const t: TempStore = tempStore();
  const m = new Model();
  try {
    let done = 0;
    while (done < entries) {
      const batchSize = 1 + Math.floor(rnd() * 5);
      const plans: { kind: 'ops' | 'compact'; ops: (() => [(w: KvWriter) => unknown, () => unknown])[]; rev: number }[] = [];
      for (let i = 0; i < batchSize; i++, done++) {
        if (rnd() < 0.04) {
          plans.push({ kind: 'compact', ops: [], rev: Math.floor(rnd() * (m.rev + 3)) - 1 });
          continue;
        }
        const n = 1 + Math.floor(rnd() * 4);
        const ops: (() => [(w: KvWriter) => unknown, () => unknown])[] = [];
        for (let j = 0; j < n; j++) {
          const x = rnd();
          if (x < 0.55) {
            const key = pick(KEYS);
            const value = rnd() < 0.1 ? '' : `v${Math.floor(rnd() * 1000)}`;
            const lease = rnd() < 0.2 ? BigInt(1 + Math.floor(rnd() * 3)) * 0x1000000000001n : 0n;
            ops.push(() => [(w) => w.put(Buffer.from(key), Buffer.from(value), lease), () => { m.put(key, value, lease); return m.txnRev; }]);
          } else if (x < 0.75) {
            const key = pick(KEYS);
            const end = randomEnd();
            ops.push(() => [(w) => w.deleteRange(Buffer.from(key), toEnd(end)), () => m.del(key, end)]);
          } else {
            const key = pick(KEYS);
            const end = randomEnd();
            const limit = rnd() < 0.3 ? 1 + Math.floor(rnd() * 3) : 0;
            // inside a write: the current state, or the state before this entry (a past read when it changed)
            const before = rnd() < 0.3;
            ops.push(() => [
              (w) => { const r = w.range(Buffer.from(key), toEnd(end), before ? w.beginRevision : 0, limit); return { kvs: r.kvs.map(brief), count: r.count }; },
              () => m.range(key, end, before ? m.rev : 0, limit, m.txnRev),
            ]);
          }
        }
        plans.push({ kind: 'ops', ops, rev: 0 });
      }
      const outs = t.store.writeBatch((batch) => plans.map((p) => {
        const index = t.nextIndex++;
        m.startEntry();
        if (p.kind === 'compact') {
          const expected = outcome(() => {
            if (p.rev <= m.compactRev) throw new EtcdError(Errors.Compacted.code, Errors.Compacted.message);
            if (p.rev > m.rev) throw new EtcdError(Errors.FutureRev.code, Errors.FutureRev.message);
            m.compactRev = p.rev;
            return undefined;
          });
          const o = batch.apply({ index, term: 1 }, (w) => w.compact(p.rev), undefined)!;
          return { got: o.error ? `error: ${o.error.message}` : undefined, expected, revision: o.revision, expectedRevision: m.rev };
        }
        const pairs = p.ops.map((f) => f());
        const expected: unknown[] = [];
        const o = batch.apply({ index, term: 1 }, (w) => pairs.map(([mine]) => mine(w)), undefined)!;
        for (const [, theirs] of pairs) expected.push(theirs());
        m.endEntry();
        return { got: o.result, expected, revision: o.revision, expectedRevision: m.rev };
      }));
      for (const o of outs) {
        expect({ result: o.got, revision: o.revision }).toEqual({ result: o.expected, revision: o.expectedRevision });
      }
      // reads at any revision, errors included
      for (let r = 0; r < 2; r++) {
        const key = pick(KEYS);
        const end = randomEnd();
        const rev = Math.floor(rnd() * (m.rev + 3)) - 1;
        const limit = rnd() < 0.3 ? 1 + Math.floor(rnd() * 3) : 0;
        const got = outcome(() => { const x = t.store.range(Buffer.from(key), toEnd(end), rev, limit); return { kvs: x.kvs.map(brief), count: x.count }; });
        expect(got).toEqual(outcome(() => m.range(key, end, rev, limit, m.rev)));
      }
      const x = rnd();
      if (x < 0.3) t.store.compactStep(1 + Math.floor(rnd() * 6));
      else if (x < 0.32) await t.reopen();
      if (rnd() < 0.05) {
        const h = t.store.hashKV();
        expect({ hash: h.hash, compact: h.compactRevision }).toEqual({ hash: m.hash(m.rev), compact: m.compactRev });
        const at = Math.max(m.compactRev + 1, 1) + Math.floor(rnd() * (m.rev - m.compactRev));
        if (at <= m.rev) expect(t.store.hashKV(at).hash).toBe(m.hash(at));
        // after the hash's compaction, the history holds exactly the keep set
        expect(t.store.readEvents(1, 10_000, false).map((e) => `${e.type} ${e.revision}`)).toEqual(m.kept().map((r) => `${r.tomb ? 'DELETE' : 'PUT'} ${r.main}`));
      }
    }
    for (let rev = Math.max(m.compactRev, 1); rev <= m.rev; rev++) {
      expect(t.store.range(Buffer.from('a'), toEnd(''), rev).kvs.map(brief)).toEqual(m.range('a', '', rev, 0, m.rev).kvs);
    }
  } finally {
    await t.close();
  }
}

describe('mvcc store against a model', () => {
  it('agrees with a naive model of etcd\'s MVCC on a seeded random workload', async () => {
    const seeds = process.env.MVCC_MODEL_SEED ? [Number(process.env.MVCC_MODEL_SEED)] : [1, 2, 3];
    for (const seed of seeds) {
      try {
        await run(seed, 1200);
      } catch (e) {
        throw new Error(`seed ${seed} failed (replay: MVCC_MODEL_SEED=${seed}): ${(e as Error).message}`);
      }
    }
  });
});
