// The base of every `cairn ctl` command. oclif finds the command and shows --help; everything else is
// etcdctl's: the command parses its own argv with pflag's rules (oclif's flags below are documentation), runs
// with a CtlContext, and leaves through one error path — `Error: <message>` on stderr and etcdctl's exit code.
import type { Interfaces } from '@oclif/core';
import { EtcdError } from '../errors';
import { CtlContext, type CtlSpec } from './ctl-context';
import { CtlExit } from './ctl-exit';
import { commandBase, fastPathActive } from './ctl-fast-path';
import { ExitCode } from './exit-codes';
import { globalFlags, type FlagSpec } from './flags/flag-spec';
import { drained, exitQuietlyOnBrokenPipe, ProcessOut } from './process-out';

type OclifFlags = typeof import('@oclif/core/flags');
type Letter = Parameters<OclifFlags['string']>[0] extends infer O ? O extends { char?: infer C } ? C : never : never;

/** oclif's view of etcdctl flags, for --help and the command manifest. */
export function oclifFlags(specs: readonly FlagSpec[], helpGroup?: string): Interfaces.FlagInput {
  const out: Interfaces.FlagInput = {};
  // the fast path (ctl-fast-path.ts) never shows help: no oclif flag objects, and oclif is not loaded
  if (fastPathActive()) return out;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Flags = require('@oclif/core/flags') as OclifFlags;
  for (const s of specs) {
    const common = { description: s.usage, helpGroup, char: s.shorthand as Letter | undefined };
    out[s.name] = s.kind === 'bool'
      ? Flags.boolean({ ...common, allowNo: false })
      : Flags.string({ ...common, default: s.kind === 'stringSlice' ? (s.def as string[]).join(',') : s.kind === 'duration' ? undefined : String(s.def) || undefined });
  }
  return out;
}

export abstract class CtlCommand extends commandBase() {
  static override strict = false;
  static override baseFlags = oclifFlags(globalFlags, 'GLOBAL');
  /** etcdctl's definition of the command (an accessor: oclif's manifest copies enumerable statics) */
  static get ctl(): CtlSpec {
    throw new Error(`${this.name} does not define its etcdctl spec`);
  }

  protected abstract exec(ctx: CtlContext): Promise<void>;

  async run(): Promise<void> {
    const spec = (this.constructor as typeof CtlCommand).ctl;
    exitQuietlyOnBrokenPipe();
    const out = new ProcessOut();
    const ctx = new CtlContext(spec, out, process.env);
    let code: number = ExitCode.Success;
    try {
      ctx.parse(this.argv);
      await this.exec(ctx);
    } catch (err) {
      code = report(err, out);
    } finally {
      ctx.close();
      out.flush();
    }
    // exit() ends the process at once: let piped output reach the reader first
    await Promise.all([drained(process.stdout), drained(process.stderr)]);
    this.exit(code);
  }
}

/** ExitWithError: the message, then the code. */
export function report(err: unknown, out: ProcessOut | { err(s: string): void }): number {
  if (err instanceof CtlExit) {
    if (err.errorMessage !== undefined) out.err(`Error: ${err.errorMessage}\n`);
    return err.code;
  }
  if (err instanceof EtcdError) {
    out.err(`Error: ${err.message}\n`);
    return ExitCode.Error;
  }
  out.err(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
  return ExitCode.Error;
}
