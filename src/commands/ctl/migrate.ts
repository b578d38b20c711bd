import { CtlCommand, oclifFlags } from '../../core/cli/ctl-command';
import type { CtlContext, CtlSpec } from '../../core/cli/ctl-context';
import { CtlExit } from '../../core/cli/ctl-exit';
import { ExitCode } from '../../core/cli/exit-codes';
import { bool, str } from '../../core/cli/flags/flag-spec';

const flags = [
  bool('no-ttl', 'Do not convert TTL keys'),
  str('data-dir', 'Path to the data directory'),
  str('wal-dir', 'Path to the WAL directory'),
  str('transformer', 'Path to the user-provided transformer program'),
];

export default class CtlMigrate extends CtlCommand {
  static override summary = 'Migrates keys in a v2 store to a mvcc store (not supported: cairn has no v2 store)';
  static override get ctl(): CtlSpec {
    return { path: 'migrate', use: 'migrate', short: CtlMigrate.summary as string, flags };
  }
  static override flags = oclifFlags(flags);

  protected exec(_ctx: CtlContext): Promise<void> {
    // etcdctl 3.4 rewrites a stopped member's v2 store (WAL + snapshot) into its bbolt backend; cairn never had
    // a v2 store, so there is nothing to migrate (etcdctl 3.5 removed the command too)
    throw new CtlExit(ExitCode.Error, 'migrate is not supported: cairn has no v2 store to migrate from (its data is v3 from the start)');
  }
}
