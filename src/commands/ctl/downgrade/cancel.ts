import { CtlCommand } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { runDowngrade } from '../../../core/cli/maintenance-downgrade';

// etcdctl 3.6 (not in 3.4); it takes no TARGET_VERSION and ignores arguments
export default class CtlDowngradeCancel extends CtlCommand {
  static override summary = 'Cancel the ongoing downgrade action to cluster';
  static override examples = ['<%= config.bin %> ctl downgrade cancel'];
  static override get ctl(): CtlSpec {
    return { path: 'downgrade cancel', use: 'cancel', short: CtlDowngradeCancel.summary as string, flags: [] };
  }

  protected async exec(ctx: CtlContext): Promise<void> {
    await runDowngrade(ctx, 'cancel', '');
  }
}
