// etcdctl watch's arguments (ctlv3/command/watch_command.go): flags, the `-- command args…` exec form read
// from the raw argv, ETCDCTL_WATCH_KEY / ETCDCTL_WATCH_RANGE_END, and the `watch …` lines of -i mode, each
// parsed with a fresh flag set. Errors carry etcdctl's messages; the caller picks the exit.
import { FlagSet } from './flags/flag-set';
import { bool, int64, type FlagSpec } from './flags/flag-spec';

export const watchFlags: readonly FlagSpec[] = [
  bool('interactive', 'Interactive mode', false, 'i'),
  bool('prefix', 'Watch on a prefix if prefix is set'),
  int64('rev', 'Revision to start watching'),
  bool('prev-kv', 'get the previous key-value pair before the event happens'),
  // etcdctl 3.5's addition (3.4 has no such flag): request periodic progress notifications from the server
  bool('progress-notify', 'get periodic watch progress notification from server'),
];

export class WatchArgsError extends Error {}

export const errBadArgsNum = 'bad number of arguments';
export const errBadArgsNumConflictEnv = 'bad number of arguments (found conflicting environment key)';
export const errBadArgsNumSeparator = 'bad number of arguments (found separator --, but no commands)';
export const errBadArgsInteractiveWatch = "args[0] must be 'watch' for interactive calls";

export interface WatchOptions {
  readonly prefix: boolean;
  readonly rev: bigint;
  readonly prevKv: boolean;
  readonly progressNotify: boolean;
}

export interface ParsedWatch {
  /** key and optional range end */
  readonly watchArgs: string[];
  readonly execArgs: string[];
}

/** the tail of watchArgs that repeats the exec command is cut at its last match of the command's name */
function cutExec(watchArgs: string[], first: string): string[] {
  let end = watchArgs.length - 1;
  for (; end >= 0; end--) if (watchArgs[end] === first) break;
  return watchArgs.slice(0, Math.max(0, end));
}

/**
 * parseWatchArgs for the command line: `rawArgs` are the words after `watch` as typed (with `--`),
 * `commandArgs` the positional arguments pflag left (without `--`).
 */
export function parseWatchCommandLine(rawArgs: readonly string[], commandArgs: readonly string[], envKey: string, envRange: string): ParsedWatch {
  let watchArgs = [...commandArgs];
  const execIdx = rawArgs.indexOf('--');
  const execExist = execIdx >= 0;
  if (execExist && execIdx === rawArgs.length - 1) throw new WatchArgsError(errBadArgsNumSeparator);
  if (!execExist && rawArgs.length < 1 && envKey === '') throw new WatchArgsError(errBadArgsNum);
  if (execExist && envKey !== '') {
    // "ETCDCTL_WATCH_KEY=foo watch foo -- echo 1": a positional argument besides the command
    let ridx = rawArgs.length - 1;
    for (let widx = watchArgs.length - 1; widx >= 0; widx--) {
      if (watchArgs[widx] === rawArgs[ridx]) {
        ridx--;
        continue;
      }
      if (ridx === execIdx) throw new WatchArgsError(errBadArgsNumConflictEnv);
    }
  }
  if (!execExist && watchArgs.length > 0 && envKey !== '') throw new WatchArgsError(errBadArgsNumConflictEnv);
  const execArgs = execExist ? rawArgs.slice(execIdx + 1) : [];
  if (envKey !== '') watchArgs = [envKey, ...(envRange !== '' ? [envRange] : []), ...watchArgs];
  if (!execExist) return { watchArgs, execArgs };
  return { watchArgs: cutExec(watchArgs, rawArgs[execIdx + 1]), execArgs };
}

/** parseWatchArgs for one -i line (already split into words, `watch` first); flag errors are FlagErrors. */
export function parseWatchLine(words: readonly string[], envKey: string, envRange: string): ParsedWatch & { opts: WatchOptions } {
  if (words[0] !== 'watch') throw new WatchArgsError(errBadArgsInteractiveWatch);
  const argsWithSep = words.slice(1);
  const sep = argsWithSep.indexOf('--');
  if (sep >= 0 && sep === argsWithSep.length - 1) throw new WatchArgsError(errBadArgsNumSeparator);
  const first = new FlagSet(watchFlags).parse(argsWithSep).args;
  if (sep < 0 && envKey === '' && first.length < 1) throw new WatchArgsError(errBadArgsNum);
  if (sep < 0 && first.length > 0 && envKey !== '') throw new WatchArgsError(errBadArgsNumConflictEnv);
  const execArgs = sep >= 0 ? argsWithSep.slice(sep + 1) : [];
  const fs = new FlagSet(watchFlags);
  let watchArgs = fs.parse(argsWithSep).args;
  const opts: WatchOptions = { prefix: fs.bool('prefix'), rev: fs.int64('rev'), prevKv: fs.bool('prev-kv'), progressNotify: fs.bool('progress-notify') };
  if (envKey !== '') watchArgs = [envKey, ...(envRange !== '' ? [envRange] : []), ...watchArgs];
  if (sep < 0) return { watchArgs, execArgs, opts };
  return { watchArgs: cutExec(watchArgs, argsWithSep[sep + 1]), execArgs, opts };
}
