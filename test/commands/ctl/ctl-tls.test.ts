// cairn ctl over TLS against etcdctl 3.4: a CA, a server certificate (SAN 127.0.0.1) and a client certificate
// made with openssl in a temp dir; one real etcd 3.4 serving https with --client-cert-auth. Both tools run
// the same command line against it and must print the same stdout, stderr and exit code.
// Needs a build (`npm run build`): it runs bin/run.js.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort, tempDir } from '../../helpers/procs';
import { comparePair, hasEtcdctl, runEtcdctl, type RunOptions } from './ctl-diff';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
const describeIf = hasEtcdctl() && hasOpenssl ? describe : describe.skip;

function openssl(dir: string, args: readonly string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}

/** ca.crt signs server.crt (127.0.0.1) and client.crt; other.crt is an unrelated CA. */
function makeCerts(dir: string): void {
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=cairn-test-ca']);
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other.key', '-out', 'other.crt', '-days', '2', '-subj', '/CN=other-ca']);
  fs.writeFileSync(path.join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n');
  fs.writeFileSync(path.join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const who of ['server', 'client']) {
    openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${who}.key`, '-out', `${who}.csr`, '-subj', `/CN=${who}`]);
    openssl(dir, ['x509', '-req', '-in', `${who}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${who}.crt`, '-days', '2', '-extfile', `${who}.ext`]);
  }
}

describeIf('cairn ctl over TLS vs etcdctl 3.4', () => {
  let dir: string;
  let endpoint: string;
  let etcd: ChildProcess;
  const f = (name: string) => path.join(dir, name);
  const tls = () => ['--cacert', f('ca.crt'), '--cert', f('client.crt'), '--key', f('client.key')];

  const same = (args: string[], o: RunOptions & { mask?: (s: string) => string } = {}) => {
    const { etcdctl, cairn } = comparePair(endpoint, endpoint, args, o);
    expect({ args, ...cairn }).toEqual({ args, ...etcdctl });
    return etcdctl;
  };

  beforeAll(async () => {
    dir = tempDir('ctl-tls');
    makeCerts(dir);
    const [client, peer] = [await freePort(), await freePort()];
    endpoint = `127.0.0.1:${client}`;
    const log = fs.openSync(f('etcd.log'), 'a');
    etcd = spawn('etcd', [
      '--name', 't', '--data-dir', f('data'),
      '--listen-client-urls', `https://${endpoint}`, '--advertise-client-urls', `https://${endpoint}`,
      '--listen-peer-urls', `http://127.0.0.1:${peer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
      '--initial-cluster', `t=http://127.0.0.1:${peer}`,
      '--cert-file', f('server.crt'), '--key-file', f('server.key'), '--trusted-ca-file', f('ca.crt'), '--client-cert-auth',
    ], { cwd: dir, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (etcd.exitCode !== null) throw new Error(`etcd exited: ${fs.readFileSync(f('etcd.log'), 'utf8')}`);
      if (runEtcdctl(endpoint, ['put', 'foo', 'bar', ...tls(), '--command-timeout', '1s']).code === 0) break;
      if (Date.now() > deadline) throw new Error('etcd over TLS did not come up');
    }
  }, 60_000);

  afterAll(async () => {
    if (etcd !== undefined && etcd.exitCode === null) {
      const exited = new Promise<void>((resolve) => etcd.once('exit', () => resolve()));
      etcd.kill('SIGKILL');
      await exited;
    }
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('--cacert --cert --key on an endpoint without a scheme', () => {
    expect(same(['get', 'foo', ...tls()]).stdout).toBe('foo\nbar\n');
    same(['put', 'tls', 'yes', ...tls(), '-w', 'json'], { mask: (s) => s.replace(/"revision":\d+/g, '"revision":<n>') });
    same(['get', 'tls', '--print-value-only', ...tls()]);
  });

  it('https:// endpoints, --insecure-transport=false and --insecure-skip-tls-verify', () => {
    const https = (args: string[]) => same(args, { noEndpoint: true, env: { ETCDCTL_ENDPOINTS: `https://${endpoint}` } });
    expect(https(['get', 'foo', ...tls()]).code).toBe(0);
    expect(same(['get', 'foo', '--insecure-transport=false', ...tls()]).code).toBe(0);
    expect(https(['get', 'foo', '--insecure-skip-tls-verify', '--cert', f('client.crt'), '--key', f('client.key')]).stdout).toBe('foo\nbar\n');
    expect(https(['get', 'foo', '--insecure-skip-tls-verify', '--cacert', f('other.crt'), '--cert', f('client.crt'), '--key', f('client.key')]).code).toBe(0);
  });

  it('ETCDCTL_CACERT, ETCDCTL_CERT and ETCDCTL_KEY', () => {
    const env = { ETCDCTL_CACERT: f('ca.crt'), ETCDCTL_CERT: f('client.crt'), ETCDCTL_KEY: f('client.key') };
    expect(same(['get', 'foo', '--print-value-only'], { env }).stdout).toBe('bar\n');
  });

  // A failed handshake is not an error of its own in either client: the call waits for a usable connection
  // until its deadline, so both print Go's "context deadline exceeded" (no Go-vs-Node wording to mask).
  it.each([
    ['a CA that did not sign the server', ['--cacert', 'other.crt', '--cert', 'client.crt', '--key', 'client.key']],
    ['no client certificate for --client-cert-auth', ['--cacert', 'ca.crt']],
    ['plaintext to a TLS server', []],
  ])('%s: context deadline exceeded, exit 1', (_what, files) => {
    const args = ['get', 'foo', '--command-timeout', '1s', ...files.map((a) => (a.startsWith('--') ? a : f(a)))];
    const r = same(args, { noEndpoint: true, env: { ETCDCTL_ENDPOINTS: files.length === 0 ? endpoint : `https://${endpoint}` } });
    expect(r).toEqual({ stdout: '', stderr: 'Error: context deadline exceeded\n', code: 1 });
  });

  it.each([
    [['--cacert', 'missing.crt']],
    [['--cert', 'missing.crt', '--key', 'client.key']],
    [['--cacert', '']],
    [['--key', '']],
  ])('unreadable or empty TLS file flags %j', (files) => {
    const r = same(['get', 'foo', ...files.map((a) => (a.startsWith('--') || a === '' ? a : f(a)))]);
    expect(r.code).toBe(128);
  });
});
