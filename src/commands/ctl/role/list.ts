import { CtlCommand } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { badArgs, display, noDeadline } from '../../../core/cli/auth-commands';
import { Rpc } from '../../../core/client/rpc-methods';

export default class CtlRoleList extends CtlCommand {
  static override summary = 'Lists all roles';
  static override usage = 'ctl role list';
  static override get ctl(): CtlSpec {
    return { path: 'role list', use: 'list', short: CtlRoleList.summary as string, flags: [] };
  }

  protected async exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length !== 0) badArgs('role list command requires no arguments');
    const client = await ctx.client();
    display(ctx).roleList(await client.call(Rpc.roleList, {}, noDeadline));
  }
}
