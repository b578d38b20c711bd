import { Args, Flags } from '@oclif/core';
import { ExitCode } from '../../core/cli/exit-codes';
import { renderTable } from '../../core/cli/go/table-writer';
import { hashKvOfFile } from '../../core/util/snapshot-file';
import { UtilCommand, UtilExit } from '../../core/util/util-command';

export default class UtilHashKV extends UtilCommand {
  static override summary = 'Prints the KV history hash of a given file';
  static override description = 'Computes etcd\'s HashKV (the hash `etcdctl endpoint hashkv` asks a member for) over a stopped member\'s '
    + 'backend file (<data-dir>/member/snap/db) or a snapshot saved from `cairn server`, up to --rev (default: its '
    + 'current revision): compare it with the live members of the same cluster to check a copy or a restore.';
  static override examples = ['<%= config.bin %> util hashkv /var/lib/cairn/m1/member/snap/db', '<%= config.bin %> util hashkv backup.db --rev 1000 -w json'];
  static override args = { filename: Args.string({ required: true, description: 'the backend or snapshot file' }) };
  static override flags = {
    rev: Flags.integer({ default: 0, min: 0, description: 'maximum revision to hash (default: latest revision)' }),
    'write-out': Flags.string({ char: 'w', default: 'simple', description: 'set the output format (json, simple, table)' }),
  };

  protected async exec(): Promise<void> {
    const { args, flags } = await this.parse(UtilHashKV);
    const format = flags['write-out'];
    if (!['simple', 'json', 'table'].includes(format)) throw new UtilExit(ExitCode.BadFeature, `${format} not supported as output format`);
    const h = await hashKvOfFile(args.filename, flags.rev);
    const row = [String(h.hash), String(h.hashRevision), String(h.compactRevision)];
    if (format === 'simple') process.stdout.write(`${row.join(', ')}\n`);
    else if (format === 'table') process.stdout.write(renderTable(['hash', 'hash revision', 'compact revision'], [row]));
    else process.stdout.write(`${JSON.stringify({ hash: h.hash, hashRevision: h.hashRevision, compactRevision: h.compactRevision })}\n`);
  }
}
