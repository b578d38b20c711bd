import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { collectPlan, type CollectMode } from '../../../../src/core/cli/init/collect-plan';
import type { InitFlags } from '../../../../src/core/cli/init/init-flags';
import { ScriptedPrompter } from './scripted-prompter';

const noFlags: InitFlags = { yes: false, nonInteractive: false, force: false };
let cwd: string;

beforeEach(() => {
  cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-init-collect-'));
});
afterEach(() => {
  fs.rmSync(cwd, { recursive: true, force: true });
});

function collect(mode: CollectMode, flags: Partial<InitFlags>, prompter: ScriptedPrompter | null = null) {
  return collectPlan({ flags: { ...noFlags, ...flags }, prompter, mode, cwd, newToken: () => 'tok-1' });
}

function touch(name: string): string {
  const p = path.join(cwd, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, 'x');
  return p;
}

describe('collectPlan', () => {
  it('asks every question in order and offers the conventional defaults', async () => {
    const p = new ScriptedPrompter(['', '3', ...Array<string>(15 + 2).fill(''), false]);
    const plan = await collect('ask', {}, p);
    expect(p.done).toBe(true);
    expect(p.asked.map((a) => [a.message.split(' (')[0], a.default])).toEqual([
      ['Output directory', 'cairn-cluster'],
      ['How many members', '3'],
      ['Member 1 of 3: name', 'infra0'], ['infra0: host', '127.0.0.1'], ['infra0: client port', '2379'],
      ['infra0: peer port', '2380'], ['infra0: data dir', path.join(cwd, 'cairn-cluster', 'infra0.etcd')],
      ['Member 2 of 3: name', 'infra1'], ['infra1: host', '127.0.0.1'], ['infra1: client port', '22379'],
      ['infra1: peer port', '22380'], ['infra1: data dir', path.join(cwd, 'cairn-cluster', 'infra1.etcd')],
      ['Member 3 of 3: name', 'infra2'], ['infra2: host', '127.0.0.1'], ['infra2: client port', '32379'],
      ['infra2: peer port', '32380'], ['infra2: data dir', path.join(cwd, 'cairn-cluster', 'infra2.etcd')],
      ['Cluster token', 'tok-1'],
      ['Initial cluster state:', 'new'],
      ['Use TLS', false],
    ]);
    expect(plan).toEqual({
      outputDir: path.join(cwd, 'cairn-cluster'),
      members: [0, 1, 2].map((i) => ({
        name: `infra${i}`, host: '127.0.0.1', clientPort: [2379, 22379, 32379][i], peerPort: [2380, 22380, 32380][i],
        dataDir: path.join(cwd, 'cairn-cluster', `infra${i}.etcd`),
      })),
      token: 'tok-1', state: 'new', tls: null,
    });
  });

  it('re-asks after an invalid answer, showing why', async () => {
    const p = new ScriptedPrompter([
      'out', '0', '2', 'bad name', 'a', '0.0.0.0', 'node-a.example', '70000', '2379', '2379', '', 'data/a',
      'a', 'b', '10.0.0.2', '', '', '', 'my token', 'tok', 'existing', false,
    ]);
    const plan = await collect('ask', {}, p);
    expect(p.refused.map((r) => r.problem)).toEqual([
      'member count must be a whole number from 1 to 15 (etcd recommends 3, 5 or 7), not "0"',
      'member name "bad name" may hold only letters, digits, \'-\', \'_\' and \'.\', and must start and end with a letter or digit',
      'host 0.0.0.0 can be listened on but not advertised: give the address other members and clients reach this member at',
      'port must be a whole number from 1 to 65535, not "70000"',
      'port 2379 on node-a.example is already a\'s client port',
      'member name "a" is already member 1\'s',
      'cluster token "my token" may hold only printable ASCII characters without spaces',
    ]);
    expect(plan.members).toEqual([
      { name: 'a', host: 'node-a.example', clientPort: 2379, peerPort: 2380, dataDir: path.join(cwd, 'out', 'data', 'a') },
      { name: 'b', host: '10.0.0.2', clientPort: 2379, peerPort: 2380, dataDir: path.join(cwd, 'out', 'b.etcd') },
    ]);
    expect(plan.state).toBe('existing');
  });

  it('asks only what no flag answers', async () => {
    const p = new ScriptedPrompter(['', '', '', '', false]);
    const plan = await collect('ask', {
      outputDir: 'o', names: 'x,y', hosts: '127.0.0.1', clientPorts: '5001,5003', peerPorts: '5002,5004',
    }, p);
    expect(p.asked.map((a) => a.message.split(' (')[0])).toEqual(['x: data dir', 'y: data dir', 'Cluster token', 'Initial cluster state:', 'Use TLS']);
    expect(plan.members.map((m) => [m.name, m.clientPort, m.peerPort])).toEqual([['x', 5001, 5002], ['y', 5003, 5004]]);
  });

  it('takes every default under --yes', async () => {
    const plan = await collect('defaults', { members: 2, hosts: '10.0.0.1,10.0.0.2' });
    expect(plan.members.map((m) => [m.name, m.host, m.clientPort, m.peerPort])).toEqual([
      ['infra0', '10.0.0.1', 2379, 2380], ['infra1', '10.0.0.2', 2379, 2380],
    ]);
  });

  it('lists every missing flag when it cannot ask', async () => {
    await expect(collect('strict', { members: 3, names: 'a,b,c' })).rejects.toThrow(
      'missing answers, and no terminal to ask them on (or --non-interactive): --output-dir, --hosts, --client-ports, ' +
      '--peer-ports, --data-dirs, --token, --initial-cluster-state, --[no-]tls\n' +
      'Pass these flags, or --yes to take the defaults (certificate and key files have none).');
  });

  it('runs without questions when flags answer everything', async () => {
    const plan = await collect('strict', {
      outputDir: 'o', members: 1, names: 'solo', hosts: '::1', clientPorts: '2379', peerPorts: '2380',
      dataDirs: '/var/lib/solo', token: 't', initialClusterState: 'new', tls: false,
    });
    expect(plan.members).toEqual([{ name: 'solo', host: '::1', clientPort: 2379, peerPort: 2380, dataDir: '/var/lib/solo' }]);
  });

  it('names the flag whose value is wrong', async () => {
    await expect(collect('defaults', { clientPorts: '2379,x,2381' })).rejects.toThrow('--client-ports: port must be a whole number from 1 to 65535, not "x"');
    await expect(collect('defaults', { names: 'a,a' })).rejects.toThrow('--names: member name "a" is already member 1\'s');
    await expect(collect('defaults', { names: 'a,b', peerPorts: '2379' })).rejects.toThrow('--peer-ports: port 2379 on 127.0.0.1 is already a\'s client port');
    await expect(collect('defaults', { hosts: 'bad_host' })).rejects.toThrow('--hosts: host "bad_host" is neither an IP address nor a DNS name');
    await expect(collect('defaults', { dataDirs: 'd,d,e' })).rejects.toThrow(`--data-dirs: data dir ${path.join(cwd, 'cairn-cluster', 'd')} is already infra0's`);
    await expect(collect('defaults', { names: 'a,,b' })).rejects.toThrow('--names: empty entry in "a,,b" (entries are comma-separated)');
    await expect(collect('defaults', { members: 0 })).rejects.toThrow('--members: member count must be a whole number from 1 to 15');
  });

  it('refuses lists whose lengths disagree with each other or with --members', async () => {
    await expect(collect('defaults', { members: 3, names: 'a,b' })).rejects.toThrow('--names has 2 entries but --members is 3');
    await expect(collect('defaults', { names: 'a,b', clientPorts: '1,2,3' })).rejects.toThrow('--client-ports has 3 entries but --names has 2');
  });

  it('takes the member count from a list flag', async () => {
    const plan = await collect('defaults', { names: 'a,b,c,d,e' });
    expect(plan.members.map((m) => m.clientPort)).toEqual([2379, 22379, 32379, 42379, 52379]);
  });

  it('checks that TLS files exist for every member, {name} replaced', async () => {
    touch('certs/a.pem');
    touch('certs/a-key.pem');
    const flags = { names: 'a,b', tls: true, certFile: 'certs/{name}.pem', keyFile: 'certs/{name}-key.pem' };
    await expect(collect('defaults', flags)).rejects.toThrow(`--cert-file: client certificate file ${path.join(cwd, 'certs', 'b.pem')} (member b) does not exist`);
    touch('certs/b.pem');
    touch('certs/b-key.pem');
    const plan = await collect('defaults', flags);
    expect(plan.tls).toEqual({
      client: { certFile: path.join(cwd, 'certs/{name}.pem'), keyFile: path.join(cwd, 'certs/{name}-key.pem'), trustedCaFile: '', clientCertAuth: false },
      peer: { certFile: path.join(cwd, 'certs/{name}.pem'), keyFile: path.join(cwd, 'certs/{name}-key.pem'), trustedCaFile: '', clientCertAuth: false },
    });
  });

  it('asks the TLS questions, the peer side defaulting to the client side', async () => {
    const [cert, key, ca] = [touch('s.pem'), touch('s-key.pem'), touch('ca.pem')];
    const p = new ScriptedPrompter([true, 'nope.pem', 's.pem', 's-key.pem', 'ca.pem', '', '', '', '', false]);
    const plan = await collect('ask', { outputDir: 'o', members: 1, names: 'n', hosts: '127.0.0.1', clientPorts: '1', peerPorts: '2', dataDirs: 'd', token: 't', initialClusterState: 'new' }, p);
    expect(p.refused.map((r) => r.problem)).toEqual([`client certificate file ${path.join(cwd, 'nope.pem')} does not exist`]);
    expect(p.asked.slice(5).map((a) => a.default)).toEqual([cert, key, ca, true]);
    expect(plan.tls).toEqual({
      client: { certFile: cert, keyFile: key, trustedCaFile: ca, clientCertAuth: true },
      peer: { certFile: cert, keyFile: key, trustedCaFile: ca, clientCertAuth: false },
    });
  });

  it('says which TLS files have no default under --yes', async () => {
    await expect(collect('defaults', { tls: true })).rejects.toThrow('missing answers with no default: --cert-file, --key-file');
  });

  it('refuses client-cert-auth without a CA to check against', async () => {
    touch('c.pem');
    await expect(collect('defaults', { tls: true, certFile: 'c.pem', keyFile: 'c.pem', clientCertAuth: true }))
      .rejects.toThrow('--client-cert-auth needs --trusted-ca-file to check the certificates against');
  });
});
