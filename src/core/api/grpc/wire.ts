// Hand-rolled protobuf encoding for the hot responses (Range, Put, DeleteRange, Txn). Stored key-values are
// already encoded mvccpb.KeyValue bytes; these encoders splice them in as they are, compute every length once
// up front and write the whole gRPC frame (5-byte prefix + message) into one Buffer: no re-encoding, no
// second pass to learn a size. Field numbers follow proto/rpc.proto.
import assert from 'node:assert';
import type { FrameStream } from '../transport/types';

/** Bytes a non-negative integer (< 2^53) takes as a varint. */
export function varintSize(n: number): number {
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  if (n < 0x10000000) return 4;
  let size = 4;
  n = Math.floor(n / 0x10000000);
  while (n > 0) { size++; n = Math.floor(n / 0x80); }
  return size;
}

/** A varint of a uint64 (ids), precomputed once. */
export function varintBytesOfBigint(v: bigint): Buffer {
  const out: number[] = [];
  while (v > 0x7fn) { out.push(Number(v & 0x7fn) | 0x80); v >>= 7n; }
  out.push(Number(v));
  return Buffer.from(out);
}

/** Sequential writer over one preallocated Buffer. */
export class FrameWriter {
  readonly buf: Buffer;
  pos: number;

  /**
   * A gRPC frame for a message of `messageSize` bytes: the 5-byte prefix is written here, into a new buffer or
   * into `into` at `at` (then the frame's message size is `intoMessageSize`).
   */
  constructor(messageSize: number, into?: Buffer, at = 0, intoMessageSize = 0) {
    this.buf = into ?? Buffer.allocUnsafe(5 + messageSize);
    const size = into ? intoMessageSize : messageSize;
    this.buf[at] = 0;
    this.buf.writeUInt32BE(size, at + 1);
    this.pos = at + 5;
  }

  byte(b: number): void { this.buf[this.pos++] = b; }

  varint(n: number): void {
    const buf = this.buf;
    let pos = this.pos;
    while (n >= 0x80000000) { buf[pos++] = (n % 0x80) | 0x80; n = Math.floor(n / 0x80); }
    while (n > 0x7f) { buf[pos++] = (n & 0x7f) | 0x80; n >>>= 7; }
    buf[pos++] = n;
    this.pos = pos;
  }

  raw(bytes: Uint8Array): void {
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** A length-delimited field holding `bytes` as they are. */
  bytesField(tag: number, bytes: Uint8Array): void {
    this.byte(tag);
    this.varint(bytes.length);
    this.raw(bytes);
  }

  finish(): Buffer {
    if (this.pos !== this.buf.length) throw new Error(`wire: wrote ${this.pos} of ${this.buf.length} bytes`);
    return this.buf;
  }
}

/** The fields every response header carries: fixed per member (ids) plus per-response revision and term. */
export interface HeaderFields {
  /** varint-encoded cluster id and member id fields (tags included), precomputed. */
  readonly idBytes: Buffer;
  revision: number;
  raftTerm: number;
}

/** Precomputes the id part of a ResponseHeader: field 1 cluster_id, field 2 member_id. */
export function headerIdBytes(clusterId: bigint, memberId: bigint): Buffer {
  const parts: Buffer[] = [];
  if (clusterId !== 0n) parts.push(Buffer.from([0x08]), varintBytesOfBigint(clusterId));
  if (memberId !== 0n) parts.push(Buffer.from([0x10]), varintBytesOfBigint(memberId));
  return Buffer.concat(parts);
}

function headerSize(h: HeaderFields): number {
  return h.idBytes.length + (h.revision !== 0 ? 1 + varintSize(h.revision) : 0) + (h.raftTerm !== 0 ? 1 + varintSize(h.raftTerm) : 0);
}

function writeHeader(w: FrameWriter, h: HeaderFields, size: number): void {
  w.byte(0x0a);
  w.varint(size);
  w.raw(h.idBytes);
  if (h.revision !== 0) { w.byte(0x18); w.varint(h.revision); }
  if (h.raftTerm !== 0) { w.byte(0x20); w.varint(h.raftTerm); }
}

/** A header that only carries a revision (etcd's nested responses inside a Txn). */
export function revisionOnlyHeader(revision: number): HeaderFields {
  return { idBytes: EMPTY, revision, raftTerm: 0 };
}
const EMPTY = Buffer.alloc(0);

const lenField = (n: number) => 1 + varintSize(n) + n;
const repeatedSize = (items: readonly Uint8Array[]) => {
  let s = 0;
  for (let i = 0; i < items.length; i++) s += lenField(items[i].length);
  return s;
};

// ---- result shapes produced by the apply layer (encoded KeyValues as bytes) ----
/** KeyValues already encoded as the repeated `kvs` field in buf[start, end), with room around them (see storage). */
export interface EncodedKvsOut { readonly buf: Buffer; readonly start: number; readonly end: number }
/** The `kvs` fields of a large range, produced a piece at a time (storage's EncodedKvsStream). */
export interface KvsPieces {
  /** bytes of all the `kvs` fields */
  readonly size: number;
  /** the next whole fields, about `maxBytes`, or undefined after the last */
  next(maxBytes: number): Buffer | undefined;
  close(): void;
}
export interface RangeOut { header: HeaderFields; kvs: readonly Uint8Array[]; encoded?: EncodedKvsOut; stream?: KvsPieces; more: boolean; count: number }
export interface PutOut { header: HeaderFields; prevKv?: Uint8Array | null }
export interface DeleteOut { header: HeaderFields; deleted: number; prevKvs: readonly Uint8Array[] }
export interface TxnOut { header: HeaderFields; succeeded: boolean; responses: readonly OpOut[] }
export type OpOut = { range: RangeOut } | { put: PutOut } | { deleteRange: DeleteOut } | { txn: TxnOut };

// Sizes are computed per message body; `sizeX` excludes the message's own tag+length.
function sizeRange(r: RangeOut): number {
  const kvsSize = r.encoded ? r.encoded.end - r.encoded.start : repeatedSize(r.kvs);
  return lenField(headerSize(r.header)) + kvsSize + rangeTailSize(r.more, r.count);
}
/** RangeResponse's fields after the KeyValues: more (3), count (4). */
function rangeTailSize(more: boolean, count: number): number {
  return (more ? 2 : 0) + (count !== 0 ? 1 + varintSize(count) : 0);
}
function writeRangeTail(w: FrameWriter, more: boolean, count: number): void {
  if (more) { w.byte(0x18); w.byte(1); }
  if (count !== 0) { w.byte(0x20); w.varint(count); }
}
function sizePut(r: PutOut): number {
  return lenField(headerSize(r.header)) + (r.prevKv ? lenField(r.prevKv.length) : 0);
}
function sizeDelete(r: DeleteOut): number {
  return lenField(headerSize(r.header)) + (r.deleted !== 0 ? 1 + varintSize(r.deleted) : 0) + repeatedSize(r.prevKvs);
}
function sizeOp(op: OpOut): number {
  if ('range' in op) return lenField(sizeRange(op.range));
  if ('put' in op) return lenField(sizePut(op.put));
  if ('deleteRange' in op) return lenField(sizeDelete(op.deleteRange));
  return lenField(sizeTxn(op.txn));
}
function sizeTxn(r: TxnOut): number {
  let s = lenField(headerSize(r.header)) + (r.succeeded ? 2 : 0);
  for (const op of r.responses) s += lenField(sizeOp(op));
  return s;
}

function writeRange(w: FrameWriter, r: RangeOut): void {
  writeHeader(w, r.header, headerSize(r.header));
  if (r.encoded) w.raw(r.encoded.buf.subarray(r.encoded.start, r.encoded.end));
  else for (let i = 0; i < r.kvs.length; i++) w.bytesField(0x12, r.kvs[i]);
  writeRangeTail(w, r.more, r.count);
}
function writePut(w: FrameWriter, r: PutOut): void {
  writeHeader(w, r.header, headerSize(r.header));
  if (r.prevKv) w.bytesField(0x12, r.prevKv);
}
function writeDelete(w: FrameWriter, r: DeleteOut): void {
  writeHeader(w, r.header, headerSize(r.header));
  if (r.deleted !== 0) { w.byte(0x10); w.varint(r.deleted); }
  for (let i = 0; i < r.prevKvs.length; i++) w.bytesField(0x1a, r.prevKvs[i]);
}
function writeOp(w: FrameWriter, op: OpOut): void {
  if ('range' in op) { w.byte(0x0a); w.varint(sizeRange(op.range)); writeRange(w, op.range); return; }
  if ('put' in op) { w.byte(0x12); w.varint(sizePut(op.put)); writePut(w, op.put); return; }
  if ('deleteRange' in op) { w.byte(0x1a); w.varint(sizeDelete(op.deleteRange)); writeDelete(w, op.deleteRange); return; }
  w.byte(0x22); w.varint(sizeTxn(op.txn)); writeTxn(w, op.txn);
}
function writeTxn(w: FrameWriter, r: TxnOut): void {
  writeHeader(w, r.header, headerSize(r.header));
  if (r.succeeded) { w.byte(0x10); w.byte(1); }
  for (const op of r.responses) { w.byte(0x1a); w.varint(sizeOp(op)); writeOp(w, op); }
}

/** The Range answer for the transport: a whole frame, or for a streamed range the frame in pieces. */
export function frameRangeResponse(r: RangeOut): Buffer | FrameStream {
  return r.stream ? new RangeFramePieces(r, r.stream) : frameRange(r);
}

/** A whole gRPC frame (prefix + RangeResponse). */
export function frameRange(r: RangeOut): Buffer {
  assert(r.stream === undefined, 'wire: a streamed range is framed by frameRangeResponse');
  if (r.encoded) return frameRangeInPlace(r, r.encoded);
  const w = new FrameWriter(sizeRange(r));
  writeRange(w, r);
  return w.finish();
}
/** Pieces of a streamed range: header part (prefix + header), then the KeyValues, then `more` and `count`. */
export const rangePieceBytes = 256 * 1024;

class RangeFramePieces implements FrameStream {
  readonly frameBytes: number;
  private stage = 0;
  private sent = 0;

  constructor(private readonly r: RangeOut, private readonly kvs: KvsPieces) {
    const hs = headerSize(r.header);
    this.frameBytes = 5 + lenField(hs) + kvs.size + this.tailBytes();
  }

  private tailBytes(): number {
    return rangeTailSize(this.r.more, this.r.count);
  }

  next(): Uint8Array | undefined {
    const piece = this.piece();
    if (piece !== undefined) this.sent += piece.length;
    else assert(this.sent === this.frameBytes, 'wire: streamed range pieces do not add up to the frame');
    return piece;
  }

  private piece(): Uint8Array | undefined {
    const r = this.r;
    if (this.stage === 0) {
      this.stage = 1;
      const hs = headerSize(r.header);
      const w = new FrameWriter(0, Buffer.allocUnsafe(5 + lenField(hs)), 0, this.frameBytes - 5);
      writeHeader(w, r.header, hs);
      return w.buf;
    }
    if (this.stage === 1) {
      const kvs = this.kvs.next(rangePieceBytes);
      if (kvs !== undefined) return kvs;
      this.stage = 2;
    }
    if (this.stage === 2) {
      this.stage = 3;
      const tail = this.tailBytes();
      if (tail === 0) return this.piece();
      // a FrameWriter writes a prefix first: the tail is what follows it
      const w = new FrameWriter(tail);
      writeRangeTail(w, r.more, r.count);
      return w.buf.subarray(5);
    }
    return undefined;
  }

  close(): void {
    this.kvs.close();
  }
}

/** One RangeStream chunk: some of the KeyValues; the last chunk alone carries the header, `more` and `count`. */
export interface RangeChunkOut {
  readonly header: HeaderFields | null;
  readonly kvs: readonly Uint8Array[];
  readonly more: boolean;
  readonly count: number;
}

/** A whole gRPC frame (prefix + RangeStreamResponse{range_response = 1}) for one RangeStream chunk. */
export function frameRangeStreamChunk(c: RangeChunkOut): Buffer {
  const hs = c.header ? headerSize(c.header) : 0;
  const inner = (c.header ? lenField(hs) : 0) + repeatedSize(c.kvs) + rangeTailSize(c.more, c.count);
  const w = new FrameWriter(lenField(inner));
  w.byte(0x0a);
  w.varint(inner);
  if (c.header) writeHeader(w, c.header, hs);
  for (let i = 0; i < c.kvs.length; i++) w.bytesField(0x12, c.kvs[i]);
  writeRangeTail(w, c.more, c.count);
  return w.finish();
}

/**
 * The frame built around KeyValues already encoded in their buffer: prefix and header go into the room before
 * them, `more` and `count` into the room after; the KeyValues are not copied again.
 */
function frameRangeInPlace(r: RangeOut, e: EncodedKvsOut): Buffer {
  const hs = headerSize(r.header);
  const tail = rangeTailSize(r.more, r.count);
  const messageSize = lenField(hs) + (e.end - e.start) + tail;
  const head = 5 + lenField(hs);
  if (head > e.start || e.end + tail > e.buf.length) {
    const w = new FrameWriter(messageSize);
    writeRange(w, r);
    return w.finish();
  }
  const frameStart = e.start - head;
  const w = new FrameWriter(0, e.buf, frameStart, messageSize);
  writeHeader(w, r.header, hs);
  w.pos = e.end;
  writeRangeTail(w, r.more, r.count);
  return e.buf.subarray(frameStart, w.pos);
}

export function framePut(r: PutOut): Buffer {
  const w = new FrameWriter(sizePut(r));
  writePut(w, r);
  return w.finish();
}
export function frameDelete(r: DeleteOut): Buffer {
  const w = new FrameWriter(sizeDelete(r));
  writeDelete(w, r);
  return w.finish();
}
export function frameTxn(r: TxnOut): Buffer {
  const w = new FrameWriter(sizeTxn(r));
  writeTxn(w, r);
  return w.finish();
}
/** A response whose only field is the header (CompactionResponse and many others). */
export function frameHeaderOnly(h: HeaderFields): Buffer {
  const hs = headerSize(h);
  const w = new FrameWriter(lenField(hs));
  writeHeader(w, h, hs);
  return w.finish();
}

// ---- Watch ----

/** One mvccpb.Event: its KeyValues already encoded (as stored, or etcd's {key, mod_revision} for a delete). */
export interface WatchEventOut {
  readonly type: 'PUT' | 'DELETE';
  readonly kv: Uint8Array;
  readonly prevKv?: Uint8Array;
}

export interface WatchResponseOut {
  readonly header: HeaderFields;
  /** -1: a progress response for every watcher of the stream (etcd 3.4's WatchProgressRequest answer) */
  readonly watchId: number;
  readonly created?: boolean;
  readonly canceled?: boolean;
  readonly compactRevision?: number;
  readonly cancelReason?: string;
  readonly fragment?: boolean;
  readonly events: readonly WatchEventOut[];
}

function eventSize(e: WatchEventOut): number {
  return (e.type === 'DELETE' ? 2 : 0) + lenField(e.kv.length) + (e.prevKv ? lenField(e.prevKv.length) : 0);
}

/** Bytes one event adds to a WatchResponse (field 11): for splitting fragments without encoding twice. */
export function watchEventFieldBytes(e: WatchEventOut): number {
  return lenField(eventSize(e));
}

/** int64 as protobuf writes it: negative values take ten bytes (two's complement). */
function int64Size(n: number): number {
  return n < 0 ? 10 : varintSize(n);
}
function writeInt64(w: FrameWriter, n: number): void {
  if (n >= 0) { w.varint(n); return; }
  let v = BigInt.asUintN(64, BigInt(n));
  for (let i = 0; i < 9; i++) { w.byte(Number(v & 0x7fn) | 0x80); v >>= 7n; }
  w.byte(Number(v));
}

/** A whole gRPC frame (prefix + WatchResponse) with the events' KeyValues spliced in as they are. */
export function frameWatchResponse(r: WatchResponseOut): Buffer {
  const hs = headerSize(r.header);
  const reason = r.cancelReason ? Buffer.from(r.cancelReason, 'utf8') : undefined;
  let size = lenField(hs) + (r.watchId !== 0 ? 1 + int64Size(r.watchId) : 0) + (r.created ? 2 : 0) + (r.canceled ? 2 : 0) +
    (r.compactRevision ? 1 + int64Size(r.compactRevision) : 0) + (reason ? lenField(reason.length) : 0) + (r.fragment ? 2 : 0);
  for (const e of r.events) size += watchEventFieldBytes(e);
  const w = new FrameWriter(size);
  writeHeader(w, r.header, hs);
  if (r.watchId !== 0) { w.byte(0x10); writeInt64(w, r.watchId); }
  if (r.created) { w.byte(0x18); w.byte(1); }
  if (r.canceled) { w.byte(0x20); w.byte(1); }
  if (r.compactRevision) { w.byte(0x28); writeInt64(w, r.compactRevision); }
  if (reason) w.bytesField(0x32, reason);
  if (r.fragment) { w.byte(0x38); w.byte(1); }
  for (const e of r.events) {
    w.byte(0x5a); // field 11, length-delimited
    w.varint(eventSize(e));
    if (e.type === 'DELETE') { w.byte(0x08); w.byte(1); }
    w.bytesField(0x12, e.kv);
    if (e.prevKv) w.bytesField(0x1a, e.prevKv);
  }
  return w.finish();
}
