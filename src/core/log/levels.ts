// zap's levels as etcd names them (--log-level), in increasing severity.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'panic' | 'fatal';

export const LOG_LEVELS: readonly LogLevel[] = Object.freeze(['debug', 'info', 'warn', 'error', 'panic', 'fatal']);

const rank: Readonly<Record<LogLevel, number>> = { debug: -1, info: 0, warn: 1, error: 2, panic: 4, fatal: 5 };

/** zap's numeric level: debug -1 … fatal 5 (dpanic, 3, is not offered). */
export function levelRank(level: LogLevel): number {
  return rank[level];
}

export function isLogLevel(s: string): s is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(s);
}
