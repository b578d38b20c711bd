// Scalar parsing exactly as etcd's Go code does it, so a flag value etcd accepts is accepted here and one it
// rejects is rejected with the same words: strconv.ParseBool, strconv.ParseInt/ParseUint with base 0 (0x, 0o,
// 0b, leading-0 octal, underscores between digits), time.ParseDuration and time.Duration.String.

/** Go's strconv error kinds; the flag package turns them into "parse error" / "value out of range". */
export class GoNumError extends Error {
  constructor(
    readonly kind: 'syntax' | 'range',
    readonly input: string,
    readonly fn: 'ParseInt' | 'ParseUint',
  ) {
    super(`strconv.${fn}: parsing ${goQuote(input)}: ${kind === 'syntax' ? 'invalid syntax' : 'value out of range'}`);
    this.name = 'GoNumError';
  }
}

/** A time.ParseDuration error; its message is Go's. */
export class GoDurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GoDurationError';
  }
}

/** strconv.Quote for the printable strings that appear in messages (JSON escaping matches it there). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** `%q` of a []string: ["a" "b"]. */
export function goQuoteList(list: readonly string[]): string {
  return `[${list.map(goQuote).join(' ')}]`;
}

const trueWords = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const falseWords = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** strconv.ParseBool; undefined when the text is not a Go boolean. */
export function parseGoBool(s: string): boolean | undefined {
  if (trueWords.has(s)) return true;
  if (falseWords.has(s)) return false;
  return undefined;
}

function lower(c: string): string {
  return c.toLowerCase();
}

/** Go's underscoreOK: underscores only between digits, or right after a base prefix. */
function underscoreOk(s0: string): boolean {
  let s = s0;
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'box'.includes(lower(s[1]))) {
    i = 2;
    saw = '0';
    hex = lower(s[1]) === 'x';
  }
  for (; i < s.length; i++) {
    const c = s[i];
    if ((c >= '0' && c <= '9') || (hex && lower(c) >= 'a' && lower(c) <= 'f')) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/** strconv.ParseUint(s, 0, bits). */
export function parseGoUint(s0: string, bits: 32 | 64, fn: 'ParseInt' | 'ParseUint' = 'ParseUint'): bigint {
  if (s0.length === 0) throw new GoNumError('syntax', s0, fn);
  let s = s0;
  let base = 10n;
  if (s[0] === '0') {
    if (s.length >= 3 && lower(s[1]) === 'b') [base, s] = [2n, s.slice(2)];
    else if (s.length >= 3 && lower(s[1]) === 'o') [base, s] = [8n, s.slice(2)];
    else if (s.length >= 3 && lower(s[1]) === 'x') [base, s] = [16n, s.slice(2)];
    else [base, s] = [8n, s.slice(1)];
  }
  const max = (1n << BigInt(bits)) - 1n;
  let n = 0n;
  let underscores = false;
  for (const c of s) {
    if (c === '_') {
      underscores = true;
      continue;
    }
    const lc = lower(c);
    let d: bigint;
    if (c >= '0' && c <= '9') d = BigInt(c.charCodeAt(0) - 48);
    else if (lc >= 'a' && lc <= 'z') d = BigInt(lc.charCodeAt(0) - 97 + 10);
    else throw new GoNumError('syntax', s0, fn);
    if (d >= base) throw new GoNumError('syntax', s0, fn);
    n = n * base + d;
    if (n > max) throw new GoNumError('range', s0, fn);
  }
  if (underscores && !underscoreOk(s0)) throw new GoNumError('syntax', s0, fn);
  return n;
}

/** strconv.ParseInt(s, 0, bits). */
export function parseGoInt(s0: string, bits: 32 | 64): bigint {
  if (s0.length === 0) throw new GoNumError('syntax', s0, 'ParseInt');
  let s = s0;
  let neg = false;
  if (s[0] === '+') s = s.slice(1);
  else if (s[0] === '-') [neg, s] = [true, s.slice(1)];
  let un: bigint;
  try {
    un = parseGoUint(s, 64, 'ParseInt');
  } catch (err) {
    if (err instanceof GoNumError) throw new GoNumError(err.kind, s0, 'ParseInt');
    throw err;
  }
  const cutoff = 1n << BigInt(bits - 1);
  if (!neg && un >= cutoff) throw new GoNumError('range', s0, 'ParseInt');
  if (neg && un > cutoff) throw new GoNumError('range', s0, 'ParseInt');
  return neg ? -un : un;
}

const nanosecondsPerUnit: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['\u00b5s', 1_000n], // U+00B5 micro sign
  ['\u03bcs', 1_000n], // U+03BC Greek mu
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);
const durationLimitNs = 1n << 63n;

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** time.ParseDuration, in nanoseconds. Throws GoDurationError with Go's message. */
export function parseGoDurationNs(orig: string): bigint {
  const invalid = () => new GoDurationError(`time: invalid duration ${goQuote(orig)}`);
  let s = orig;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) [neg, s] = [s[0] === '-', s.slice(1)];
  if (s === '0') return 0n;
  if (s === '') throw invalid();
  let total = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s[0]))) throw invalid();
    let i = 0;
    let whole = 0n;
    while (isDigit(s[i])) whole = whole * 10n + BigInt(s.charCodeAt(i++) - 48);
    if (whole > durationLimitNs) throw invalid();
    const pre = i > 0;
    let post = false;
    let frac = 0n;
    let scale = 1n;
    if (s[i] === '.') {
      i++;
      const start = i;
      while (isDigit(s[i])) {
        frac = frac * 10n + BigInt(s.charCodeAt(i++) - 48);
        scale *= 10n;
      }
      post = i > start;
    }
    if (!pre && !post) throw invalid();
    s = s.slice(i);
    let u = 0;
    while (u < s.length && !(s[u] === '.' || isDigit(s[u]))) u++;
    if (u === 0) throw new GoDurationError(`time: missing unit in duration ${goQuote(orig)}`);
    const unitName = s.slice(0, u);
    s = s.slice(u);
    const unit = nanosecondsPerUnit.get(unitName);
    if (unit === undefined) throw new GoDurationError(`time: unknown unit ${goQuote(unitName)} in duration ${goQuote(orig)}`);
    if (whole > durationLimitNs / unit) throw invalid();
    const v = whole * unit + (frac * unit) / scale;
    if (v > durationLimitNs) throw invalid();
    total += v;
    if (total > durationLimitNs) throw invalid();
  }
  if (neg) return -total;
  if (total > durationLimitNs - 1n) throw invalid();
  return total;
}

/** time.ParseDuration, in (possibly fractional) milliseconds. */
export function parseGoDurationMs(s: string): number {
  return Number(parseGoDurationNs(s)) / 1e6;
}

/** Fraction digits of v / 10^prec without trailing zeros, as Go's fmtFrac prints them ("" when none). */
function fraction(v: bigint, prec: number): string {
  const digits = (v % 10n ** BigInt(prec)).toString().padStart(prec, '0').replace(/0+$/, '');
  return digits === '' ? '' : `.${digits}`;
}

/** time.Duration.String: "0s", "900ms", "1.5s", "2h0m0s", "1µs". */
export function formatGoDurationNs(d: bigint): string {
  if (d === 0n) return '0s';
  const sign = d < 0n ? '-' : '';
  const u = d < 0n ? -d : d;
  if (u < 1_000n) return `${sign}${u}ns`;
  if (u < 1_000_000n) return `${sign}${u / 1_000n}${fraction(u, 3)}\u00b5s`;
  if (u < 1_000_000_000n) return `${sign}${u / 1_000_000n}${fraction(u, 6)}ms`;
  let out = `${(u / 1_000_000_000n) % 60n}${fraction(u, 9)}s`;
  const minutes = u / 60_000_000_000n;
  if (minutes > 0n) {
    out = `${minutes % 60n}m${out}`;
    const hours = minutes / 60n;
    if (hours > 0n) out = `${hours}h${out}`;
  }
  return sign + out;
}

/** time.Duration.String of a duration held in milliseconds (how cairn carries durations). */
export function formatGoDurationMs(ms: number): string {
  return formatGoDurationNs(BigInt(Math.round(ms * 1e6)));
}
