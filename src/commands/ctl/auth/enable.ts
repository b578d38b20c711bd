import { CtlCommand } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { badArgs } from '../../../core/cli/auth-commands';
import { Rpc } from '../../../core/client/rpc-methods';
import { EtcdError, Errors } from '../../../core/errors';

export default class CtlAuthEnable extends CtlCommand {
  static override summary = 'Enables authentication';
  static override get ctl(): CtlSpec {
    return { path: 'auth enable', use: 'enable', short: CtlAuthEnable.summary as string, flags: [] };
  }

  protected async exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length !== 0) badArgs('auth enable command does not accept any arguments');
    const deadline = ctx.commandDeadline();
    const client = await ctx.client();
    // etcdctl creates the root role (and grants it to root) when only that is missing, then tries again
    for (;;) {
      try {
        await client.call(Rpc.authEnable, {}, { deadline });
        break;
      } catch (err) {
        if (!(err instanceof EtcdError) || err.message !== Errors.RootRoleNotExist.message) throw err;
        await client.call(Rpc.roleAdd, { name: 'root' }, { deadline });
        await client.call(Rpc.userGrantRole, { user: 'root', role: 'root' }, { deadline });
      }
    }
    ctx.out.out('Authentication Enabled\n');
  }
}
