import { CtlCommand, oclifFlags } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { badArgs, display, noDeadline, readPasswordInteractive } from '../../../core/cli/auth-commands';
import { bool, str } from '../../../core/cli/flags/flag-spec';
import { scanWord } from '../../../core/cli/password-prompt';
import { Rpc } from '../../../core/client/rpc-methods';

const flags = [
  bool('interactive', 'Read password from stdin instead of interactive terminal', true),
  str('new-user-password', 'Supply password from the command line flag'),
  bool('no-password', 'Create a user without password (CN based auth only)'),
];

export default class CtlUserAdd extends CtlCommand {
  static override summary = 'Adds a new user';
  static override usage = 'ctl user add <user name or user:password> [options]';
  static override get ctl(): CtlSpec {
    return { path: 'user add', use: 'add <user name or user:password> [options]', short: CtlUserAdd.summary as string, flags };
  }
  static override flags = oclifFlags(flags);

  protected async exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length !== 1) badArgs('user add command requires user name as its argument');
    const arg = ctx.args[0];
    let user = arg;
    let password = '';
    const noPassword = ctx.flags.bool('no-password');
    if (!noPassword) {
      const fromFlag = ctx.flags.string('new-user-password');
      const colon = arg.indexOf(':');
      if (fromFlag !== '') password = fromFlag;
      else if (colon < 0) password = ctx.flags.bool('interactive') ? await readPasswordInteractive(ctx, arg) : await scanWord();
      else {
        user = arg.slice(0, colon);
        password = arg.slice(colon + 1);
        if (user.length === 0) badArgs('empty user name is not allowed');
      }
    }
    const client = await ctx.client();
    const r = await client.call(Rpc.userAdd, { name: user, password, options: { noPassword } }, noDeadline);
    display(ctx).userAdd(user, r);
  }
}
