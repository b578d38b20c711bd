// etcd 3.7's RangeStream semantics (etcdserver v3_server.go rangeStream, v3rpc key.go checkRangeStreamRequest)
// over a pinned read of the store: the KeyValues of one Range, in key order, a chunk at a time; the last chunk
// alone carries the header revision, `more` and `count`, so merging every chunk gives the Range answer.
// cairn pins one LMDB snapshot for the whole stream (etcd pins a revision and reads it chunk by chunk), so a
// compaction during the stream cannot fail it, and chunks are cut by bytes rather than by an adapted limit.
import { EtcdError, GrpcCode } from '../../errors';
import { toNumber, type etcdserverpb } from '../../api/proto';
import { KeyValueView, rangeEndOf, readKeyValueView, stripValue, type KvReader } from '../../storage/mvcc';
import { range } from './kv-apply';

/** The store as one pinned snapshot (storage/mvcc PinnedRead). */
export interface PinnedKvReader extends KvReader {
  rangeChunk(key: Uint8Array, end: Uint8Array, revision: number, limit: number, maxBytes: number): { kvs: Buffer[]; more: boolean };
  close(): void;
}

export interface RangeStreamChunk {
  readonly kvs: readonly Uint8Array[];
  /** the last chunk: it carries `revision` (the header's), `more` and `count` */
  readonly last: boolean;
  readonly revision: number;
  readonly more: boolean;
  readonly count: number;
}

const NONE = 0;
const ASCEND = 1;
const TARGET_KEY = 0;

/** What RangeStream refuses on top of Range's own checks (validateRange), with etcd's codes and messages. */
export function validateRangeStream(r: etcdserverpb.IRangeRequest): void {
  const order = r.sortOrder ?? NONE;
  if (!(order === NONE || ((r.sortTarget ?? TARGET_KEY) === TARGET_KEY && order === ASCEND))) {
    throw new EtcdError(GrpcCode.UNIMPLEMENTED, 'RangeStream does not support custom sort orders');
  }
  if (toNumber(r.minModRevision) !== 0 || toNumber(r.maxModRevision) !== 0 || toNumber(r.minCreateRevision) !== 0 || toNumber(r.maxCreateRevision) !== 0) {
    throw new EtcdError(GrpcCode.UNIMPLEMENTED, 'RangeStream does not support revision filters');
  }
}

const view = new KeyValueView();

/** Reads one RangeStream's chunks from a pinned reader; owns the reader and closes it when done or closed. */
export class RangeStreamCursor {
  private readonly end: Uint8Array | null;
  private readonly revision: number;
  private readonly limit: number;
  private next: Uint8Array;
  private sent = 0;
  private done = false;

  /** `chunkBytes`: a chunk ends once its KeyValues reach this many bytes (at least one KeyValue per chunk) */
  constructor(private readonly reader: PinnedKvReader, private readonly r: etcdserverpb.IRangeRequest, private readonly chunkBytes: number) {
    this.end = rangeEndOf(r.rangeEnd);
    this.revision = Math.max(toNumber(r.revision), 0);
    this.limit = Math.max(toNumber(r.limit), 0);
    this.next = r.key ?? new Uint8Array(0);
  }

  /** The next chunk, or undefined after the last; throws an EtcdError (e.g. a compacted revision) on the first. */
  read(): RangeStreamChunk | undefined {
    if (this.done) return undefined;
    try {
      const chunk = this.readChunk();
      if (chunk.last) this.close();
      return chunk;
    } catch (err) {
      this.close();
      throw err;
    }
  }

  close(): void {
    this.done = true;
    this.reader.close();
  }

  private readChunk(): RangeStreamChunk {
    const end = this.end;
    if (end === null || this.r.countOnly) {
      // one key, or only the count: Range's own answer is the single chunk
      const rr = range(this.reader, this.r);
      return { kvs: rr.kvs, last: true, revision: rr.revision, more: rr.more, count: rr.count };
    }
    const left = this.limit === 0 ? 0 : this.limit - this.sent;
    const c = this.reader.rangeChunk(this.next, end, this.revision, left, this.chunkBytes);
    this.sent += c.kvs.length;
    const last = !c.more || (this.limit !== 0 && this.sent === this.limit);
    if (c.kvs.length > 0) {
      readKeyValueView(c.kvs[c.kvs.length - 1], view);
      const lastKey = c.kvs[c.kvs.length - 1].subarray(view.keyStart, view.keyEnd);
      this.next = Buffer.concat([lastKey, ZERO]); // the smallest key after it
    }
    const kvs = this.r.keysOnly ? c.kvs.map(stripValue) : c.kvs;
    if (!last) return { kvs, last, revision: 0, more: false, count: 0 };
    // the limit stopped the stream with keys left: count them once, as Range counts every key in the range
    const rest = c.more ? this.reader.range(this.next, end, this.revision, 0, true).count : 0;
    return { kvs, last, revision: this.reader.revision, more: c.more, count: this.sent + rest };
  }
}

const ZERO = Buffer.from([0]);
