// cairn ctl's auth, user and role commands and its authenticated client against etcdctl 3.4, on twin etcd 3.4
// servers that both get the same setup through etcdctl: the same command line through both tools must give
// the same stdout, stderr and exit code, in every output format.
// Needs a build (`npm run build`): it runs bin/run.js.
import { comparePairAsync, pool } from './ctl-auth-helpers';
import { hasEtcdctl, runCairnCtl, runEtcdctl, startTwinEtcd, type CtlRun, type EtcdMember, type RunOptions } from './ctl-diff';

const formats = ['simple', 'json', 'fields', 'table', 'protobuf'] as const;
const describeIf = hasEtcdctl() ? describe : describe.skip;
// each case spawns etcdctl and node; on a busy machine a group of them takes far longer than jest's default
jest.setTimeout(240_000);

/**
 * etcdctl's password prompt (speakeasy) runs `stty -echo` and `stty echo` around each read; when stdin is not
 * a terminal stty complains on stderr. Those lines are stty's, not etcdctl's, so they are taken out.
 */
const dropStty = (s: string) => s.split('\n').filter((l) => !l.startsWith('stty: ')).join('\n');

describeIf('cairn ctl auth, user and role vs etcdctl 3.4', () => {
  let ref: EtcdMember;
  let sut: EtcdMember;

  const setup = (args: string[], o: RunOptions = {}) => {
    for (const m of [ref, sut]) {
      const r = runEtcdctl(m.endpoint, args, o);
      if (r.code !== 0) throw new Error(`setup ${args.join(' ')}: ${r.stderr}`);
    }
  };

  type Opts = RunOptions & { mask?: (s: string) => string };
  /** etcdctl and cairn ctl side by side on the twins; the result must be the same */
  const same = async (args: string[], o: Opts = {}): Promise<CtlRun> => {
    const { etcdctl, cairn } = await comparePairAsync(ref.endpoint, sut.endpoint, args, o);
    expect({ args, ...cairn }).toEqual({ args, ...etcdctl });
    return etcdctl;
  };
  /** independent command lines (no one changes what another sees), a few at a time */
  const sameAll = (cases: readonly string[][], o: Opts = {}): Promise<CtlRun[]> => pool(cases, 3, (args) => same(args, o));

  beforeAll(async () => {
    [ref, sut] = await startTwinEtcd();
    setup(['put', 'foo', 'bar']);
    setup(['put', 'foo/1', 'one']);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([ref?.stop(), sut?.stop()]);
  });

  describe('users and roles (auth off)', () => {
    // every format once per kind of response; the variants of a command in the simple format
    it('user add, role add and grants print as etcdctl does in every format', async () => {
      await pool(formats, formats.length, async (w) => {
        expect((await same(['user', 'add', `u-${w}:pw`, '-w', w])).code).toBe(w === 'table' ? 4 : 0);
        await same(['role', 'add', `r-${w}`, '-w', w]);
        await same(['role', 'grant-permission', `r-${w}`, 'readwrite', 'foo/', '--prefix', '-w', w]);
        await same(['user', 'grant-role', `u-${w}`, `r-${w}`, '-w', w]);
        await same(['user', 'passwd', `u-${w}`, '--interactive=false', '-w', w], { input: 'newpw\n' });
      });
    });

    it('user add and role grant-permission variants', async () => {
      await same(['user', 'add', 'v1', '--new-user-password', 'x']);
      await same(['user', 'add', 'n1', '--no-password']);
      await same(['user', 'add', 'c1:with:colons']);
      for (const grant of [
        ['read', 'foo'], ['WRITE', 'a', 'b'], ['write', 'z', '--from-key'], ['read', '', '--from-key'],
        ['read', '', '--prefix'], ['readWrite', '\u00ff\u00ff', '--prefix'], ['write', 'ü', '--prefix'],
      ]) await same(['role', 'grant-permission', 'r-simple', ...grant]);
      await same(['user', 'grant-role', 'u-json', 'r-simple']);
    });

    it('user and role reads print as etcdctl does in every format', async () => {
      await sameAll(formats.flatMap((w) => [
        ['role', 'get', 'r-simple', '-w', w],
        ['role', 'list', '-w', w],
        ['user', 'list', '-w', w],
        ['user', 'get', 'u-json', '-w', w],
        ['user', 'get', 'u-json', '--detail', '-w', w],
      ]));
    });

    it('revokes and deletes print as etcdctl does in every format', async () => {
      await pool(formats, formats.length, async (w) => {
        await same(['role', 'revoke-permission', `r-${w}`, 'foo/', '--prefix', '-w', w]);
        await same(['user', 'revoke-role', `u-${w}`, `r-${w}`, '-w', w]);
        await same(['role', 'delete', `r-${w}`, '-w', w]);
      });
    });

    it('role revoke-permission variants', async () => {
      await same(['role', 'add', 'r2']);
      for (const g of [['read', 'a', 'b'], ['read', 'z', '--from-key'], ['write', 'foo'], ['read', '', '--from-key'], ['read', 'p', '--prefix']]) {
        setup(['role', 'grant-permission', 'r2', ...g]);
      }
      for (const k of [['a', 'b'], ['z', '--from-key'], ['foo'], ['', '--from-key'], ['p', '--prefix']]) await same(['role', 'revoke-permission', 'r2', ...k]);
      await same(['role', 'get', 'r2']);
      await same(['user', 'delete', 'v1']);
    });

    it('argument and server errors as etcdctl prints them', async () => {
      const runs = await sameAll([
        ['user', 'add'],
        ['user', 'add', ':pw'],
        ['user', 'add', 'u-simple:pw'],
        ['role', 'add', 'r2'],
        ['user', 'delete'],
        ['user', 'delete', 'nobody'],
        ['user', 'get', 'nobody', '--detail'],
        ['user', 'list', 'x'],
        ['user', 'passwd'],
        ['user', 'passwd', 'nobody', '--interactive=false'],
        ['user', 'grant-role', 'u-simple', 'nothing'],
        ['user', 'revoke-role', 'u-simple', 'nothing'],
        ['role', 'add', ''],
        ['role', 'delete', 'nothing'],
        ['role', 'get', 'nothing'],
        ['role', 'grant-permission', 'r2', 'read'],
        ['role', 'grant-permission', 'r2', 'rw', 'a'],
        ['role', 'grant-permission', 'r2', 'read', 'a', 'b', '--prefix'],
        ['role', 'grant-permission', 'r2', 'read', 'a', '--prefix', '--from-key'],
        ['role', 'grant-permission', 'r2', 'read', '', '--prefix', '--from-key'],
        ['role', 'grant-permission', 'nothing', 'read', 'a'],
        ['role', 'revoke-permission', 'r2'],
        ['role', 'revoke-permission', 'r2', 'never-granted'],
        ['role', 'revoke-permission', 'r2', 'a', 'b', '--prefix'],
        ['auth', 'enable', 'x'],
        ['user', 'get', 'u-simple', '--bogus'],
      ]);
      for (const r of runs) expect(r.code).not.toBe(0);
    });
  });

  describe('passwords from stdin', () => {
    it('--interactive=false reads one word as fmt.Scanf("%s") does', async () => {
      await same(['user', 'add', 'sc1', '--interactive=false'], { input: '  first second\n' });
      await same(['user', 'add', 'sc2', '--interactive=false'], { input: '' });
      await same(['user', 'passwd', 'sc1', '--interactive=false'], { input: 'again' });
    });

    it('the interactive prompts read a line each when stdin is not a terminal', async () => {
      const r = await same(['user', 'add', 'pr1'], { input: 'pw1\npw1\n', mask: dropStty });
      expect(r.stdout).toBe('Password of pr1: \nType password of pr1 again for confirmation: \nUser pr1 created\n');
      await sameAll([['user', 'add', 'pr2'], ['user', 'add', 'pr3'], ['user', 'passwd', 'pr1']], { input: 'pw1\npw2\n', mask: dropStty });
      await same(['user', 'add', 'pr4'], { input: '\n', mask: dropStty });
      await same(['user', 'passwd', 'pr1'], { input: 'x\nx\n', mask: dropStty });
    });
  });

  describe('with auth enabled', () => {
    it('auth enable needs the root user, and creates the root role itself', async () => {
      expect((await same(['auth', 'enable'])).stderr).toBe('Error: etcdserver: root user does not exist\n');
      setup(['user', 'add', 'root:rootpw']);
      setup(['user', 'add', 'alice:alicepw']);
      setup(['role', 'add', 'reader']);
      setup(['role', 'grant-permission', 'reader', 'read', 'foo', '--prefix']);
      setup(['user', 'grant-role', 'alice', 'reader']);
      expect((await same(['auth', 'enable'])).stdout).toBe('Authentication Enabled\n');
      await sameAll([['role', 'get', 'root', '--user', 'root:rootpw'], ['user', 'get', 'root', '--user', 'root:rootpw']]);
    });

    it('get, put and user commands as root, as a limited user and with bad credentials', async () => {
      const runs = await sameAll([
        ['get', 'foo'],
        ['user', 'list'],
        ['get', 'foo', '--user', 'root:wrong'],
        ['get', 'foo', '--user', 'alice:'],
        ['get', 'foo', '--user', 'root:rootpw'],
        ['get', 'foo', '--prefix', '--user', 'alice:alicepw', '-w', 'json'],
        ['get', 'bar', '--user', 'alice:alicepw'],
        ['put', 'foo', 'x', '--user', 'alice:alicepw'],
        ['get', 'foo', '--user', 'alice', '--password', 'alicepw'],
        ['get', 'foo', '--user', 'alice:alicepw', '--password', 'other'],
        ['user', 'list', '--user', 'alice:alicepw'],
        ['role', 'add', 'x', '--user', 'alice:alicepw'],
        ['user', 'delete', 'root', '--user', 'root:rootpw'],
        ['user', 'revoke-role', 'root', 'root', '--user', 'root:rootpw'],
        ['user', 'get', 'root', '--detail', '--user', 'root:rootpw', '-w', 'json'],
      ]);
      expect(runs[2]).toEqual({ stdout: '', stderr: 'Error: etcdserver: authentication failed, invalid user ID or password\n', code: 2 });
      expect(runs[7]).toEqual({ stdout: '', stderr: 'Error: etcdserver: permission denied\n', code: 1 });
    });

    it('reads the user and password from ETCDCTL_USER and ETCDCTL_PASSWORD', async () => {
      const r = await same(['get', 'foo', '--print-value-only'], { env: { ETCDCTL_USER: 'alice', ETCDCTL_PASSWORD: 'alicepw' } });
      expect(r.stdout).toBe('bar\n');
      await same(['get', 'foo'], { env: { ETCDCTL_USER: 'alice:alicepw' } });
      await same(['get', 'foo'], { env: { ETCDCTL_USER: 'alice', ETCDCTL_PASSWORD: 'bad' } });
    });

    it('--user without a password prompts "Password: " and reads it from stdin', async () => {
      const r = await same(['get', 'foo', '--print-value-only', '--user', 'alice'], { input: 'alicepw\n', mask: dropStty });
      expect(r.stdout).toBe('Password: \nbar\n');
      await same(['get', 'foo', '--user', 'alice'], { input: 'nope\n', mask: dropStty });
    });

    it('auth disable needs root, then turns auth off', async () => {
      await same(['auth', 'disable', '--user', 'alice:alicepw']);
      expect((await same(['auth', 'disable', '--user', 'root:rootpw'])).stdout).toBe('Authentication Disabled\n');
      await sameAll([['get', 'foo', '--print-value-only'], ['get', 'foo', '--user', 'alice:alicepw']]);
    });
  });

  describe('auth status (etcdctl 3.5; etcd 3.4 lacks the AuthStatus RPC)', () => {
    it('prints etcd 3.4\'s Unimplemented status as clientv3 does and exits 1', () => {
      const r = runCairnCtl(sut.endpoint, ['auth', 'status']);
      expect(r).toEqual({
        stdout: '',
        stderr: 'Error: rpc error: code = Unimplemented desc = unknown method AuthStatus for service etcdserverpb.Auth\n',
        code: 1,
      });
    });

    it('refuses arguments as etcdctl 3.5 does', () => {
      const r = runCairnCtl(sut.endpoint, ['auth', 'status', 'x']);
      expect(r).toEqual({ stdout: '', stderr: 'Error: auth status command does not accept any arguments\n', code: 128 });
    });
  });
});
