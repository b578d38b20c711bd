import { CtlCommand } from '../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../core/cli/ctl-context';
import { CtlExit } from '../../core/cli/ctl-exit';
import { ExitCode } from '../../core/cli/exit-codes';
import { globalFlags } from '../../core/cli/flags/flag-spec';
import { completionScript, completionShells, type CompletionCommand, type CompletionShell } from '../../core/cli/maintenance-completion';

const long = `To load completions:

Bash:

  $ source <(cairn ctl completion bash)

Zsh:

  $ source <(cairn ctl completion zsh)

Fish:

  $ cairn ctl completion fish | source

  To load completions for every new session, once:

  $ cairn ctl completion fish > ~/.config/fish/completions/cairn.fish

PowerShell:

  PS> cairn ctl completion powershell | Out-String | Invoke-Expression

  To load completions for every new session, add that line to your PowerShell profile ($PROFILE).
`;

// cobra's completion command: upstream etcdctl 3.6 has it, and so does Debian's 3.4 build (cobra's default
// `completion bash|zsh|fish|powershell` sub-commands, `completion` alone shows help with exit 0). cairn generates
// the four scripts itself, static ones (see maintenance-completion.ts); a missing or unknown shell is an error here
// (exit 1) rather than cobra's help.
export default class CtlCompletion extends CtlCommand {
  static override summary = 'Generate completion script (bash, zsh, fish or powershell)';
  static override description = long.trim();
  static override examples = ['source <(<%= config.bin %> ctl completion bash)'];
  static override get ctl(): CtlSpec {
    return { path: 'completion', use: 'completion [bash|zsh|fish|powershell]', short: CtlCompletion.summary as string, long, flags: [] };
  }

  protected exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length !== 1) throw new CtlExit(ExitCode.Error, `accepts 1 arg(s), received ${ctx.args.length}`);
    const shell = ctx.args[0];
    if (!isShell(shell)) throw new CtlExit(ExitCode.Error, `invalid argument ${JSON.stringify(shell)} for "cairn ctl completion"`);
    const global = globalFlags.map((f) => f.name);
    const commands: CompletionCommand[] = this.config.commands
      .filter((c) => !c.hidden)
      .map((c) => ({
        id: c.id,
        flags: [...new Set([...Object.keys(c.flags ?? {}).filter((f) => f !== 'help'), ...(c.id === 'ctl' || c.id.startsWith('ctl:') ? global : []), 'help'])],
      }));
    ctx.out.out(completionScript(shell, commands));
    return Promise.resolve();
  }
}

function isShell(s: string): s is CompletionShell {
  return (completionShells as readonly string[]).includes(s);
}
