import { CtlCommand } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { badArgs, display, noDeadline } from '../../../core/cli/auth-commands';
import { Rpc } from '../../../core/client/rpc-methods';

export default class CtlUserList extends CtlCommand {
  static override summary = 'Lists all users';
  static override get ctl(): CtlSpec {
    return { path: 'user list', use: 'list', short: CtlUserList.summary as string, flags: [] };
  }

  protected async exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length !== 0) badArgs('user list command requires no arguments');
    const client = await ctx.client();
    display(ctx).userList(await client.call(Rpc.userList, {}, noDeadline));
  }
}
