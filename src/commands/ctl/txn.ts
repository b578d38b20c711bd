import { CtlCommand, oclifFlags } from '../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../core/cli/ctl-context';
import { CtlExit } from '../../core/cli/ctl-exit';
import { ExitCode } from '../../core/cli/exit-codes';
import { bool } from '../../core/cli/flags/flag-spec';

const flags = [bool('interactive', 'Input transaction in interactive mode', false, 'i')];

export default class CtlTxn extends CtlCommand {
  static override summary = 'Txn processes all the requests in one transaction';
  static override description = [
    'Reads the transaction from stdin: compares, a blank line, success requests, a blank line, failure requests, a blank line.',
    'Compares look like `value("key") = "v"`, `mod("key") > "5"`, `create("key") = "0"`, `ver("key") != "1"`; requests are get, put and del lines with their flags.',
    'With -i on a terminal, each part is asked for in turn.',
  ].join('\n\n');
  static override usage = 'ctl txn [options]';
  static override examples = [
    'printf \'value("foo") = "bar"\\n\\nput foo baz\\n\\nget foo\\n\\n\' | <%= config.bin %> ctl txn',
    '<%= config.bin %> ctl txn -i',
  ];
  static override get ctl(): CtlSpec {
    return { path: 'txn', use: 'txn [options]', short: CtlTxn.summary as string, flags };
  }
  static override flags = oclifFlags(flags);

  protected async exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length !== 0) throw new CtlExit(ExitCode.BadArgs, 'txn command does not accept argument');
    const interactive = ctx.flags.bool('interactive');
    const client = await ctx.client();
    let input;
    if (interactive && process.stdin.isTTY === true && process.stdout.isTTY === true) {
      const { promptTxn } = await import('../../core/cli/txn/prompt-txn.js');
      input = await promptTxn();
    } else {
      const { StdinLines } = await import('../../core/cli/stdin-lines.js');
      const { readTxn } = await import('../../core/cli/txn/read-txn.js');
      input = await readTxn(new StdinLines(), (s) => interactive && ctx.out.out(`${s}\n`), (s) => ctx.out.err(s));
    }
    // etcdctl commits with context.Background(): no command timeout
    const resp = await client.txn(input, { deadline: Infinity });
    ctx.display.txn(resp);
  }
}
