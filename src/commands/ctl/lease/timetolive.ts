import Long from 'long';
import { CtlCommand, oclifFlags } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { CtlExit } from '../../../core/cli/ctl-exit';
import { ExitCode } from '../../../core/cli/exit-codes';
import { bool } from '../../../core/cli/flags/flag-spec';
import { leaseFromArgs, leaseSink } from '../../../core/cli/lease-ops';
import { printTimeToLive } from '../../../core/cli/printers/lease';

const flags = [bool('keys', 'Get keys attached to this lease')];

export default class CtlLeaseTimeToLive extends CtlCommand {
  static override summary = 'Get lease information';
  static override usage = 'ctl lease timetolive <leaseID> [options]';
  static override examples = ['<%= config.bin %> ctl lease timetolive 694d5765fc71500b --keys'];
  static override get ctl(): CtlSpec {
    return { path: 'lease timetolive', use: 'timetolive <leaseID> [options]', short: CtlLeaseTimeToLive.summary as string, flags };
  }
  static override flags = oclifFlags(flags);

  protected async exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length !== 1) throw new CtlExit(ExitCode.BadArgs, 'lease timetolive command needs lease ID as argument');
    const id = leaseFromArgs(ctx.args[0]);
    const keys = ctx.flags.bool('keys');
    const deadline = ctx.commandDeadline();
    const client = await ctx.client();
    const { Rpc } = await import('../../../core/client/rpc-methods.js');
    const resp = await client.call(Rpc.leaseTimeToLive, { ID: Long.fromString(id.toString()), keys }, { deadline });
    printTimeToLive(leaseSink(ctx), resp, keys);
  }
}
