import { CtlCommand } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { badArgs, display, noDeadline } from '../../../core/cli/auth-commands';
import { Rpc } from '../../../core/client/rpc-methods';

export default class CtlUserRevokeRole extends CtlCommand {
  static override summary = 'Revokes a role from a user';
  static override usage = 'ctl user revoke-role <user name> <role name>';
  static override get ctl(): CtlSpec {
    return { path: 'user revoke-role', use: 'revoke-role <user name> <role name>', short: CtlUserRevokeRole.summary as string, flags: [] };
  }

  protected async exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length !== 2) badArgs('user revoke-role requires user name and role name as its argument');
    const [user, role] = ctx.args;
    const client = await ctx.client();
    display(ctx).userRevokeRole(user, role, await client.call(Rpc.userRevokeRole, { name: user, role }, noDeadline));
  }
}
