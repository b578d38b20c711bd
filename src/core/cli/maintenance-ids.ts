// Member ids on etcdctl's command lines: hex uint64 (strconv.ParseUint(s, 16, 64)), sent as protobuf uint64.
import Long from 'long';
import { CtlExit } from './ctl-exit';
import { ExitCode } from './exit-codes';
import { GoParseError, parseGoUintBase } from './go/numbers';

/** The member id argument, or etcdctl's "bad member ID arg" error (exit 128). */
export function memberIdArg(s: string): bigint {
  try {
    return parseGoUintBase(s, 16);
  } catch (err) {
    if (err instanceof GoParseError) throw new CtlExit(ExitCode.BadArgs, `bad member ID arg (${err.message}), expecting ID in Hex`);
    throw err;
  }
}

export function uint64Long(v: bigint): Long {
  return Long.fromString(v.toString(), true);
}
