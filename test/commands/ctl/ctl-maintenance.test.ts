// cairn ctl's maintenance commands (alarm, defrag, snapshot) against etcdctl 3.4, both against etcd 3.4 twins:
// the same command line through both tools, equal stdout, stderr and exit code. Where etcdctl 3.4 crashes (a Go
// panic) cairn reproduces the panic's first line and exit code; where cairn deliberately differs (offline tools
// under ctl) the test says what cairn prints instead.
// Needs a build (`npm run build`): it runs bin/run.js.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { etcdserverpb } from '../../../src/core/api/proto';
import { RawClient } from '../../helpers/grpc';
import { RUN_JS, tempDir } from '../../helpers/procs';
import { hasEtcdctl, runCairnCtl, runEtcdctl, startTwinEtcd, type CtlRun, type EtcdMember } from './ctl-diff';
import { comparePairAsync, firstLine, startBackground, until, zapLines } from './ctl-maintenance-helpers';

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

    it('sends --data-dir to cairn util (etcdctl 3.4 defragments the bbolt file itself)', async () => {
      const r = runCairnCtl(sut.endpoint, ['defrag', '--data-dir', dir]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^Error: .*cairn util defrag.*not implemented yet/);
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
      expect(r.stderr).toMatch(new RegExp(`^Error: snapshot ${sub} is not implemented under cairn ctl: .*cairn util snapshot ${sub}.*not implemented yet\\n$`));
    });
  });

  // last: it writes into the twin `sut` as a mirror destination, so the twins differ afterwards
  describe('make-mirror', () => {
    it.each([
      [['make-mirror']],
      [['make-mirror', 'a', 'b']],
      [['make-mirror', '127.0.0.1:1', '--dest-prefix', 'x', '--no-dest-prefix']],
    ])('refuses %j as etcdctl does', async (args) => {
      await same(args);
    });

    it('syncs the keys under --prefix, then follows the watch, as etcdctl does (into another server)', async () => {
      const put = (k: string, v: string) => expect(runEtcdctl(ref.endpoint, ['put', k, v]).code).toBe(0);
      put('m/1', 'one');
      put('m/2', 'two');
      put('mx', 'not mirrored');
      const dest = sut.endpoint;
      const e = startBackground('etcdctl', ['make-mirror', dest, '--prefix', 'm/', '--dest-prefix', 'E/', '--endpoints', ref.endpoint]);
      const c = startBackground(process.execPath, [RUN_JS, 'ctl', 'make-mirror', dest, '--prefix', 'm/', '--dest-prefix', 'C/', '--endpoints', ref.endpoint],
        { CAIRN_CTL_MAKE_MIRROR_PRINT_MS: '200' }); // etcdctl prints the total every 30 s; the test cannot wait that long
      const r = startBackground(process.execPath, [RUN_JS, 'ctl', 'make-mirror', dest, '--prefix', 'm/', '--no-dest-prefix', '--endpoints', ref.endpoint]);
      try {
        const destKeys = (prefix: string) => runEtcdctl(dest, ['get', prefix, '--prefix']).stdout;
        const state = () => JSON.stringify({ e: destKeys('E/'), c: destKeys('C/'), root: runEtcdctl(dest, ['get', '0', '9']).stdout, out: c.stdout(), err: c.stderr() + r.stderr() });
        await until(() => destKeys('E/') === 'E/1\none\nE/2\ntwo\n' && destKeys('C/') === 'C/1\none\nC/2\ntwo\n' && destKeys('1') === '1\none\n', state);
        // followed: each revision's events applied at the destination
        put('m/3', 'three');
        expect(runEtcdctl(ref.endpoint, ['del', 'm/1']).code).toBe(0);
        expect(runEtcdctl(ref.endpoint, ['txn'], { input: '\nput m/4 four\ndel m/2\n\n\n' }).code).toBe(0);
        await until(() => destKeys('E/') === 'E/3\nthree\nE/4\nfour\n' && destKeys('C/') === 'C/3\nthree\nC/4\nfour\n', state);
        await until(() => destKeys('3') === '3\nthree\n' && destKeys('4') === '4\nfour\n' && destKeys('1') === '' && destKeys('2') === '', state);
        // the running total, as etcdctl prints it: 2 synced + 2 puts + 2 deletes
        await until(() => c.stdout().endsWith('6\n'), state);
        expect(c.stdout()).toMatch(/^(\d+\n)+$/);
        expect(c.stderr()).toBe('');
      } finally {
        await Promise.all([e.stop(), c.stop(), r.stop()]);
      }
    });
  });

  describe('etcdctl 3.6 commands and those cairn has no use for', () => {
    it('sends downgrade to the server, which (etcd 3.4) does not know the RPC: its gRPC error, exit 1', async () => {
      const c = new RawClient(ref.endpoint);
      let details = '';
      try {
        await c.call('/etcdserverpb.Maintenance/Downgrade', etcdserverpb.DowngradeRequest, etcdserverpb.DowngradeResponse, { action: 0, version: '3.4' });
      } catch (err) {
        details = (err as { details: string }).details;
      } finally {
        c.close();
      }
      expect(details).toContain('Downgrade');
      for (const args of [['downgrade', 'validate', '3.4'], ['downgrade', 'enable', '3.4'], ['downgrade', 'cancel']]) {
        const r = runCairnCtl(ref.endpoint, args);
        expect({ args, ...r }).toEqual({ args, stdout: '', stderr: `Error: rpc error: code = Unimplemented desc = ${details}\n`, code: 1 });
      }
    });

    it.each([
      [['downgrade', 'validate'], 'TARGET_VERSION not provided'],
      [['downgrade', 'enable', '3.4', '3.5'], 'too many arguments'],
      [['downgrade', 'enable', ''], 'target version not provided'],
    ])('refuses %j as etcdctl 3.6 does', (args, msg) => {
      expect(runCairnCtl(ref.endpoint, args)).toEqual({ stdout: '', stderr: `Error: ${msg}\n`, code: 128 });
    });

    it('refuses migrate: there is no v2 store', () => {
      const r = runCairnCtl(ref.endpoint, ['migrate', '--data-dir', dir]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^Error: migrate is not supported: cairn has no v2 store/);
    });

    it('generates a bash completion script that completes ctl commands and flags', () => {
      const r = runCairnCtl(ref.endpoint, ['completion', 'bash']);
      expect(r.code).toBe(0);
      const script = path.join(dir, 'completion.bash');
      fs.writeFileSync(script, r.stdout);
      const complete = (...words: string[]) => spawnSync('bash', ['-c',
        `source ${script}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _cairn_completions; echo "\${COMPREPLY[*]}"`]).stdout.toString();
      expect(complete('cairn', 'ctl', 'mem')).toBe('member\n');
      expect(complete('cairn', 'ctl', 'member', '')).toBe('add list promote remove update\n');
      expect(complete('cairn', 'ctl', 'make-mirror', '--dest-')).toBe('--dest-cacert --dest-cert --dest-insecure-transport --dest-key --dest-prefix\n');
      expect(complete('cairn', 'ctl', '--endpoints', 'x', 'sn')).toBe('snapshot\n');
      const zsh = runCairnCtl(ref.endpoint, ['completion', 'zsh']);
      expect(zsh.code).toBe(0);
      expect(zsh.stdout).toContain('bashcompinit');
    });

    it.each([
      [['completion', 'fish'], 'Error: completion fish is not implemented yet (bash and zsh are)\n'],
      [['completion', 'powershell'], 'Error: completion powershell is not implemented yet (bash and zsh are)\n'],
      [['completion'], 'Error: accepts 1 arg(s), received 0\n'],
      [['completion', 'tcsh'], 'Error: invalid argument "tcsh" for "cairn ctl completion"\n'],
    ])('completion %j fails plainly', (args, err) => {
      expect(runCairnCtl(ref.endpoint, args)).toEqual({ stdout: '', stderr: err, code: 1 });
    });
  });
});
