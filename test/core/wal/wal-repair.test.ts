import * as fs from 'node:fs';
import * as path from 'node:path';
import { Wal, WalCorruptError, type WalOptions } from '../../../src/core/wal';
import { entries, entry, makeTempDirs, META, plain, segmentFiles } from './helpers';

const tmp = makeTempDirs();
afterEach(tmp.cleanup);

interface Written {
  dir: string;
  file: string;
  /** boundaries[k] = file size after k appends (boundaries[0]: the preamble). */
  boundaries: number[];
}

const ENTRY_COUNT = 8;
const HARD_STATE_FRAME_BYTES = 9 + 24;

/** One segment, one append per entry (every third with a hard state), recording each record boundary. */
async function writeLog(): Promise<Written> {
  const dir = tmp.make();
  const wal = await Wal.create(dir, META);
  const file = path.join(dir, segmentFiles(dir)[0]);
  const boundaries = [fs.statSync(file).size];
  for (let i = 1; i <= ENTRY_COUNT; i++) {
    await wal.append([entry(i, 1, 20)], i % 3 === 0 ? { term: 1, vote: 1n, commit: i } : undefined);
    boundaries.push(fs.statSync(file).size);
  }
  await wal.close();
  return { dir, file, boundaries };
}

function copyOf(w: Written): { dir: string; file: string } {
  const dir = tmp.make();
  fs.cpSync(w.dir, dir, { recursive: true });
  return { dir, file: path.join(dir, path.basename(w.file)) };
}

function entriesUpTo(n: number): ReturnType<typeof plain> {
  return plain(Array.from({ length: n }, (_, k) => entry(k + 1, 1, 20)));
}

/** Opens, checks the surviving prefix, appends the next entry, and checks it survives a reopen. */
async function expectPrefixThenAppendable(dir: string, survivors: number, truncatedBytes: number, opts?: WalOptions): Promise<void> {
  const r = await Wal.open(dir, opts);
  expect(plain(r.entries)).toEqual(entriesUpTo(survivors));
  expect(r.repaired).toEqual(truncatedBytes > 0 ? { truncatedBytes } : null);
  await r.wal.append([entry(survivors + 1, 1, 20)]);
  await r.wal.close();
  const again = await Wal.open(dir, opts);
  expect(plain(again.entries)).toEqual(entriesUpTo(survivors + 1));
  expect(again.repaired).toBeNull();
  await again.wal.close();
}

function flipByte(file: string, offset: number): void {
  const buf = fs.readFileSync(file);
  buf[offset] ^= 0x40;
  fs.writeFileSync(file, buf);
}

describe('wal repair', () => {
  it('truncates a torn tail at every offset and loses only the torn record', async () => {
    const w = await writeLog();
    const { boundaries } = w;
    // Record ends in file order, with the number of entries complete at each.
    const ends: Array<{ end: number; entries: number }> = [{ end: boundaries[0], entries: 0 }];
    for (let i = 1; i <= ENTRY_COUNT; i++) {
      if (i % 3 === 0) ends.push({ end: boundaries[i] - HARD_STATE_FRAME_BYTES, entries: i });
      ends.push({ end: boundaries[i], entries: i });
    }
    const original = fs.readFileSync(w.file);
    for (let cut = boundaries[0]; cut <= boundaries[ENTRY_COUNT]; cut++) {
      fs.writeFileSync(w.file, original.subarray(0, cut));
      const good = ends.filter((e) => e.end <= cut).pop() as { end: number; entries: number };
      await expectPrefixThenAppendable(w.dir, good.entries, cut - good.end, { unsafeNoFsync: true });
    }
  });

  it('drops garbage appended after the last record', async () => {
    const w = await writeLog();
    const c = copyOf(w);
    const garbage = Buffer.alloc(100);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 97 + 31) & 0xff;
    fs.appendFileSync(c.file, garbage);
    await expectPrefixThenAppendable(c.dir, ENTRY_COUNT, 100);
  });

  it('treats a zero-filled tail as the end of the log', async () => {
    const w = await writeLog();
    const c = copyOf(w);
    fs.appendFileSync(c.file, Buffer.alloc(4096));
    await expectPrefixThenAppendable(c.dir, ENTRY_COUNT, 4096);
  });

  it('drops a last record with a flipped byte', async () => {
    const w = await writeLog();
    const last = w.boundaries[ENTRY_COUNT] - w.boundaries[ENTRY_COUNT - 1];
    for (const at of [0, 4, 8, 12, last - 1]) {
      const c = copyOf(w);
      flipByte(c.file, w.boundaries[ENTRY_COUNT - 1] + at);
      await expectPrefixThenAppendable(c.dir, ENTRY_COUNT - 1, last);
      fs.rmSync(c.dir, { recursive: true });
    }
  });

  it('refuses a bad record followed by valid ones in the last segment', async () => {
    const w = await writeLog();
    const c = copyOf(w);
    const offset = w.boundaries[3];
    flipByte(c.file, offset + 12);
    const open = Wal.open(c.dir);
    await expect(open).rejects.toBeInstanceOf(WalCorruptError);
    await expect(Wal.open(c.dir)).rejects.toMatchObject({ file: path.basename(c.file), offset });
    expect(fs.statSync(c.file).size).toBe(w.boundaries[ENTRY_COUNT]); // nothing truncated
  });

  it('refuses a bad length field farther from the end than one write can tear', async () => {
    const dir = tmp.make();
    const wal = await Wal.create(dir, META, { unsafeNoFsync: true });
    for (let i = 1; i <= 1800; i += 100) await wal.append(entries(i, i + 99, 1, 10_000)); // ~18 MiB > one 16 MiB write
    await wal.close();
    const file = path.join(dir, segmentFiles(dir)[0]);
    const buf = fs.readFileSync(file);
    const second = 91 + 9 + 16 + 10_000; // preamble + first entry record
    buf.writeUInt32LE(0x7fffffff, second + 4);
    fs.writeFileSync(file, buf);
    await expect(Wal.open(dir)).rejects.toMatchObject({ name: 'WalCorruptError', offset: second });
    expect(fs.statSync(file).size).toBe(buf.length);
  });

  it('refuses a corrupt segment preamble', async () => {
    const w = await writeLog();
    const c = copyOf(w);
    flipByte(c.file, 20);
    await expect(Wal.open(c.dir)).rejects.toBeInstanceOf(WalCorruptError);
  });

  it('raises on corruption in a segment that is not the last, naming file and offset', async () => {
    const dir = tmp.make();
    const wal = await Wal.create(dir, META, { segmentSizeBytes: 300 });
    for (let i = 1; i <= 20; i++) await wal.append([entry(i, 1, 40)]);
    await wal.close();
    const segs = segmentFiles(dir);
    expect(segs.length).toBeGreaterThan(2);
    const victim = path.join(dir, segs[1]);
    const size = fs.statSync(victim).size;
    flipByte(victim, size - 3); // inside the last record of a non-last segment
    const err = await Wal.open(dir).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WalCorruptError);
    const corrupt = err as WalCorruptError;
    expect(corrupt.file).toBe(segs[1]);
    expect(corrupt.offset).toBeLessThan(size);
    expect(corrupt.message).toContain(segs[1]);
    expect(corrupt.message).toContain(`offset ${corrupt.offset}`);
    expect(fs.statSync(victim).size).toBe(size);
  });

  it('raises on a truncated segment that is not the last', async () => {
    const dir = tmp.make();
    const wal = await Wal.create(dir, META, { segmentSizeBytes: 300 });
    for (let i = 1; i <= 20; i++) await wal.append([entry(i, 1, 40)]);
    await wal.close();
    const segs = segmentFiles(dir);
    const victim = path.join(dir, segs[0]);
    fs.truncateSync(victim, fs.statSync(victim).size - 1);
    await expect(Wal.open(dir)).rejects.toMatchObject({ name: 'WalCorruptError', file: segs[0] });
  });

  it('raises when a segment in the middle is missing', async () => {
    const dir = tmp.make();
    const wal = await Wal.create(dir, META, { segmentSizeBytes: 300 });
    for (let i = 1; i <= 20; i++) await wal.append([entry(i, 1, 40)]);
    await wal.close();
    const segs = segmentFiles(dir);
    fs.unlinkSync(path.join(dir, segs[1]));
    await expect(Wal.open(dir)).rejects.toMatchObject({ name: 'WalCorruptError', file: segs[2] });
  });

  it('removes a segment file left half-created by a crash', async () => {
    const w = await writeLog();
    const c = copyOf(w);
    const stray = path.join(c.dir, '0000000000000002-0000000000000009.wal.tmp');
    fs.writeFileSync(stray, Buffer.alloc(10, 1));
    const r = await Wal.open(c.dir);
    expect(r.entries.length).toBe(ENTRY_COUNT);
    expect(fs.existsSync(stray)).toBe(false);
    await r.wal.close();
  });
});
