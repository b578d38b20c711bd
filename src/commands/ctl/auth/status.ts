// etcdctl 3.5's `auth status` (3.4 has neither the command nor the AuthStatus RPC: against etcd 3.4 the call
// fails with the server's Unimplemented status, printed as clientv3 does, exit 1).
import { CtlCommand } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { badArgs, display } from '../../../core/cli/auth-commands';
import { Rpc } from '../../../core/client/rpc-methods';

export default class CtlAuthStatus extends CtlCommand {
  static override summary = 'Returns authentication status';
  static override get ctl(): CtlSpec {
    return { path: 'auth status', use: 'status', short: CtlAuthStatus.summary as string, flags: [] };
  }

  protected async exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length !== 0) badArgs('auth status command does not accept any arguments');
    const deadline = ctx.commandDeadline();
    const client = await ctx.client();
    display(ctx).authStatus(await client.call(Rpc.authStatus, {}, { deadline }));
  }
}
