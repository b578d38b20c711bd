// `cairn ctl get --stream` (etcdctl 3.7: the range through KV.RangeStream). etcdctl 3.4 has no --stream to compare
// with, so: against cairn server, every format prints exactly what the same `get` without --stream prints, for
// ranges small and large (many chunks); what RangeStream refuses fails as etcdctl fails (exit 1, `Error:`
// line); against etcd 3.4, which has no RangeStream, it reports etcd's Unimplemented answer. Also: a large answer
// reaches a pipe whole, and a reader that leaves early ends the command as SIGPIPE ends etcdctl. Needs a build.
import { etcdserverpb } from '../../../src/core/api/proto';
import { spawnSync } from 'node:child_process';
import { runCtl, runEtcdctl } from '../../helpers/etcdctl-diff';
import { RawClient } from '../../helpers/grpc';
import { hasEtcd, RUN_JS, startServer, type ServerProc } from '../../helpers/procs';

describe('cairn ctl get --stream', () => {
  let cairn: ServerProc;
  let etcd: ServerProc;

  beforeAll(async () => {
    if (!hasEtcd()) throw new Error('etcd 3.4 is required (Debian etcd-server)');
    [cairn, etcd] = await Promise.all([startServer('cairn', { name: 'gs' }), startServer('etcd', { name: 'gs' })]);
    const c = new RawClient(cairn.endpoint);
    try {
      for (let i = 0; i < 12; i++) {
        await c.call('/etcdserverpb.KV/Put', etcdserverpb.PutRequest, etcdserverpb.PutResponse, { key: Buffer.from(`s/${i}`), value: Buffer.from(`value ${i}`) });
      }
      // 24 x 40 KiB: about four RangeStream chunks
      for (let i = 0; i < 24; i++) {
        await c.call('/etcdserverpb.KV/Put', etcdserverpb.PutRequest, etcdserverpb.PutResponse, { key: Buffer.from(`l/${String(i).padStart(2, '0')}`), value: Buffer.alloc(40 * 1024, 97 + (i % 26)) });
      }
    } finally {
      c.close();
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all([cairn?.destroy(), etcd?.destroy()]);
  });

  const cases: string[][] = [
    ['get', 's/', '--prefix'],
    ['get', 's/', '--prefix', '-w', 'json'],
    ['get', 's/', '--prefix', '-w', 'fields', '--limit', '5'],
    ['get', 's/', '--prefix', '-w', 'fields', '--keys-only'],
    ['get', 's/', '--prefix', '-w', 'protobuf'],
    ['get', 's/1'],
    ['get', 's/', '--prefix', '--count-only', '-w', 'fields'],
    ['get', 's/', '--prefix', '--print-value-only', '--consistency', 's'],
    ['get', 's/', '--prefix', '--rev', '5'],
    ['get', 'nothing'],
    ['get', 'l/', '--prefix'],
    ['get', 'l/', '--prefix', '-w', 'json', '--limit', '20'],
    ['get', '', '--from-key', '--keys-only', '--order', 'ASCEND'],
  ];

  /** stdout lines that differ, shortened: a mismatch on a 1 MB output stays readable */
  const firstDiff = (a: string, b: string): string => {
    const [x, y] = [a.split('\n'), b.split('\n')];
    const i = x.findIndex((line, j) => line !== y[j]);
    const at = i < 0 ? Math.min(x.length, y.length) : i;
    return `lines ${x.length} vs ${y.length}, first difference at ${at}: ${JSON.stringify((x[at] ?? '').slice(0, 80))} vs ${JSON.stringify((y[at] ?? '').slice(0, 80))}`;
  };

  it.each(cases.map((c) => [c]))('prints what get without --stream prints: %j', async (args) => {
    const [plain, streamed] = await Promise.all([runCtl('cairn ctl', cairn.endpoint, args), runCtl('cairn ctl', cairn.endpoint, [...args, '--stream'])]);
    expect({ code: plain.code, stderr: plain.stderr }).toEqual({ code: 0, stderr: '' });
    expect({ code: streamed.code, stderr: streamed.stderr }).toEqual({ code: 0, stderr: '' });
    const [p, s] = [plain.stdout.toString('latin1'), streamed.stdout.toString('latin1')];
    if (s !== p) expect(firstDiff(s, p)).toBe('equal');
    expect(s.length).toBe(p.length);
  });

  it('writes a 1 MB answer whole to a pipe, as etcdctl does, and ends quietly with 141 when the reader leaves', async () => {
    const [ours, theirs] = await Promise.all([
      runCtl('cairn ctl', cairn.endpoint, ['get', 'l/', '--prefix']),
      runEtcdctl(cairn.endpoint, ['get', 'l/', '--prefix']),
    ]);
    expect(theirs.stdout.length).toBeGreaterThan(900_000);
    expect({ code: ours.code, stderr: ours.stderr, bytes: ours.stdout.length }).toEqual({ code: theirs.code, stderr: theirs.stderr, bytes: theirs.stdout.length });
    expect(ours.stdout.equals(theirs.stdout)).toBe(true);
    for (const cmd of [`${process.execPath} ${RUN_JS} ctl`, 'etcdctl']) {
      const r = spawnSync('bash', ['-c', `${cmd} --endpoints ${cairn.endpoint} get l/ --prefix | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"`], { encoding: 'utf8', env: { ...process.env, ETCDCTL_API: '3' } });
      expect({ cmd, stdout: r.stdout, stderr: r.stderr }).toEqual({ cmd, stdout: '141\n', stderr: '' });
    }
  });

  it('fails as etcdctl fails on what RangeStream refuses', async () => {
    const r = await runCtl('cairn ctl', cairn.endpoint, ['get', 's/', '--prefix', '--order', 'DESCEND', '--stream']);
    expect({ code: r.code, stderr: r.stderr, stdout: r.stdout.toString() })
      .toEqual({ code: 1, stderr: 'Error: rpc error: code = Unimplemented desc = RangeStream does not support custom sort orders\n', stdout: '' });
    const f = await runCtl('cairn ctl', cairn.endpoint, ['get', 's/', '--prefix', '--min-mod-rev', '3', '--stream']);
    expect(f.stderr).toBe('Error: rpc error: code = Unimplemented desc = RangeStream does not support revision filters\n');
    expect(f.code).toBe(1);
  });

  it('reports etcd 3.4\'s Unimplemented answer (it has no RangeStream)', async () => {
    const r = await runCtl('cairn ctl', etcd.endpoint, ['get', 'a', '--stream']);
    expect({ code: r.code, stderr: r.stderr, stdout: r.stdout.toString() })
      .toEqual({ code: 1, stderr: 'Error: rpc error: code = Unimplemented desc = unknown method RangeStream for service etcdserverpb.KV\n', stdout: '' });
  });
});
