// Leases in the MVCC store: the stored records and the lease → keys index that puts and deletes keep, and a
// revoke that deletes a lease's keys at one revision, in key order (etcd lessor.Revoke).
import { rangeEndOf } from '../../../../src/core/storage/mvcc';
import { maxKeyBytes } from '../../../../src/core/storage/mvcc';
import { b, brief, plain, tempStore, type TempStore } from '../fixture';

const all = rangeEndOf(Buffer.from([0]));
let t: TempStore;
beforeEach(() => { t = tempStore(); });
afterEach(async () => { await t.close(); });

const keysOf = (id: bigint) => t.store.leaseKeys(id).map((k) => k.toString());

describe('mvcc leases', () => {
  it('grants once per id, lists the records, and survives a reopen', async () => {
    expect(t.apply((w) => w.leaseGrant(5n, 30)).result).toBe(true);
    expect(t.apply((w) => w.leaseGrant(5n, 60)).result).toBe(false);
    const o = t.apply((w) => w.leaseGrant(-3n, 10));
    expect(o.result).toBe(true);
    expect(o.revision).toBe(1); // a grant is not a key change
    await t.reopen();
    expect(t.store.leases()).toEqual([{ id: 5n, ttl: 30, remainingTtl: 0 }, { id: -3n, ttl: 10, remainingTtl: 0 }]);
    expect(t.store.lease(5n)).toEqual({ id: 5n, ttl: 30, remainingTtl: 0 });
    t.apply((w) => w.leaseCheckpoint(5n, 12));
    expect(t.store.lease(5n)).toEqual({ id: 5n, ttl: 30, remainingTtl: 12 });
  });

  it('indexes keys by lease as puts attach, move and detach them, and deletes detach them', () => {
    t.apply((w) => { w.leaseGrant(1n, 60); w.leaseGrant(2n, 60); });
    t.apply((w) => { w.put(b('b'), b('x'), 1n); w.put(b('a'), b('x'), 1n); w.put(b('c'), b('x'), 1n); });
    expect(keysOf(1n)).toEqual(['a', 'b', 'c']);
    t.apply((w) => w.put(b('b'), b('y'), 2n)); // moves
    t.apply((w) => w.put(b('c'), b('y'), 0n)); // detaches
    t.apply((w) => w.put(b('a'), b('z'), 1n)); // stays
    expect(keysOf(1n)).toEqual(['a']);
    expect(keysOf(2n)).toEqual(['b']);
    t.apply((w) => w.deleteRange(b('a'), all));
    expect(keysOf(1n)).toEqual([]);
    expect(keysOf(2n)).toEqual([]);
    t.apply((w) => w.put(b('a'), b('again'), 0n));
    expect(keysOf(1n)).toEqual([]);
  });

  it('revokes: deletes the attached keys at one revision in key order, then the lease', () => {
    t.apply((w) => { w.leaseGrant(9n, 60); w.put(b('other'), b('o'), 0n); });
    t.apply((w) => { w.put(b('z'), b('1'), 9n); w.put(b('m'), b('2'), 9n); w.put(b('a'), b('3'), 9n); });
    const before = t.store.currentRevision;
    const o = t.apply((w) => w.leaseRevoke(9n));
    expect(o.result).toBe(true);
    expect(o.revision).toBe(before + 1);
    expect(o.events.map((e) => [e.type, brief(e.kv)])).toEqual([
      ['DELETE', `a=@0/${before + 1}/0`], ['DELETE', `m=@0/${before + 1}/0`], ['DELETE', `z=@0/${before + 1}/0`],
    ]);
    expect(t.store.range(b('a'), all).kvs.map(brief)).toEqual([`other=o@${before - 1}/${before - 1}/1`]);
    expect(t.store.lease(9n)).toBeUndefined();
    expect(t.apply((w) => w.leaseRevoke(9n)).result).toBe(false);
  });

  it('revoking a lease with no keys changes no revision', () => {
    t.apply((w) => w.leaseGrant(4n, 60));
    const o = t.apply((w) => w.leaseRevoke(4n));
    expect(o.result).toBe(true);
    expect(o.revision).toBe(1);
    expect(o.events).toEqual([]);
  });

  it('indexes keys too long for an index key by prefix and hash, and revokes them', () => {
    t.apply((w) => w.leaseGrant(1n, 60));
    const long1 = Buffer.alloc(maxKeyBytes, 0x61);
    const long2 = Buffer.concat([Buffer.alloc(maxKeyBytes - 1, 0x61), b('b')]); // same prefix, other hash
    t.apply((w) => { w.put(long1, b('1'), 1n); w.put(long2, b('2'), 1n); w.put(b('short'), b('3'), 1n); });
    expect(t.store.leaseKeys(1n)).toEqual([long1, long2, b('short')]);
    t.apply((w) => w.put(long2, b('2'), 0n));
    expect(t.store.leaseKeys(1n)).toEqual([long1, b('short')]);
    const o = t.apply((w) => w.leaseRevoke(1n));
    expect(o.events.map((e) => Buffer.from(plain(e.kv).key, 'latin1').length)).toEqual([maxKeyBytes, 5]);
    expect(t.store.range(b('a'), all).kvs.map((kv) => plain(kv).value)).toEqual(['2']);
  });

  it('a key with a lease that is revoked in the same entry as it is put goes with it', () => {
    const o = t.apply((w) => {
      w.leaseGrant(3n, 60);
      w.put(b('k'), b('v'), 3n);
      return w.leaseRevoke(3n);
    });
    expect(o.result).toBe(true);
    expect(o.events.map((e) => e.type)).toEqual(['PUT', 'DELETE']);
    expect(t.store.get(b('k'))).toBeUndefined();
  });
});
