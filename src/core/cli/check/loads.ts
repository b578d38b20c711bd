// etcdctl 3.4's `check perf` and `check datascale` workloads (ctlv3/command/check.go): the load names and
// aliases, and what each level means — concurrent requests, rate limit and duration for perf, number of puts
// and concurrency for datascale.
import { CtlExit } from '../ctl-exit';
import { ExitCode } from '../exit-codes';

export type LoadName = 's' | 'm' | 'l' | 'xl';

export interface PerfLoad {
  /** writes per second (token bucket rate) */
  readonly limit: number;
  /** etcdctl's client count: the bound on requests in flight */
  readonly clients: number;
  /** seconds of load */
  readonly duration: number;
}

export interface DatascaleLoad {
  /** puts in all */
  readonly limit: number;
  /** bytes per key-value (512-byte key + 512-byte value) */
  readonly kvSize: number;
  readonly clients: number;
}

export const perfLoads: Readonly<Record<LoadName, PerfLoad>> = {
  s: { limit: 150, clients: 50, duration: 60 },
  m: { limit: 1000, clients: 200, duration: 60 },
  l: { limit: 8000, clients: 500, duration: 60 },
  xl: { limit: 15000, clients: 1000, duration: 60 },
};

export const datascaleLoads: Readonly<Record<LoadName, DatascaleLoad>> = {
  s: { limit: 10_000, kvSize: 1024, clients: 50 },
  m: { limit: 100_000, kvSize: 1024, clients: 200 },
  l: { limit: 1_000_000, kvSize: 1024, clients: 500 },
  // 3 versions of 1M objects
  xl: { limit: 3_000_000, kvSize: 1024, clients: 1000 },
};

const aliases: Readonly<Record<string, LoadName>> = {
  s: 's', small: 's', m: 'm', medium: 'm', l: 'l', large: 'l', xl: 'xl', xLarge: 'xl',
};

/** The load a --load value names; etcdctl's error (ExitBadFeature) for anything else. */
export function loadName(value: string): LoadName {
  const n = Object.prototype.hasOwnProperty.call(aliases, value) ? aliases[value] : undefined;
  if (n === undefined) throw new CtlExit(ExitCode.BadFeature, `unknown load option ${value}`);
  return n;
}

/**
 * CAIRN_CHECK_DURATION_SCALE — FOR TESTS ONLY: multiplies check perf's duration (60 s in every load) so a test
 * can run the real command for a few seconds. Not an etcdctl variable and not a user-facing option; anything
 * but a positive number is ignored.
 */
export function durationScale(env: NodeJS.ProcessEnv): number {
  const v = Number(env.CAIRN_CHECK_DURATION_SCALE);
  return Number.isFinite(v) && v > 0 ? v : 1;
}
