import { CtlCommand, oclifFlags } from '../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../core/cli/ctl-context';
import { CtlExit } from '../../core/cli/ctl-exit';
import { ExitCode } from '../../core/cli/exit-codes';
import { int64 } from '../../core/cli/flags/flag-spec';

const flags = [{ ...int64('ttl', 'timeout for session'), def: 10n }];

export default class CtlLock extends CtlCommand {
  static override summary = 'Acquires a named lock';
  static override description = [
    'Holds the lock `<lockname>` (concurrency.Mutex: key `<lockname>/<lease id in hex>` on a session lease kept alive) and prints its key until SIGINT/SIGTERM, then releases it.',
    "With a command, runs it holding the lock (ETCD_LOCK_KEY and ETCD_LOCK_REV in its environment) and exits with the command's exit code, as etcdctl 3.5 does (3.4 prints `Error: exit status N` and exits 1).",
  ].join('\n\n');
  static override usage = 'ctl lock <lockname> [exec-command arg1 arg2 ...]';
  static override examples = ['<%= config.bin %> ctl lock mylock', '<%= config.bin %> ctl lock mylock -- ./critical-section.sh'];
  static override get ctl(): CtlSpec {
    return { path: 'lock', use: 'lock <lockname> [exec-command arg1 arg2 ...]', short: CtlLock.summary as string, flags };
  }
  static override flags = oclifFlags(flags);

  protected async exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length === 0) throw new CtlExit(ExitCode.BadArgs, 'lock takes a lock name argument and an optional command to execute');
    const client = await ctx.client();
    const { Session } = await import('../../core/client/session.js');
    const { Mutex } = await import('../../core/cli/concurrency/mutex.js');
    const { flushOut } = await import('../../core/cli/lease-ops.js');
    const session = await Session.create(client, Number(ctx.flags.int64('ttl')));
    const m = new Mutex(session, ctx.args[0]);
    const abort = new AbortController();
    let signalled = false;
    const onSignal = () => { signalled = true; abort.abort(); };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      await m.lock(abort.signal);
      const cmdArgs = ctx.args.slice(1);
      if (cmdArgs.length > 0) {
        const code = await runHolding(cmdArgs, m.myKey, m.header?.revision?.toString() ?? '0');
        await m.unlock();
        session.orphan();
        // etcdctl 3.5: os.Exit with the command's exit code (3.4: "Error: exit status N", exit 1)
        if (code !== 0) throw new CtlExit(code);
        return;
      }
      const k = await client.range({ key: Buffer.from(m.myKey) }, { deadline: Infinity });
      if (k.kvs.length === 0) throw new CtlExit(ExitCode.Error, 'lock lost on init');
      ctx.display.get(k);
      flushOut(ctx.out);
      const stopped = new Promise<void>((resolve) => {
        if (signalled) resolve();
        abort.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      const which = await Promise.race([stopped.then(() => 'signal' as const), session.done.then(() => 'expired' as const)]);
      if (which === 'expired') throw new CtlExit(ExitCode.Error, 'session expired');
      await m.unlock();
      session.orphan();
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      session.orphan();
    }
  }
}

/** exec.Command(...).Run() with ETCD_LOCK_KEY / ETCD_LOCK_REV: the exit code (128+n for a signal) */
async function runHolding(cmdArgs: readonly string[], key: string, rev: string): Promise<number> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn(cmdArgs[0], cmdArgs.slice(1), { stdio: 'inherit', env: { ETCD_LOCK_KEY: key, ETCD_LOCK_REV: rev, ...process.env } });
    child.on('error', (e: NodeJS.ErrnoException) => reject(new CtlExit(ExitCode.Error, e.code === 'ENOENT' ? `exec: "${cmdArgs[0]}": executable file not found in $PATH` : e.message)));
    child.on('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
  });
}
