// cairn ctl make-mirror against etcdctl 3.4's (two real etcd 3.4 servers: source and destination), and the
// commands etcdctl 3.4 does not have (downgrade: etcdctl 3.6) or cairn has no use for (migrate). completion is in
// ctl-completion.test.ts (no etcd needed).
// Needs a build (`npm run build`): it runs bin/run.js.
import * as fs from 'node:fs';
import { etcdserverpb } from '../../../src/core/api/proto';
import { RawClient } from '../../helpers/grpc';
import { RUN_JS, tempDir } from '../../helpers/procs';
import { hasEtcdctl, runCairnCtl, runEtcdctl, startTwinEtcd, type CtlRun, type EtcdMember } from './ctl-diff';
import { comparePairAsync, startBackground, until } from './ctl-maintenance-helpers';

const describeIf = hasEtcdctl() ? describe : describe.skip;

describeIf('cairn ctl make-mirror, downgrade, migrate', () => {
  let ref: EtcdMember;
  let sut: EtcdMember;
  let dir: string;

  const same = async (args: string[]): Promise<CtlRun> => {
    const { etcdctl, cairn } = await comparePairAsync(ref.endpoint, sut.endpoint, args);
    expect({ args, ...cairn }).toEqual({ args, ...etcdctl });
    return etcdctl;
  };

  beforeAll(async () => {
    [ref, sut] = await startTwinEtcd();
    dir = tempDir('ctl-maint2');
  }, 60_000);

  afterAll(async () => {
    await Promise.all([ref?.stop(), sut?.stop()]);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  // the twin `sut` is the mirror destination here, so the twins differ afterwards
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
  });
});
