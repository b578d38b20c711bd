// The generated protobufjs static codecs (etcd's wire messages and cairn's log entry payload) and the
// conversions between their 64-bit fields (Long on decode) and the number/bigint the core uses.
import Long from 'long';

export { etcdserverpb, mvccpb, authpb, v3lockpb, v3electionpb, cairnpb } from './gen/etcd';

/** A decoded int64/uint64 field: protobufjs gives Long, or number when set by code, or nothing when zero. */
export type Int64 = number | Long | string | null | undefined;

/**
 * An int64 that must fit a JS number exactly (revisions, limits, counts). Values beyond 2^53 saturate to
 * ±Number.MAX_SAFE_INTEGER so that comparisons with real revisions still order correctly.
 */
export function toNumber(v: Int64): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return clampSafe(Number(v));
  if (v.high === 0 && v.low >= 0) return v.low;
  return clampSafe(v.toNumber());
}

function clampSafe(n: number): number {
  if (n > Number.MAX_SAFE_INTEGER) return Number.MAX_SAFE_INTEGER;
  if (n < -Number.MAX_SAFE_INTEGER) return -Number.MAX_SAFE_INTEGER;
  return n;
}

/** An int64 id (lease) as bigint, exact. */
export function toBigInt(v: Int64): bigint {
  if (v === null || v === undefined) return 0n;
  if (typeof v === 'number') return BigInt(v);
  if (typeof v === 'string') return BigInt(v);
  return BigInt(v.toString());
}

/** A uint64 id (member, cluster) as bigint, exact. */
export function toBigUint(v: Int64): bigint {
  if (v === null || v === undefined) return 0n;
  if (typeof v === 'number') return BigInt(v);
  if (typeof v === 'string') return BigInt(v);
  return BigInt(Long.fromValue(v).toUnsigned().toString());
}

/** A bigint as the Long protobufjs encodes (int64 or uint64 by `unsigned`). */
export function longOf(v: bigint, unsigned = false): Long {
  return Long.fromString(v.toString(), unsigned);
}
