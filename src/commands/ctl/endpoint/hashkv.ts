import { CtlCommand, oclifFlags } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { CtlExit } from '../../../core/cli/ctl-exit';
import { endpointParentFlags, endpointsFromCluster } from '../../../core/cli/endpoints';
import { ExitCode } from '../../../core/cli/exit-codes';
import { int64 } from '../../../core/cli/flags/flag-spec';
import type { EpHashKV } from '../../../core/cli/printers/printer';
import { EtcdError } from '../../../core/errors';

const flags = [int64('rev', 'maximum revision to hash (default: all revisions)')];

export default class CtlEndpointHashKV extends CtlCommand {
  static override summary = 'Prints the KV history hash for each endpoint in --endpoints';
  static override examples = ['<%= config.bin %> ctl endpoint hashkv --cluster -w table'];
  static override get ctl(): CtlSpec {
    return { path: 'endpoint hashkv', use: 'hashkv', short: CtlEndpointHashKV.summary as string, flags, parentFlags: endpointParentFlags };
  }
  static override flags = oclifFlags([...flags, ...endpointParentFlags]);

  protected async exec(ctx: CtlContext): Promise<void> {
    const c = await ctx.client();
    const list: EpHashKV[] = [];
    let last: EtcdError | undefined;
    for (const ep of await endpointsFromCluster(ctx)) {
      const pinned = c.pinned(ep);
      try {
        list.push({ ep, resp: await pinned.hashKV({ revision: Number(ctx.flags.int64('rev')) }, { deadline: ctx.commandDeadline() }) });
      } catch (err) {
        if (!(err instanceof EtcdError)) throw err;
        last = err;
        ctx.out.err(`Failed to get the hash of endpoint ${ep} (${err.message})\n`);
      } finally {
        pinned.close();
      }
    }
    ctx.display.endpointHashKV(list);
    if (last !== undefined) throw new CtlExit(ExitCode.Error, last.message);
  }
}
