import { Args, Flags } from '@oclif/core';
import { ExitCode } from '../../../core/cli/exit-codes';
import { humanizeBytes } from '../../../core/cli/go/numbers';
import { renderTable } from '../../../core/cli/go/table-writer';
import { snapshotStatus } from '../../../core/util/snapshot-file';
import { UtilCommand, UtilExit } from '../../../core/util/util-command';

export default class UtilSnapshotStatus extends UtilCommand {
  static override summary = 'Gets backend snapshot status of a given file';
  static override description = [
    'Reads a snapshot saved from `cairn server` (`etcdctl snapshot save` or `cairn ctl snapshot save`), or a stopped ' +
      'member\'s backend file (<data-dir>/member/snap/db), and prints its hash, revision, total keys and total size, ' +
      'in etcdctl\'s formats. A snapshot\'s SHA-256 is checked first. The hash is cairn\'s (CRC-32C over every bucket), ' +
      'not comparable with etcd\'s; etcd\'s own bbolt snapshots are not read.',
  ].join('\n\n');
  static override examples = ['<%= config.bin %> util snapshot status backup.db', '<%= config.bin %> util snapshot status backup.db -w table'];
  static override args = { filename: Args.string({ required: true, description: 'the snapshot or backend file' }) };
  static override flags = {
    'write-out': Flags.string({ char: 'w', default: 'simple', description: 'set the output format (fields, json, simple, table)' }),
  };

  protected async exec(): Promise<void> {
    const { args, flags } = await this.parse(UtilSnapshotStatus);
    const format = flags['write-out'];
    if (!['simple', 'json', 'fields', 'table'].includes(format)) throw new UtilExit(ExitCode.BadFeature, `${format} not supported as output format`);
    const s = await snapshotStatus(args.filename);
    const row = [s.hash.toString(16), String(s.revision), String(s.totalKey), humanizeBytes(s.totalSize)];
    let out: string;
    if (format === 'simple') out = `${row.join(', ')}\n`;
    else if (format === 'table') out = renderTable(['hash', 'revision', 'total keys', 'total size'], [row]);
    else if (format === 'json') out = `${JSON.stringify({ hash: s.hash, revision: s.revision, totalKey: s.totalKey, totalSize: s.totalSize })}\n`;
    else out = `"Hash" : ${s.hash}\n"Revision" : ${s.revision}\n"Keys" : ${s.totalKey}\n"Size" : ${s.totalSize}\n`;
    process.stdout.write(out);
  }
}
