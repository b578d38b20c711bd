import { CtlCommand } from '../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../core/cli/ctl-context';
import { etcdctlApiVersion, etcdctlVersion } from '../../core/cli/versions';

export default class CtlVersion extends CtlCommand {
  static override summary = 'Prints the version of etcdctl';
  static override description = 'Prints the etcdctl version cairn ctl is compatible with, as etcdctl prints its own.';
  static override get ctl(): CtlSpec {
    return { path: 'version', use: 'version', short: CtlVersion.summary as string, flags: [] };
  }

  protected async exec(ctx: CtlContext): Promise<void> {
    ctx.out.out(`etcdctl version: ${etcdctlVersion}\nAPI version: ${etcdctlApiVersion}\n`);
  }
}
