import { CtlCommand } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { CtlExit } from '../../../core/cli/ctl-exit';
import { ExitCode } from '../../../core/cli/exit-codes';
import { memberIdArg, uint64Long } from '../../../core/cli/maintenance-ids';
import { printMemberPromote } from '../../../core/cli/printers/maintenance';
import { Rpc } from '../../../core/client/rpc-methods';

const long = `Promotes a non-voting learner member to a voting one in the cluster.
`;

export default class CtlMemberPromote extends CtlCommand {
  static override summary = 'Promotes a non-voting member in the cluster';
  static override description = long.trim();
  static override examples = ['<%= config.bin %> ctl member promote 8e9e05c52164694d'];
  static override get ctl(): CtlSpec {
    return { path: 'member promote', use: 'promote <memberID>', short: CtlMemberPromote.summary as string, long, flags: [] };
  }

  protected async exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length !== 1) throw new CtlExit(ExitCode.BadArgs, 'member ID is not provided');
    const id = memberIdArg(ctx.args[0]);
    const deadline = ctx.commandDeadline();
    const client = await ctx.client();
    const resp = await client.call(Rpc.memberPromote, { ID: uint64Long(id) }, { deadline });
    printMemberPromote(ctx, id, resp);
  }
}
