import { checkFlags, cleanUp, ensureEmptyPrefix, noDeadlineMs, randomKey } from '../../../core/cli/check/check-run';
import { durationScale, loadName, perfLoads } from '../../../core/cli/check/loads';
import { perfVerdict } from '../../../core/cli/check/report';
import { runLoad } from '../../../core/cli/check/run-load';
import { TokenBucket } from '../../../core/cli/check/token-bucket';
import { CtlCommand, oclifFlags } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { CtlExit } from '../../../core/cli/ctl-exit';
import { ExitCode } from '../../../core/cli/exit-codes';
import { startProgress } from '../../../core/cli/progress';
import { Rpc } from '../../../core/client/rpc-methods';

const flags = checkFlags('performance', '/etcdctl-check-perf/');

export default class CtlCheckPerf extends CtlCommand {
  static override summary = 'Check the performance of the etcd cluster';
  static override description = [
    'Writes 256-byte keys with 1 KiB values under --prefix for 60 seconds at the load\'s rate (s: 150 writes/s with 50 requests in flight,',
    'm: 1000/200, l: 8000/500, xl: 15000/1000), deletes them, and judges throughput, the slowest request and the latency deviation as etcdctl does.',
  ].join(' ');
  static override usage = 'ctl check perf [options]';
  static override examples = ['<%= config.bin %> ctl check perf --load m', '<%= config.bin %> ctl check perf --prefix /perf/ --auto-compact --auto-defrag'];
  static override get ctl(): CtlSpec {
    return { path: 'check perf', use: 'perf [options]', short: CtlCheckPerf.summary as string, flags };
  }
  static override flags = oclifFlags(flags);

  protected async exec(ctx: CtlContext): Promise<void> {
    const load = perfLoads[loadName(ctx.flags.string('load'))];
    const prefix = ctx.flags.string('prefix');
    const client = await ctx.client();
    const durationMs = load.duration * 1000 * durationScale(ctx.env);
    await ensureEmptyPrefix(client, prefix, Date.now() + durationMs);

    const keyPrefix = Buffer.from(prefix, 'utf8');
    const value = Buffer.alloc(1024);
    const progress = await startProgress('0%', { format: ctx.flags.string('write-out') });
    const start = Date.now();
    const ticker = setInterval(() => progress.update(`${Math.min(100, Math.floor(((Date.now() - start) * 100) / durationMs))}%`), 1000);
    let stats;
    try {
      stats = await runLoad({
        concurrency: load.clients,
        limiter: new TokenBucket(load.limit),
        deadline: start + durationMs,
        request: async () => { await client.call(Rpc.put, { key: randomKey(keyPrefix, 256), value }, { deadline: Date.now() + noDeadlineMs }); },
      });
    } finally {
      clearInterval(ticker);
      progress.stop();
    }
    await cleanUp(ctx, client, prefix, Date.now() + 30_000);
    const { lines, ok } = perfVerdict(stats, load.limit);
    ctx.out.out(`${lines.join('\n')}\n`);
    if (!ok) throw new CtlExit(ExitCode.Error);
  }
}
