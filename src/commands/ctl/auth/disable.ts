import { CtlCommand } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { badArgs } from '../../../core/cli/auth-commands';
import { Rpc } from '../../../core/client/rpc-methods';

export default class CtlAuthDisable extends CtlCommand {
  static override summary = 'Disables authentication';
  static override get ctl(): CtlSpec {
    return { path: 'auth disable', use: 'disable', short: CtlAuthDisable.summary as string, flags: [] };
  }

  protected async exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length !== 0) badArgs('auth disable command does not accept any arguments');
    const deadline = ctx.commandDeadline();
    const client = await ctx.client();
    await client.call(Rpc.authDisable, {}, { deadline });
    ctx.out.out('Authentication Disabled\n');
  }
}
