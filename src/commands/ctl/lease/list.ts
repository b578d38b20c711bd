import { CtlCommand } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { leaseSink } from '../../../core/cli/lease-ops';
import { printLeases } from '../../../core/cli/printers/lease';

export default class CtlLeaseList extends CtlCommand {
  static override summary = 'List all active leases';
  static override usage = 'ctl lease list';
  static override examples = ['<%= config.bin %> ctl lease list -w json'];
  static override get ctl(): CtlSpec {
    return { path: 'lease list', use: 'list', short: CtlLeaseList.summary as string, flags: [] };
  }

  protected async exec(ctx: CtlContext): Promise<void> {
    // etcdctl ignores extra arguments here
    const deadline = ctx.commandDeadline();
    const client = await ctx.client();
    const { Rpc } = await import('../../../core/client/rpc-methods.js');
    printLeases(leaseSink(ctx), await client.call(Rpc.leaseLeases, {}, { deadline }));
  }
}
