import * as path from 'node:path';
import { Args, Flags } from '@oclif/core';
import { ExitCode } from '../../../core/cli/exit-codes';
import { parseEtcdUrlList } from '../../../core/server/config/etcd-url';
import { parseInitialCluster, verifyBootstrapCluster } from '../../../core/server/config/initial-cluster';
import { computeClusterId, computeMemberId, idToHex } from '../../../core/server/ids';
import { layoutOf } from '../../../core/server/bootstrap';
import { Wal } from '../../../core/wal';
import { snapshotRestore } from '../../../core/util/snapshot-file';
import { UtilCommand, UtilExit } from '../../../core/util/util-command';

export default class UtilSnapshotRestore extends UtilCommand {
  static override summary = 'Restores a snapshot to a new member data dir';
  static override description = [
    'Creates <data-dir> (and <wal-dir>) for a member of a new cluster from a snapshot saved from `cairn server`: ' +
      'the keys, their history since the last compaction, and the leases come back; the member and cluster ids ' +
      'come from --name, --initial-cluster and --initial-cluster-token, as etcd computes them, so start `cairn server` ' +
      'with the same flags. The snapshot\'s SHA-256 is checked unless --skip-hash-check (needed for a bare backend ' +
      'file copied from a data dir).',
    'Note: cairn server runs single-member clusters today; --initial-cluster may name only this member.',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> util snapshot restore backup.db --data-dir /var/lib/cairn/m1',
    '<%= config.bin %> util snapshot restore backup.db --name m1 --initial-cluster m1=http://10.0.0.1:2380 --initial-advertise-peer-urls http://10.0.0.1:2380',
  ];
  static override args = { filename: Args.string({ required: true, description: 'the snapshot file' }) };
  static override flags = {
    'data-dir': Flags.string({ description: 'path to the data directory [default: <name>.etcd]' }),
    'wal-dir': Flags.string({ description: 'path to the WAL directory [default: <data-dir>/member/wal]' }),
    name: Flags.string({ default: 'default', description: 'human-readable name for this member' }),
    'initial-cluster': Flags.string({ default: 'default=http://localhost:2380', description: 'initial cluster configuration for restore bootstrap' }),
    'initial-cluster-token': Flags.string({ default: 'etcd-cluster', description: 'initial cluster token for the etcd cluster during restore bootstrap' }),
    'initial-advertise-peer-urls': Flags.string({ default: 'http://localhost:2380', description: 'list of this member\'s peer URLs to advertise to the rest of the cluster' }),
    'skip-hash-check': Flags.boolean({ default: false, description: 'ignore snapshot integrity hash value (required if copied from data directory)' }),
  };

  protected async exec(): Promise<void> {
    const { args, flags } = await this.parse(UtilSnapshotRestore);
    let clusterText = flags['initial-cluster'];
    if (flags.name !== 'default' && clusterText === 'default=http://localhost:2380') {
      // etcd: a named member's default cluster is itself at its advertised URLs
      clusterText = flags['initial-advertise-peer-urls'].split(',').map((u) => `${flags.name}=${u}`).join(',');
    }
    let initialClusterUrls;
    let advertised;
    try {
      initialClusterUrls = parseInitialCluster(clusterText);
      advertised = parseEtcdUrlList(flags['initial-advertise-peer-urls']);
      verifyBootstrapCluster({ name: flags.name, initialClusterUrls, initialAdvertisePeerUrls: advertised, initialClusterState: 'new' });
    } catch (err) {
      throw new UtilExit(ExitCode.BadArgs, (err as Error).message);
    }
    if (initialClusterUrls.size > 1) {
      throw new UtilExit(ExitCode.BadFeature, `--initial-cluster names ${initialClusterUrls.size} members: cairn server runs single-member clusters only (Raft is not built yet)`);
    }
    const dataDir = path.resolve(flags['data-dir'] ?? `${flags.name}.etcd`);
    const layout = layoutOf(dataDir, flags['wal-dir'] ? path.resolve(flags['wal-dir']) : undefined);
    const ids = [...initialClusterUrls].map(([, urls]) => computeMemberId(urls.map((u) => u.href), flags['initial-cluster-token']));
    const memberId = computeMemberId((initialClusterUrls.get(flags.name) ?? []).map((u) => u.href), flags['initial-cluster-token']);
    const clusterId = computeClusterId(ids);
    const { revision } = await snapshotRestore(args.filename, layout, { skipHashCheck: flags['skip-hash-check'] }, async () => {
      const wal = await Wal.create(layout.walDir, { memberId, clusterId });
      await wal.close();
    });
    process.stderr.write(`restored snapshot ${args.filename} to ${dataDir}: member ${idToHex(memberId)}, cluster ${idToHex(clusterId)}, revision ${revision}\n`);
  }
}
