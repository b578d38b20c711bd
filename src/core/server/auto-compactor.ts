// etcd's automatic compaction (--auto-compaction-mode/--auto-compaction-retention), driven by an injected clock.
// periodic: samples the revision every retry interval (a tenth of min(period, 1h)), and once `period` has passed
// (then every min(period, 1h)) compacts to the oldest sample, i.e. keeps about `period` of history.
// revision: every 5 minutes compacts to (current revision - retention) when that moved.
// Compactions go through the log like a client's (not physical: the store compacts in bounded steps anyway).

export interface CompactorHost {
  currentRevision(): number;
  /** proposes a compaction to `revision`; rejects with etcd's errors (e.g. already compacted) */
  compact(revision: number): Promise<void>;
  info(msg: string, fields: Record<string, unknown>): void;
  warn(msg: string, fields: Record<string, unknown>): void;
}

export interface CompactorTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const REAL_TIMERS: CompactorTimers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

const HOUR_MS = 60 * 60 * 1000;
/** etcd's revision compactor checks every 5 minutes */
export const REVISION_CHECK_INTERVAL_MS = 5 * 60 * 1000;
const RETRY_DIVISOR = 10;

export interface Compactor {
  stop(): void;
}

export function startPeriodicCompactor(host: CompactorHost, periodMs: number, timers: CompactorTimers = REAL_TIMERS): Compactor {
  const compactIntervalMs = Math.min(periodMs, HOUR_MS);
  const retryIntervalMs = Math.max(1, Math.floor(compactIntervalMs / RETRY_DIVISOR));
  const retentions = Math.floor(periodMs / retryIntervalMs) + 1;
  const revs: number[] = [];
  let lastSuccess = timers.now();
  let baseIntervalMs = periodMs;
  let stopped = false;
  let handle: unknown = null;
  let inFlight = false;
  const tick = () => {
    if (stopped) return;
    schedule();
    if (inFlight || timers.now() - lastSuccess < baseIntervalMs) return;
    baseIntervalMs = compactIntervalMs;
    const rev = revs[0];
    inFlight = true;
    host.info('starting auto periodic compaction', { revision: rev, 'compact-period': `${periodMs}ms` });
    host.compact(rev).then(
      () => {
        lastSuccess = timers.now();
        host.info('completed auto periodic compaction', { revision: rev, 'compact-period': `${periodMs}ms` });
      },
      (err: unknown) => host.warn('failed auto periodic compaction', { revision: rev, error: String((err as Error).message ?? err) }),
    ).finally(() => { inFlight = false; });
  };
  const schedule = () => {
    revs.push(host.currentRevision());
    if (revs.length > retentions) revs.shift();
    handle = timers.setTimeout(tick, retryIntervalMs);
  };
  schedule();
  return { stop: () => { stopped = true; if (handle !== null) timers.clearTimeout(handle); } };
}

export function startRevisionCompactor(host: CompactorHost, retain: number, timers: CompactorTimers = REAL_TIMERS): Compactor {
  let last = 0;
  let stopped = false;
  let handle: unknown = null;
  const tick = () => {
    if (stopped) return;
    const rev = host.currentRevision() - retain;
    if (rev <= 0 || rev === last) {
      handle = timers.setTimeout(tick, REVISION_CHECK_INTERVAL_MS);
      return;
    }
    host.info('starting auto revision compaction', { revision: rev, 'revision-compaction-retention': retain });
    host.compact(rev).then(
      () => {
        last = rev;
        host.info('completed auto revision compaction', { revision: rev, 'revision-compaction-retention': retain });
      },
      (err: unknown) => host.warn('failed auto revision compaction', { revision: rev, error: String((err as Error).message ?? err) }),
    ).finally(() => {
      if (!stopped) handle = timers.setTimeout(tick, REVISION_CHECK_INTERVAL_MS);
    });
  };
  handle = timers.setTimeout(tick, REVISION_CHECK_INTERVAL_MS);
  return { stop: () => { stopped = true; if (handle !== null) timers.clearTimeout(handle); } };
}
