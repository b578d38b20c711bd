import { Flags } from '@oclif/core';
import { ExitCode } from '../../core/cli/exit-codes';
import { humanizeBytes } from '../../core/cli/go/numbers';
import { defragDataDir } from '../../core/util/defrag-dir';
import { UtilCommand, UtilExit } from '../../core/util/util-command';

export default class UtilDefrag extends UtilCommand {
  static override summary = 'Defragments the backend of a stopped member';
  static override description = 'Rewrites <data-dir>/member/snap/db without its free pages (LMDB\'s compacting copy), so the file '
    + 'shrinks to the data it holds. The member must be stopped: a running one holds its WAL lock and is refused. '
    + 'For a running member use `cairn ctl defrag` against its endpoint.';
  static override examples = ['<%= config.bin %> util defrag --data-dir /var/lib/cairn/m1'];
  static override flags = {
    'data-dir': Flags.string({ required: true, description: 'the member\'s data directory' }),
    'wal-dir': Flags.string({ description: 'its WAL directory, when not <data-dir>/member/wal' }),
  };

  protected async exec(): Promise<void> {
    const { flags } = await this.parse(UtilDefrag);
    try {
      const r = await defragDataDir(flags['data-dir'], flags['wal-dir']);
      process.stdout.write(`Finished defragmenting etcd data[${flags['data-dir']}] (${humanizeBytes(r.beforeBytes)} -> ${humanizeBytes(r.afterBytes)})\n`);
    } catch (err) {
      throw new UtilExit(ExitCode.Error, `Failed to defragment etcd data[${flags['data-dir']}] (${(err as Error).message})`);
    }
  }
}
