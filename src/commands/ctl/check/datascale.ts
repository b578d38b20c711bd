import { checkFlags, cleanUp, ensureEmptyPrefix, noDeadlineMs, randomKey, residentMemory } from '../../../core/cli/check/check-run';
import { datascaleLoads, loadName } from '../../../core/cli/check/loads';
import { datascaleVerdict } from '../../../core/cli/check/report';
import { runLoad } from '../../../core/cli/check/run-load';
import { CtlCommand, oclifFlags } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { CtlExit } from '../../../core/cli/ctl-exit';
import { ExitCode } from '../../../core/cli/exit-codes';
import { startProgress } from '../../../core/cli/progress';
import { Rpc } from '../../../core/client/rpc-methods';

const flags = checkFlags('datascale', '/etcdctl-check-datascale/');
const long = 'If no endpoint is provided, localhost will be used. If multiple endpoints are provided, first endpoint will be used.';

export default class CtlCheckDatascale extends CtlCommand {
  static override summary = 'Check the memory usage of holding data for different workloads on a given server endpoint.';
  static override description = long;
  static override usage = 'ctl check datascale [options]';
  static override examples = ['<%= config.bin %> ctl check datascale --load m --auto-compact --auto-defrag'];
  static override get ctl(): CtlSpec {
    return { path: 'check datascale', use: 'datascale [options]', short: CtlCheckDatascale.summary as string, long, flags };
  }
  static override flags = oclifFlags(flags);

  protected async exec(ctx: CtlContext): Promise<void> {
    const load = datascaleLoads[loadName(ctx.flags.string('load'))];
    const prefix = ctx.flags.string('prefix');
    const client = await ctx.client();
    const endpoint = ctx.flags.strings('endpoints')[0] ?? '127.0.0.1:2379';
    await ensureEmptyPrefix(client, prefix, Date.now() + noDeadlineMs);

    const before = await residentMemory(ctx, endpoint);
    if (before === 0) {
      ctx.out.out('FAIL: Could not read process_resident_memory_bytes before the put operations.\n');
      throw new CtlExit(ExitCode.Error);
    }
    ctx.out.out(`Start data scale check for work load [${load.limit} key-value pairs, ${load.kvSize} bytes per key-value, ${load.clients} concurrent clients].\n`);
    (ctx.out as { flush?: () => void }).flush?.(); // the line before the progress, as etcdctl shows it

    const keyPrefix = Buffer.from(prefix, 'utf8');
    const value = Buffer.alloc(512);
    const progress = await startProgress('0%', { format: ctx.flags.string('write-out') });
    let stats;
    try {
      let shown = -1;
      stats = await runLoad({
        concurrency: load.clients,
        total: load.limit,
        request: async () => { await client.call(Rpc.put, { key: randomKey(keyPrefix, 512), value }, { deadline: Date.now() + noDeadlineMs }); },
        onDone: (done) => {
          const pct = Math.floor((done * 100) / load.limit);
          if (pct !== shown) progress.update(`${(shown = pct)}%`);
        },
      });
    } finally {
      progress.stop();
    }

    const after = await residentMemory(ctx, endpoint);
    if (after === 0) {
      ctx.out.out('FAIL: Could not read process_resident_memory_bytes after the put operations.\n');
      throw new CtlExit(ExitCode.Error);
    }
    await cleanUp(ctx, client, prefix, Date.now() + noDeadlineMs);
    const { lines, ok } = datascaleVerdict(stats, after - before);
    ctx.out.out(`${lines.join('\n')}\n`);
    if (!ok) throw new CtlExit(ExitCode.Error);
  }
}
