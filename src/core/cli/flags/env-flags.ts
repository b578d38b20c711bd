// etcd's pkg/flags.SetPflagsFromEnv for etcdctl: each inherited (global) flag not given on the command line
// takes ETCDCTL_<NAME> when set and non-empty; a flag given on the command line while its variable is set too
// is fatal; any other ETCDCTL_* variable draws a warning. Messages in capnslog's format, as etcdctl prints them.
import type { FlagSet } from './flag-set';

export const envPrefix = 'ETCDCTL';
/** variables etcdctl consumes before flag parsing (main unsets ETCDCTL_API) or reads itself (watch) */
const consumedElsewhere = new Set(['ETCDCTL_API']);

export function flagToEnv(name: string): string {
  return `${envPrefix}_${name.toUpperCase().replace(/-/g, '_')}`;
}

export interface EnvOutcome {
  /** capnslog lines for stderr (warnings, then at most one fatal line) */
  readonly messages: string[];
  /** a conflicting variable: etcdctl exits 1 after printing the messages */
  readonly fatal: boolean;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** capnslog's timestamp: "2006-01-02 15:04:05.000000" in local time. */
export function capnslogTime(d: Date, micros = 0): string {
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}` +
    `.${String(d.getMilliseconds() * 1000 + micros).padStart(6, '0')}`;
}

function capnslog(level: 'W' | 'C', msg: string): string {
  return `${capnslogTime(new Date())} ${level} | pkg/flags: ${msg}\n`;
}

/**
 * Applies ETCDCTL_* variables to the named (inherited) flags of the set. `extraNames` are variables the
 * command accepts without a flag of its own (watch's ETCDCTL_WATCH_KEY / ETCDCTL_WATCH_RANGE_END).
 */
export function applyEnv(flags: FlagSet, inherited: readonly string[], env: NodeJS.ProcessEnv, extraNames: readonly string[] = []): EnvOutcome {
  const alreadySet = new Set<string>();
  const used = new Set<string>();
  for (const name of [...inherited, ...extraNames].sort()) {
    const key = flagToEnv(name);
    const isFlag = flags.has(name);
    if (isFlag && flags.changed.has(name)) alreadySet.add(key);
    if (alreadySet.has(key)) continue;
    const val = env[key];
    if (val === undefined || val === '') continue;
    used.add(key);
    if (!isFlag) continue;
    try {
      flags.set(name, val);
    } catch {
      // etcdctl ignores the error SetPflagsFromEnv returns: the flag keeps its value
    }
  }
  const messages: string[] = [];
  for (const [key, value] of Object.entries(env)) {
    if (used.has(key) || consumedElsewhere.has(key)) continue;
    if (alreadySet.has(key)) {
      messages.push(capnslog('C', `conflicting environment variable ${JSON.stringify(key)} is shadowed by corresponding command-line flag (either unset environment variable or disable flag)`));
      return { messages, fatal: true };
    }
    if (key.startsWith(`${envPrefix}_`)) messages.push(capnslog('W', `unrecognized environment variable ${key}=${value ?? ''}`));
  }
  return { messages, fatal: false };
}
