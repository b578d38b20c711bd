// etcd's KV request semantics (etcdserver apply.go: Range, Put, DeleteRange, Txn, Compaction) over the MVCC
// store, taking the decoded request messages. Results carry encoded KeyValues as stored (zero-copy) and, per
// response, the revision etcd puts in that response's header (nested txn responses: 0, as etcd).
// Checked against etcd 3.4.23 (see test/core/server/apply).
import assert from 'node:assert';
import { Errors, raise } from '../../errors';
import { toBigInt, toNumber, type etcdserverpb } from '../../api/proto';
import {
  KeyValueView, compareBytes, rangeEndOf, readKeyValueView, stripValue, type EncodedKvs, type EncodedKvsStream, type KvReader, type KvWriter,
} from '../../storage/mvcc';

export interface RangeResult {
  readonly kvs: Uint8Array[];
  /** instead of `kvs`: the KeyValues already encoded in place (large plain ranges; see EncodedKvs) */
  readonly encoded?: EncodedKvs;
  /** instead of `kvs`: a large range read lazily, chunk by chunk (see EncodedKvsStream); the caller closes it */
  readonly stream?: EncodedKvsStream;
  readonly count: number;
  readonly more: boolean;
  readonly revision: number;
}
export interface PutResult {
  readonly prevKv?: Uint8Array;
  readonly revision: number;
}
export interface DeleteRangeResult {
  readonly deleted: number;
  readonly prevKvs: Uint8Array[];
  readonly revision: number;
}
export interface TxnResult {
  readonly succeeded: boolean;
  readonly responses: ResponseOpResult[];
  /** the top-level txn's revision; 0 for a nested txn (etcd sends nested txn headers empty) */
  readonly revision: number;
}
export type ResponseOpResult = { range: RangeResult } | { put: PutResult } | { deleteRange: DeleteRangeResult } | { txn: TxnResult };
export interface CompactResult {
  readonly revision: number;
}

/** What apply needs from other modules. */
export interface ApplyContext {
  /** whether a lease exists (absent: every lease is taken to exist) */
  leaseExists?(id: bigint): boolean;
}

type RangeRequest = etcdserverpb.IRangeRequest;
type PutRequest = etcdserverpb.IPutRequest;
type DeleteRangeRequest = etcdserverpb.IDeleteRangeRequest;
type TxnRequest = etcdserverpb.ITxnRequest;
type RequestOp = etcdserverpb.IRequestOp;
type Compare = etcdserverpb.ICompare;

const EMPTY = new Uint8Array(0);
const NONE = 0;
const ASCEND = 1;
const DESCEND = 2;
const TARGET_KEY = 0;
const TARGET_VERSION = 1;
const TARGET_CREATE = 2;
const TARGET_MOD = 3;
const TARGET_VALUE = 4;

const bytes = (b: Uint8Array | null | undefined): Uint8Array => b ?? EMPTY;
const view = new KeyValueView();

// ---- Range ----

/**
 * etcd's Range: count is every key in the range at that revision (before filters); with a sort order or a
 * min/max filter everything is fetched, filtered, sorted, then cut to the limit; sort order NONE with a
 * target other than KEY sorts ascending; `more` tells the limit cut something off.
 */
export function range(reader: KvReader, r: RangeRequest, streamAboveBytes?: number): RangeResult {
  const revision = Math.max(toNumber(r.revision), 0);
  const limit = Math.max(toNumber(r.limit), 0);
  const sortOrder = r.sortOrder ?? NONE;
  const sortTarget = r.sortTarget ?? TARGET_KEY;
  const minMod = toNumber(r.minModRevision);
  const maxMod = toNumber(r.maxModRevision);
  const minCreate = toNumber(r.minCreateRevision);
  const maxCreate = toNumber(r.maxCreateRevision);
  const filtered = minMod !== 0 || maxMod !== 0 || minCreate !== 0 || maxCreate !== 0;
  const fetchAll = sortOrder !== NONE || filtered;
  const end = rangeEndOf(r.rangeEnd);
  const needsSort = sortOrder === DESCEND || (sortTarget !== TARGET_KEY);
  if (reader.rangeLatestEncoded && end !== null && !fetchAll && !needsSort && !r.keysOnly && !r.countOnly && (revision === 0 || revision >= reader.revision)) {
    if (revision > reader.revision) raise(Errors.FutureRev);
    const e = reader.rangeLatestEncoded(bytes(r.key), end, limit, streamAboveBytes);
    if (e.stream) return { kvs: [], stream: e.stream, count: e.count, more: e.more, revision: e.revision };
    return { kvs: [], encoded: e.kvs, count: e.count, more: e.more, revision: e.revision };
  }
  const rr = reader.range(bytes(r.key), rangeEndOf(r.rangeEnd), revision, fetchAll || limit === 0 ? 0 : limit + 1, r.countOnly === true);
  let kvs = rr.kvs;
  if (filtered) {
    kvs = kvs.filter((kv) => {
      readKeyValueView(kv, view);
      return (maxMod === 0 || view.modRevision <= maxMod) && (minMod === 0 || view.modRevision >= minMod) &&
        (maxCreate === 0 || view.createRevision <= maxCreate) && (minCreate === 0 || view.createRevision >= minCreate);
    });
  }
  const order = sortTarget !== TARGET_KEY && sortOrder === NONE ? ASCEND : sortOrder;
  if (order === DESCEND || (order === ASCEND && sortTarget !== TARGET_KEY)) kvs = sortKvs(kvs, sortTarget, order === DESCEND);
  let more = false;
  if (limit > 0 && kvs.length > limit) {
    kvs = kvs.slice(0, limit);
    more = true;
  }
  if (r.keysOnly) kvs = kvs.map(stripValue);
  return { kvs, count: rr.count, more, revision: rr.revision };
}

/** The KeyValues of a range result as a list, whichever form it holds them in (views, no copy). */
export function kvsOf(r: RangeResult): Uint8Array[] {
  assert(r.stream === undefined, 'kv-apply: a streamed range goes to the transport, not to kvsOf');
  const e = r.encoded;
  if (!e) return r.kvs;
  const out: Uint8Array[] = [];
  let pos = e.start;
  while (pos < e.end) {
    assert(e.buf[pos] === 0x12, 'kv-apply: encoded kvs tag');
    pos++;
    let len = 0;
    let shift = 0;
    for (;;) {
      const b = e.buf[pos++];
      len += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) break;
      shift += 7;
    }
    out.push(e.buf.subarray(pos, pos + len));
    pos += len;
  }
  return out;
}

interface SortItem {
  readonly kv: Uint8Array;
  readonly n: number;
  readonly start: number;
  readonly end: number;
}

/** A stable sort by target (ties keep key order, as etcd's sort does on small results). */
function sortKvs(kvs: Uint8Array[], target: number, descending: boolean): Uint8Array[] {
  const items: SortItem[] = kvs.map((kv) => {
    readKeyValueView(kv, view);
    const n = target === TARGET_VERSION ? view.version : target === TARGET_CREATE ? view.createRevision : target === TARGET_MOD ? view.modRevision : 0;
    const [start, end] = target === TARGET_VALUE ? [view.valueStart, view.valueEnd] : [view.keyStart, view.keyEnd];
    return { kv, n, start, end };
  });
  const sign = descending ? -1 : 1;
  const byBytes = target === TARGET_KEY || target === TARGET_VALUE;
  items.sort((a, b) => sign * (byBytes ? compareBytes(a.kv.subarray(a.start, a.end), b.kv.subarray(b.start, b.end)) : a.n - b.n));
  return items.map((i) => i.kv);
}

// ---- Put / DeleteRange ----

/** etcd's Put: ignore_value/ignore_lease keep the key's current value/lease and need the key to exist. */
export function put(w: KvWriter, r: PutRequest, ctx?: ApplyContext): PutResult {
  const key = bytes(r.key);
  let value = bytes(r.value);
  let lease = toLease(r.lease);
  if (lease !== 0n && ctx?.leaseExists && !ctx.leaseExists(lease)) raise(Errors.LeaseNotFound);
  let prevKv: Uint8Array | undefined;
  if (r.ignoreValue || r.ignoreLease || r.prevKv) {
    prevKv = w.get(key);
    if ((r.ignoreValue || r.ignoreLease) && prevKv === undefined) raise(Errors.KeyNotFound);
    if (prevKv !== undefined) {
      readKeyValueView(prevKv, view);
      if (r.ignoreValue) value = view.valueFieldStart < 0 ? EMPTY : prevKv.subarray(view.valueStart, view.valueEnd);
      if (r.ignoreLease) lease = view.lease;
    }
  }
  const revision = w.put(key, value, lease);
  return r.prevKv && prevKv !== undefined ? { prevKv, revision } : { revision };
}

export function deleteRange(w: KvWriter, r: DeleteRangeRequest): DeleteRangeResult {
  const prevKvs: Uint8Array[] = [];
  const deleted = w.deleteRange(bytes(r.key), rangeEndOf(r.rangeEnd), r.prevKv ? prevKvs : undefined);
  return { deleted, prevKvs, revision: w.revision };
}

/** A decoded int64 lease (Long on decode, number when built in code) as an exact bigint; zero fast. */
function toLease(v: etcdserverpb.IPutRequest['lease']): bigint {
  if (v === null || v === undefined || v === 0) return 0n;
  if (typeof v === 'object' && v.low === 0 && v.high === 0) return 0n;
  return toBigInt(v);
}

// ---- Txn ----

/**
 * etcd's Txn: every compare of the whole tree (nested txns of the taken branches too) is evaluated first,
 * against the state before the txn; then the taken ops are checked (put ignore_value/ignore_lease need the
 * key, leases must exist, range revisions must be in [compact, current]); then applied in order, all with one
 * main revision. A txn that changes nothing keeps the revision. `rw` needs write access only when the taken
 * branches write.
 */
export function txn(rw: KvReader, r: TxnRequest, ctx?: ApplyContext): TxnResult {
  const path: boolean[] = [];
  compareToPath(rw, r, path);
  const cursor = { i: 0 };
  checkRequests(rw, r, path, cursor, (op) => checkPut(rw, op, ctx));
  cursor.i = 0;
  checkRequests(rw, r, path, cursor, (op) => checkRange(rw, op));
  cursor.i = 0;
  const result = applyTxn(rw, r, path, cursor, true);
  assert(cursor.i === path.length, 'txn: path not consumed');
  return result;
}

function compareToPath(rv: KvReader, r: TxnRequest, path: boolean[]): void {
  const ok = applyCompares(rv, r.compare ?? []);
  path.push(ok);
  for (const op of (ok ? r.success : r.failure) ?? []) if (op.requestTxn) compareToPath(rv, op.requestTxn, path);
}

function applyCompares(rv: KvReader, compares: readonly Compare[]): boolean {
  for (const c of compares) if (!applyCompare(rv, c)) return false;
  return true;
}

/** A compare holds when every key in its range satisfies it; no key compares as zero, except VALUE: false. */
function applyCompare(rv: KvReader, c: Compare): boolean {
  const rr = rv.range(bytes(c.key), rangeEndOf(c.rangeEnd));
  if (rr.kvs.length === 0) {
    if ((c.target ?? 0) === etcdCompareTarget.VALUE) return false;
    return compareKv(c, undefined);
  }
  for (const kv of rr.kvs) if (!compareKv(c, kv)) return false;
  return true;
}

const etcdCompareTarget = { VERSION: 0, CREATE: 1, MOD: 2, VALUE: 3, LEASE: 4 } as const;
const etcdCompareResult = { EQUAL: 0, GREATER: 1, LESS: 2, NOT_EQUAL: 3 } as const;

function compareKv(c: Compare, kv: Uint8Array | undefined): boolean {
  let result = 0;
  if (kv !== undefined) readKeyValueView(kv, view);
  switch (c.target ?? 0) {
    case etcdCompareTarget.VALUE: {
      const mine = kv === undefined || view.valueFieldStart < 0 ? EMPTY : kv.subarray(view.valueStart, view.valueEnd);
      result = compareBytes(mine, bytes(c.value));
      break;
    }
    case etcdCompareTarget.CREATE:
      result = cmp(kv === undefined ? 0 : view.createRevision, toNumber(c.createRevision));
      break;
    case etcdCompareTarget.MOD:
      result = cmp(kv === undefined ? 0 : view.modRevision, toNumber(c.modRevision));
      break;
    case etcdCompareTarget.VERSION:
      result = cmp(kv === undefined ? 0 : view.version, toNumber(c.version));
      break;
    case etcdCompareTarget.LEASE: {
      const mine = kv === undefined ? 0n : view.lease;
      const theirs = toBigInt(c.lease);
      result = mine < theirs ? -1 : mine > theirs ? 1 : 0;
      break;
    }
    default: // unknown target: compares as equal, as etcd
  }
  switch (c.result ?? 0) {
    case etcdCompareResult.EQUAL: return result === 0;
    case etcdCompareResult.NOT_EQUAL: return result !== 0;
    case etcdCompareResult.GREATER: return result > 0;
    case etcdCompareResult.LESS: return result < 0;
    default: return true; // unknown result: holds, as etcd
  }
}

const cmp = (a: number, b: number) => (a < b ? -1 : a > b ? 1 : 0);

/** Walks the ops of the taken branches (following `path`) and calls `check` on each non-txn op. */
function checkRequests(rv: KvReader, r: TxnRequest, path: readonly boolean[], cursor: { i: number }, check: (op: RequestOp) => void): void {
  const ok = path[cursor.i++];
  for (const op of (ok ? r.success : r.failure) ?? []) {
    if (op.requestTxn) checkRequests(rv, op.requestTxn, path, cursor, check);
    else check(op);
  }
}

function checkPut(rv: KvReader, op: RequestOp, ctx: ApplyContext | undefined): void {
  const p = op.requestPut;
  if (!p) {
    if (!op.requestRange && !op.requestDeleteRange) raise(Errors.KeyNotFound); // an empty op (validation refuses it)
    return;
  }
  if (p.ignoreValue || p.ignoreLease) {
    if (rv.range(bytes(p.key), null).kvs.length === 0) raise(Errors.KeyNotFound);
  }
  const lease = toLease(p.lease);
  if (lease !== 0n && ctx?.leaseExists && !ctx.leaseExists(lease)) raise(Errors.LeaseNotFound);
}

function checkRange(rv: KvReader, op: RequestOp): void {
  const q = op.requestRange;
  if (!q) return;
  const rev = toNumber(q.revision);
  if (rev === 0) return;
  if (rev > rv.revision) raise(Errors.FutureRev);
  if (rev < rv.compactRevision) raise(Errors.Compacted);
}

function asWriter(rw: KvReader): KvWriter {
  assert('put' in rw, 'txn: a write in a txn applied on a read-only view');
  return rw as KvWriter;
}

function applyTxn(rw: KvReader, r: TxnRequest, path: readonly boolean[], cursor: { i: number }, top: boolean): TxnResult {
  const succeeded = path[cursor.i++];
  const ops = (succeeded ? r.success : r.failure) ?? [];
  const responses: ResponseOpResult[] = [];
  for (const op of ops) {
    if (op.requestRange) responses.push({ range: range(rw, op.requestRange) });
    else if (op.requestPut) responses.push({ put: put(asWriter(rw), op.requestPut) });
    else if (op.requestDeleteRange) responses.push({ deleteRange: deleteRange(asWriter(rw), op.requestDeleteRange) });
    else if (op.requestTxn) responses.push({ txn: applyTxn(rw, op.requestTxn, path, cursor, false) });
  }
  return { succeeded, responses, revision: top ? rw.revision : 0 };
}

// ---- Compaction ----

/**
 * etcd's Compaction: sets the compact revision (Errors.Compacted when not above the current compact revision,
 * Errors.FutureRev above the current revision); the physical removal runs later (MvccStore.compactStep).
 */
export function compact(w: KvWriter, r: etcdserverpb.ICompactionRequest): CompactResult {
  w.compact(toNumber(r.revision));
  return { revision: w.revision };
}
