// Runs a write load: requests started one after another (paced by a token bucket for check perf, as fast as
// possible for check datascale) with at most `concurrency` in flight — etcdctl's pool of clients reading one
// channel. Every request's latency or error goes to the collector.
import { StatsCollector, type LoadStats } from './report';
import type { TokenBucket } from './token-bucket';

export interface LoadOptions {
  /** requests in flight at most */
  readonly concurrency: number;
  /** pacing; none for datascale */
  readonly limiter?: TokenBucket;
  /** no new request after this (ms since the epoch): check perf's duration */
  readonly deadline?: number;
  /** requests in all (datascale); unbounded when absent */
  readonly total?: number;
  /** one request; rejects with the error to count */
  readonly request: () => Promise<void>;
  /** after each request (progress) */
  readonly onDone?: (done: number) => void;
}

export async function runLoad(o: LoadOptions): Promise<LoadStats> {
  const collector = new StatsCollector();
  const start = performance.now();
  const inFlight = new Set<Promise<void>>();
  let done = 0;
  let started = 0;
  const one = async () => {
    const t0 = performance.now();
    try {
      await o.request();
      collector.add({ latency: (performance.now() - t0) / 1000 });
    } catch (err) {
      collector.add({ latency: (performance.now() - t0) / 1000, error: err instanceof Error ? err.message : String(err) });
    }
    done++;
    o.onDone?.(done);
  };
  for (;;) {
    if (o.total !== undefined && started >= o.total) break;
    if (o.deadline !== undefined && o.limiter === undefined && Date.now() >= o.deadline) break;
    if (o.limiter !== undefined && !(await o.limiter.wait(o.deadline))) break;
    while (inFlight.size >= o.concurrency) await Promise.race(inFlight);
    started++;
    const p: Promise<void> = one().finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  return collector.stats((performance.now() - start) / 1000);
}
