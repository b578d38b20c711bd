import { AssertionError } from 'node:assert';
import fs from 'node:fs';
import * as path from 'node:path';
import {
  Wal,
  WalClosedError,
  WalExistsError,
  WalFailedError,
  WalLockedError,
  WalNotFoundError,
  WalOverloadedError,
  type HardState,
} from '../../../src/core/wal';
import { entries, entry, makeTempDirs, META, plain, segmentFiles } from './helpers';

const tmp = makeTempDirs();
afterEach(tmp.cleanup);

async function reopen(dir: string, opts?: Parameters<typeof Wal.open>[1]): Promise<Awaited<ReturnType<typeof Wal.open>>> {
  return Wal.open(dir, opts);
}

describe('wal', () => {
  it('round-trips entries, hard state and metadata', async () => {
    const dir = tmp.make();
    expect(Wal.exists(dir)).toBe(false);
    const wal = await Wal.create(dir, META);
    expect(Wal.exists(dir)).toBe(true);
    expect(wal.lastIndex).toBe(0);
    const hs: HardState = { term: 3, vote: 0xffffffffffffffffn, commit: 2 };
    const es = [entry(1, 1, 0), entry(2, 2, 300), entry(3, 3, 5000)];
    await wal.append(es, hs);
    expect(wal.lastIndex).toBe(3);
    await wal.close();

    const r = await reopen(dir);
    expect(r.meta).toEqual(META);
    expect(r.hardState).toEqual(hs);
    expect(plain(r.entries)).toEqual(plain(es));
    expect(r.repaired).toBeNull();
    expect(r.wal.lastIndex).toBe(3);
    await r.wal.close();
  });

  it('opens an empty log with the initial hard state', async () => {
    const dir = tmp.make();
    await (await Wal.create(dir, META)).close();
    const r = await reopen(dir);
    expect(r.entries).toEqual([]);
    expect(r.hardState).toEqual({ term: 0, vote: 0n, commit: 0 });
    expect(r.wal.lastIndex).toBe(0);
    await r.wal.close();
  });

  it('replays after close and keeps appending after reopen', async () => {
    const dir = tmp.make();
    const wal = await Wal.create(dir, META);
    for (let i = 1; i <= 5; i++) await wal.append([entry(i)]);
    await wal.close();

    const r1 = await reopen(dir);
    expect(r1.entries.map((e) => e.index)).toEqual([1, 2, 3, 4, 5]);
    await r1.wal.append(entries(6, 8), { term: 1, vote: 1n, commit: 8 });
    await r1.wal.close();

    const r2 = await reopen(dir);
    expect(plain(r2.entries)).toEqual(plain(entries(1, 8)));
    expect(r2.hardState.commit).toBe(8);
    await r2.wal.close();
  });

  it('coalesces concurrent appends into fewer fsyncs (group commit)', async () => {
    const dir = tmp.make();
    const wal = await Wal.create(dir, META);
    const before = wal.stats();
    let next = 1;
    const worker = async (): Promise<void> => {
      for (let k = 0; k < 10; k++) await wal.append([entry(next++, 1, 300)]);
    };
    await Promise.all(Array.from({ length: 20 }, worker));
    const after = wal.stats();
    const appends = after.appends - before.appends;
    const fsyncs = after.fsyncs - before.fsyncs;
    expect(appends).toBe(200);
    expect(fsyncs).toBeGreaterThan(0);
    expect(fsyncs).toBeLessThan(appends / 5);
    await wal.close();
    const r = await reopen(dir);
    expect(r.entries.map((e) => e.index)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    await r.wal.close();
  });

  it('splits a batch larger than maxBatchBytes into several writes', async () => {
    const dir = tmp.make();
    const wal = await Wal.create(dir, META, { maxBatchBytes: 1024 });
    const before = wal.stats().fsyncs;
    const es = entries(1, 40, 1, 100); // 125 bytes per record: 8 per group, 5 groups
    await wal.append(es, { term: 1, vote: 0n, commit: 40 }); // + a 33-byte hard state: a 6th group
    expect(wal.stats().fsyncs - before).toBe(6);
    await wal.close();
    const r = await reopen(dir);
    expect(plain(r.entries)).toEqual(plain(es));
    expect(r.hardState.commit).toBe(40);
    await r.wal.close();
  });

  it('rotates segments and replays across them', async () => {
    const dir = tmp.make();
    const wal = await Wal.create(dir, META, { segmentSizeBytes: 1024 });
    for (let i = 1; i <= 60; i++) await wal.append([entry(i, 1, 100)], { term: 1, vote: 7n, commit: i - 1 });
    const segs = segmentFiles(dir);
    expect(segs.length).toBeGreaterThan(4);
    expect(wal.stats().segments).toBe(segs.length);
    expect(segs[0]).toBe('0000000000000001-0000000000000001.wal');
    for (const name of segs) expect(fs.statSync(path.join(dir, name)).size).toBeLessThan(1024 + 200);
    await wal.close();

    const r = await reopen(dir, { segmentSizeBytes: 1024 });
    expect(plain(r.entries)).toEqual(plain(entries(1, 60, 1, 100)));
    expect(r.hardState).toEqual({ term: 1, vote: 7n, commit: 59 });
    await r.wal.append([entry(61, 1, 100)]);
    await r.wal.close();
    const r2 = await reopen(dir);
    expect(r2.entries.length).toBe(61);
    await r2.wal.close();
  });

  it('names each new segment after the index it starts at', async () => {
    const dir = tmp.make();
    const wal = await Wal.create(dir, META, { segmentSizeBytes: 200 });
    for (let i = 1; i <= 10; i++) await wal.append([entry(i, 1, 100)]);
    await wal.close();
    const starts = segmentFiles(dir).map((n) => Number.parseInt(n.slice(17, 33), 16));
    const seqs = segmentFiles(dir).map((n) => Number.parseInt(n.slice(0, 16), 16));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(starts[0]).toBe(1);
    for (let i = 1; i < starts.length; i++) expect(starts[i]).toBeGreaterThan(starts[i - 1]);
  });

  it('replaces a conflicting suffix on replay (Raft overwrite)', async () => {
    const dir = tmp.make();
    const wal = await Wal.create(dir, META);
    await wal.append(entries(1, 10, 1));
    await wal.append(entries(6, 7, 2));
    expect(wal.lastIndex).toBe(7);
    await wal.append(entries(8, 9, 2));
    await wal.close();
    const r = await reopen(dir);
    expect(plain(r.entries)).toEqual(plain([...entries(1, 5, 1), ...entries(6, 9, 2)]));
    await r.wal.close();
  });

  it('replaces a conflicting suffix that spans segments', async () => {
    const dir = tmp.make();
    const wal = await Wal.create(dir, META, { segmentSizeBytes: 300 });
    for (let i = 1; i <= 12; i++) await wal.append([entry(i, 1, 50)]);
    expect(wal.stats().segments).toBeGreaterThan(2);
    await wal.append(entries(3, 4, 2, 50));
    await wal.append([entry(5, 3, 50)]);
    await wal.close();
    const r = await reopen(dir);
    expect(plain(r.entries)).toEqual(plain([...entries(1, 2, 1, 50), ...entries(3, 4, 2, 50), entry(5, 3, 50)]));
    await r.wal.close();
  });

  it('asserts contiguous entries and never overwrites committed ones', async () => {
    const dir = tmp.make();
    const wal = await Wal.create(dir, META);
    await wal.append(entries(1, 5), { term: 1, vote: 0n, commit: 3 });
    expect(() => wal.append([entry(7)])).toThrow(AssertionError); // gap
    expect(() => wal.append([entry(6), entry(8)])).toThrow(AssertionError); // not contiguous
    expect(() => wal.append([entry(3, 2)])).toThrow(AssertionError); // at or below commit
    expect(() => wal.append([], { term: 0, vote: 0n, commit: 3 })).toThrow(AssertionError); // term decreases
    expect(() => wal.append([], { term: 1, vote: 0n, commit: 2 })).toThrow(AssertionError); // commit decreases
    expect(() => wal.append([], { term: 1, vote: 0n, commit: 9 })).toThrow(AssertionError); // commit past last index
    expect(wal.lastIndex).toBe(5);
    await wal.append([entry(4, 2)]);
    expect(wal.lastIndex).toBe(4);
    await wal.close();
  });

  it('keeps the latest hard state, also after older segments are released', async () => {
    const dir = tmp.make();
    const wal = await Wal.create(dir, META, { segmentSizeBytes: 400 });
    for (let i = 1; i <= 20; i++) await wal.append([entry(i, i, 40)], { term: i, vote: BigInt(i), commit: i - 1 });
    await wal.append([], { term: 25, vote: 2n, commit: 20 });
    await wal.releaseBefore(20);
    await wal.close();
    const r = await reopen(dir);
    expect(r.hardState).toEqual({ term: 25, vote: 2n, commit: 20 });
    await r.wal.close();
  });

  it('releases whole segments below an index and replays the rest', async () => {
    const dir = tmp.make();
    const logs: string[] = [];
    const wal = await Wal.create(dir, META, { segmentSizeBytes: 300, logger: (m) => logs.push(m) });
    for (let i = 1; i <= 30; i++) await wal.append([entry(i, 1, 50)]);
    const segs = segmentFiles(dir);
    const starts = segs.map((n) => Number.parseInt(n.slice(17, 33), 16));
    expect(segs.length).toBeGreaterThan(4);

    await wal.releaseBefore(0);
    await wal.releaseBefore(starts[1] - 1);
    expect(segmentFiles(dir)).toEqual(segs); // segment 1 still holds entry starts[1] - 1
    await wal.releaseBefore(starts[2]);
    expect(segmentFiles(dir)).toEqual(segs.slice(2));
    expect(wal.stats().segments).toBe(segs.length - 2);
    expect(logs).toContain('wal: released segments');
    await wal.releaseBefore(1_000_000);
    expect(segmentFiles(dir)).toEqual(segs.slice(-1)); // never the open segment
    await wal.append([entry(31, 1, 50)]);
    await wal.close();

    const r = await reopen(dir);
    expect(r.entries[0].index).toBe(starts[starts.length - 1]);
    expect(r.entries[r.entries.length - 1].index).toBe(31);
    expect(plain(r.entries)).toEqual(plain(entries(starts[starts.length - 1], 31, 1, 50)));
    await r.wal.close();
  });

  it('does no fsync with unsafeNoFsync', async () => {
    const dir = tmp.make();
    const wal = await Wal.create(dir, META, { unsafeNoFsync: true, segmentSizeBytes: 300 });
    for (let i = 1; i <= 20; i++) await wal.append([entry(i, 1, 50)], { term: 1, vote: 0n, commit: i });
    await wal.releaseBefore(10);
    expect(wal.stats().fsyncs).toBe(0);
    expect(wal.stats().appends).toBe(20);
    await wal.close();
    const r = await reopen(dir, { unsafeNoFsync: true });
    expect(r.entries[r.entries.length - 1].index).toBe(20);
    await r.wal.append([entry(21)]);
    expect(r.wal.stats().fsyncs).toBe(0);
    await r.wal.close();
  });

  it('counts appends, bytes and fsyncs', async () => {
    const dir = tmp.make();
    const wal = await Wal.create(dir, META);
    const s0 = wal.stats();
    await wal.append([entry(1, 1, 10)]);
    const s1 = wal.stats();
    expect(s1.appends - s0.appends).toBe(1);
    expect(s1.fsyncs - s0.fsyncs).toBe(1);
    expect(s1.bytesWritten - s0.bytesWritten).toBe(9 + 16 + 10);
    expect(s1.segments).toBe(1);
    await wal.close();
  });

  it('refuses to create over an existing WAL and to open a missing one', async () => {
    const dir = tmp.make();
    await expect(Wal.open(dir)).rejects.toBeInstanceOf(WalNotFoundError);
    fs.mkdirSync(dir, { recursive: true });
    await expect(Wal.open(dir)).rejects.toBeInstanceOf(WalNotFoundError);
    await (await Wal.create(dir, META)).close();
    await expect(Wal.create(dir, META)).rejects.toBeInstanceOf(WalExistsError);
    expect(fs.readdirSync(dir).sort()).toEqual(segmentFiles(dir)); // no lock left behind
  });

  it('locks the directory while open', async () => {
    const dir = tmp.make();
    const wal = await Wal.create(dir, META);
    await expect(Wal.open(dir)).rejects.toBeInstanceOf(WalLockedError);
    await wal.close();
    const r = await reopen(dir);
    await expect(Wal.open(dir)).rejects.toBeInstanceOf(WalLockedError);
    await r.wal.close();
  });

  it('flushes accepted appends on close and rejects later ones', async () => {
    const dir = tmp.make();
    const wal = await Wal.create(dir, META);
    const pending = wal.append(entries(1, 3));
    await wal.close();
    await pending;
    await expect(wal.append([entry(4)])).rejects.toBeInstanceOf(WalClosedError);
    await expect(wal.releaseBefore(1)).rejects.toBeInstanceOf(WalClosedError);
    const r = await reopen(dir);
    expect(r.entries.length).toBe(3);
    await r.wal.close();
  });

  it('sheds appends beyond maxQueuedBytes', async () => {
    const dir = tmp.make();
    const wal = await Wal.create(dir, META, { maxBatchBytes: 1024, maxQueuedBytes: 2048 });
    const accepted = [wal.append(entries(1, 10, 1, 100)), wal.append(entries(11, 15, 1, 100))];
    await expect(wal.append(entries(16, 20, 1, 100))).rejects.toBeInstanceOf(WalOverloadedError);
    expect(wal.lastIndex).toBe(15);
    await Promise.all(accepted);
    await wal.append(entries(16, 20, 1, 100));
    await wal.close();
  });

  it('fails stop after a failed durable write (O_DSYNC write error, as a failed fsync)', async () => {
    const dir = tmp.make();
    const wal = await Wal.create(dir, META);
    await wal.append([entry(1)]);
    const spy = jest.spyOn(fs, 'write').mockImplementationOnce(((...args: unknown[]) => {
      const cb = args[args.length - 1] as (err: NodeJS.ErrnoException | null, written: number) => void;
      cb(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }), 0);
    }) as unknown as typeof fs.write);
    try {
      const failing = [wal.append([entry(2)]), wal.append([entry(3)])];
      for (const p of failing) await expect(p).rejects.toBeInstanceOf(WalFailedError);
      await expect(wal.append([entry(4)])).rejects.toThrow(/EIO/);
    } finally {
      spy.mockRestore();
    }
    await wal.close();
    const r = await reopen(dir);
    expect(r.entries[0].index).toBe(1);
    await r.wal.close();
  });

  it('resolves an empty append once earlier appends are durable', async () => {
    const dir = tmp.make();
    const wal = await Wal.create(dir, META);
    await wal.append([]);
    let durable = false;
    const first = wal.append(entries(1, 2)).then(() => (durable = true));
    await wal.append([]);
    expect(durable).toBe(true);
    await first;
    await wal.close();
  });
});
