import Long from 'long';
import { CtlCommand } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { CtlExit } from '../../../core/cli/ctl-exit';
import { ExitCode } from '../../../core/cli/exit-codes';
import { leaseFromArgs, leaseSink } from '../../../core/cli/lease-ops';
import { printRevoke } from '../../../core/cli/printers/lease';

export default class CtlLeaseRevoke extends CtlCommand {
  static override summary = 'Revokes leases';
  static override usage = 'ctl lease revoke <leaseID>';
  static override examples = ['<%= config.bin %> ctl lease revoke 694d5765fc71500b'];
  static override get ctl(): CtlSpec {
    return { path: 'lease revoke', use: 'revoke <leaseID>', short: CtlLeaseRevoke.summary as string, flags: [] };
  }

  protected async exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length !== 1) throw new CtlExit(ExitCode.BadArgs, 'lease revoke command needs 1 argument');
    const id = leaseFromArgs(ctx.args[0]);
    const deadline = ctx.commandDeadline();
    const client = await ctx.client();
    const { Rpc } = await import('../../../core/client/rpc-methods.js');
    let resp;
    try {
      resp = await client.call(Rpc.leaseRevoke, { ID: Long.fromString(id.toString()) }, { deadline });
    } catch (err) {
      throw new CtlExit(ExitCode.Error, `failed to revoke lease (${err instanceof Error ? err.message : String(err)})`);
    }
    printRevoke(leaseSink(ctx), id, resp);
  }
}
