import { CtlCommand } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { runDowngrade, targetVersionArg } from '../../../core/cli/maintenance-downgrade';

// etcdctl 3.6 (not in 3.4)
export default class CtlDowngradeValidate extends CtlCommand {
  static override summary = 'Validate downgrade capability before starting downgrade';
  static override examples = ['<%= config.bin %> ctl downgrade validate 3.5'];
  static override get ctl(): CtlSpec {
    return { path: 'downgrade validate', use: 'validate <TARGET_VERSION>', short: CtlDowngradeValidate.summary as string, flags: [] };
  }

  protected async exec(ctx: CtlContext): Promise<void> {
    await runDowngrade(ctx, 'validate', targetVersionArg(ctx.args));
  }
}
