import Long from 'long';
import { CtlCommand, oclifFlags } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { CtlExit } from '../../../core/cli/ctl-exit';
import { ExitCode } from '../../../core/cli/exit-codes';
import { bool } from '../../../core/cli/flags/flag-spec';
import { flushOut, leaseFromArgs, leaseSink } from '../../../core/cli/lease-ops';
import { leaseHex, printKeepAlive } from '../../../core/cli/printers/lease';

const flags = [bool('once', 'Resets the keep-alive time to its original value and exits immediately')];

export default class CtlLeaseKeepAlive extends CtlCommand {
  static override summary = 'Keeps leases alive (renew)';
  static override description = 'Without --once, renews the lease at a third of its TTL and prints every renewal until the lease expires or is revoked (or the command is interrupted).';
  static override usage = 'ctl lease keep-alive [options] <leaseID>';
  static override examples = ['<%= config.bin %> ctl lease keep-alive 694d5765fc71500b', '<%= config.bin %> ctl lease keep-alive --once 694d5765fc71500b'];
  static override get ctl(): CtlSpec {
    return { path: 'lease keep-alive', use: 'keep-alive [options] <leaseID>', short: CtlLeaseKeepAlive.summary as string, flags };
  }
  static override flags = oclifFlags(flags);

  protected async exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length !== 1) throw new CtlExit(ExitCode.BadArgs, 'lease keep-alive command needs lease ID as argument');
    const id = leaseFromArgs(ctx.args[0]);
    const client = await ctx.client();
    const sink = leaseSink(ctx);
    const { keepAliveLoop, keepAliveOnce } = await import('../../../core/client/lease-keepalive.js');
    const wireId = Long.fromString(id.toString());
    const open: Parameters<typeof keepAliveOnce>[0] = (o) => client.leaseKeepAlive(o);
    if (ctx.flags.bool('once')) {
      // etcdctl: KeepAliveOnce(context.TODO()), any failure is ExitBadConnection
      let resp;
      try {
        resp = await keepAliveOnce(open, wireId);
      } catch (err) {
        throw new CtlExit(ExitCode.BadConnection, err instanceof Error ? err.message : String(err));
      }
      printKeepAlive(sink, resp);
      return;
    }
    let printError: unknown;
    const loop = keepAliveLoop(open, wireId, (r) => {
      try {
        printKeepAlive(sink, r);
        flushOut(ctx.out);
      } catch (err) {
        printError = err;
        loop.stop();
      }
    });
    await loop.done;
    if (printError !== undefined) throw printError;
    if (sink.format === 'simple') ctx.out.out(`lease ${leaseHex(id)} expired or revoked.\n`);
  }
}
