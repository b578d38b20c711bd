import { CtlCommand, oclifFlags } from '../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../core/cli/ctl-context';
import { CtlExit } from '../../core/cli/ctl-exit';
import { ExitCode } from '../../core/cli/exit-codes';
import { FlagError } from '../../core/cli/flags/flag-set';
import { errBadArgsNum, parseWatchCommandLine, parseWatchLine, WatchArgsError, watchFlags, type WatchOptions } from '../../core/cli/watch-args';
import { CommandFailed, type WatchMux, type WatchRequestSpec } from '../../core/cli/watch-run';

const use = 'watch [options] [key or prefix] [range_end] [--] [exec-command arg1 arg2 ...]';

/** getWatchChan's checks: a key, and a range end only without --prefix */
function watchRequest(watchArgs: readonly string[], opts: WatchOptions): WatchRequestSpec {
  if (watchArgs.length < 1) throw new WatchArgsError(errBadArgsNum);
  if (watchArgs.length === 2 && opts.prefix) throw new WatchArgsError('`range_end` and `--prefix` are mutually exclusive');
  return { key: watchArgs[0], rangeEnd: watchArgs.length === 2 ? watchArgs[1] : undefined, opts };
}

export default class CtlWatch extends CtlCommand {
  static override summary = 'Watches events stream on keys or prefixes';
  static override description = [
    'Prints every event on the key (or prefix, or range) until interrupted. After `--`, a command runs for every event with ETCD_WATCH_REVISION, ETCD_WATCH_EVENT_TYPE, ETCD_WATCH_KEY and ETCD_WATCH_VALUE in its environment.',
    'With -i, reads `watch [options] <key> [range_end] [-- cmd…]` and `progress` lines from stdin.',
    'ETCDCTL_WATCH_KEY and ETCDCTL_WATCH_RANGE_END stand for the key and range end. --progress-notify is etcdctl 3.5\'s flag.',
  ].join('\n\n');
  static override usage = `ctl ${use}`;
  static override examples = ['<%= config.bin %> ctl watch foo --prefix', '<%= config.bin %> ctl watch foo -- sh -c \'echo "$ETCD_WATCH_KEY=$ETCD_WATCH_VALUE"\'', 'echo "watch foo" | <%= config.bin %> ctl watch -i'];
  static override get ctl(): CtlSpec {
    return { path: 'watch', use, short: CtlWatch.summary as string, flags: watchFlags, envNames: ['ETCDCTL_WATCH_KEY', 'ETCDCTL_WATCH_RANGE_END'] };
  }
  static override flags = oclifFlags(watchFlags);

  protected async exec(ctx: CtlContext): Promise<void> {
    const envKey = ctx.env.ETCDCTL_WATCH_KEY ?? '';
    const envRange = ctx.env.ETCDCTL_WATCH_RANGE_END ?? '';
    if (envKey === '' && envRange !== '') {
      throw new CtlExit(ExitCode.BadArgs, `ETCDCTL_WATCH_KEY is empty but got ETCDCTL_WATCH_RANGE_END=${JSON.stringify(envRange)}`);
    }
    if (ctx.flags.bool('interactive')) return this.interactive(ctx, envKey, envRange);
    let parsed;
    try {
      parsed = parseWatchCommandLine(this.argv, ctx.args, envKey, envRange);
    } catch (err) {
      if (err instanceof WatchArgsError) throw new CtlExit(ExitCode.BadArgs, err.message);
      throw err;
    }
    const opts: WatchOptions = {
      prefix: ctx.flags.bool('prefix'), rev: ctx.flags.int64('rev'), prevKv: ctx.flags.bool('prev-kv'), progressNotify: ctx.flags.bool('progress-notify'),
    };
    const mux = await this.mux(ctx);
    let req;
    try {
      req = watchRequest(parsed.watchArgs, opts);
    } catch (err) {
      if (err instanceof WatchArgsError) throw new CtlExit(ExitCode.BadArgs, err.message);
      throw err;
    }
    await this.untilFatal(ctx, mux, mux.watch(req, parsed.execArgs));
    mux.close();
    throw new CtlExit(ExitCode.Interrupted, 'watch is canceled by the server');
  }

  private async mux(ctx: CtlContext): Promise<WatchMux> {
    const client = await ctx.client();
    const { WatchMux: Mux } = await import('../../core/cli/watch-run.js');
    return new Mux(client, ctx.display, ctx.out);
  }

  /** waits for `p`, or rethrows a printing/exec failure of any watch */
  private untilFatal(ctx: CtlContext, mux: WatchMux, p: Promise<void>): Promise<void> {
    return new Promise((resolve, reject) => {
      const fail = (err: unknown) => {
        if (err instanceof CommandFailed) {
          // printWatchCh: the line on stderr, then os.Exit(1)
          ctx.out.err(err.message);
          reject(new CtlExit(ExitCode.Error));
        } else reject(err);
      };
      mux.onFatal(fail);
      p.then(resolve, fail);
    });
  }

  private async interactive(ctx: CtlContext, envKey: string, envRange: string): Promise<void> {
    const mux = await this.mux(ctx);
    const { StdinLines } = await import('../../core/cli/stdin-lines.js');
    const { argify } = await import('../../core/cli/txn/argify.js');
    const lines = new StdinLines();
    const loop = async () => {
      for (;;) {
        const r = await lines.readLine();
        if (r.eof) throw new CtlExit(ExitCode.InvalidInput, 'Error reading watch request line: EOF');
        const l = r.line.replace(/\n$/, '');
        const args = argify(l);
        if (args.length < 1) {
          ctx.out.err(`Invalid command: ${l} (watch and progress supported)\n`);
          continue;
        }
        if (args[0] === 'progress') {
          mux.requestProgress();
          continue;
        }
        if (args[0] !== 'watch') {
          ctx.out.err(`Invalid command ${l} (only support watch)\n`);
          continue;
        }
        if (args.length < 2 && envKey === '') {
          ctx.out.err(`Invalid command ${l} (command type or key is not provided)\n`);
          continue;
        }
        let parsed;
        try {
          parsed = parseWatchLine(args, envKey, envRange);
        } catch (err) {
          if (err instanceof WatchArgsError || err instanceof FlagError) throw new CtlExit(ExitCode.BadArgs, err.message);
          throw err;
        }
        let req;
        try {
          req = watchRequest(parsed.watchArgs, parsed.opts);
        } catch (err) {
          if (!(err instanceof WatchArgsError)) throw err;
          ctx.out.err(`Invalid command ${l} (${err.message})\n`);
          continue;
        }
        void mux.watch(req, parsed.execArgs);
      }
    };
    await this.untilFatal(ctx, mux, loop());
  }
}
