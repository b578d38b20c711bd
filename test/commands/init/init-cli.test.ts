// `cairn init` through the built CLI with no terminal, then the configs it writes started with the generated
// script: CAIRN_SERVER=etcd forms a real 3-member etcd 3.4 cluster that the real etcdctl sees healthy.
// Needs `npm run build` (dist/commands/init.js), /usr/bin/etcd and /usr/bin/etcdctl.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hasEtcd, RUN_JS, tempDir } from '../../helpers/procs';
import {
  etcdctl, etcdMemberId, freePorts, killLeftovers, requireBuiltCli, runInitCli, runScript, waitHealthy,
} from './cluster-helpers';

let dir: string;
let out: string;

/** cairn's own server is being built by others alongside; its start test runs once its code loads. */

beforeAll(() => {
  requireBuiltCli();
  if (!hasEtcd()) throw new Error('these tests need the real etcd and etcdctl 3.4 (/usr/bin/etcd, /usr/bin/etcdctl)');
});
beforeEach(() => {
  dir = tempDir('init-cli');
  out = path.join(dir, 'cluster');
});
afterEach(() => {
  killLeftovers(out);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A CA and one certificate per member for 127.0.0.1, good as server and client certificate. */
function makeCerts(certDir: string, names: readonly string[]): void {
  fs.mkdirSync(certDir);
  const ssl = (args: readonly string[]) => {
    const r = spawnSync('openssl', args, { cwd: certDir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ssl(['req', '-x509', ...ec, '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=cairn-init-test-ca']);
  fs.writeFileSync(path.join(certDir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n');
  for (const n of names) {
    ssl(['req', ...ec, '-keyout', `${n}-key.pem`, '-out', `${n}.csr`, '-subj', `/CN=${n}`]);
    ssl(['x509', '-req', '-in', `${n}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial',
      '-out', `${n}.pem`, '-days', '1', '-extfile', 'ext.cnf']);
  }
}

/** Starts the cluster with the real etcd, checks health and membership, stops it. */
async function startCheckStop(token: string, names: readonly string[], clientUrls: readonly string[], peerUrls: readonly string[], tlsArgs: readonly string[]) {
  const started = runScript(path.join(out, 'start-cluster.sh'), { CAIRN_SERVER: 'etcd' });
  expect(started.stderr).toBe('');
  expect(started.code).toBe(0);
  const endpoints = ['--endpoints', clientUrls.join(','), ...tlsArgs];
  const health = await waitHealthy(endpoints);
  expect(health.code).toBe(0);
  for (const url of clientUrls) expect(health.stdout + health.stderr).toContain(`${url} is healthy`);

  // names, URLs and token all came from the YAML: etcd derives each member id from the peer URLs and the token
  const members = etcdctl([...endpoints, 'member', 'list']).stdout.trim().split('\n').sort();
  expect(members).toEqual(names.map((n, i) =>
    `${etcdMemberId([peerUrls[i]], token)}, started, ${n}, ${peerUrls[i]}, ${clientUrls[i]}, false`).sort());
  for (const n of names) expect(fs.existsSync(path.join(out, `${n}.etcd`, 'member'))).toBe(true);

  const stopped = runScript(path.join(out, 'stop-cluster.sh'));
  expect(stopped.code).toBe(0);
  expect(stopped.stdout.split('\n').filter((l) => l.startsWith('stopping'))).toHaveLength(names.length);
  expect(fs.readdirSync(out).filter((f) => f.endsWith('.pid'))).toEqual([]);
}

describe('cairn init (built CLI, no terminal)', () => {
  it('writes configs that start a healthy 3-member etcd cluster', async () => {
    const [c0, c1, c2, p0, p1, p2] = await freePorts(6);
    const token = `t-${path.basename(dir)}`;
    const r = runInitCli(['--yes', '--output-dir', out, '--members', '3', '--client-ports', `${c0},${c1},${c2}`,
      '--peer-ports', `${p0},${p1},${p2}`, '--token', token], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`│ infra2 │ http://127.0.0.1:${c2} │ http://127.0.0.1:${p2} │ ${out}/infra2.etcd │`);
    expect(r.stdout).toContain(`ETCDCTL_API=3 etcdctl --endpoints http://127.0.0.1:${c0},http://127.0.0.1:${c1},http://127.0.0.1:${c2} endpoint health`);
    expect(r.stdout).toContain('Note: cairn server runs a single member for now');
    expect(fs.readdirSync(out).sort()).toEqual(['infra0.yaml', 'infra1.yaml', 'infra2.yaml', 'start-cluster.sh', 'stop-cluster.sh']);

    await startCheckStop(token, ['infra0', 'infra1', 'infra2'],
      [c0, c1, c2].map((p) => `http://127.0.0.1:${p}`), [p0, p1, p2].map((p) => `http://127.0.0.1:${p}`), []);
  });

  it('writes TLS configs, one certificate per member, that etcd serves with client-cert-auth', async () => {
    const names = ['m0', 'm1', 'm2'];
    makeCerts(path.join(dir, 'certs'), names);
    const ports = await freePorts(6);
    const token = `tls-${path.basename(dir)}`;
    const r = runInitCli(['--yes', '-o', out, '--names', names.join(','), '--client-ports', ports.slice(0, 3).join(','),
      '--peer-ports', ports.slice(3).join(','), '--token', token, '--tls', '--cert-file', 'certs/{name}.pem',
      '--key-file', 'certs/{name}-key.pem', '--trusted-ca-file', 'certs/ca.pem'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(out, 'm1.yaml'), 'utf8')).toContain([
      'client-transport-security:',
      `  cert-file: "${dir}/certs/m1.pem"`,
      `  key-file: "${dir}/certs/m1-key.pem"`,
      '  client-cert-auth: true',
      `  trusted-ca-file: "${dir}/certs/ca.pem"`,
      'peer-transport-security:',
    ].join('\n'));
    const certs = path.join(dir, 'certs');
    expect(r.stdout).toContain(`--cacert ${certs}/ca.pem --cert ${certs}/m0.pem --key ${certs}/m0-key.pem endpoint health`);

    const tlsArgs = ['--cacert', `${certs}/ca.pem`, '--cert', `${certs}/m0.pem`, '--key', `${certs}/m0-key.pem`];
    await startCheckStop(token, names, ports.slice(0, 3).map((p) => `https://127.0.0.1:${p}`),
      ports.slice(3).map((p) => `https://127.0.0.1:${p}`), tlsArgs);
  });

  it('writes a single-member config that cairn server starts from', async () => {
    const [c, p] = await freePorts(2);
    const r = runInitCli(['--yes', '-o', out, '--members', '1', '--client-ports', String(c), '--peer-ports', String(p)], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('Note:');
    const started = runScript(path.join(out, 'start-cluster.sh'), { CAIRN_SERVER: `${process.execPath} ${RUN_JS} server` });
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    expect((await waitHealthy(['--endpoints', `http://127.0.0.1:${c}`])).code).toBe(0);
    expect(runScript(path.join(out, 'stop-cluster.sh')).code).toBe(0);
  });

  it('fails listing the missing flags when no terminal can ask', () => {
    const r = runInitCli(['--members', '1', '--names', 'solo', '-o', out], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('Error: missing answers, and no terminal to ask them on (or --non-interactive): --hosts, ' +
      '--client-ports, --peer-ports, --data-dirs, --token, --initial-cluster-state, --[no-]tls\n' +
      'Pass these flags, or --yes to take the defaults (certificate and key files have none).\n');
    expect(fs.existsSync(out)).toBe(false);
  });

  it('names the flag of a wrong value', () => {
    const r = runInitCli(['--yes', '--members', '3', '--client-ports', '2379,2379', '-o', out], dir);
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'Error: --client-ports has 2 entries but --members is 3\n' });
    const r2 = runInitCli(['--yes', '--members', '2', '--client-ports', '2379,2379', '-o', out], dir);
    expect(r2.stderr).toBe('Error: --client-ports: port 2379 on 127.0.0.1 is already infra0\'s client port\n');
  });

  it('lists its flags and the single-member note in --help', () => {
    const r = runInitCli(['--help'], dir);
    expect(r.code).toBe(0);
    for (const flag of ['--members', '--names', '--hosts', '--client-ports', '--peer-ports', '--data-dirs', '--token',
      '--initial-cluster-state', '--[no-]tls', '--cert-file', '--key-file', '--trusted-ca-file', '--peer-cert-file',
      '--output-dir', '--yes', '--non-interactive', '--force']) expect(r.stdout).toContain(flag);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('Note: cairn server runs a single member for now: clusters of more than one member need Raft');
  });
});
