import { CtlCommand, oclifFlags } from '../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../core/cli/ctl-context';
import { CtlExit } from '../../core/cli/ctl-exit';
import { ExitCode } from '../../core/cli/exit-codes';
import { bool } from '../../core/cli/flags/flag-spec';
import { GoParseError, parseGoIntBase } from '../../core/cli/go/numbers';

const flags = [bool('physical', "'true' to wait for compaction to physically remove all old revisions")];

export default class CtlCompaction extends CtlCommand {
  static override summary = 'Compacts the event history in etcd';
  static override usage = 'ctl compaction [options] <revision>';
  static override examples = ['<%= config.bin %> ctl compaction 1234', '<%= config.bin %> ctl compaction 1234 --physical'];
  static override get ctl(): CtlSpec {
    return { path: 'compaction', use: 'compaction [options] <revision>', short: CtlCompaction.summary as string, flags };
  }
  static override flags = oclifFlags(flags);

  protected async exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length !== 1) throw new CtlExit(ExitCode.BadArgs, 'compaction command needs 1 argument');
    let rev: bigint;
    try {
      rev = parseGoIntBase(ctx.args[0], 10);
    } catch (err) {
      if (err instanceof GoParseError) throw new CtlExit(ExitCode.Error, err.message);
      throw err;
    }
    const client = await ctx.client();
    await client.compact({ revision: Number(rev), physical: ctx.flags.bool('physical') }, { deadline: ctx.commandDeadline() });
    ctx.out.out(`compacted revision ${rev}\n`);
  }
}
