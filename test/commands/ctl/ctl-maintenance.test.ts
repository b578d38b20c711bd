// cairn ctl's maintenance commands (alarm, defrag, snapshot) against etcdctl 3.4, both against etcd 3.4 twins:
// the same command line through both tools, equal stdout, stderr and exit code. Where etcdctl 3.4 crashes (a Go
// panic) cairn reproduces the panic's first line and exit code; where cairn deliberately differs (offline tools
// under ctl) the test says what cairn prints instead.
// Needs a build (`npm run build`): it runs bin/run.js.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { etcdserverpb } from '../../../src/core/api/proto';
import { RawClient } from '../../helpers/grpc';
import { tempDir } from '../../helpers/procs';
import { hasEtcdctl, runCairnCtl, runEtcdctl, startTwinEtcd, type CtlRun, type EtcdMember } from './ctl-diff';
import { comparePairAsync, firstLine, zapLines } from './ctl-maintenance-helpers';

const formats = ['simple', 'json', 'fields', 'table', 'protobuf'] as const;
const describeIf = hasEtcdctl() ? describe : describe.skip;

describeIf('cairn ctl maintenance vs etcdctl 3.4', () => {
  let ref: EtcdMember;
  let sut: EtcdMember;
  let dir: string;

  const same = async (args: string[]): Promise<CtlRun> => {
    const { etcdctl, cairn } = await comparePairAsync(ref.endpoint, sut.endpoint, args);
    expect({ args, ...cairn }).toEqual({ args, ...etcdctl });
    return etcdctl;
  };

  /** etcdctl 3.4 panics (nil header / nil printer): same exit code and first stderr line, no stdout. */
  const samePanic = async (args: string[]) => {
    const { etcdctl, cairn } = await comparePairAsync(ref.endpoint, sut.endpoint, args);
    expect(etcdctl.code).toBe(2);
    expect({ args, out: cairn.stdout, err: firstLine(cairn.stderr), code: cairn.code })
      .toEqual({ args, out: etcdctl.stdout, err: firstLine(etcdctl.stderr), code: etcdctl.code });
  };

  const alarm = async (m: EtcdMember, action: number) => {
    const c = new RawClient(m.endpoint);
    try {
      const list = await c.call('/etcdserverpb.Cluster/MemberList', etcdserverpb.MemberListRequest, etcdserverpb.MemberListResponse, {});
      await c.call('/etcdserverpb.Maintenance/Alarm', etcdserverpb.AlarmRequest, etcdserverpb.AlarmResponse,
        { action, memberID: list.header?.memberId, alarm: etcdserverpb.AlarmType.NOSPACE });
    } finally {
      c.close();
    }
  };

  beforeAll(async () => {
    [ref, sut] = await startTwinEtcd();
    dir = tempDir('ctl-maint');
    for (const m of [ref, sut]) {
      for (const [k, v] of [['a', '1'], ['b', '2'], ['c/d', 'x'.repeat(3000)]]) {
        const r = runEtcdctl(m.endpoint, ['put', k, v]);
        if (r.code !== 0) throw new Error(r.stderr);
      }
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all([ref?.stop(), sut?.stop()]);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('alarm', () => {
    it.each(['simple', 'json', 'protobuf', 'table'])('lists no alarms with -w %s', async (w) => {
      await same(['alarm', 'list', '-w', w]);
    });

    it('crashes as etcdctl does for -w fields (no header in the alarm response)', async () => {
      await samePanic(['alarm', 'list', '-w', 'fields']);
    });

    it.each([[['alarm', 'list', 'x']], [['alarm', 'disarm', 'x']]])('refuses %j as etcdctl does', async (args) => {
      await same(args);
    });

    it('lists, then disarms, a raised NOSPACE alarm in every format', async () => {
      await Promise.all([alarm(ref, etcdserverpb.AlarmRequest.AlarmAction.ACTIVATE), alarm(sut, etcdserverpb.AlarmRequest.AlarmAction.ACTIVATE)]);
      // the alarm is real: writes are refused on both members
      const put = await same(['put', 'k', 'v']);
      expect(put.stderr).toContain('etcdserver: mvcc: database space exceeded');
      for (const w of ['simple', 'json', 'protobuf', 'table']) {
        const r = await same(['alarm', 'list', '-w', w]);
        if (w === 'simple') expect(r.stdout).toMatch(/^memberID:\d+ alarm:NOSPACE \n$/);
      }
      await samePanic(['alarm', 'list', '-w', 'fields']);
      const disarmed = await same(['alarm', 'disarm', '-w', 'json']);
      expect(disarmed.stdout).toMatch(/^\{"alarms":\[\{"memberID":\d+,"alarm":1\}\]\}\n$/);
      await same(['alarm', 'list', '-w', 'json']);
      await same(['put', 'k', 'v']);
      // once more, disarmed in the simple format
      await Promise.all([alarm(ref, etcdserverpb.AlarmRequest.AlarmAction.ACTIVATE), alarm(sut, etcdserverpb.AlarmRequest.AlarmAction.ACTIVATE)]);
      expect((await same(['alarm', 'disarm'])).stdout).toMatch(/alarm:NOSPACE/);
      expect((await same(['alarm', 'disarm'])).stdout).toBe('');
    });
  });

  describe('defrag', () => {
    it.each(formats.map((w) => [w]))('defragments the endpoint with -w %s', async (w) => {
      expect((await same(['defrag', '-w', w])).stdout).toMatch(/^Finished defragmenting etcd member\[127\.0\.0\.1:\d+\]\n$/);
    });

    it('defragments every member of --cluster', async () => {
      expect((await same(['defrag', '--cluster'])).stdout).toMatch(/^Finished defragmenting etcd member\[http:\/\/127\.0\.0\.1:\d+\]\n$/);
    });

    it('reports a member it cannot reach and exits 1', async () => {
      const r = await same(['defrag', '--command-timeout', '500ms', '--endpoints', '127.0.0.1:1']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('Failed to defragment etcd member[127.0.0.1:1] (context deadline exceeded)');
    });

    it('ignores arguments as etcdctl 3.4 does', async () => {
      await same(['defrag', 'x']);
    });

    it('defragments a stopped member\'s --data-dir offline (cairn\'s backend; etcdctl 3.4 opens bbolt): a dir without one fails', async () => {
      const r = runCairnCtl(sut.endpoint, ['defrag', '--data-dir', dir]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`Failed to defragment etcd data[${dir}] (no backend at ${path.join(dir, 'member', 'snap', 'db')})\n`);
    });
  });

  describe('snapshot', () => {
    it('saves a snapshot byte-identical to etcdctl\'s, with the same messages', () => {
      const mine = path.join(dir, 'cairn.db');
      const theirs = path.join(dir, 'etcdctl.db');
      // on the same member, one after the other (no writes in between): the files must be the same bytes
      const e = runEtcdctl(ref.endpoint, ['snapshot', 'save', theirs]);
      const c = runCairnCtl(ref.endpoint, ['snapshot', 'save', mine]);
      expect({ out: c.stdout.replace(mine, '<f>'), code: c.code }).toEqual({ out: e.stdout.replace(theirs, '<f>'), code: e.code });
      expect(c.stdout).toBe(`Snapshot saved at ${mine}\n`);
      expect(zapLines(c.stderr, mine)).toEqual(zapLines(e.stderr, theirs));
      expect(fs.statSync(mine).mode & 0o777).toBe(0o600);
      expect(fs.existsSync(`${mine}.part`)).toBe(false);
      expect(fs.readFileSync(mine).equals(fs.readFileSync(theirs))).toBe(true);
      const status = (f: string) => runEtcdctl(ref.endpoint, ['snapshot', 'status', f, '-w', 'json']).stdout;
      expect(status(mine)).toBe(status(theirs));
      expect(status(mine)).toMatch(/"totalKey":\d+/);
    });

    it('saves on the twin as etcdctl does (stdout, exit code, log lines)', async () => {
      const f = path.join(dir, 'twin.db');
      const { etcdctl, cairn } = await comparePairAsync(ref.endpoint, sut.endpoint, ['snapshot', 'save', f]);
      expect(cairn).toEqual(etcdctl);
      fs.rmSync(f);
    });

    it.each([
      [['snapshot', 'save']],
      [['snapshot', 'save', 'a', 'b']],
      [['snapshot', 'save', '/nonexistent-dir/x.db']],
      [['snapshot', 'save', 'x.db', '--endpoints', '127.0.0.1:1']],
      [['snapshot', 'status']],
      [['snapshot', 'restore']],
    ])('fails on %j as etcdctl does', async (args) => {
      await same(args);
    });

    it('times out on an unreachable member with --command-timeout (exit 5)', async () => {
      const f = path.join(dir, 'never.db');
      const r = await comparePairAsync('127.0.0.1:1', '127.0.0.1:1', ['snapshot', 'save', f, '--command-timeout', '500ms']);
      expect(r.cairn).toEqual(r.etcdctl);
      expect(r.cairn.code).toBe(5);
      expect(fs.existsSync(`${f}.part`)).toBe(false);
    });

    it.each([['status'], ['restore']])('points snapshot %s to cairn util with a bad-args exit', async (sub) => {
      const r = runCairnCtl(sut.endpoint, ['snapshot', sub, path.join(dir, 'x.db')]);
      expect(r.code).toBe(128);
      expect(r.stderr).toMatch(new RegExp(`^Error: snapshot ${sub} is not implemented under cairn ctl: .*cairn util snapshot ${sub}\`, use that\\n$`));
    });
  });
});
