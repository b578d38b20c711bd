// etcdctl's lease helpers (ctlv3/command/lease_command.go): lease ids are hex on the command line, and the
// printing sink for a context's output format.
import type { CtlContext } from './ctl-context';
import { CtlExit } from './ctl-exit';
import { ExitCode } from './exit-codes';
import { GoParseError, parseGoIntBase } from './go/numbers';
import type { LeaseSink } from './printers/lease';
import type { Out } from './printers/printer';

/** leaseFromArgs: strconv.ParseInt(arg, 16, 64), or ExitBadArgs naming the bad id. */
export function leaseFromArgs(arg: string): bigint {
  try {
    return parseGoIntBase(arg, 16);
  } catch (err) {
    if (err instanceof GoParseError) throw new CtlExit(ExitCode.BadArgs, `bad lease ID arg (${err.message}), expecting ID in Hex`);
    throw err;
  }
}

/** Where lease responses are printed: the format of the display etcdctl set up, on the context's output. */
export function leaseSink(ctx: CtlContext): LeaseSink {
  return { format: ctx.display.format, out: ctx.out };
}

/** Writes buffered stdout now (streaming commands print as events arrive, as Go's unbuffered fmt does). */
export function flushOut(out: Out): void {
  const f = (out as Partial<{ flush(): void }>).flush;
  if (typeof f === 'function') f.call(out);
}
