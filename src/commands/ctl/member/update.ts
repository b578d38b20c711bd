import { CtlCommand, oclifFlags } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { CtlExit } from '../../../core/cli/ctl-exit';
import { ExitCode } from '../../../core/cli/exit-codes';
import { str } from '../../../core/cli/flags/flag-spec';
import { memberIdArg, uint64Long } from '../../../core/cli/maintenance-ids';
import { checkPeerUrls } from '../../../core/cli/maintenance-urls';
import { printMemberChange } from '../../../core/cli/printers/maintenance';
import { Rpc } from '../../../core/client/rpc-methods';

const flags = [str('peer-urls', 'comma separated peer URLs for the updated member.')];

export default class CtlMemberUpdate extends CtlCommand {
  static override summary = 'Updates a member in the cluster';
  static override examples = ['<%= config.bin %> ctl member update 8e9e05c52164694d --peer-urls http://10.0.0.4:2380'];
  static override get ctl(): CtlSpec {
    return { path: 'member update', use: 'update <memberID> [options]', short: CtlMemberUpdate.summary as string, flags };
  }
  static override flags = oclifFlags(flags);

  protected async exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length !== 1) throw new CtlExit(ExitCode.BadArgs, 'member ID is not provided');
    const id = memberIdArg(ctx.args[0]);
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
    const resp = await client.call(Rpc.memberUpdate, { ID: uint64Long(id), peerURLs: urls }, { deadline });
    printMemberChange(ctx, 'updated in', id, resp);
  }
}
