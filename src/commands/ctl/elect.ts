import { CtlCommand, oclifFlags } from '../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../core/cli/ctl-context';
import { CtlExit } from '../../core/cli/ctl-exit';
import { ExitCode } from '../../core/cli/exit-codes';
import { bool } from '../../core/cli/flags/flag-spec';

const flags = [bool('listen', 'observation mode', false, 'l')];

export default class CtlElect extends CtlCommand {
  static override summary = 'Observes and participates in leader election';
  static override description = [
    'With a proposal, campaigns (concurrency.Election on a 60 s session lease), prints the leader key and value once elected, and resigns on SIGINT/SIGTERM.',
    'With -l, prints the current leader and every new leader (or value change) until interrupted.',
  ].join('\n\n');
  static override usage = 'ctl elect <election-name> [proposal]';
  static override examples = ['<%= config.bin %> ctl elect myelection candidate-1', '<%= config.bin %> ctl elect myelection -l'];
  static override get ctl(): CtlSpec {
    return { path: 'elect', use: 'elect <election-name> [proposal]', short: CtlElect.summary as string, flags };
  }
  static override flags = oclifFlags(flags);

  protected async exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length !== 1 && ctx.args.length !== 2) {
      throw new CtlExit(ExitCode.BadArgs, 'elect takes one election name argument and an optional proposal argument');
    }
    const client = await ctx.client();
    const listen = ctx.flags.bool('listen');
    if (ctx.args.length === 1 && !listen) throw new CtlExit(ExitCode.BadArgs, 'no proposal argument but -l not set');
    if (ctx.args.length === 2 && listen) throw new CtlExit(ExitCode.BadArgs, 'proposal given but -l is set');
    const { Session } = await import('../../core/client/session.js');
    const { Election } = await import('../../core/cli/concurrency/election.js');
    const { Canceled } = await import('../../core/cli/concurrency/mutex.js');
    const { flushOut } = await import('../../core/cli/lease-ops.js');
    // concurrency.NewSession's default TTL
    const session = await Session.create(client, 60);
    const e = new Election(session, ctx.args[0]);
    const abort = new AbortController();
    const onSignal = () => abort.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      if (listen) {
        try {
          await e.observe(abort.signal, (r) => { ctx.display.get(r); flushOut(ctx.out); });
        } catch (err) {
          if (err instanceof Canceled) return;
          throw new CtlExit(ExitCode.Error, 'elect: observer lost');
        }
        return;
      }
      await e.campaign(ctx.args[1], abort.signal);
      const resp = await client.range({ key: Buffer.from(e.leaderKey) }, { deadline: Infinity });
      ctx.display.get(resp);
      flushOut(ctx.out);
      const stopped = new Promise<'signal'>((resolve) => {
        if (abort.signal.aborted) resolve('signal');
        abort.signal.addEventListener('abort', () => resolve('signal'), { once: true });
      });
      const which = await Promise.race([stopped, session.done.then(() => 'expired' as const)]);
      if (which === 'expired') throw new CtlExit(ExitCode.Error, 'elect: session expired');
      await e.resign();
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      session.orphan();
    }
  }
}
