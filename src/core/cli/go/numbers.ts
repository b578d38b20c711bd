// Go number parsing and printing that etcdctl's outputs depend on: strconv.ParseInt/ParseUint with an
// explicit base (lease and member ids are hex), and go-humanize's Bytes (1000-based, "20 kB").

/** A strconv error with Go's message: `strconv.ParseInt: parsing "zz": invalid syntax`. */
export class GoParseError extends Error {
  constructor(fn: 'ParseInt' | 'ParseUint', input: string, kind: 'invalid syntax' | 'value out of range') {
    super(`strconv.${fn}: parsing ${JSON.stringify(input)}: ${kind}`);
    this.name = 'GoParseError';
  }
}

const int64Max = (1n << 63n) - 1n;
const uint64Max = (1n << 64n) - 1n;

function digitsOf(s: string, base: number): bigint | undefined {
  if (s.length === 0) return undefined;
  let n = 0n;
  for (const c of s.toLowerCase()) {
    const d = c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : c >= 'a' && c <= 'z' ? c.charCodeAt(0) - 87 : 99;
    if (d >= base) return undefined;
    n = n * BigInt(base) + BigInt(d);
  }
  return n;
}

/** strconv.ParseUint(s, base, 64) for base 2..36 (no prefixes, no underscores). */
export function parseGoUintBase(s: string, base: number): bigint {
  const n = digitsOf(s, base);
  if (n === undefined) throw new GoParseError('ParseUint', s, 'invalid syntax');
  if (n > uint64Max) throw new GoParseError('ParseUint', s, 'value out of range');
  return n;
}

/** strconv.ParseInt(s, base, 64) for base 2..36. */
export function parseGoIntBase(s: string, base: number): bigint {
  let body = s;
  let neg = false;
  if (body.startsWith('+') || body.startsWith('-')) [neg, body] = [body[0] === '-', body.slice(1)];
  const n = digitsOf(body, base);
  if (n === undefined) throw new GoParseError('ParseInt', s, 'invalid syntax');
  if ((!neg && n > int64Max) || (neg && n > int64Max + 1n)) throw new GoParseError('ParseInt', s, 'value out of range');
  return neg ? -n : n;
}

/** A uint64 as Go's %x prints it (no padding). */
export function hexOf(v: bigint): string {
  return v.toString(16);
}

/** Go's %16x: at least 16 wide, space padded. */
export function hex16(v: bigint): string {
  return v.toString(16).padStart(16, ' ');
}

/** Go's %016x: 16 digits, zero padded (two's complement for negative int64). */
export function hex016(v: bigint): string {
  return BigInt.asUintN(64, v).toString(16).padStart(16, '0');
}

/** Go's %.Nf on a float64 (round half to even on the exact binary value, as strconv does). */
export function goFixed(x: number, digits: 0 | 1): string {
  const scaled = x * 10 ** digits;
  const floor = Math.floor(scaled);
  const diff = scaled - floor;
  let n = diff > 0.5 ? floor + 1 : diff < 0.5 ? floor : floor % 2 === 0 ? floor : floor + 1;
  if (digits === 0) return String(n);
  if (n < 0) n = -n;
  return `${x < 0 ? '-' : ''}${Math.trunc(n / 10)}.${n % 10}`;
}

const byteSizes = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'] as const;

/** humanize.Bytes (dustin/go-humanize): 20480 → "20 kB", 1536 → "1.5 kB", 5 → "5 B". */
export function humanizeBytes(size: number): string {
  const base = 1000;
  if (size < 10) return `${size} B`;
  const e = Math.floor(Math.log(size) / Math.log(base));
  const suffix = byteSizes[e];
  const val = Math.floor((size / base ** e) * 10 + 0.5) / 10;
  return val < 10 ? `${goFixed(val, 1)} ${suffix}` : `${goFixed(val, 0)} ${suffix}`;
}
