import { CtlCommand, oclifFlags } from '../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../core/cli/ctl-context';
import { CtlExit } from '../../core/cli/ctl-exit';
import { endpointParentFlags, endpointsFromCluster } from '../../core/cli/endpoints';
import { ExitCode } from '../../core/cli/exit-codes';
import { str } from '../../core/cli/flags/flag-spec';
import { startProgress } from '../../core/cli/progress';
import { Rpc } from '../../core/client/rpc-methods';
import { EtcdError } from '../../core/errors';

const flags = [str('data-dir', 'Optional. If present, defragments a data directory not in use by etcd.')];

export default class CtlDefrag extends CtlCommand {
  static override summary = 'Defragments the storage of the etcd members with given endpoints';
  static override examples = ['<%= config.bin %> ctl defrag', '<%= config.bin %> ctl defrag --cluster'];
  static override get ctl(): CtlSpec {
    // --cluster is a persistent flag of defrag itself in etcdctl
    return { path: 'defrag', use: 'defrag', short: CtlDefrag.summary as string, flags, parentFlags: endpointParentFlags };
  }
  static override flags = oclifFlags([...flags, ...endpointParentFlags]);

  protected async exec(ctx: CtlContext): Promise<void> {
    // etcdctl 3.4 accepts and ignores positional arguments here
    const dataDir = ctx.flags.string('data-dir');
    if (dataDir !== '') {
      // etcdctl 3.4 defragments the stopped member's file itself; so does cairn ctl, with `cairn util defrag`'s code
      const { defragDataDir } = await import('../../core/util/defrag-dir.js');
      try {
        await defragDataDir(dataDir);
      } catch (err) {
        ctx.out.err(`Failed to defragment etcd data[${dataDir}] (${(err as Error).message})\n`);
        throw new CtlExit(ExitCode.Error);
      }
      ctx.out.out(`Finished defragmenting etcd data[${dataDir}]\n`);
      return;
    }
    const c = await ctx.client();
    const eps = await endpointsFromCluster(ctx);
    let failures = 0;
    for (const [i, ep] of eps.entries()) {
      const progress = await startProgress(`defragmenting ${ep} (${i + 1}/${eps.length})`, { format: ctx.display.format });
      const pinned = c.pinned(ep);
      try {
        await pinned.call(Rpc.defragment, {}, { deadline: ctx.commandDeadline() });
        progress.stop();
        ctx.out.out(`Finished defragmenting etcd member[${ep}]\n`);
      } catch (err) {
        progress.stop();
        if (!(err instanceof EtcdError)) throw err;
        failures++;
        ctx.out.err(`Failed to defragment etcd member[${ep}] (${err.message})\n`);
      } finally {
        pinned.close();
      }
    }
    if (failures !== 0) throw new CtlExit(ExitCode.Error);
  }
}
