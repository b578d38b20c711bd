import { CtlCommand } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { badArgs, display, noDeadline } from '../../../core/cli/auth-commands';
import { Rpc } from '../../../core/client/rpc-methods';

export default class CtlUserGrantRole extends CtlCommand {
  static override summary = 'Grants a role to a user';
  static override usage = 'ctl user grant-role <user name> <role name>';
  static override get ctl(): CtlSpec {
    return { path: 'user grant-role', use: 'grant-role <user name> <role name>', short: CtlUserGrantRole.summary as string, flags: [] };
  }

  protected async exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length !== 2) badArgs('user grant command requires user name and role name as its argument');
    const [user, role] = ctx.args;
    const client = await ctx.client();
    display(ctx).userGrantRole(user, role, await client.call(Rpc.userGrantRole, { user, role }, noDeadline));
  }
}
