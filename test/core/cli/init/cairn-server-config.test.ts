// The configs `cairn init` writes, read by cairn server's own configuration parser (the one behind
// `cairn server --config-file`), as etcd reads them in test/commands/init.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { clusterFiles } from '../../../../src/core/cli/init/cluster-files';
import type { ClusterPlan } from '../../../../src/core/cli/init/cluster-plan';
import { writeClusterFiles } from '../../../../src/core/cli/init/write-cluster-files';
import { parseServerConfig } from '../../../../src/core/server/config';

describe('cairn server reading init configs', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-init-compat-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('takes every key of every member config', () => {
    const plan: ClusterPlan = {
      outputDir: dir,
      members: ['on', 'infra1', 'infra2'].map((name, i) => ({
        name, host: '127.0.0.1', clientPort: 2379 + 10000 * i, peerPort: 2380 + 10000 * i, dataDir: path.join(dir, `${name}.etcd`),
      })),
      token: '0x10',
      state: 'existing',
      tls: null,
    };
    writeClusterFiles(clusterFiles(plan));
    for (const m of plan.members) {
      const config = parseServerConfig(['--config-file', path.join(dir, `${m.name}.yaml`)], {}, dir);
      expect(config.explicitlySet).toEqual([
        'advertise-client-urls', 'data-dir', 'initial-advertise-peer-urls', 'initial-cluster', 'initial-cluster-state',
        'initial-cluster-token', 'listen-client-urls', 'listen-peer-urls', 'name',
      ]);
      expect([config.name, config.dataDir, config.initialClusterToken, config.initialClusterState]).toEqual([m.name, m.dataDir, '0x10', 'existing']);
    }
  });
});
