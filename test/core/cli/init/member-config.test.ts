import { parse } from 'yaml';
import type { ClusterPlan } from '../../../../src/core/cli/init/cluster-plan';
import { memberConfig, renderMemberYaml } from '../../../../src/core/cli/init/member-config';
import { clientEndpoints, initialCluster } from '../../../../src/core/cli/init/member-urls';

const plan: ClusterPlan = {
  outputDir: '/srv/c',
  members: [
    { name: 'infra0', host: '127.0.0.1', clientPort: 2379, peerPort: 2380, dataDir: '/srv/c/infra0.etcd' },
    { name: 'infra1', host: '127.0.0.1', clientPort: 22379, peerPort: 22380, dataDir: '/srv/c/infra1.etcd' },
  ],
  token: 'tok',
  state: 'new',
  tls: null,
};

describe('memberConfig', () => {
  it('renders etcd\'s config-file keys with every string quoted', () => {
    expect(renderMemberYaml(memberConfig(plan, plan.members[1]))).toBe([
      '# etcd configuration of member infra1, written by `cairn init`.',
      '# Start it with `cairn server --config-file <this file>` (or `etcd --config-file <this file>`).',
      'name: "infra1"',
      'data-dir: "/srv/c/infra1.etcd"',
      'listen-peer-urls: "http://127.0.0.1:22380"',
      'listen-client-urls: "http://127.0.0.1:22379"',
      'initial-advertise-peer-urls: "http://127.0.0.1:22380"',
      'advertise-client-urls: "http://127.0.0.1:22379"',
      'initial-cluster: "infra0=http://127.0.0.1:2380,infra1=http://127.0.0.1:22380"',
      'initial-cluster-token: "tok"',
      'initial-cluster-state: "new"',
      '',
    ].join('\n'));
  });

  it('adds the transport-security blocks and https URLs when TLS is on, one file per member for {name}', () => {
    const tlsPlan: ClusterPlan = {
      ...plan,
      tls: {
        client: { certFile: '/certs/{name}.pem', keyFile: '/certs/{name}-key.pem', trustedCaFile: '', clientCertAuth: false },
        peer: { certFile: '/certs/peer.pem', keyFile: '/certs/peer-key.pem', trustedCaFile: '/certs/ca.pem', clientCertAuth: true },
      },
    };
    const text = renderMemberYaml(memberConfig(tlsPlan, tlsPlan.members[0]));
    expect(text).toContain([
      'advertise-client-urls: "https://127.0.0.1:2379"',
      'initial-cluster: "infra0=https://127.0.0.1:2380,infra1=https://127.0.0.1:22380"',
      'initial-cluster-token: "tok"',
      'initial-cluster-state: "new"',
      'client-transport-security:',
      '  cert-file: "/certs/infra0.pem"',
      '  key-file: "/certs/infra0-key.pem"',
      '  client-cert-auth: false',
      '  trusted-ca-file: ""',
      'peer-transport-security:',
      '  cert-file: "/certs/peer.pem"',
      '  key-file: "/certs/peer-key.pem"',
      '  client-cert-auth: true',
      '  trusted-ca-file: "/certs/ca.pem"',
      '',
    ].join('\n'));
  });

  it('keeps YAML 1.1 words and numbers strings (etcd reads YAML 1.1)', () => {
    const tricky: ClusterPlan = {
      ...plan,
      members: [{ name: 'on', host: '127.0.0.1', clientPort: 1, peerPort: 2, dataDir: '/d/"quoted" #1' }],
      token: '0x10',
    };
    const config = memberConfig(tricky, tricky.members[0]);
    const parsed: unknown = parse(renderMemberYaml(config), { version: '1.1' });
    expect(parsed).toEqual(config);
  });

  it('brackets IPv6 hosts and listens on every interface for DNS names', () => {
    const mixed: ClusterPlan = {
      ...plan,
      members: [
        { name: 'a', host: '::1', clientPort: 2379, peerPort: 2380, dataDir: '/a' },
        { name: 'b', host: 'b.example', clientPort: 2379, peerPort: 2380, dataDir: '/b' },
      ],
    };
    expect(memberConfig(mixed, mixed.members[0])).toMatchObject({
      'listen-client-urls': 'http://[::1]:2379', 'advertise-client-urls': 'http://[::1]:2379',
    });
    expect(memberConfig(mixed, mixed.members[1])).toMatchObject({
      'listen-client-urls': 'http://0.0.0.0:2379', 'listen-peer-urls': 'http://0.0.0.0:2380',
      'advertise-client-urls': 'http://b.example:2379', 'initial-advertise-peer-urls': 'http://b.example:2380',
    });
    expect(initialCluster(mixed)).toBe('a=http://[::1]:2380,b=http://b.example:2380');
    expect(clientEndpoints(mixed)).toBe('http://[::1]:2379,http://b.example:2379');
  });
});
