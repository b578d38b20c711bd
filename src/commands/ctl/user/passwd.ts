import { CtlCommand, oclifFlags } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { badArgs, display, noDeadline, readPasswordInteractive } from '../../../core/cli/auth-commands';
import { bool } from '../../../core/cli/flags/flag-spec';
import { scanWord } from '../../../core/cli/password-prompt';
import { Rpc } from '../../../core/client/rpc-methods';

const flags = [bool('interactive', 'If true, read password from stdin instead of interactive terminal', true)];

export default class CtlUserPasswd extends CtlCommand {
  static override summary = 'Changes password of user';
  static override usage = 'ctl user passwd <user name> [options]';
  static override get ctl(): CtlSpec {
    return { path: 'user passwd', use: 'passwd <user name> [options]', short: CtlUserPasswd.summary as string, flags };
  }
  static override flags = oclifFlags(flags);

  protected async exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length !== 1) badArgs('user passwd command requires user name as its argument');
    const name = ctx.args[0];
    const password = ctx.flags.bool('interactive') ? await readPasswordInteractive(ctx, name) : await scanWord();
    const client = await ctx.client();
    display(ctx).userChangePassword(await client.call(Rpc.userChangePassword, { name, password }, noDeadline));
  }
}
