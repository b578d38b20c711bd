import { CtlCommand } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { badArgs, display, noDeadline } from '../../../core/cli/auth-commands';
import { Rpc } from '../../../core/client/rpc-methods';

export default class CtlUserDelete extends CtlCommand {
  static override summary = 'Deletes a user';
  static override usage = 'ctl user delete <user name>';
  static override get ctl(): CtlSpec {
    return { path: 'user delete', use: 'delete <user name>', short: CtlUserDelete.summary as string, flags: [] };
  }

  protected async exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length !== 1) badArgs('user delete command requires user name as its argument');
    const client = await ctx.client();
    display(ctx).userDelete(ctx.args[0], await client.call(Rpc.userDelete, { name: ctx.args[0] }, noDeadline));
  }
}
