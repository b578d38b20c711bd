// cairn ctl over TLS against etcdctl 3.4: a CA, a server certificate (SAN 127.0.0.1) and a client certificate
// made with openssl in a temp dir; one real etcd 3.4 serving https with --client-cert-auth. Both tools run
// the same command line against it and must print the same stdout, stderr and exit code.
// Needs a build (`npm run build`): it runs bin/run.js.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import { hasOpenssl, makeCerts } from '../../helpers/certs';
import { freePort, RUN_JS, tempDir } from '../../helpers/procs';
import { comparePair, hasEtcdctl, runEtcdctl, type RunOptions } from './ctl-diff';

const describeIf = hasEtcdctl() && hasOpenssl ? describe : describe.skip;

// first against real etcd (the client alone), then against `cairn server` serving https (client and server)
describe.each(['etcd', 'cairn'] as const)('server: %s', (server) => describeIf('cairn ctl over TLS vs etcdctl 3.4', () => {
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
    etcd = spawn(server === 'etcd' ? 'etcd' : process.execPath, [
      ...(server === 'etcd' ? [] : [RUN_JS, 'server']),
      '--name', 't', '--data-dir', f('data'),
      '--listen-client-urls', `https://${endpoint}`, '--advertise-client-urls', `https://${endpoint}`,
      '--listen-peer-urls', `http://127.0.0.1:${peer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
      '--initial-cluster', `t=http://127.0.0.1:${peer}`,
      '--cert-file', f('server.crt'), '--key-file', f('server.key'), '--trusted-ca-file', f('ca.crt'), '--client-cert-auth',
    ], { cwd: dir, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (etcd.exitCode !== null) throw new Error(`${server} exited: ${fs.readFileSync(f('etcd.log'), 'utf8')}`);
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

  it('serves /health and the JSON gateway over HTTPS/1.1 with the client certificate, refuses without it', async () => {
    const get = (p: string, body: string | null, withCert: boolean) => new Promise<string>((resolve) => {
      const req = https.request({ host: '127.0.0.1', port: Number(endpoint.split(':')[1]), path: p, method: body === null ? 'GET' : 'POST',
        ca: fs.readFileSync(f('ca.crt')), ...(withCert ? { cert: fs.readFileSync(f('client.crt')), key: fs.readFileSync(f('client.key')) } : {}) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(`${res.statusCode} ${Buffer.concat(chunks).toString()}`));
      });
      req.on('error', (err) => resolve(`error ${(err as NodeJS.ErrnoException).code ?? err.message}`));
      if (body !== null) req.write(body);
      req.end();
    });
    expect(await get('/health', null, true)).toBe('200 {"health":"true"}');
    expect(await get('/v3/kv/range', JSON.stringify({ key: Buffer.from('foo').toString('base64') }), true)).toMatch(/^200 \{"header":.*"kvs":\[\{"key":"Zm9v"/);
    expect(await get('/health', null, false)).toMatch(/^error /);
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
}));
