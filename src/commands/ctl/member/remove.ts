import { CtlCommand } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { CtlExit } from '../../../core/cli/ctl-exit';
import { ExitCode } from '../../../core/cli/exit-codes';
import { memberIdArg, uint64Long } from '../../../core/cli/maintenance-ids';
import { printMemberChange } from '../../../core/cli/printers/maintenance';
import { Rpc } from '../../../core/client/rpc-methods';

export default class CtlMemberRemove extends CtlCommand {
  static override summary = 'Removes a member from the cluster';
  static override examples = ['<%= config.bin %> ctl member remove 8e9e05c52164694d'];
  static override get ctl(): CtlSpec {
    return { path: 'member remove', use: 'remove <memberID>', short: CtlMemberRemove.summary as string, flags: [] };
  }

  protected async exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length !== 1) throw new CtlExit(ExitCode.BadArgs, 'member ID is not provided');
    const id = memberIdArg(ctx.args[0]);
    const deadline = ctx.commandDeadline();
    const client = await ctx.client();
    const resp = await client.call(Rpc.memberRemove, { ID: uint64Long(id) }, { deadline });
    printMemberChange(ctx, 'removed from', id, resp);
  }
}
