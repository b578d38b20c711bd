import { CtlCommand } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { runDowngrade, targetVersionArg } from '../../../core/cli/maintenance-downgrade';

// etcdctl 3.6 (not in 3.4)
export default class CtlDowngradeEnable extends CtlCommand {
  static override summary = 'Start a downgrade action to cluster';
  static override examples = ['<%= config.bin %> ctl downgrade enable 3.5'];
  static override get ctl(): CtlSpec {
    return { path: 'downgrade enable', use: 'enable <TARGET_VERSION>', short: CtlDowngradeEnable.summary as string, flags: [] };
  }

  protected async exec(ctx: CtlContext): Promise<void> {
    await runDowngrade(ctx, 'enable', targetVersionArg(ctx.args));
  }
}
