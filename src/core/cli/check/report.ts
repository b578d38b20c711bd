// pkg/report's statistics as check perf/datascale use them (successful requests' latencies; errors counted by
// message), and check.go's verdict lines.
export interface RequestResult {
  /** seconds */
  readonly latency: number;
  readonly error?: string;
}

export interface LoadStats {
  /** successful requests per second over the whole run */
  readonly rps: number;
  /** seconds */
  readonly slowest: number;
  /** population standard deviation of the latencies, seconds */
  readonly stddev: number;
  /** error message → count */
  readonly errors: ReadonlyMap<string, number>;
  readonly succeeded: number;
}

/** Collects results while a load runs. */
export class StatsCollector {
  private readonly lats: number[] = [];
  private readonly errors = new Map<string, number>();

  add(r: RequestResult): void {
    if (r.error !== undefined) this.errors.set(r.error, (this.errors.get(r.error) ?? 0) + 1);
    else this.lats.push(r.latency);
  }

  /** report.Stats: `totalSeconds` is the wall time of the whole run. */
  stats(totalSeconds: number): LoadStats {
    const n = this.lats.length;
    let sum = 0;
    let slowest = 0;
    for (const l of this.lats) {
      sum += l;
      if (l > slowest) slowest = l;
    }
    const avg = n > 0 ? sum / n : 0;
    let dev2 = 0;
    for (const l of this.lats) dev2 += (l - avg) * (l - avg);
    return {
      rps: totalSeconds > 0 ? n / totalSeconds : 0,
      slowest,
      stddev: n > 0 ? Math.sqrt(dev2 / n) : 0,
      errors: new Map(this.errors),
      succeeded: n,
    };
  }
}

/** Go's %f: six decimals. */
const f6 = (x: number) => x.toFixed(6);

/** The error lines of both checks (etcdctl ranges over a Go map: random order; sorted here). */
function errorLines(s: LoadStats): string[] {
  if (s.errors.size === 0) return [];
  const lines = ['FAIL: too many errors'];
  for (const [msg, count] of [...s.errors].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) lines.push(`FAIL: ERROR(${msg}) -> ${count}`);
  return lines;
}

/**
 * check perf's verdict: the lines etcdctl 3.4.23 prints and whether it passed. (3.4 prints "Slowest request took
 * too long" and "Stddev too high" without a "FAIL: " prefix; later etcdctl versions add one.)
 */
export function perfVerdict(s: LoadStats, limit: number): { lines: string[]; ok: boolean } {
  const lines = errorLines(s);
  let ok = lines.length === 0;
  const rps = Math.trunc(s.rps) + 1;
  if (s.rps / limit <= 0.9) {
    lines.push(`FAIL: Throughput too low: ${rps} writes/s`);
    ok = false;
  } else {
    lines.push(`PASS: Throughput is ${rps} writes/s`);
  }
  if (s.slowest > 0.5) {
    lines.push(`Slowest request took too long: ${f6(s.slowest)}s`);
    ok = false;
  } else {
    lines.push(`PASS: Slowest request took ${f6(s.slowest)}s`);
  }
  if (s.stddev > 0.1) {
    lines.push(`Stddev too high: ${f6(s.stddev)}s`);
    ok = false;
  } else {
    lines.push(`PASS: Stddev is ${f6(s.stddev)}s`);
  }
  lines.push(ok ? 'PASS' : 'FAIL');
  return { lines, ok };
}

/** Go's strconv.FormatFloat(bytes / (1024*1024), 'f', 2, 64) for a whole number of bytes (ties to even). */
export function formatMb(bytes: number): string {
  const neg = bytes < 0;
  const b = BigInt(Math.round(Math.abs(bytes)));
  const den = 1024n * 1024n;
  const scaled = b * 100n;
  let q = scaled / den;
  const r = scaled % den;
  if (r * 2n > den || (r * 2n === den && q % 2n === 1n)) q += 1n;
  const s = `${q / 100n}.${(q % 100n).toString().padStart(2, '0')}`;
  return neg && q !== 0n ? `-${s}` : s;
}

/** check datascale's verdict lines, and whether it passed. */
export function datascaleVerdict(s: LoadStats, bytesUsed: number): { lines: string[]; ok: boolean } {
  const lines = errorLines(s);
  if (lines.length > 0) return { lines, ok: false };
  return { lines: [`PASS: Approximate system memory used : ${formatMb(bytesUsed)} MB.`], ok: true };
}
