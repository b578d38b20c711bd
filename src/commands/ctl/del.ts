import { CtlCommand, oclifFlags } from '../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../core/cli/ctl-context';
import { delFlags, deleteRequest } from '../../core/cli/kv-ops';

export default class CtlDel extends CtlCommand {
  static override summary = 'Removes the specified key or range of keys [key, range_end)';
  static override usage = 'ctl del [options] <key> [range_end]';
  static override examples = ['<%= config.bin %> ctl del foo', '<%= config.bin %> ctl del foo --prefix --prev-kv'];
  static override get ctl(): CtlSpec {
    return { path: 'del', use: 'del [options] <key> [range_end]', short: CtlDel.summary as string, flags: delFlags };
  }
  static override flags = oclifFlags(delFlags);

  protected async exec(ctx: CtlContext): Promise<void> {
    const req = deleteRequest(ctx.flags, ctx.args);
    const deadline = ctx.commandDeadline();
    const client = await ctx.client();
    ctx.display.del(await client.deleteRange(req, { deadline }));
  }
}
