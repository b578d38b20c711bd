import { CtlCommand } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { badArgs, display, noDeadline } from '../../../core/cli/auth-commands';
import { Rpc } from '../../../core/client/rpc-methods';

export default class CtlRoleDelete extends CtlCommand {
  static override summary = 'Deletes a role';
  static override usage = 'ctl role delete <role name>';
  static override get ctl(): CtlSpec {
    return { path: 'role delete', use: 'delete <role name>', short: CtlRoleDelete.summary as string, flags: [] };
  }

  protected async exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length !== 1) badArgs('role delete command requires role name as its argument');
    const client = await ctx.client();
    display(ctx).roleDelete(ctx.args[0], await client.call(Rpc.roleDelete, { role: ctx.args[0] }, noDeadline));
  }
}
