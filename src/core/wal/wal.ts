/**
 * The write-ahead log: the source of truth of the write path.
 *
 * Durability: `append` resolves only after its records were written and fdatasync'ed (unless
 * unsafeNoFsync), so an acknowledged append survives kill -9 and power loss. New segment files are made
 * durable (data, then rename, then directory fsync) before they are written to.
 *
 * Group commit: `append` encodes its records at once into the open (not yet in-flight) write group and
 * returns that group's promise. One flush loop writes the head group with one positional write, then one
 * fdatasync, resolves it, yields one macrotask (so appenders woken by that resolution join the next group)
 * and moves to the next group. A group holds at most maxBatchBytes; bytes waiting for the disk are bounded by
 * maxQueuedBytes (beyond it `append` rejects with WalOverloadedError).
 *
 * Fail-stop: after a failed write or fsync the file state is unknown; every pending and later append
 * rejects with WalFailedError and the caller is expected to stop.
 * Programmer errors (non-contiguous indices, overwriting committed entries, decreasing hard state) throw
 * AssertionError synchronously from `append`.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { DirLock } from './dir-lock';
import { WalClosedError, WalExistsError, WalFailedError, WalNotFoundError, WalOverloadedError } from './errors';
import { closeFd, fdatasync, fsyncDir, ftruncate, openFd, segmentFlags, writeFully } from './fs-io';
import {
  encodeEntry,
  encodeHardState,
  encodeSegmentPreamble,
  ENTRY_DATA_MAX_BYTES,
  entryFrameBytes,
  HARD_STATE_FRAME_BYTES,
  SEGMENT_PREAMBLE_BYTES,
} from './record';
import { replaySegments } from './replay';
import { formatSegmentName, listSegmentNames, SEGMENT_TMP_SUFFIX, type SegmentName } from './segment-name';
import type { HardState, WalEntry, WalLogger, WalMetadata, WalOptions, WalRepair, WalStats } from './types';

const MIB = 1024 * 1024;
export const DEFAULT_SEGMENT_SIZE_BYTES = 64 * MIB;
export const DEFAULT_MAX_BATCH_BYTES = 16 * MIB;
export const DEFAULT_QUEUED_BATCHES_MAX = 4;
/** Smallest accepted maxBatchBytes: an empty entry and a hard state must fit. */
export const MIN_BATCH_BYTES = 256;
/** First size of a batch buffer; buffers double on demand up to maxBatchBytes. */
const INITIAL_BATCH_BUFFER_BYTES = 64 * 1024;
/** Batch buffers kept for reuse after their group is durable. */
const FREE_BATCH_BUFFERS_MAX = 2;

const INITIAL_HARD_STATE: HardState = Object.freeze({ term: 0, vote: 0n, commit: 0 });

interface ResolvedOptions {
  segmentSizeBytes: number;
  unsafeNoFsync: boolean;
  maxBatchBytes: number;
  maxQueuedBytes: number;
  logger: WalLogger;
}

/** One write call + one fdatasync. Records are encoded into `buf[0, length)` when appended; length <= maxBatchBytes. */
interface WriteGroup {
  buf: Buffer;
  length: number;
  /** Once true the group is being written; appends go to a new group. */
  inFlight: boolean;
  /** Index of the last entry in the group; -1 when it has none. */
  lastEntryIndex: number;
  hardState: HardState | null;
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: Error) => void;
}

export interface WalOpenResult {
  wal: Wal;
  meta: WalMetadata;
  hardState: HardState;
  /** The live log, in index order (overwritten entries removed). Data are views into the segment buffers. */
  entries: WalEntry[];
  repaired: WalRepair | null;
}

function resolveOptions(opts: WalOptions = {}): ResolvedOptions {
  const maxBatchBytes = opts.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
  const resolved: ResolvedOptions = {
    segmentSizeBytes: opts.segmentSizeBytes ?? DEFAULT_SEGMENT_SIZE_BYTES,
    unsafeNoFsync: opts.unsafeNoFsync ?? false,
    maxBatchBytes,
    maxQueuedBytes: opts.maxQueuedBytes ?? DEFAULT_QUEUED_BATCHES_MAX * maxBatchBytes,
    logger: opts.logger ?? (() => undefined),
  };
  assert.ok(Number.isSafeInteger(maxBatchBytes) && maxBatchBytes >= MIN_BATCH_BYTES, `maxBatchBytes must be >= ${MIN_BATCH_BYTES}`);
  assert.ok(Number.isSafeInteger(resolved.segmentSizeBytes) && resolved.segmentSizeBytes > SEGMENT_PREAMBLE_BYTES, 'segmentSizeBytes too small');
  assert.ok(resolved.maxQueuedBytes >= maxBatchBytes, 'maxQueuedBytes must be >= maxBatchBytes');
  return resolved;
}

function errCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

async function readSegmentNames(dir: string): Promise<SegmentName[]> {
  const names = await fsp.readdir(dir);
  await Promise.all(names.filter((n) => n.endsWith(SEGMENT_TMP_SUFFIX)).map((n) => fsp.unlink(path.join(dir, n))));
  return listSegmentNames(names);
}

function assertHardState(hs: HardState, prev: HardState, lastIndex: number): void {
  assert.ok(Number.isSafeInteger(hs.term) && hs.term >= prev.term, `hard state term ${hs.term} < ${prev.term}`);
  assert.ok(Number.isSafeInteger(hs.commit) && hs.commit >= prev.commit, `hard state commit ${hs.commit} < ${prev.commit}`);
  assert.ok(hs.commit <= lastIndex, `hard state commit ${hs.commit} > last index ${lastIndex}`);
  assert.ok(typeof hs.vote === 'bigint' && hs.vote >= 0n && hs.vote < 1n << 64n, 'hard state vote must be a uint64');
}

export class Wal {
  private readonly segments: SegmentName[];
  private fd: number;
  /** Size of the open (last) segment on disk = where the next group is written. */
  private fileOffset: number;
  /** Groups not yet durable; queue[0] is in flight while `flushing`. Bounded by maxQueuedBytes. */
  private readonly queue: WriteGroup[] = [];
  private queuedBytes = 0;
  private flushing = false;
  private readonly freeBuffers: Buffer[] = [];
  /** Last entry index accepted by append (durable or not). */
  private appendedLastIndex: number;
  private appendedHardState: HardState;
  /** Last entry index and hard state already written to the segment files. */
  private writtenLastIndex: number;
  private writtenHardState: HardState;
  private failure: unknown = null;
  private closing: Promise<void> | null = null;
  private releaseChain: Promise<void> = Promise.resolve();
  private readonly entryDataMaxBytes: number;
  private readonly counters = { fsyncs: 0, appends: 0, bytesWritten: 0 };

  private constructor(
    readonly dir: string,
    private readonly meta: WalMetadata,
    private readonly opts: ResolvedOptions,
    private readonly lock: DirLock,
    segments: SegmentName[],
    fd: number,
    fileOffset: number,
    lastIndex: number,
    hardState: HardState,
  ) {
    this.segments = segments;
    this.fd = fd;
    this.fileOffset = fileOffset;
    this.appendedLastIndex = this.writtenLastIndex = lastIndex;
    this.appendedHardState = this.writtenHardState = hardState;
    this.entryDataMaxBytes = Math.min(ENTRY_DATA_MAX_BYTES, opts.maxBatchBytes - entryFrameBytes(0));
  }

  /** True when `dir` holds at least one segment file. */
  static exists(dir: string): boolean {
    try {
      return listSegmentNames(fs.readdirSync(dir)).length > 0;
    } catch (err) {
      if (errCode(err) === 'ENOENT' || errCode(err) === 'ENOTDIR') return false;
      throw err;
    }
  }

  /** Creates `dir` (and parents) and a WAL with an empty log starting at index 1. Fails if one exists. */
  static async create(dir: string, meta: WalMetadata, options?: WalOptions): Promise<Wal> {
    const opts = resolveOptions(options);
    await fsp.mkdir(dir, { recursive: true });
    const lock = await DirLock.acquire(dir);
    try {
      if ((await readSegmentNames(dir)).length > 0) throw new WalExistsError(dir);
      const seg = { seq: 1, firstIndex: 1, name: formatSegmentName(1, 1) };
      const wal = new Wal(dir, meta, opts, lock, [], -1, 0, 0, INITIAL_HARD_STATE);
      await wal.createSegment(seg);
      if (!opts.unsafeNoFsync) {
        await fsyncDir(path.dirname(path.resolve(dir)));
        wal.counters.fsyncs++;
      }
      opts.logger('wal: created', { dir, memberId: meta.memberId.toString(16), clusterId: meta.clusterId.toString(16) });
      return wal;
    } catch (err) {
      await lock.release();
      throw err;
    }
  }

  /** Opens an existing WAL, replays it and repairs a torn tail of the last segment. */
  static async open(dir: string, options?: WalOptions): Promise<WalOpenResult> {
    const opts = resolveOptions(options);
    let lock: DirLock;
    try {
      lock = await DirLock.acquire(dir);
    } catch (err) {
      if (errCode(err) === 'ENOENT') throw new WalNotFoundError(dir);
      throw err;
    }
    let fd = -1;
    try {
      const segments = await readSegmentNames(dir);
      if (segments.length === 0) throw new WalNotFoundError(dir);
      const tornTailMaxBytes = Math.max(opts.maxBatchBytes, DEFAULT_MAX_BATCH_BYTES);
      const r = await replaySegments(dir, segments, tornTailMaxBytes);
      const last = segments[segments.length - 1];
      fd = await openFd(path.join(dir, last.name), segmentFlags(false, !opts.unsafeNoFsync));
      let repaired: WalRepair | null = null;
      const wal = new Wal(dir, r.meta, opts, lock, segments, fd, r.lastSegmentValidBytes, r.lastIndex, r.hardState);
      if (r.tornBytes > 0) {
        await ftruncate(fd, r.lastSegmentValidBytes);
        if (!opts.unsafeNoFsync) {
          await fdatasync(fd);
          wal.counters.fsyncs++;
        }
        repaired = { truncatedBytes: r.tornBytes };
        opts.logger('wal: repaired torn tail', { file: last.name, offset: r.lastSegmentValidBytes, truncatedBytes: r.tornBytes });
      }
      opts.logger('wal: opened', { dir, segments: segments.length, entries: r.entries.length, lastIndex: r.lastIndex });
      return { wal, meta: r.meta, hardState: r.hardState, entries: r.entries, repaired };
    } catch (err) {
      if (fd >= 0) await closeFd(fd).catch(() => undefined);
      await lock.release();
      throw err;
    }
  }

  /** Index of the last entry accepted by `append` (possibly not durable yet). */
  get lastIndex(): number {
    return this.appendedLastIndex;
  }

  stats(): WalStats {
    return { ...this.counters, segments: this.segments.length };
  }

  /**
   * Appends `entries` (contiguous; the first may be <= lastIndex to overwrite a conflicting suffix, but never
   * at or below the commit index) and then `hardState`, and resolves once all of it is durable.
   * An empty call resolves when everything appended before it is durable.
   */
  append(entries: readonly WalEntry[], hardState?: HardState): Promise<void> {
    if (this.closing !== null) return Promise.reject(new WalClosedError());
    if (this.failure !== null) return Promise.reject(new WalFailedError(this.failure));
    const bytes = this.checkAppend(entries, hardState);
    if (this.queuedBytes > 0 && this.queuedBytes + bytes > this.opts.maxQueuedBytes) {
      return Promise.reject(new WalOverloadedError(this.queuedBytes, this.opts.maxQueuedBytes));
    }
    let group: WriteGroup | undefined = this.queue[this.queue.length - 1];
    for (const e of entries) {
      group = this.groupWithRoom(entryFrameBytes(e.data.length));
      group.length = encodeEntry(group.buf, group.length, e);
      group.lastEntryIndex = e.index;
    }
    if (hardState !== undefined) {
      group = this.groupWithRoom(HARD_STATE_FRAME_BYTES);
      group.length = encodeHardState(group.buf, group.length, hardState);
      group.hardState = { term: hardState.term, vote: hardState.vote, commit: hardState.commit };
      this.appendedHardState = group.hardState;
    }
    if (entries.length > 0) this.appendedLastIndex = entries[entries.length - 1].index;
    this.queuedBytes += bytes;
    this.counters.appends++;
    if (group === undefined) return Promise.resolve();
    this.scheduleFlush();
    return group.promise;
  }

  /** Validates an append (throws AssertionError); returns its encoded size. */
  private checkAppend(entries: readonly WalEntry[], hardState: HardState | undefined): number {
    let bytes = 0;
    let prev: WalEntry | null = null;
    for (const e of entries) {
      assert.ok(Number.isSafeInteger(e.index) && Number.isSafeInteger(e.term) && e.term >= 0, 'entry index and term must be safe non-negative integers');
      if (prev === null) {
        assert.ok(e.index <= this.appendedLastIndex + 1, `entry ${e.index} leaves a gap after ${this.appendedLastIndex}`);
        assert.ok(e.index > this.appendedHardState.commit, `entry ${e.index} overwrites committed entries (commit ${this.appendedHardState.commit})`);
      } else {
        assert.ok(e.index === prev.index + 1, `entries not contiguous: ${e.index} after ${prev.index}`);
        assert.ok(e.term >= prev.term, `entry ${e.index} term ${e.term} < previous term ${prev.term}`);
      }
      assert.ok(e.data.length <= this.entryDataMaxBytes, `entry ${e.index} data of ${e.data.length} bytes exceeds ${this.entryDataMaxBytes} (maxBatchBytes)`);
      bytes += entryFrameBytes(e.data.length);
      prev = e;
    }
    if (hardState !== undefined) {
      assertHardState(hardState, this.appendedHardState, prev === null ? this.appendedLastIndex : prev.index);
      bytes += HARD_STATE_FRAME_BYTES;
    }
    return bytes;
  }

  /** The open group if `frameBytes` more fit in it (growing its buffer up to maxBatchBytes), else a new group. */
  private groupWithRoom(frameBytes: number): WriteGroup {
    const tail = this.queue[this.queue.length - 1];
    if (tail !== undefined && !tail.inFlight && tail.length + frameBytes <= this.opts.maxBatchBytes) {
      if (tail.length + frameBytes > tail.buf.length) tail.buf = this.grown(tail.buf, tail.length, tail.length + frameBytes);
      return tail;
    }
    let resolve!: () => void;
    let reject!: (err: Error) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => undefined); // a group no caller holds (an append spanning groups) must not be an unhandled rejection
    let buf = this.freeBuffers.pop() ?? Buffer.allocUnsafeSlow(Math.min(this.opts.maxBatchBytes, INITIAL_BATCH_BUFFER_BYTES));
    if (frameBytes > buf.length) buf = this.grown(buf, 0, frameBytes);
    const group: WriteGroup = { buf, length: 0, inFlight: false, lastEntryIndex: -1, hardState: null, promise, resolve, reject };
    this.queue.push(group);
    return group;
  }

  /** A larger batch buffer holding buf[0, used): at least `needBytes`, doubling, at most maxBatchBytes. */
  private grown(buf: Buffer, used: number, needBytes: number): Buffer {
    assert.ok(needBytes <= this.opts.maxBatchBytes);
    const next = Buffer.allocUnsafeSlow(Math.min(this.opts.maxBatchBytes, Math.max(needBytes, 2 * buf.length)));
    buf.copy(next, 0, 0, used);
    return next;
  }

  private scheduleFlush(): void {
    if (this.flushing) return;
    this.flushing = true;
    queueMicrotask(() => void this.flushLoop());
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.queue.length > 0 && this.failure === null) {
        const g = this.queue[0];
        g.inFlight = true;
        if (this.fileOffset >= this.opts.segmentSizeBytes) await this.rotate();
        // one system call per group: the segment is open with O_DSYNC, so the write returns once durable
        // (data and the file size, as fdatasync would make them), one thread-pool round trip instead of two
        await writeFully(this.fd, g.buf, g.length, this.fileOffset);
        if (!this.opts.unsafeNoFsync) this.counters.fsyncs++;
        this.groupDurable(g);
        // Let appenders woken by this group run (microtasks) and join the next group before it is sealed.
        if (this.queue.length > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } catch (err) {
      this.fail(err);
    } finally {
      this.flushing = false;
    }
  }

  private groupDurable(g: WriteGroup): void {
    assert.equal(this.queue[0], g);
    this.queue.shift();
    this.fileOffset += g.length;
    this.counters.bytesWritten += g.length;
    this.queuedBytes -= g.length;
    assert.ok(this.queuedBytes >= 0);
    if (g.lastEntryIndex >= 0) this.writtenLastIndex = g.lastEntryIndex;
    if (g.hardState !== null) this.writtenHardState = g.hardState;
    if (this.freeBuffers.length < FREE_BATCH_BUFFERS_MAX) this.freeBuffers.push(g.buf);
    g.resolve();
  }

  private fail(err: unknown): void {
    this.failure = err;
    this.opts.logger('wal: I/O failure, refusing further appends', { error: err instanceof Error ? err.message : String(err) });
    const failed = new WalFailedError(err);
    for (const g of this.queue.splice(0)) g.reject(failed);
    this.queuedBytes = 0;
  }

  /** Writes a new segment file (preamble durable before it is named) and makes it the open segment. */
  private async createSegment(seg: SegmentName): Promise<void> {
    const finalPath = path.join(this.dir, seg.name);
    const tmpPath = finalPath.slice(0, -'.wal'.length) + SEGMENT_TMP_SUFFIX;
    const preamble = encodeSegmentPreamble(seg.seq, seg.firstIndex, this.meta, this.writtenHardState);
    const fd = await openFd(tmpPath, segmentFlags(true, !this.opts.unsafeNoFsync));
    try {
      await writeFully(fd, preamble, preamble.length, 0); // durable on return: O_DSYNC
      if (!this.opts.unsafeNoFsync) this.counters.fsyncs++;
      await fsp.rename(tmpPath, finalPath);
      if (!this.opts.unsafeNoFsync) {
        await fsyncDir(this.dir);
        this.counters.fsyncs++;
      }
    } catch (err) {
      await closeFd(fd).catch(() => undefined);
      throw err;
    }
    const oldFd = this.fd;
    this.fd = fd;
    this.fileOffset = preamble.length;
    this.segments.push(seg);
    this.counters.bytesWritten += preamble.length;
    if (oldFd >= 0) await closeFd(oldFd);
  }

  private async rotate(): Promise<void> {
    const prev = this.segments[this.segments.length - 1];
    const seg = { seq: prev.seq + 1, firstIndex: this.writtenLastIndex + 1, name: formatSegmentName(prev.seq + 1, this.writtenLastIndex + 1) };
    await this.createSegment(seg);
    this.opts.logger('wal: new segment', { file: seg.name, previousBytes: this.fileOffset });
  }

  /**
   * Deletes the oldest segments whose live entries are all below `index` (typically a Raft snapshot index).
   * Never deletes the open segment. Segments are removed oldest first, so a crash leaves a valid suffix.
   */
  releaseBefore(index: number): Promise<void> {
    if (this.closing !== null) return Promise.reject(new WalClosedError());
    assert.ok(Number.isSafeInteger(index), 'releaseBefore index must be a safe integer');
    const run = this.releaseChain.catch(() => undefined).then(() => this.releaseSegments(index));
    this.releaseChain = run;
    return run;
  }

  private async releaseSegments(index: number): Promise<void> {
    // Every live entry of segments [0, k] is below segments[k + 1].firstIndex (the log's end when k + 1 was
    // created; later overwrites only lower it), so they can go when that index is <= `index`.
    let count = 0;
    for (let k = 0; k < this.segments.length - 1; k++) if (this.segments[k + 1].firstIndex <= index) count = k + 1;
    if (count === 0) return;
    const removed: string[] = [];
    for (let i = 0; i < count; i++) {
      const seg = this.segments[0];
      await fsp.unlink(path.join(this.dir, seg.name));
      this.segments.shift();
      removed.push(seg.name);
    }
    if (!this.opts.unsafeNoFsync) {
      await fsyncDir(this.dir);
      this.counters.fsyncs++;
    }
    this.opts.logger('wal: released segments', { before: index, files: removed });
  }

  /** Waits for accepted appends and releases to finish, then closes the file and releases the lock. */
  close(): Promise<void> {
    if (this.closing === null) this.closing = this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    const tail = this.queue[this.queue.length - 1];
    if (tail !== undefined) await tail.promise.catch(() => undefined);
    await this.releaseChain.catch(() => undefined);
    try {
      if (this.fd >= 0) await closeFd(this.fd);
      this.fd = -1;
    } finally {
      await this.lock.release();
    }
  }
}
