import { CtlCommand, oclifFlags } from '../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../core/cli/ctl-context';
import { CtlExit } from '../../core/cli/ctl-exit';
import { ExitCode } from '../../core/cli/exit-codes';
import { getFlags, getRequest } from '../../core/cli/kv-ops';
import type { SimplePrinter } from '../../core/cli/printers/simple-printer';

export default class CtlGet extends CtlCommand {
  static override summary = 'Gets the key or a range of keys';
  static override usage = 'ctl get [options] <key> [range_end]';
  static override examples = [
    '<%= config.bin %> ctl get foo',
    '<%= config.bin %> ctl get foo --prefix -w json',
    '<%= config.bin %> ctl get "" --from-key --keys-only --limit 10',
    '<%= config.bin %> ctl get /registry/ --prefix --stream',
  ];
  static override get ctl(): CtlSpec {
    return { path: 'get', use: 'get [options] <key> [range_end]', short: CtlGet.summary as string, flags: getFlags };
  }
  static override flags = oclifFlags(getFlags);

  protected async exec(ctx: CtlContext): Promise<void> {
    const req = getRequest(ctx.flags, ctx.args);
    const deadline = ctx.commandDeadline();
    const client = await ctx.client();
    // --stream (etcdctl 3.7): the same answer through KV.RangeStream, chunk by chunk from the server
    const resp = ctx.flags.bool('stream') ? await client.rangeStream(req, { deadline }) : await client.range(req, { deadline });
    if (ctx.flags.bool('count-only') && ctx.display.format !== 'fields') {
      throw new CtlExit(ExitCode.BadArgs, '--count-only is only for `--write-out=fields`');
    }
    if (ctx.flags.bool('print-value-only')) {
      if (ctx.display.format !== 'simple') throw new CtlExit(ExitCode.BadArgs, 'print-value-only is only for `--write-out=simple`');
      (ctx.display as SimplePrinter).valueOnly = true;
    }
    ctx.display.get(resp);
  }
}
