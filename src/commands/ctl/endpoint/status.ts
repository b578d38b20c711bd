import { CtlCommand, oclifFlags } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { CtlExit } from '../../../core/cli/ctl-exit';
import { endpointParentFlags, endpointsFromCluster } from '../../../core/cli/endpoints';
import { ExitCode } from '../../../core/cli/exit-codes';
import type { EpStatus } from '../../../core/cli/printers/printer';
import { EtcdError } from '../../../core/errors';

const long = `When --write-out is set to simple, this command prints out comma-separated status lists for each endpoint.
The items in the lists are endpoint, ID, version, db size, is leader, is learner, raft term, raft index, raft applied index, errors.
`;

export default class CtlEndpointStatus extends CtlCommand {
  static override summary = 'Prints out the status of endpoints specified in `--endpoints` flag';
  static override description = long.trim();
  static override examples = ['<%= config.bin %> ctl endpoint status -w table', '<%= config.bin %> ctl endpoint status --cluster'];
  static override get ctl(): CtlSpec {
    return { path: 'endpoint status', use: 'status', short: CtlEndpointStatus.summary as string, long, flags: [], parentFlags: endpointParentFlags };
  }
  static override flags = oclifFlags(endpointParentFlags);

  protected async exec(ctx: CtlContext): Promise<void> {
    const c = await ctx.client();
    const list: EpStatus[] = [];
    let failed = false;
    for (const ep of await endpointsFromCluster(ctx)) {
      const pinned = c.pinned(ep);
      try {
        list.push({ ep, resp: await pinned.status({ deadline: ctx.commandDeadline() }) });
      } catch (err) {
        if (!(err instanceof EtcdError)) throw err;
        failed = true;
        ctx.out.err(`Failed to get the status of endpoint ${ep} (${err.message})\n`);
      } finally {
        pinned.close();
      }
    }
    ctx.display.endpointStatus(list);
    if (failed) throw new CtlExit(ExitCode.Error);
  }
}
