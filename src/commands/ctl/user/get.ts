import { CtlCommand, oclifFlags } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { badArgs, display, noDeadline } from '../../../core/cli/auth-commands';
import { bool } from '../../../core/cli/flags/flag-spec';
import { Rpc } from '../../../core/client/rpc-methods';

const flags = [bool('detail', 'Show permissions of roles granted to the user')];

export default class CtlUserGet extends CtlCommand {
  static override summary = 'Gets detailed information of a user';
  static override usage = 'ctl user get <user name> [options]';
  static override get ctl(): CtlSpec {
    return { path: 'user get', use: 'get <user name> [options]', short: CtlUserGet.summary as string, flags };
  }
  static override flags = oclifFlags(flags);

  protected async exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length !== 1) badArgs('user get command requires user name as its argument');
    const name = ctx.args[0];
    const client = await ctx.client();
    const r = await client.call(Rpc.userGet, { name }, noDeadline);
    const d = display(ctx);
    if (!ctx.flags.bool('detail')) {
      d.userGet(name, r);
      return;
    }
    // with --detail etcdctl prints the user line itself, then each role as `role get` would, in any format
    ctx.out.out(`User: ${name}\n`);
    for (const role of r.roles) {
      ctx.out.out('\n');
      d.roleGet(role, await client.call(Rpc.roleGet, { role }, noDeadline));
    }
  }
}
