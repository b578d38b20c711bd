import Long from 'long';
import { CtlCommand } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { CtlExit } from '../../../core/cli/ctl-exit';
import { ExitCode } from '../../../core/cli/exit-codes';
import { GoParseError, parseGoIntBase } from '../../../core/cli/go/numbers';
import { leaseSink } from '../../../core/cli/lease-ops';
import { printGrant } from '../../../core/cli/printers/lease';

export default class CtlLeaseGrant extends CtlCommand {
  static override summary = 'Creates leases';
  static override usage = 'ctl lease grant <ttl>';
  static override examples = ['<%= config.bin %> ctl lease grant 60', '<%= config.bin %> ctl lease grant 60 -w json'];
  static override get ctl(): CtlSpec {
    return { path: 'lease grant', use: 'grant <ttl>', short: CtlLeaseGrant.summary as string, flags: [] };
  }

  protected async exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length !== 1) throw new CtlExit(ExitCode.BadArgs, 'lease grant command needs TTL argument');
    let ttl: bigint;
    try {
      ttl = parseGoIntBase(ctx.args[0], 10);
    } catch (err) {
      if (err instanceof GoParseError) throw new CtlExit(ExitCode.BadArgs, `bad TTL (${err.message})`);
      throw err;
    }
    const deadline = ctx.commandDeadline();
    const client = await ctx.client();
    let resp;
    try {
      resp = await client.call((await import('../../../core/client/rpc-methods.js')).Rpc.leaseGrant, { TTL: Long.fromString(ttl.toString()) }, { deadline });
    } catch (err) {
      throw new CtlExit(ExitCode.Error, `failed to grant lease (${err instanceof Error ? err.message : String(err)})`);
    }
    printGrant(leaseSink(ctx), resp);
  }
}
