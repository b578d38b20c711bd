import { CtlCommand, oclifFlags } from '../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../core/cli/ctl-context';
import { putFlags, putRequest } from '../../core/cli/kv-ops';

const long = `
Puts the given key into the store.

When <value> begins with '-', <value> is interpreted as a flag.
Insert '--' for workaround:

$ put <key> -- <value>
$ put -- <key> <value>

If <value> isn't given as a command line argument and '--ignore-value' is not specified,
this command tries to read the value from standard input.

If <lease> isn't given as a command line argument and '--ignore-lease' is not specified,
this command tries to read the value from standard input.

For example,
$ cat file | put <key>
will store the content of the file to <key>.
`;

export default class CtlPut extends CtlCommand {
  static override summary = 'Puts the given key into the store';
  static override description = long.trim();
  static override usage = 'ctl put [options] <key> <value> (<value> can also be given from stdin)';
  static override examples = ['<%= config.bin %> ctl put foo bar', 'cat file | <%= config.bin %> ctl put foo', '<%= config.bin %> ctl put foo bar --prev-kv -w json'];
  static override get ctl(): CtlSpec {
    return {
    path: 'put', use: 'put [options] <key> <value> (<value> can also be given from stdin)', short: CtlPut.summary as string, long, flags: putFlags,
  };
  }
  static override flags = oclifFlags(putFlags);

  protected async exec(ctx: CtlContext): Promise<void> {
    const req = await putRequest(ctx.flags, ctx.args, async () => (await import('../../core/cli/stdin-lines.js')).readAllStdin());
    const deadline = ctx.commandDeadline();
    const client = await ctx.client();
    ctx.display.put(await client.put(req, { deadline }));
  }
}
