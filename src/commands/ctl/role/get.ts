import { CtlCommand } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { badArgs, display, noDeadline } from '../../../core/cli/auth-commands';
import { Rpc } from '../../../core/client/rpc-methods';

export default class CtlRoleGet extends CtlCommand {
  static override summary = 'Gets detailed information of a role';
  static override usage = 'ctl role get <role name>';
  static override get ctl(): CtlSpec {
    return { path: 'role get', use: 'get <role name>', short: CtlRoleGet.summary as string, flags: [] };
  }

  protected async exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length !== 1) badArgs('role get command requires role name as its argument');
    const client = await ctx.client();
    display(ctx).roleGet(ctx.args[0], await client.call(Rpc.roleGet, { role: ctx.args[0] }, noDeadline));
  }
}
