// cairn ctl's auth, user and role commands and its authenticated client against etcdctl 3.4, on twin etcd 3.4
// servers that both get the same setup through etcdctl: the same command line through both tools must give
// the same stdout, stderr and exit code, in every output format.
// Needs a build (`npm run build`): it runs bin/run.js.
import { comparePair, hasEtcdctl, runCairnCtl, runEtcdctl, startTwinEtcd, type EtcdMember, type RunOptions } from './ctl-diff';

const formats = ['simple', 'json', 'fields', 'table', 'protobuf'] as const;
const describeIf = hasEtcdctl() ? describe : describe.skip;

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

  const same = (args: string[], o: RunOptions & { mask?: (s: string) => string } = {}) => {
    const { etcdctl, cairn } = comparePair(ref.endpoint, sut.endpoint, args, o);
    expect({ args, ...cairn }).toEqual({ args, ...etcdctl });
    return etcdctl;
  };

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
    it.each(formats.map((w) => [w]))('user add, role add and grants print as etcdctl does in %s', (w) => {
      expect(same(['user', 'add', `u-${w}:pw`, '-w', w]).code).toBe(w === 'table' ? 4 : 0);
      same(['role', 'add', `r-${w}`, '-w', w]);
      same(['role', 'grant-permission', `r-${w}`, 'readwrite', 'foo/', '--prefix', '-w', w]);
      same(['user', 'grant-role', `u-${w}`, `r-${w}`, '-w', w]);
      same(['user', 'passwd', `u-${w}`, '--interactive=false', '-w', w], { input: 'newpw\n' });
    });

    it('user add and role grant-permission variants', () => {
      same(['user', 'add', 'v1', '--new-user-password', 'x']);
      same(['user', 'add', 'n1', '--no-password']);
      same(['user', 'add', 'c1:with:colons']);
      for (const grant of [
        ['read', 'foo'], ['WRITE', 'a', 'b'], ['write', 'z', '--from-key'], ['read', '', '--from-key'],
        ['read', '', '--prefix'], ['readWrite', '\u00ff\u00ff', '--prefix'], ['write', 'ü', '--prefix'],
      ]) same(['role', 'grant-permission', 'r-simple', ...grant]);
      same(['user', 'grant-role', 'u-json', 'r-simple']);
    });

    it.each(formats.map((w) => [w]))('user and role reads print as etcdctl does in %s', (w) => {
      same(['role', 'get', 'r-simple', '-w', w]);
      same(['role', 'list', '-w', w]);
      same(['user', 'list', '-w', w]);
      same(['user', 'get', 'u-json', '-w', w]);
      same(['user', 'get', 'u-json', '--detail', '-w', w]);
    });

    it.each(formats.map((w) => [w]))('revokes and deletes print as etcdctl does in %s', (w) => {
      same(['role', 'revoke-permission', `r-${w}`, 'foo/', '--prefix', '-w', w]);
      same(['user', 'revoke-role', `u-${w}`, `r-${w}`, '-w', w]);
      same(['role', 'delete', `r-${w}`, '-w', w]);
    });

    it('role revoke-permission variants', () => {
      same(['role', 'add', 'r2']);
      for (const g of [['read', 'a', 'b'], ['read', 'z', '--from-key'], ['write', 'foo'], ['read', '', '--from-key'], ['read', 'p', '--prefix']]) {
        setup(['role', 'grant-permission', 'r2', ...g]);
      }
      for (const k of [['a', 'b'], ['z', '--from-key'], ['foo'], ['', '--from-key'], ['p', '--prefix']]) same(['role', 'revoke-permission', 'r2', ...k]);
      same(['role', 'get', 'r2']);
      same(['user', 'delete', 'v1']);
    });

    it.each([
      [['user', 'add']],
      [['user', 'add', 'a', 'b']],
      [['user', 'add', ':pw']],
      [['user', 'add', 'u-simple:pw']],
      [['role', 'add', 'r2']],
      [['user', 'delete']],
      [['user', 'delete', 'nobody']],
      [['user', 'get', 'nobody', '--detail']],
      [['user', 'list', 'x']],
      [['user', 'passwd']],
      [['user', 'passwd', 'nobody', '--interactive=false']],
      [['user', 'grant-role', 'nobody', 'r2']],
      [['user', 'grant-role', 'u-simple', 'nothing']],
      [['user', 'revoke-role', 'u-simple', 'nothing']],
      [['user', 'revoke-role', 'u-simple']],
      [['role', 'add', '']],
      [['role', 'delete', 'nothing']],
      [['role', 'get', 'nothing']],
      [['role', 'list', 'x']],
      [['role', 'grant-permission', 'r2', 'read']],
      [['role', 'grant-permission', 'r2', 'rw', 'a']],
      [['role', 'grant-permission', 'r2', 'read', 'a', 'b', '--prefix']],
      [['role', 'grant-permission', 'r2', 'read', 'a', '--prefix', '--from-key']],
      [['role', 'grant-permission', 'r2', 'read', '', '--prefix', '--from-key']],
      [['role', 'grant-permission', 'nothing', 'read', 'a']],
      [['role', 'revoke-permission', 'r2']],
      [['role', 'revoke-permission', 'r2', 'never-granted']],
      [['role', 'revoke-permission', 'nothing', 'a']],
      [['role', 'revoke-permission', 'r2', 'a', 'b', '--prefix']],
      [['auth', 'enable', 'x']],
      [['user', 'list', '-w', 'yaml']],
      [['user', 'get', 'u-simple', '--bogus']],
    ])('%j fails as etcdctl does', (args) => {
      const r = same(args);
      expect(r.code).not.toBe(0);
    });
  });

  describe('passwords from stdin', () => {
    it('--interactive=false reads one word as fmt.Scanf("%s") does', () => {
      same(['user', 'add', 'sc1', '--interactive=false'], { input: '  first second\n' });
      same(['user', 'add', 'sc2', '--interactive=false'], { input: '' });
      same(['user', 'passwd', 'sc1', '--interactive=false'], { input: 'again' });
    });

    it('the interactive prompts read a line each when stdin is not a terminal', () => {
      const r = same(['user', 'add', 'pr1'], { input: 'pw1\npw1\n', mask: dropStty });
      expect(r.stdout).toBe('Password of pr1: \nType password of pr1 again for confirmation: \nUser pr1 created\n');
      same(['user', 'add', 'pr2'], { input: 'pw1\npw2\n', mask: dropStty });
      same(['user', 'add', 'pr3'], { input: '\n', mask: dropStty });
      same(['user', 'passwd', 'pr1'], { input: 'x\nx\n', mask: dropStty });
      same(['user', 'passwd', 'pr1'], { input: 'x\ny\n', mask: dropStty });
    });
  });

  describe('with auth enabled', () => {
    it('auth enable needs the root user, and creates the root role itself', () => {
      expect(same(['auth', 'enable']).stderr).toBe('Error: etcdserver: root user does not exist\n');
      setup(['user', 'add', 'root:rootpw']);
      setup(['user', 'add', 'alice:alicepw']);
      setup(['role', 'add', 'reader']);
      setup(['role', 'grant-permission', 'reader', 'read', 'foo', '--prefix']);
      setup(['user', 'grant-role', 'alice', 'reader']);
      expect(same(['auth', 'enable']).stdout).toBe('Authentication Enabled\n');
      same(['role', 'get', 'root', '--user', 'root:rootpw']);
      same(['user', 'get', 'root', '--user', 'root:rootpw']);
    });

    it.each([
      [['get', 'foo']],
      [['user', 'list']],
      [['get', 'foo', '--user', 'root:wrong']],
      [['get', 'foo', '--user', 'alice:']],
      [['get', 'foo', '--user', 'root:rootpw']],
      [['get', 'foo', '--prefix', '--user', 'alice:alicepw', '-w', 'json']],
      [['get', 'bar', '--user', 'alice:alicepw']],
      [['put', 'foo', 'x', '--user', 'alice:alicepw']],
      [['get', 'foo', '--user', 'alice', '--password', 'alicepw']],
      [['get', 'foo', '--user', 'alice:alicepw', '--password', 'other']],
      [['user', 'list', '--user', 'alice:alicepw']],
      [['role', 'add', 'x', '--user', 'alice:alicepw']],
      [['user', 'delete', 'root', '--user', 'root:rootpw']],
      [['user', 'revoke-role', 'root', 'root', '--user', 'root:rootpw']],
      [['user', 'get', 'root', '--detail', '--user', 'root:rootpw', '-w', 'json']],
    ])('%j', (args) => {
      same(args);
    });

    it('reads the user and password from ETCDCTL_USER and ETCDCTL_PASSWORD', () => {
      const r = same(['get', 'foo', '--print-value-only'], { env: { ETCDCTL_USER: 'alice', ETCDCTL_PASSWORD: 'alicepw' } });
      expect(r.stdout).toBe('bar\n');
      same(['get', 'foo'], { env: { ETCDCTL_USER: 'alice:alicepw' } });
      same(['get', 'foo'], { env: { ETCDCTL_USER: 'alice', ETCDCTL_PASSWORD: 'bad' } });
    });

    it('--user without a password prompts "Password: " and reads it from stdin', () => {
      const r = same(['get', 'foo', '--print-value-only', '--user', 'alice'], { input: 'alicepw\n', mask: dropStty });
      expect(r.stdout).toBe('Password: \nbar\n');
      same(['get', 'foo', '--user', 'alice'], { input: 'nope\n', mask: dropStty });
    });

    it('auth disable needs root, then turns auth off', () => {
      same(['auth', 'disable', '--user', 'alice:alicepw']);
      expect(same(['auth', 'disable', '--user', 'root:rootpw']).stdout).toBe('Authentication Disabled\n');
      same(['get', 'foo', '--print-value-only']);
      same(['get', 'foo', '--user', 'alice:alicepw']);
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
