// The same bad flags given to the real etcd 3.4 and to parseServerConfig must fail with the same message.
// Every case fails before etcd opens a listener or a data dir, so nothing binds a port.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, parseServerConfig } from '../../../../src/core/server/config';

const etcdBinary = '/usr/bin/etcd';
const etcdTimeoutMs = 5000;
const describeIfEtcd = describe; // CI installs etcd (.ci/run); a missing binary fails loudly

interface Case {
  readonly argv: string[];
  readonly env?: Record<string, string>;
}

const cases: Case[] = [
  { argv: ['--foo'] },
  { argv: ['-foo=1'] },
  { argv: ['--name'] },
  { argv: ['--listen-client-urls=foo'] },
  { argv: ['--listen-client-urls=http://127.0.0.1:2379/x'] },
  { argv: ['--listen-client-urls=http://127.0.0.1'] },
  { argv: ['--initial-advertise-peer-urls=ftp://127.0.0.1:1'] },
  { argv: ['--grpc-keepalive-min-time=5'] },
  { argv: ['--unsafe-no-fsync=maybe'] },
  { argv: ['--snapshot-count=-1'] },
  { argv: ['--max-txn-ops=0x1G'] },
  { argv: ['--initial-cluster-state=foo'] },
  { argv: ['--max-concurrent-streams=abc'] },
  { argv: ['--logger=zap', 'extra'] },
  { argv: ['--logger=zap', '--heartbeat-interval=500'] },
  { argv: ['--logger=zap', '--election-timeout=60000'] },
  { argv: ['--logger=zap', '--listen-client-urls=http://127.0.0.1:2379'] },
  { argv: ['--logger=zap', '--advertise-client-urls=http://:2379'] },
  { argv: ['--logger=zap', '--auto-compaction-mode=foo'] },
  { argv: ['--logger=zap', '--listen-client-urls=http://example.com:2379', '--advertise-client-urls=http://example.com:2379'] },
  { argv: ['--logger=zap', '--experimental-enable-lease-checkpoint-persist'] },
  { argv: ['--logger=foo'] },
  { argv: ['--logger=zap'], env: { ETCD_SNAPSHOT_COUNT: 'abc' } },
  { argv: ['--logger=zap', '--name=cli'], env: { ETCD_NAME: 'env' } },
];

function runEtcd(c: Case, cwd: string): Promise<string> {
  return new Promise((resolve) => {
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...c.env };
    execFile(etcdBinary, c.argv, { cwd, env, timeout: etcdTimeoutMs }, (_err, stdout, stderr) => resolve(`${stderr}${stdout}`));
  });
}

/** The error etcd reports, whichever way it reports it. */
function etcdMessage(output: string): string {
  const lines = output.split('\n').filter(Boolean);
  for (const line of lines) {
    if (line.startsWith('{')) {
      const entry = JSON.parse(line) as { msg: string; error?: string };
      if (entry.error !== undefined) return entry.error;
      continue;
    }
    const verify = /error verifying flags, (.*)\. See 'etcd --help'\.$/.exec(line);
    if (verify !== null) return verify[1];
    const critical = / C \| pkg\/flags: (.*)$/.exec(line);
    if (critical !== null) return critical[1];
  }
  return lines.find((l) => !l.includes('[WARNING]')) ?? '';
}

function cairnMessage(c: Case, cwd: string): string {
  try {
    parseServerConfig(c.argv, c.env ?? {}, cwd);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  return '(accepted)';
}

describeIfEtcd('etcd-differential', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-etcd-diff-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rejects bad flags with the message the real etcd prints', async () => {
    const outputs = await Promise.all(cases.map((c) => runEtcd(c, dir)));
    const rows = cases.map((c, i) => ({ argv: c.argv.join(' '), etcd: etcdMessage(outputs[i]), cairn: cairnMessage(c, dir) }));
    expect(rows.filter((r) => r.etcd !== r.cairn)).toEqual([]);
    expect(rows.every((r) => r.etcd.length > 0)).toBe(true);
  });
});
