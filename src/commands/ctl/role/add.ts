import { CtlCommand } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { badArgs, display, noDeadline } from '../../../core/cli/auth-commands';
import { Rpc } from '../../../core/client/rpc-methods';

export default class CtlRoleAdd extends CtlCommand {
  static override summary = 'Adds a new role';
  static override usage = 'ctl role add <role name>';
  static override get ctl(): CtlSpec {
    return { path: 'role add', use: 'add <role name>', short: CtlRoleAdd.summary as string, flags: [] };
  }

  protected async exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length !== 1) badArgs('role add command requires role name as its argument');
    const client = await ctx.client();
    display(ctx).roleAdd(ctx.args[0], await client.call(Rpc.roleAdd, { name: ctx.args[0] }, noDeadline));
  }
}
