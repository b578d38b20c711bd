import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { clusterFiles } from '../../../../src/core/cli/init/cluster-files';
import type { ClusterPlan } from '../../../../src/core/cli/init/cluster-plan';
import { singleMemberNote, tlsNote } from '../../../../src/core/cli/init/notes';
import { renderNextSteps, renderPlanTable } from '../../../../src/core/cli/init/render-summary';

const one: ClusterPlan = {
  outputDir: '/srv/my cluster',
  members: [{ name: 'solo', host: '127.0.0.1', clientPort: 2379, peerPort: 2380, dataDir: '/srv/my cluster/solo.etcd' }],
  token: 'tok',
  state: 'new',
  tls: null,
};

describe('renderSummary', () => {
  it('prints the members as a table without colours', () => {
    expect(renderPlanTable(one)).toBe([
      '┌────────┬───────────────────────┬───────────────────────┬───────────────────────────┐',
      '│ member │ client URL            │ peer URL              │ data dir                  │',
      '├────────┼───────────────────────┼───────────────────────┼───────────────────────────┤',
      '│ solo   │ http://127.0.0.1:2379 │ http://127.0.0.1:2380 │ /srv/my cluster/solo.etcd │',
      '└────────┴───────────────────────┴───────────────────────┴───────────────────────────┘',
      'cluster token tok, initial cluster state new, TLS off',
      '',
    ].join('\n'));
  });

  it('prints the next commands, and no note for one plain member', () => {
    expect(renderNextSteps(one, clusterFiles(one))).toBe([
      'Wrote 3 files to /srv/my cluster: solo.yaml, start-cluster.sh, stop-cluster.sh',
      '',
      'Next:',
      '  cd \'/srv/my cluster\'',
      '  ./start-cluster.sh          # CAIRN_SERVER=etcd ./start-cluster.sh runs the real etcd instead',
      '  ETCDCTL_API=3 etcdctl --endpoints http://127.0.0.1:2379 endpoint health',
      '  ./stop-cluster.sh',
      '',
    ].join('\n'));
  });

  it('says plainly that cairn server runs one member until Raft lands, and that it lacks TLS', () => {
    const three: ClusterPlan = {
      ...one,
      members: ['a', 'b', 'c'].map((name, i) => ({ name, host: `10.0.0.${i + 1}`, clientPort: 2379, peerPort: 2380, dataDir: `/d/${name}` })),
      tls: {
        client: { certFile: '/c/{name}.pem', keyFile: '/c/{name}-key.pem', trustedCaFile: '/c/ca.pem', clientCertAuth: true },
        peer: { certFile: '/c/p.pem', keyFile: '/c/p-key.pem', trustedCaFile: '', clientCertAuth: false },
      },
    };
    const text = renderNextSteps(three, clusterFiles(three));
    expect(text).toContain('  ETCDCTL_API=3 etcdctl --endpoints https://10.0.0.1:2379,https://10.0.0.2:2379,https://10.0.0.3:2379 ' +
      '--cacert /c/ca.pem --cert /c/a.pem --key /c/a-key.pem endpoint health\n');
    expect(text).toContain(`\nNote: ${singleMemberNote}\n`);
    expect(text).toContain(`\nNote: ${tlsNote}\n`);
    expect(text).toContain('\nNote: The members live on 3 hosts: copy /srv/my cluster to each host and start only its own members there (./start-cluster.sh NAME).\n');
    expect(singleMemberNote).toMatch(/^cairn server runs a single member for now: clusters of more than one member need Raft/);
  });

  it('warns about DNS hosts, reused data dirs and joining a running cluster', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-init-summary-'));
    try {
      fs.mkdirSync(path.join(dir, 'a.etcd', 'member'), { recursive: true });
      const plan: ClusterPlan = { ...one, members: [{ ...one.members[0], name: 'a', host: 'a.example', dataDir: path.join(dir, 'a.etcd') }] };
      const text = renderNextSteps(plan, clusterFiles(plan));
      expect(text).toContain('\nNote: a advertises a DNS name, so it listens on every interface (0.0.0.0).\n');
      expect(text).toContain('\nNote: a: the data dir holds a member already; it restarts from there and ignores the initial-cluster settings.\n');
      expect(renderNextSteps({ ...plan, state: 'existing' }, [])).toContain('\nNote: The members join a running cluster: add each one there first');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
