import { CtlCommand } from '../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../core/cli/ctl-context';
import { CtlExit } from '../../core/cli/ctl-exit';
import { ExitCode } from '../../core/cli/exit-codes';
import { GoParseError, parseGoUintBase } from '../../core/cli/go/numbers';
import { uint64Long } from '../../core/cli/maintenance-ids';
import { printMoveLeader } from '../../core/cli/printers/maintenance';
import { uint64Big } from '../../core/cli/printers/values';
import type { EtcdClient } from '../../core/client/etcd-client';
import { Rpc } from '../../core/client/rpc-methods';

export default class CtlMoveLeader extends CtlCommand {
  static override summary = 'Transfers leadership to another etcd cluster member.';
  static override examples = ['<%= config.bin %> ctl move-leader 8e9e05c52164694d --endpoints 10.0.0.1:2379,10.0.0.2:2379'];
  static override get ctl(): CtlSpec {
    return { path: 'move-leader', use: 'move-leader <transferee-member-id>', short: CtlMoveLeader.summary as string, flags: [] };
  }

  protected async exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length !== 1) throw new CtlExit(ExitCode.BadArgs, 'move-leader command needs 1 argument');
    let target: bigint;
    try {
      target = parseGoUintBase(ctx.args[0], 16);
    } catch (err) {
      if (err instanceof GoParseError) throw new CtlExit(ExitCode.BadArgs, err.message);
      throw err;
    }
    const cfg = await ctx.clientConfig();
    const eps = cfg.endpoints.length === 0 ? ['127.0.0.1:2379'] : cfg.endpoints;
    const deadline = ctx.commandDeadline();
    // the leader among the endpoints: each asked for its status on a client of its own
    let leaderCli: EtcdClient | undefined;
    let leaderId = 0n;
    for (const ep of eps) {
      const cli = await ctx.connect({ ...cfg, endpoints: [ep] });
      const resp = await cli.status({ deadline });
      if (uint64Big(resp.header?.memberId) === uint64Big(resp.leader)) {
        leaderCli = cli;
        leaderId = uint64Big(resp.leader);
        break;
      }
    }
    if (leaderCli === undefined) throw new CtlExit(ExitCode.BadArgs, `no leader endpoint given at [${eps.join(' ')}]`);
    const resp = await leaderCli.call(Rpc.moveLeader, { targetID: uint64Long(target) }, { deadline });
    printMoveLeader(ctx, leaderId, target, resp);
  }
}
