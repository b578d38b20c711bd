import { CtlCommand } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { CtlExit } from '../../../core/cli/ctl-exit';
import { ExitCode } from '../../../core/cli/exit-codes';

const long = `When --write-out is set to simple, this command prints out comma-separated status lists for each endpoint.
The items in the lists are hash, revision, total keys, total size.
`;

export default class CtlSnapshotStatus extends CtlCommand {
  static override summary = 'Gets backend snapshot status of a given file (offline: use `cairn util snapshot status`)';
  static override description = long.trim();
  static override get ctl(): CtlSpec {
    return { path: 'snapshot status', use: 'status <filename>', short: CtlSnapshotStatus.summary as string, long, flags: [] };
  }

  protected exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length !== 1) throw new CtlExit(ExitCode.BadArgs, 'snapshot status requires exactly one argument');
    // reading a snapshot file is offline work (etcdctl 3.5 moved it to etcdutl); cairn keeps it out of ctl
    throw new CtlExit(ExitCode.BadArgs, 'snapshot status is not implemented under cairn ctl: offline tools live under `cairn util snapshot status`, use that');
  }
}
