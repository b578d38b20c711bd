// The backend quota and the NOSPACE alarm against etcd 3.4: twins (same identity) with the same small
// --quota-backend-bytes are filled until they refuse writes; from there the real etcdctl must print the same on
// both for the refused put, `alarm list`, the alarm in `endpoint status`, /health, a delete (still allowed), a txn
// that puts, `alarm disarm`, and the put that raises the alarm again. Then on cairn alone: the alarm survives a
// restart, and compaction frees room (cairn checks the quota against pages in use, so no defrag is needed
// before disarming; etcd needs one).
import { spawnSync } from 'node:child_process';
import { startTwinEtcd, type EtcdMember } from '../commands/ctl/ctl-diff';
import { hasEtcd } from '../helpers/procs';

const quota = 300_000;
const run = (endpoint: string, args: string[], input?: string) => {
  const r = spawnSync('etcdctl', ['--endpoints', endpoint, ...args], { env: { ...process.env, ETCDCTL_API: '3' }, encoding: 'utf8', input, timeout: 20_000 });
  // clientv3's retry warnings carry a timestamp and a random client id
  return { stdout: r.stdout, stderr: r.stderr.split('\n').filter((l) => !l.startsWith('{"level":"warn"')).join('\n'), code: r.status };
};

const describeIf = hasEtcd() ? describe : describe.skip;

describeIf('backend quota and NOSPACE against etcd 3.4', () => {
  let etcd: EtcdMember;
  let cairn: EtcdMember;

  beforeAll(async () => {
    [etcd, cairn] = await startTwinEtcd({ sutIsCairn: true, extraArgs: ['--quota-backend-bytes', String(quota)] });
  }, 60_000);

  afterAll(async () => {
    await Promise.all([etcd?.stop(), cairn?.stop()]);
  });

  it('refuses writes past the quota, raises NOSPACE, and answers the same until and after disarm', async () => {
    const value = 'x'.repeat(3000);
    for (const m of [etcd, cairn]) {
      let i = 0;
      for (; i < 400; i++) {
        const r = run(m.endpoint, ['put', `fill/${i}`, value]);
        if (r.code !== 0) {
          expect(r.stderr).toBe('Error: etcdserver: mvcc: database space exceeded\n');
          break;
        }
      }
      // both store about the quota's worth before refusing (their files differ: bbolt and LMDB)
      expect(i).toBeGreaterThan(40);
      expect(i).toBeLessThan(400);
      // etcd raises NOSPACE from the refused request's own context, which now and then ends first (the alarm is
      // then raised by a later refusal): refuse again until the alarm is up, so both start from the same state
      for (let tries = 0; tries < 10 && !run(m.endpoint, ['alarm', 'list']).stdout.includes('NOSPACE'); tries++) {
        run(m.endpoint, ['put', `fill/${i}`, value]);
      }
      expect(run(m.endpoint, ['alarm', 'list']).stdout).toContain('alarm:NOSPACE');
    }
    const both = (args: string[], input?: string) => [run(etcd.endpoint, args, input), run(cairn.endpoint, args, input)];
    const steps: string[][] = [
      ['put', 'more', 'v'],
      ['alarm', 'list'],
      ['get', 'fill/0', '--print-value-only', '--limit', '1'],
      ['del', 'fill/1'],
      ['put', 'more', 'v', '--ignore-value'],
      ['lease', 'grant', '60'],
      ['alarm', 'disarm'],
      ['alarm', 'list'],
      // still above the quota for a write as large as the refused ones: refused, and the alarm raised again (a
      // small one may fit in what is left, on either server, depending on the last page)
      ['put', 'more', 'x'.repeat(3000)],
      ['alarm', 'list'],
    ];
    for (const args of steps) {
      const [e, c] = both(args);
      expect({ args, ...c }).toEqual({ args, ...e });
    }
    const [e, c] = both(['txn'], 'put t v\n\n\n');
    expect(c).toEqual(e);
    const statusErrors = (m: EtcdMember) => (JSON.parse(run(m.endpoint, ['endpoint', 'status', '-w', 'json']).stdout) as Array<{ Status: { errors?: string[] } }>)[0].Status.errors;
    expect(statusErrors(cairn)).toEqual(statusErrors(etcd));
    expect(statusErrors(cairn)).toEqual([expect.stringMatching(/^memberID:\d+ alarm:NOSPACE $/)]);
    for (const q of ['', '?exclude=NOSPACE', '?exclude=CORRUPT']) {
      const health = await Promise.all([etcd, cairn].map(async (m) => {
        const r = await fetch(`http://${m.endpoint}/health${q}`);
        return [r.status, r.headers.get('content-type'), await r.text()];
      }));
      expect({ q, got: health[1] }).toEqual({ q, got: health[0] });
    }
  });

  it('on cairn, the alarm survives a restart, and after a compaction writes fit again once disarmed', async () => {
    // (the member keeps its alarm: /health stays false after the restart)
    cairn.proc.kill('SIGKILL');
    await new Promise((r) => cairn.proc.once('exit', r));
    const { spawn } = await import('node:child_process');
    const argv = cairn.proc.spawnargs.slice(1);
    cairn.proc = spawn(process.execPath, argv, { cwd: cairn.dir, stdio: 'ignore' });
    const deadline = Date.now() + 20_000;
    let health = '';
    while (Date.now() < deadline) {
      health = await fetch(`http://${cairn.endpoint}/health`).then((r) => r.text(), () => '');
      if (health !== '') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(health).toBe('{"health":"false"}\n');
    expect(run(cairn.endpoint, ['alarm', 'list']).stdout).toMatch(/alarm:NOSPACE/);
    expect(run(cairn.endpoint, ['del', 'fill/', '--prefix']).code).toBe(0);
    const rev = JSON.parse(run(cairn.endpoint, ['get', 'x', '-w', 'json']).stdout) as { header: { revision: number } };
    expect(run(cairn.endpoint, ['compaction', '--physical', String(rev.header.revision)]).code).toBe(0);
    expect(run(cairn.endpoint, ['alarm', 'disarm']).code).toBe(0);
    // the size the quota is checked against is refreshed at most every 50 ms
    let put = run(cairn.endpoint, ['put', 'after', 'compaction']);
    for (let i = 0; i < 20 && put.code !== 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      run(cairn.endpoint, ['alarm', 'disarm']);
      put = run(cairn.endpoint, ['put', 'after', 'compaction']);
    }
    expect(put).toEqual({ stdout: 'OK\n', stderr: '', code: 0 });
    expect(await fetch(`http://${cairn.endpoint}/health`).then((r) => r.text())).toBe('{"health":"true"}');
  }, 60_000);
});
