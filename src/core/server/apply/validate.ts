// What etcd checks before proposing a KV request (etcd's v3rpc key.go, 3.5 rules; etcd 3.4 does not check
// sort options and crashes on an unknown sort target). Checked against etcd 3.4.23: error precedence, the
// txn op budget shared with nested txns, and the put/delete overlap rules of nested txns.
import { Errors, raise } from '../../errors';
import type { etcdserverpb } from '../../api/proto';
import { maxKeyBytes as storeMaxKeyBytes } from '../../storage/mvcc';

/** etcd's default --max-txn-ops. */
export const defaultMaxTxnOps = 128;

/**
 * Longest key the store takes (LMDB's key limit). etcd accepts longer keys; cairn refuses a put of one with
 * "request is too large" before it reaches the log.
 */
export const maxKeyBytes = storeMaxKeyBytes;

type RangeRequest = etcdserverpb.IRangeRequest;
type PutRequest = etcdserverpb.IPutRequest;
type DeleteRangeRequest = etcdserverpb.IDeleteRangeRequest;
type TxnRequest = etcdserverpb.ITxnRequest;
type RequestOp = etcdserverpb.IRequestOp;

const SORT_ORDERS = 3; // NONE, ASCEND, DESCEND
const SORT_TARGETS = 5; // KEY, VERSION, CREATE, MOD, VALUE

const isEmpty = (b: Uint8Array | null | undefined) => !b || b.length === 0;

const isZero = (v: unknown) =>
  v === null || v === undefined || v === 0 || v === '0' ||
  (typeof v === 'object' && (v as { low: number; high: number }).low === 0 && (v as { low: number; high: number }).high === 0);

export function validateRange(r: RangeRequest): void {
  if (isEmpty(r.key)) raise(Errors.EmptyKey);
  const order = r.sortOrder ?? 0;
  const target = r.sortTarget ?? 0;
  if (!Number.isInteger(order) || order < 0 || order >= SORT_ORDERS) raise(Errors.InvalidSortOption);
  if (!Number.isInteger(target) || target < 0 || target >= SORT_TARGETS) raise(Errors.InvalidSortOption);
}

export function validatePut(r: PutRequest, keyLimitBytes = maxKeyBytes): void {
  if (isEmpty(r.key)) raise(Errors.EmptyKey);
  if (r.ignoreValue && !isEmpty(r.value)) raise(Errors.ValueProvided);
  if (r.ignoreLease && !isZero(r.lease)) raise(Errors.LeaseProvided);
  if ((r.key as Uint8Array).length > keyLimitBytes) raise(Errors.RequestTooLarge);
}

export function validateDeleteRange(r: DeleteRangeRequest): void {
  if (isEmpty(r.key)) raise(Errors.EmptyKey);
}

/** etcd's checks of a Txn: op counts and keys of every op (nested too), then put/delete overlaps per branch. */
export function validateTxn(r: TxnRequest, maxTxnOps = defaultMaxTxnOps, keyLimitBytes = maxKeyBytes): void {
  checkTxn(r, maxTxnOps, keyLimitBytes);
  checkIntervals(r.success ?? []);
  checkIntervals(r.failure ?? []);
}

function checkTxn(r: TxnRequest, maxTxnOps: number, keyLimitBytes: number): void {
  const compares = r.compare ?? [];
  const success = r.success ?? [];
  const failure = r.failure ?? [];
  const opc = Math.max(compares.length, success.length, failure.length);
  if (opc > maxTxnOps) raise(Errors.TooManyOps);
  for (const c of compares) if (isEmpty(c.key)) raise(Errors.EmptyKey);
  for (const u of success) checkOp(u, maxTxnOps - opc, keyLimitBytes);
  for (const u of failure) checkOp(u, maxTxnOps - opc, keyLimitBytes);
}

function checkOp(u: RequestOp, maxTxnOps: number, keyLimitBytes: number): void {
  if (u.requestRange) validateRange(u.requestRange);
  else if (u.requestPut) validatePut(u.requestPut, keyLimitBytes);
  else if (u.requestDeleteRange) validateDeleteRange(u.requestDeleteRange);
  else if (u.requestTxn) checkTxn(u.requestTxn, maxTxnOps, keyLimitBytes);
  else raise(Errors.KeyNotFound); // an empty op, as etcd
}

// ---- duplicate keys (etcd's checkIntervals) ----
// Keys as latin1 strings: one char per byte, so string order is byte order. A delete is the interval
// [key, range_end), a point [key, key+"\0") without range_end; a put key k hits a delete [b, e) iff b <= k < e
// (an inverted interval, e.g. range_end "\0" meaning "from key", never hits: etcd's quirk, kept).

interface Interval {
  readonly begin: string;
  readonly end: string;
}

const str = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');
const hits = (dels: readonly Interval[], k: string) => dels.some((iv) => iv.begin <= k && k < iv.end);

function checkIntervals(reqs: readonly RequestOp[]): { puts: Set<string>; dels: Interval[] } {
  const dels: Interval[] = [];
  for (const req of reqs) {
    const d = req.requestDeleteRange;
    if (!d) continue;
    const begin = str(d.key as Uint8Array);
    dels.push({ begin, end: isEmpty(d.rangeEnd) ? begin + '\0' : str(d.rangeEnd as Uint8Array) });
  }
  const puts = new Set<string>();
  for (const req of reqs) {
    const t = req.requestTxn;
    if (!t) continue;
    const then = checkIntervals(t.success ?? []);
    const otherwise = checkIntervals(t.failure ?? []);
    for (const k of then.puts) {
      if (puts.has(k) || hits(dels, k)) raise(Errors.DuplicateKey);
      puts.add(k);
    }
    for (const k of otherwise.puts) {
      // the same key in then and else is fine: only one of them runs
      if (puts.has(k) && !then.puts.has(k)) raise(Errors.DuplicateKey);
      if (hits(dels, k)) raise(Errors.DuplicateKey);
      puts.add(k);
    }
    dels.push(...then.dels, ...otherwise.dels);
  }
  for (const req of reqs) {
    const p = req.requestPut;
    if (!p) continue;
    const k = str(p.key as Uint8Array);
    if (puts.has(k) || hits(dels, k)) raise(Errors.DuplicateKey);
    puts.add(k);
  }
  return { puts, dels };
}
