import { CtlCommand, oclifFlags } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { CtlExit } from '../../../core/cli/ctl-exit';
import { ExitCode } from '../../../core/cli/exit-codes';
import { str } from '../../../core/cli/flags/flag-spec';
import { Rpc } from '../../../core/client/rpc-methods';

const long = `When --write-out is set to simple, this command prints out comma-separated member lists for each endpoint.
The items in the lists are ID, Status, Name, Peer Addrs, Client Addrs, Is Learner.
`;

// --consistency is etcdctl 3.6's: the request's `linearizable` field (etcd 3.4 ignores it and answers from
// its local member list, as it always did)
const flags = [str('consistency', 'Linearizable(l) or Serializable(s)', 'l')];

export default class CtlMemberList extends CtlCommand {
  static override summary = 'Lists all members in the cluster';
  static override description = long.trim();
  static override examples = ['<%= config.bin %> ctl member list -w table', '<%= config.bin %> ctl member list --consistency s'];
  static override get ctl(): CtlSpec {
    return { path: 'member list', use: 'list', short: CtlMemberList.summary as string, long, flags };
  }
  static override flags = oclifFlags(flags);

  protected async exec(ctx: CtlContext): Promise<void> {
    const consistency = ctx.flags.string('consistency');
    if (consistency !== 'l' && consistency !== 's') {
      throw new CtlExit(ExitCode.BadFeature, `unknown consistency flag ${JSON.stringify(consistency)}`);
    }
    const deadline = ctx.commandDeadline();
    const client = await ctx.client();
    ctx.display.memberList(await client.call(Rpc.memberList, { linearizable: consistency === 'l' }, { deadline }));
  }
}
