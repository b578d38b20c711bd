// `grpc-timeout` (grpc/grpc doc/PROTOCOL-HTTP2.md): a positive integer of at most 8 digits and one unit,
// H M S m u n. Parsed to milliseconds (fractional for u and n).

const maxTimeoutDigits = 8;

const msPerUnit: Record<string, number> = {
  H: 3_600_000,
  M: 60_000,
  S: 1_000,
  m: 1,
  u: 1e-3,
  n: 1e-6,
};

/** The timeout in ms, or null when the value is malformed (grpc-go: INTERNAL "malformed grpc-timeout"). */
export function parseGrpcTimeout(value: string): number | null {
  const digits = value.length - 1;
  if (digits < 1 || digits > maxTimeoutDigits) return null;
  const unit = msPerUnit[value[digits]];
  if (unit === undefined) return null;
  let n = 0;
  for (let i = 0; i < digits; i++) {
    const d = value.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return null;
    n = n * 10 + d;
  }
  return n * unit;
}
