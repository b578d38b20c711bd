// Protobuf 64-bit fields (Long on decode, number when built by code) as the decimal text Go prints.
import Long from 'long';

type Int64Like = number | Long | string | null | undefined;

export function int64Text(v: Int64Like): string {
  if (v === null || v === undefined) return '0';
  if (typeof v === 'number' || typeof v === 'string') return String(v);
  return Long.fromValue(v).toSigned().toString();
}

export function uint64Text(v: Int64Like): string {
  if (v === null || v === undefined) return '0';
  if (typeof v === 'number' || typeof v === 'string') return String(v);
  return Long.fromValue(v).toUnsigned().toString();
}

export function uint64Big(v: Int64Like): bigint {
  return BigInt(uint64Text(v));
}

export function isZero(v: Int64Like): boolean {
  return int64Text(v) === '0';
}

export function bytesOf(b: Uint8Array | null | undefined): Uint8Array {
  return b ?? new Uint8Array(0);
}
