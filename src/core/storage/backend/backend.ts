// The storage backend: one LMDB environment (a single file, e.g. `<data-dir>/member/snap/db`) holding named
// buckets with binary keys and values. This is the only module that imports `lmdb`; the server and the offline
// tools open a data dir through `Backend.open` the same way.
//
// Durability guarantee (read this before relying on a commit): the environment runs with `noSync` and
// `useWritemap`. A returned `writeSync` means the transaction is committed and visible to every later read, in
// this process and others, and it survives a crash of this process (kill -9): the pages live in the OS page
// cache. It is NOT durable against an OS crash or power loss, and LMDB without sync may reuse pages of the last
// synced snapshot, so after an OS crash the file can be torn, not just stale. The WAL is the source of truth:
// the server must keep WAL entries above the consistent index of the last `flush()` and treat the backend as
// rebuildable (snapshot + WAL) after an unclean OS shutdown. `flush()`/`flushSync()` make everything committed so
// far durable.
import assert from 'node:assert';
import { open, type Database, type RootDatabase, type Transaction } from 'lmdb';
import { crc32c } from '../../util/crc32c';

export interface BackendOptions {
  /** initial size of the memory map; LMDB (lmdb-js) grows it when the data outgrows it */
  readonly mapSizeBytes: number;
  /** names of the buckets (LMDB named databases) to open; created when missing unless read-only */
  readonly buckets: readonly string[];
  /** open without write access (offline inspection); every bucket must already exist */
  readonly readOnly?: boolean;
}

/** Named databases per environment at most (LMDB's maxDbs): every bucket of the schema plus room to grow. */
export const maxBucketsPerBackend = 32;

/** A key/value pair read from a bucket; both are fresh copies owned by the caller. */
export interface BucketEntry {
  readonly key: Buffer;
  readonly value: Buffer;
}

/** A pinned read snapshot: reads through it see the database as of `Backend.snapshot()`. Call `done()`. */
export interface ReadSnapshot {
  done(): void;
}

/** The lmdb-js read transaction behind a snapshot (shared between snapshots taken in the same turn). */
const kTxn = Symbol('lmdb read transaction');
interface TrackedSnapshot extends ReadSnapshot {
  readonly [kTxn]: Transaction;
}

function txnOf(snapshot: ReadSnapshot): Transaction {
  return (snapshot as TrackedSnapshot)[kTxn];
}

/** Bounds of a key range scan: `start` inclusive (exclusive with `exclusiveStart`), `end` exclusive (inclusive with `inclusiveEnd`), absent = unbounded. */
export interface ScanBounds {
  readonly start?: Uint8Array;
  readonly end?: Uint8Array;
  readonly exclusiveStart?: boolean;
  readonly inclusiveEnd?: boolean;
  readonly reverse?: boolean;
  readonly limit?: number;
  readonly snapshot?: ReadSnapshot;
}

interface FastGetWithTxn {
  getBinaryFast(key: Uint8Array, options: { transaction: Transaction }): Buffer | undefined;
}

/**
 * One named database. Reads outside a write transaction run on lmdb-js's implicit read transaction, which is a
 * consistent snapshot for the duration of one synchronous call sequence (it is renewed on a new event-loop turn
 * and after each commit); use `Backend.snapshot()` to keep a snapshot across turns. Reads inside `writeSync` see
 * that transaction's own writes.
 */
export class Bucket {
  /** @internal */
  constructor(
    readonly name: string,
    /** @internal */ readonly db: Database<Buffer, Uint8Array>,
  ) {}

  /** The value at `key` as a fresh Buffer, or undefined. */
  get(key: Uint8Array, snapshot?: ReadSnapshot): Buffer | undefined {
    if (snapshot) return this.db.get(key, { transaction: txnOf(snapshot) });
    return this.db.getBinary(key);
  }

  /**
   * The value at `key` in a reused buffer: valid only until the next read on any bucket of this backend.
   * Cheapest read; copy what you keep.
   */
  getFast(key: Uint8Array, snapshot?: ReadSnapshot): Buffer | undefined {
    // lmdb-js takes the transaction option here as in get() (read.js); its typings omit it
    if (snapshot) return (this.db as unknown as FastGetWithTxn).getBinaryFast(key, { transaction: txnOf(snapshot) });
    return this.db.getBinaryFast(key);
  }

  /** Entries in key order within `bounds`. Iterate it promptly (it holds a cursor while iterated). */
  scan(bounds: ScanBounds): Iterable<BucketEntry> {
    return this.db.getRange(toRangeOptions(bounds)) as Iterable<BucketEntry>;
  }

  /** Keys in key order within `bounds`. */
  keys(bounds: ScanBounds): Iterable<Buffer> {
    return this.db.getKeys(toRangeOptions(bounds)) as Iterable<Buffer>;
  }

  /** Number of entries within `bounds` (counted natively, without materialising them). */
  count(bounds: ScanBounds): number {
    return this.db.getCount(toRangeOptions(bounds));
  }

  /** This bucket read through `snapshot`: every read of the view sees the database as of that snapshot. */
  pinned(snapshot: ReadSnapshot): Bucket {
    return new PinnedBucket(this.name, this.db, snapshot);
  }

  /** Entries in the bucket, from the B-tree's own count (O(1), no scan). */
  entryCount(): number {
    return (this.db.getStats() as { entryCount: number }).entryCount;
  }

  /** B-tree pages this bucket occupies (branch + leaf + overflow). */
  pages(): number {
    const s = this.db.getStats() as { treeBranchPageCount: number; treeLeafPageCount: number; overflowPages: number };
    return s.treeBranchPageCount + s.treeLeafPageCount + s.overflowPages;
  }
}

/** A bucket whose reads all go through one pinned snapshot (see Bucket.pinned); it is never written. */
class PinnedBucket extends Bucket {
  constructor(name: string, db: Database<Buffer, Uint8Array>, private readonly snap: ReadSnapshot) {
    super(name, db);
  }

  override get(key: Uint8Array): Buffer | undefined {
    return super.get(key, this.snap);
  }

  override getFast(key: Uint8Array): Buffer | undefined {
    return super.getFast(key, this.snap);
  }

  override scan(bounds: ScanBounds): Iterable<BucketEntry> {
    return super.scan({ ...bounds, snapshot: this.snap });
  }

  override keys(bounds: ScanBounds): Iterable<Buffer> {
    return super.keys({ ...bounds, snapshot: this.snap });
  }

  override count(bounds: ScanBounds): number {
    return super.count({ ...bounds, snapshot: this.snap });
  }

  override pinned(snapshot: ReadSnapshot): Bucket {
    return new PinnedBucket(this.name, this.db, snapshot);
  }
}

function toRangeOptions(b: ScanBounds): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (b.start !== undefined) o.start = b.start;
  if (b.end !== undefined) o.end = b.end;
  if (b.exclusiveStart) o.exclusiveStart = true;
  if (b.inclusiveEnd) o.inclusiveEnd = true;
  if (b.reverse) o.reverse = true;
  if (b.limit !== undefined && b.limit > 0) o.limit = b.limit;
  if (b.snapshot) o.transaction = txnOf(b.snapshot);
  return o;
}

/** Write access, only inside `Backend.writeSync`. */
export interface BackendWriteTxn {
  put(bucket: Bucket, key: Uint8Array, value: Uint8Array): void;
  /** Puts a key greater than every key of the bucket (LMDB append: cheaper). Asserts the order. */
  append(bucket: Bucket, key: Uint8Array, value: Uint8Array): void;
  /** Removes `key`; true when it existed. */
  remove(bucket: Bucket, key: Uint8Array): boolean;
}

const APPEND = Object.freeze({ append: true });

class WriteTxn implements BackendWriteTxn {
  active = false;

  put(bucket: Bucket, key: Uint8Array, value: Uint8Array): void {
    assert(this.active, 'backend: write outside writeSync');
    bucket.db.putSync(key, value as Buffer);
  }

  append(bucket: Bucket, key: Uint8Array, value: Uint8Array): void {
    assert(this.active, 'backend: write outside writeSync');
    // lmdb-js reports a refused MDB_APPEND (key not above the last one) by returning false
    const ok = bucket.db.putSync(key, value as Buffer, APPEND) as unknown as boolean;
    assert(ok, `backend: append out of key order in ${bucket.name}`);
  }

  remove(bucket: Bucket, key: Uint8Array): boolean {
    assert(this.active, 'backend: write outside writeSync');
    return bucket.db.removeSync(key);
  }
}

interface NativeEnv {
  info(): { mapSize: number; lastPageNumber: number; lastTxnId: number };
  sync(callback?: (err?: Error) => void): void;
}

export class Backend {
  private readonly buckets = new Map<string, Bucket>();
  private readonly txn = new WriteTxn();
  private closed = false;
  private openSnapshots = 0;
  private onIdle: (() => void) | null = null;

  private readonly pageSizeBytes: number;

  private constructor(
    readonly path: string,
    private readonly root: RootDatabase<Buffer, Uint8Array>,
    readonly readOnly: boolean,
  ) {
    this.pageSizeBytes = (root.getStats() as { pageSize: number }).pageSize;
  }

  /** Opens (creating unless read-only) the environment file at `path` and the given buckets. */
  static open(path: string, opts: BackendOptions): Backend {
    assert(opts.buckets.length + 1 <= maxBucketsPerBackend, 'backend: too many buckets');
    const readOnly = opts.readOnly === true;
    const root = open<Buffer, Uint8Array>(path, {
      noSubdir: true,
      maxDbs: maxBucketsPerBackend,
      mapSize: opts.mapSizeBytes,
      keyEncoding: 'binary',
      encoding: 'binary',
      // not durable by design: see the header comment (the WAL is the source of truth)
      noSync: true,
      useWritemap: !readOnly,
      overlappingSync: false,
      readOnly,
    });
    const backend = new Backend(path, root, readOnly);
    for (const name of opts.buckets) {
      const db = root.openDB<Buffer, Uint8Array>({ name, keyEncoding: 'binary', encoding: 'binary' });
      backend.buckets.set(name, new Bucket(name, db));
    }
    return backend;
  }

  bucket(name: string): Bucket {
    const b = this.buckets.get(name);
    assert(b, `backend: unknown bucket ${name}`);
    return b;
  }

  /** Longest key LMDB stores (bytes). Longer keys cannot exist in any bucket. */
  get maxKeyBytes(): number {
    return (this.root as unknown as { maxKeySize: number }).maxKeySize;
  }

  /**
   * Runs `fn` in one synchronous LMDB write transaction and commits it (not durably: see the header). If `fn`
   * throws, the transaction is aborted and nothing of it is visible. Not reentrant.
   */
  writeSync<T>(fn: (w: BackendWriteTxn) => T): T {
    assert(!this.readOnly, 'backend: read-only');
    assert(!this.closed, 'backend: closed');
    assert(!this.txn.active, 'backend: nested writeSync');
    const txn = this.txn;
    return this.root.transactionSync(() => {
      txn.active = true;
      try {
        return fn(txn);
      } finally {
        txn.active = false;
      }
    });
  }

  /** A read snapshot pinned until `done()` (long-held snapshots keep LMDB from reusing freed pages). */
  snapshot(): ReadSnapshot {
    const txn = this.root.useReadTransaction() as Transaction & { done(): void };
    // counted, so an environment replaced by a defragmented copy is closed only once its last reader is done
    this.openSnapshots++;
    let released = false;
    const snap: TrackedSnapshot = {
      [kTxn]: txn,
      done: () => {
        if (released) return;
        released = true;
        txn.done();
        this.openSnapshots--;
        if (this.openSnapshots === 0 && this.onIdle !== null) this.onIdle();
      },
    };
    return snap;
  }

  /**
   * CRC-32C over every bucket (in name order: its name, then each key and value in key order) as of one pinned
   * snapshot, except the entries `ignore` names (etcd's backend Hash). Yields to the event loop every
   * `chunk` entries, so a large backend does not stall the member.
   */
  async hashAll(ignore: (bucket: string, key: Uint8Array) => boolean, chunk = 10_000): Promise<number> {
    const snap = this.snapshot();
    try {
      let crc = 0;
      for (const name of [...this.buckets.keys()].sort()) {
        const bucket = this.bucket(name);
        crc = crc32c(Buffer.from(name), 0, name.length, crc);
        let after: Buffer | undefined;
        for (;;) {
          let n = 0;
          for (const { key, value } of bucket.scan({ start: after, exclusiveStart: after !== undefined, limit: chunk, snapshot: snap })) {
            n++;
            after = key;
            if (ignore(name, key)) continue;
            crc = crc32c(value, 0, value.length, crc32c(key, 0, key.length, crc));
          }
          if (n < chunk) break;
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
      return crc;
    } finally {
      snap.done();
    }
  }

  /**
   * Closes the environment once no pinned snapshot is open (a backend replaced by a defragmented copy keeps
   * serving the range streams that started on it until they end).
   */
  closeWhenIdle(): Promise<void> {
    if (this.openSnapshots === 0) return this.close();
    return new Promise<void>((resolve, reject) => {
      this.onIdle = () => {
        this.onIdle = null;
        this.close().then(resolve, reject);
      };
    });
  }

  /** Bytes the file occupies up to its highest used page (what etcd reports as db size). */
  sizeBytes(): number {
    const info = this.env().info();
    return (info.lastPageNumber + 1) * this.pageSizeBytes;
  }

  /** Bytes in pages reachable from the current snapshot (the rest of `sizeBytes` is free for reuse). */
  sizeInUseBytes(): number {
    let pages = 2; // two meta pages
    const s = this.root.getStats() as { root: { treeBranchPageCount: number; treeLeafPageCount: number; overflowPages: number }; free: { treeBranchPageCount: number; treeLeafPageCount: number; overflowPages: number } };
    pages += s.root.treeBranchPageCount + s.root.treeLeafPageCount + s.root.overflowPages;
    pages += s.free.treeBranchPageCount + s.free.treeLeafPageCount + s.free.overflowPages;
    for (const b of this.buckets.values()) pages += b.pages();
    return Math.min(pages * this.pageSizeBytes, this.sizeBytes());
  }

  /** Makes every committed transaction durable, blocking the thread (fsync). */
  flushSync(): void {
    this.env().sync();
  }

  /** Makes every committed transaction durable, off the main thread. */
  flush(): Promise<void> {
    return new Promise((resolve, reject) => this.env().sync((err) => (err ? reject(err) : resolve())));
  }

  /** Writes a consistent copy of the environment to `path` (compacted: free pages left out). */
  copyTo(path: string, compact = true): Promise<void> {
    return this.root.backup(path, compact);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.root.close();
  }

  private env(): NativeEnv {
    return (this.root as unknown as { env: NativeEnv }).env;
  }
}
