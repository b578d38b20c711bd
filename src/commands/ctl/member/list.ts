import { CtlCommand } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';

const long = `When --write-out is set to simple, this command prints out comma-separated member lists for each endpoint.
The items in the lists are ID, Status, Name, Peer Addrs, Client Addrs, Is Learner.
`;

export default class CtlMemberList extends CtlCommand {
  static override summary = 'Lists all members in the cluster';
  static override description = long.trim();
  static override examples = ['<%= config.bin %> ctl member list -w table'];
  static override get ctl(): CtlSpec {
    return { path: 'member list', use: 'list', short: CtlMemberList.summary as string, long, flags: [] };
  }

  protected async exec(ctx: CtlContext): Promise<void> {
    const deadline = ctx.commandDeadline();
    const client = await ctx.client();
    ctx.display.memberList(await client.memberList({ deadline }));
  }
}
