import { CtlCommand, oclifFlags } from '../../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../../core/cli/ctl-context';
import { CtlExit } from '../../../core/cli/ctl-exit';
import { ExitCode } from '../../../core/cli/exit-codes';
import { bool, str } from '../../../core/cli/flags/flag-spec';

const flags = [
  str('data-dir', 'Path to the data directory'),
  str('wal-dir', 'Path to the WAL directory (use --data-dir if none given)'),
  str('initial-cluster', 'Initial cluster configuration for restore bootstrap', 'default=http://localhost:2380'),
  str('initial-cluster-token', 'Initial cluster token for the etcd cluster during restore bootstrap', 'etcd-cluster'),
  str('initial-advertise-peer-urls', "List of this member's peer URLs to advertise to the rest of the cluster", 'http://localhost:2380'),
  str('name', 'Human-readable name for this member', 'default'),
  bool('skip-hash-check', 'Ignore snapshot integrity hash value (required if copied from data directory)'),
];

export default class CtlSnapshotRestore extends CtlCommand {
  static override summary = 'Restores an etcd member snapshot to an etcd directory (offline: use `cairn util snapshot restore`)';
  static override get ctl(): CtlSpec {
    return { path: 'snapshot restore', use: 'restore <filename> [options]', short: CtlSnapshotRestore.summary as string, flags };
  }
  static override flags = oclifFlags(flags);

  protected exec(ctx: CtlContext): Promise<void> {
    if (ctx.args.length !== 1) throw new CtlExit(ExitCode.BadArgs, 'snapshot restore requires exactly one argument');
    // writing a data dir is offline work (etcdctl 3.5 moved it to etcdutl); cairn keeps it out of ctl
    throw new CtlExit(ExitCode.BadArgs, 'snapshot restore is not implemented under cairn ctl: offline tools live under `cairn util snapshot restore`, use that');
  }
}
