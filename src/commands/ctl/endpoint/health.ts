import { CtlCommand, oclifFlags } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { CtlExit } from '../../../core/cli/ctl-exit';
import { endpointParentFlags, endpointsFromCluster } from '../../../core/cli/endpoints';
import { ExitCode } from '../../../core/cli/exit-codes';
import type { EpHealth } from '../../../core/cli/printers/printer';
import { EtcdError, Errors } from '../../../core/errors';

export default class CtlEndpointHealth extends CtlCommand {
  static override summary = 'Checks the healthiness of endpoints specified in `--endpoints` flag';
  static override examples = ['<%= config.bin %> ctl endpoint health', '<%= config.bin %> ctl endpoint health --cluster -w table'];
  static override get ctl(): CtlSpec {
    return { path: 'endpoint health', use: 'health', short: CtlEndpointHealth.summary as string, flags: [], parentFlags: endpointParentFlags };
  }
  static override flags = oclifFlags(endpointParentFlags);

  protected async exec(ctx: CtlContext): Promise<void> {
    ctx.applyEnv();
    ctx.initDisplay();
    const base = await ctx.clientConfig();
    const { formatGoDurationNs } = await import('../../../core/server/config/go-values.js');
    const list: EpHealth[] = [];
    await Promise.all((await endpointsFromCluster(ctx)).map(async (ep) => {
      let client;
      try {
        client = await ctx.connect({ ...base, endpoints: [ep] });
      } catch (err) {
        list.push({ ep, health: false, took: '', error: err instanceof CtlExit ? err.errorMessage ?? '' : String(err) });
        return;
      }
      const start = process.hrtime.bigint();
      let error = '';
      try {
        await client.range({ key: Buffer.from('health') }, { deadline: ctx.commandDeadline() });
      } catch (err) {
        if (!(err instanceof EtcdError)) throw err;
        if (err.message !== Errors.PermissionDenied.message) error = err.message;
      }
      list.push({ ep, health: error === '', took: formatGoDurationNs(process.hrtime.bigint() - start), error });
    }));
    ctx.display.endpointHealth(list);
    if (list.some((h) => h.error !== '')) throw new CtlExit(ExitCode.Error, 'unhealthy cluster');
  }
}
