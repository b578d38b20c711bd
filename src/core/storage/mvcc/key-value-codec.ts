// A hand-rolled protobuf codec for mvccpb.KeyValue (proto/kv.proto), byte-identical to etcd's gogo marshaller:
// fields in number order, zero/empty fields left out, int64 as varint (negative: 10 bytes).
//   1 key bytes | 2 create_revision | 3 mod_revision | 4 version | 5 value bytes | 6 lease
// Revisions and versions are numbers (< 2^53); the lease is an int64 id, kept exact as a bigint.
import assert from 'node:assert';

export interface KeyValueFields {
  readonly key: Uint8Array;
  readonly createRevision: number;
  readonly modRevision: number;
  readonly version: number;
  readonly value: Uint8Array;
  readonly lease: bigint;
}

const TAG_KEY = 0x0a;
const TAG_CREATE = 0x10;
const TAG_MOD = 0x18;
const TAG_VERSION = 0x20;
const TAG_VALUE = 0x2a;
const TAG_LEASE = 0x30;
const TWO_POW_32 = 0x1_0000_0000;

/** Bytes a non-negative integer (< 2^53) takes as a varint. */
export function varintSize(n: number): number {
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  if (n < 0x10000000) return 4;
  let size = 4;
  n = Math.floor(n / 0x10000000);
  while (n > 0) {
    size++;
    n = Math.floor(n / 0x80);
  }
  return size;
}

/** Writes a non-negative integer (< 2^53) as a varint at `pos`; returns the position after it. */
export function writeVarint(buf: Uint8Array, pos: number, n: number): number {
  while (n >= 0x80000000) {
    buf[pos++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  while (n > 0x7f) {
    buf[pos++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  buf[pos++] = n;
  return pos;
}

// ---- int64 lease as two 32-bit halves (two's complement) ----
let leaseLo = 0;
let leaseHi = 0;

function splitLease(lease: bigint): void {
  const u = BigInt.asUintN(64, lease);
  leaseLo = Number(u & 0xffffffffn);
  leaseHi = Number(u >> 32n);
}

function varint64Size(hi: number, lo: number): number {
  if (hi === 0) return varintSize(lo);
  let size = 5; // the low 35 bits take 5 bytes once anything above bit 32 is set
  let rest = hi >>> 3;
  while (rest !== 0) {
    size++;
    rest >>>= 7;
  }
  return size;
}

function writeVarint64(buf: Uint8Array, pos: number, hi: number, lo: number): number {
  while (hi !== 0 || lo > 0x7f) {
    buf[pos++] = (lo & 0x7f) | 0x80;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  buf[pos++] = lo;
  return pos;
}

const fieldSize = (n: number) => (n === 0 ? 0 : 1 + varintSize(n));
const bytesFieldSize = (len: number) => (len === 0 ? 0 : 1 + varintSize(len) + len);

/** Size of the encoded KeyValue. Call before `writeKeyValue` with the same arguments. */
export function keyValueSize(keyLength: number, createRevision: number, modRevision: number, version: number, valueLength: number, lease: bigint): number {
  let size = bytesFieldSize(keyLength) + fieldSize(createRevision) + fieldSize(modRevision) + fieldSize(version) + bytesFieldSize(valueLength);
  if (lease !== 0n) {
    splitLease(lease);
    size += 1 + varint64Size(leaseHi, leaseLo);
  }
  return size;
}

/** Encodes a KeyValue into `buf` at `pos`; returns the position after it. */
export function writeKeyValue(
  buf: Uint8Array, pos: number, key: Uint8Array, createRevision: number, modRevision: number, version: number, value: Uint8Array, lease: bigint,
): number {
  if (key.length !== 0) {
    buf[pos++] = TAG_KEY;
    pos = writeVarint(buf, pos, key.length);
    buf.set(key, pos);
    pos += key.length;
  }
  if (createRevision !== 0) { buf[pos++] = TAG_CREATE; pos = writeVarint(buf, pos, createRevision); }
  if (modRevision !== 0) { buf[pos++] = TAG_MOD; pos = writeVarint(buf, pos, modRevision); }
  if (version !== 0) { buf[pos++] = TAG_VERSION; pos = writeVarint(buf, pos, version); }
  if (value.length !== 0) {
    buf[pos++] = TAG_VALUE;
    pos = writeVarint(buf, pos, value.length);
    buf.set(value, pos);
    pos += value.length;
  }
  if (lease !== 0n) {
    splitLease(lease);
    buf[pos++] = TAG_LEASE;
    pos = writeVarint64(buf, pos, leaseHi, leaseLo);
  }
  return pos;
}

export function encodeKeyValue(kv: KeyValueFields): Buffer {
  const size = keyValueSize(kv.key.length, kv.createRevision, kv.modRevision, kv.version, kv.value.length, kv.lease);
  const buf = Buffer.allocUnsafe(size);
  const end = writeKeyValue(buf, 0, kv.key, kv.createRevision, kv.modRevision, kv.version, kv.value, kv.lease);
  assert(end === size, 'kv codec: size mismatch');
  return buf;
}

const EMPTY = new Uint8Array(0);

/** A DELETE event's key-value as etcd sends it: the key and mod_revision = the delete's revision. */
export function encodeDeletedKeyValue(key: Uint8Array, revision: number): Buffer {
  return encodeKeyValue({ key, createRevision: 0, modRevision: revision, version: 0, value: EMPTY, lease: 0n });
}

// ---- decoding ----

/** Where the fields of an encoded KeyValue are, without copying anything. Filled by `readKeyValueView`. */
export class KeyValueView {
  keyStart = 0;
  keyEnd = 0;
  /** start of the value field's tag (for stripping it), or -1 when there is no value */
  valueFieldStart = -1;
  valueStart = 0;
  valueEnd = 0;
  createRevision = 0;
  modRevision = 0;
  version = 0;
  leaseHi = 0;
  leaseLo = 0;

  get lease(): bigint {
    if (this.leaseHi === 0 && this.leaseLo === 0) return 0n;
    return BigInt.asIntN(64, (BigInt(this.leaseHi) << 32n) | BigInt(this.leaseLo));
  }
}

let rpos = 0;
let rhi = 0;
let rlo = 0;

/** Reads a varint at `rpos` into (rhi, rlo), advancing `rpos`. */
function readVarint64(b: Uint8Array): void {
  let lo = 0;
  let hi = 0;
  let i = 0;
  for (; i < 4; i++) {
    const byte = b[rpos++];
    lo = (lo | ((byte & 0x7f) << (i * 7))) >>> 0;
    if (byte < 0x80) { rlo = lo; rhi = 0; return; }
  }
  // byte 5 carries bits 28..34
  let byte = b[rpos++];
  lo = (lo | ((byte & 0x7f) << 28)) >>> 0;
  hi = (byte & 0x7f) >>> 4;
  if (byte < 0x80) { rlo = lo; rhi = hi; return; }
  for (i = 0; i < 5; i++) {
    byte = b[rpos++];
    assert(byte !== undefined, 'kv codec: truncated varint');
    hi = (hi | ((byte & 0x7f) << (i * 7 + 3))) >>> 0;
    if (byte < 0x80) { rlo = lo; rhi = hi; return; }
  }
  throw new Error('kv codec: varint too long');
}

function readNumber(b: Uint8Array): number {
  readVarint64(b);
  return rhi * TWO_POW_32 + rlo;
}

function skipField(b: Uint8Array, wireType: number): void {
  if (wireType === 0) readVarint64(b);
  else if (wireType === 1) rpos += 8;
  else if (wireType === 2) {
    const len = readNumber(b);
    rpos += len;
  }
  else if (wireType === 5) rpos += 4;
  else throw new Error(`kv codec: unsupported wire type ${wireType}`);
}

/** Fills `out` with the field positions and numbers of the encoded KeyValue `b` (bytes [0, length)). */
export function readKeyValueView(b: Uint8Array, out: KeyValueView, length = b.length): KeyValueView {
  out.keyStart = out.keyEnd = 0;
  out.valueFieldStart = -1;
  out.valueStart = out.valueEnd = 0;
  out.createRevision = out.modRevision = out.version = 0;
  out.leaseHi = out.leaseLo = 0;
  rpos = 0;
  while (rpos < length) {
    const fieldStart = rpos;
    const tag = b[rpos++];
    if (tag === TAG_KEY) {
      const len = readNumber(b);
      out.keyStart = rpos;
      out.keyEnd = rpos += len;
    } else if (tag === TAG_CREATE) out.createRevision = readNumber(b);
    else if (tag === TAG_MOD) out.modRevision = readNumber(b);
    else if (tag === TAG_VERSION) out.version = readNumber(b);
    else if (tag === TAG_VALUE) {
      const len = readNumber(b);
      out.valueFieldStart = fieldStart;
      out.valueStart = rpos;
      out.valueEnd = rpos += len;
    } else if (tag === TAG_LEASE) {
      readVarint64(b);
      out.leaseHi = rhi;
      out.leaseLo = rlo;
    } else {
      rpos = fieldStart;
      const t = readNumber(b); // tags above 15 take more than one byte
      skipField(b, t & 7);
    }
  }
  assert(rpos === length, 'kv codec: truncated KeyValue');
  return out;
}

const view = new KeyValueView();

export function decodeKeyValue(b: Uint8Array): KeyValueFields {
  readKeyValueView(b, view);
  return {
    key: b.subarray(view.keyStart, view.keyEnd),
    createRevision: view.createRevision,
    modRevision: view.modRevision,
    version: view.version,
    value: view.valueFieldStart < 0 ? EMPTY : b.subarray(view.valueStart, view.valueEnd),
    lease: view.lease,
  };
}

/** The KeyValue without its value field (keys_only). Returns `b` itself when it has no value. */
export function stripValue(b: Uint8Array): Uint8Array {
  readKeyValueView(b, view);
  if (view.valueFieldStart < 0) return b;
  const out = Buffer.allocUnsafe(b.length - (view.valueEnd - view.valueFieldStart));
  out.set(b.subarray(0, view.valueFieldStart), 0);
  out.set(b.subarray(view.valueEnd), view.valueFieldStart);
  return out;
}
