// The lessor's clock side, on a fake clock: expiry, renewal, revoke retries, keepalives waiting on an expired
// lease, start-up recovery, and (seeded) its indexed heap against a plain model.
import { Lessor } from '../../../src/core/lease/lessor';
import { Prng } from '../../helpers/prng';

function clocked(retryMs = 3000) {
  const t = { now: 1_000_000 };
  const lessor = new Lessor({ now: () => t.now, retryMs });
  return { t, lessor };
}

describe('Lessor', () => {
  it('expires a lease after its TTL, not before; a renewal pushes expiry a whole TTL from now', () => {
    const { t, lessor } = clocked();
    lessor.granted(1n, 10);
    t.now += 9_999;
    expect(lessor.expired(10)).toEqual([]);
    expect(lessor.renew(1n)).toEqual({ kind: 'renewed', ttl: 10, clearCheckpoint: false });
    t.now += 9_999;
    expect(lessor.expired(10)).toEqual([]);
    expect(lessor.timeToLive(1n)).toEqual({ ttl: 0, grantedTtl: 10 });
    t.now += 1;
    expect(lessor.expired(10)).toEqual([1n]);
  });

  it('reports an expired lease again only after the retry interval, until its revoke applies', () => {
    const { t, lessor } = clocked(3000);
    lessor.granted(7n, 5);
    t.now += 5000;
    expect(lessor.expired(10)).toEqual([7n]);
    t.now += 2999;
    expect(lessor.expired(10)).toEqual([]);
    t.now += 1;
    expect(lessor.expired(10)).toEqual([7n]);
    lessor.revoked(7n);
    t.now += 10_000;
    expect(lessor.expired(10)).toEqual([]);
    expect(lessor.has(7n)).toBe(false);
    expect(lessor.nextDueIn()).toBe(Infinity);
  });

  it('returns expired leases soonest first, at most the number asked', () => {
    const { t, lessor } = clocked();
    lessor.granted(3n, 30);
    lessor.granted(1n, 10);
    lessor.granted(2n, 20);
    t.now += 60_000;
    expect(lessor.expired(2)).toEqual([1n, 2n]);
    expect(lessor.expired(2)).toEqual([3n]);
  });

  it('answers a keepalive on an unknown lease as not found, and one on an expired lease once it is revoked', async () => {
    const { t, lessor } = clocked();
    expect(lessor.renew(9n)).toEqual({ kind: 'not-found' });
    lessor.granted(9n, 2);
    t.now += 2000;
    const r = lessor.renew(9n);
    expect(r.kind).toBe('expired');
    let answered = false;
    if (r.kind === 'expired') void r.revoked.then(() => { answered = true; });
    await Promise.resolve();
    expect(answered).toBe(false);
    lessor.revoked(9n);
    await Promise.resolve();
    await Promise.resolve();
    expect(answered).toBe(true);
    expect(lessor.renew(9n)).toEqual({ kind: 'not-found' });
  });

  it('recovers stored leases with their TTL (or checkpointed remaining TTL) from now plus the extension', () => {
    const { t, lessor } = clocked();
    lessor.recover([{ id: 1n, ttl: 10, remainingTtl: 0 }, { id: 2n, ttl: 100, remainingTtl: 4 }], 1000);
    expect(lessor.ids()).toEqual([1n, 2n]);
    t.now += 4999;
    expect(lessor.expired(10)).toEqual([]);
    t.now += 1;
    expect(lessor.expired(10)).toEqual([2n]);
    lessor.revoked(2n);
    t.now += 5999;
    expect(lessor.expired(10)).toEqual([]);
    t.now += 1;
    expect(lessor.expired(10)).toEqual([1n]);
  });

  it('lists ids ascending and re-grants an id in place', () => {
    const { lessor } = clocked();
    for (const id of [5n, 1n, 3n]) lessor.granted(id, 60);
    lessor.granted(3n, 120);
    expect(lessor.ids()).toEqual([1n, 3n, 5n]);
    expect(lessor.size).toBe(3);
    expect(lessor.timeToLive(3n)).toEqual({ ttl: 120, grantedTtl: 120 });
  });

  it.each([1, 2, 3, 4, 5])('keeps the heap consistent with a plain model under random grants, renewals, revokes and time (seed %i)', (seed) => {
    const rnd = new Prng(seed);
    const { t, lessor } = clocked(500);
    const model = new Map<bigint, { ttl: number; expiry: number; due: number }>();
    for (let step = 0; step < 3000; step++) {
      const id = BigInt(1 + rnd.int(40));
      const op = rnd.int(5);
      if (op === 0) {
        const ttl = 1 + rnd.int(20);
        lessor.granted(id, ttl);
        model.set(id, { ttl, expiry: t.now + ttl * 1000, due: t.now + ttl * 1000 });
      } else if (op === 1) {
        const r = lessor.renew(id);
        const m = model.get(id);
        if (m === undefined) expect(r.kind).toBe('not-found');
        else if (m.expiry <= t.now) expect(r.kind).toBe('expired');
        else {
          expect(r).toEqual({ kind: 'renewed', ttl: m.ttl, clearCheckpoint: false });
          m.expiry = m.due = t.now + m.ttl * 1000;
        }
      } else if (op === 2) {
        lessor.revoked(id);
        model.delete(id);
      } else if (op === 3) {
        t.now += rnd.int(3000);
      } else {
        const max = 1 + rnd.int(5);
        const got = lessor.expired(max);
        const due = [...model.entries()].filter(([, m]) => m.due <= t.now).sort((a, b) => a[1].due - b[1].due);
        expect(got.length).toBe(Math.min(max, due.length));
        // soonest first (ties in any order): each returned lease is among the earliest due
        const cutoff = got.length > 0 ? due[got.length - 1][1].due : 0;
        for (const id of got) {
          const m = model.get(id);
          expect(m !== undefined && m.due <= cutoff).toBe(true);
          if (m !== undefined) m.due = t.now + 500;
        }
      }
      expect(lessor.size).toBe(model.size);
    }
    expect(lessor.ids()).toEqual([...model.keys()].sort((a, b) => (a < b ? -1 : 1)));
  });
});

describe('Lessor checkpoints (etcd --experimental-enable-lease-checkpoint)', () => {
  const withCheckpoints = (intervalMs: number) => {
    const t = { now: 5_000_000 };
    return { t, lessor: new Lessor({ now: () => t.now, checkpointIntervalMs: intervalMs }) };
  };

  it('checkpoints a lease longer than the interval once the interval has passed, with its seconds left rounded up', () => {
    const { t, lessor } = withCheckpoints(60_000);
    lessor.granted(1n, 600);
    lessor.granted(2n, 30); // not longer than the interval: never checkpointed
    t.now += 59_999;
    expect(lessor.dueCheckpoints(10)).toEqual([]);
    t.now += 1;
    expect(lessor.dueCheckpoints(10)).toEqual([{ id: 1n, remainingTtl: 540 }]);
    expect(lessor.dueCheckpoints(10)).toEqual([]); // one per schedule
    lessor.checkpointed(1n, 540); // applied: the next one is an interval away
    t.now += 60_500;
    expect(lessor.dueCheckpoints(10)).toEqual([{ id: 1n, remainingTtl: 480 }]);
  });

  it('skips leases revoked, expired or renewed to their full TTL, and limits a batch', () => {
    const { t, lessor } = withCheckpoints(10_000);
    for (const id of [1n, 2n, 3n, 4n]) lessor.granted(id, 100);
    lessor.revoked(2n);
    t.now += 10_000;
    expect(lessor.renew(3n)).toEqual({ kind: 'renewed', ttl: 100, clearCheckpoint: false }); // back to its full TTL
    expect(lessor.dueCheckpoints(1)).toEqual([{ id: 1n, remainingTtl: 90 }]);
    expect(lessor.dueCheckpoints(10)).toEqual([{ id: 4n, remainingTtl: 90 }]);
  });

  it('a renewal voids a checkpointed remaining TTL (the server proposes 0), and recovery uses a stored one', () => {
    const { t, lessor } = withCheckpoints(10_000);
    lessor.granted(7n, 100);
    t.now += 10_000;
    lessor.checkpointed(7n, 90);
    expect(lessor.renew(7n)).toEqual({ kind: 'renewed', ttl: 100, clearCheckpoint: true });
    lessor.checkpointed(7n, 0);
    expect(lessor.renew(7n)).toEqual({ kind: 'renewed', ttl: 100, clearCheckpoint: false });
    const fresh = withCheckpoints(10_000);
    fresh.lessor.recover([{ id: 7n, ttl: 100, remainingTtl: 42 }], 0);
    expect(fresh.lessor.timeToLive(7n)).toEqual({ ttl: 42, grantedTtl: 100 });
  });

  it('does nothing when checkpoints are off', () => {
    const { t, lessor } = clocked();
    lessor.granted(1n, 600);
    t.now += 600_000 - 1;
    expect(lessor.dueCheckpoints(10)).toEqual([]);
    expect(lessor.renew(1n)).toEqual({ kind: 'renewed', ttl: 600, clearCheckpoint: false });
  });
});
