import { CtlCommand, oclifFlags } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { CtlExit } from '../../../core/cli/ctl-exit';
import { ExitCode } from '../../../core/cli/exit-codes';
import { bool, str } from '../../../core/cli/flags/flag-spec';
import { checkPeerUrls } from '../../../core/cli/maintenance-urls';
import { printMemberAdd } from '../../../core/cli/printers/maintenance';
import { Rpc } from '../../../core/client/rpc-methods';

const flags = [
  str('peer-urls', 'comma separated peer URLs for the new member.'),
  bool('learner', 'indicates if the new member is raft learner'),
];

export default class CtlMemberAdd extends CtlCommand {
  static override summary = 'Adds a member into the cluster';
  static override examples = ['<%= config.bin %> ctl member add m4 --peer-urls http://10.0.0.4:2380', '<%= config.bin %> ctl member add m4 --peer-urls http://10.0.0.4:2380 --learner'];
  static override get ctl(): CtlSpec {
    return { path: 'member add', use: 'add <memberName> [options]', short: CtlMemberAdd.summary as string, flags };
  }
  static override flags = oclifFlags(flags);

  protected async exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length < 1) throw new CtlExit(ExitCode.BadArgs, 'member name not provided');
    if (ctx.args.length > 1) {
      let ev = 'too many arguments';
      for (const s of ctx.args) if (s.toLowerCase().startsWith('http')) ev += `, did you mean --peer-urls=${s}`;
      throw new CtlExit(ExitCode.BadArgs, ev);
    }
    const name = ctx.args[0];
    const peerUrls = ctx.flags.string('peer-urls');
    if (peerUrls.length === 0) throw new CtlExit(ExitCode.BadArgs, 'member peer urls not provided');
    const urls = peerUrls.split(',');
    const deadline = ctx.commandDeadline();
    const client = await ctx.client();
    try {
      checkPeerUrls(urls);
    } catch (err) {
      throw new CtlExit(ExitCode.Error, (err as Error).message);
    }
    const resp = await client.call(Rpc.memberAdd, { peerURLs: urls, isLearner: ctx.flags.bool('learner') }, { deadline });
    printMemberAdd(ctx, resp, name, peerUrls);
  }
}
