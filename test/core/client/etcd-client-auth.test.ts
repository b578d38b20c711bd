// The client's authentication against a real etcd 3.4 (simple tokens, --auth-token-ttl 1): the token goes out
// as `token` metadata, and a call the server refuses with "invalid auth token" (expired or forgotten token) or
// "user name is empty" (auth enabled after the client connected) authenticates again once and succeeds.
import { clientOptions } from '../../../src/core/client/client-options';
import { EtcdClient } from '../../../src/core/client/etcd-client';
import { Rpc } from '../../../src/core/client/rpc-methods';
import { EtcdError } from '../../../src/core/errors';
import { etcdctl, hasEtcd, startServer, type ServerProc } from '../../helpers/procs';

const describeIf = hasEtcd() ? describe : describe.skip;
const soon = () => ({ deadline: Date.now() + 10_000 });

describeIf('EtcdClient authentication against etcd 3.4', () => {
  let etcd: ServerProc;
  const clients: EtcdClient[] = [];
  const as = async (user: string, password: string) => {
    const c = await EtcdClient.connect(clientOptions([etcd.endpoint], { auth: { user, password } }));
    clients.push(c);
    return c;
  };
  const ctl = (args: string[]) => {
    const r = etcdctl(etcd.endpoint, args);
    if (r.code !== 0) throw new Error(`etcdctl ${args.join(' ')}: ${r.stderr}`);
  };

  beforeAll(async () => {
    etcd = await startServer('etcd', { extraArgs: ['--auth-token', 'simple', '--auth-token-ttl', '1'] });
    ctl(['user', 'add', 'root:rootpw']);
    ctl(['user', 'add', 'alice:alicepw']);
    ctl(['role', 'add', 'reader']);
    ctl(['role', 'grant-permission', 'reader', 'read', 'k', '--prefix']);
    ctl(['user', 'grant-role', 'alice', 'reader']);
    ctl(['put', 'k1', 'v1']);
    ctl(['auth', 'enable']);
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await etcd?.destroy();
  });

  it('authenticates at connect and sends the token; a limited user gets permission denied', async () => {
    const alice = await as('alice', 'alicepw');
    expect(alice.authToken).toMatch(/^[A-Za-z]+\.\d+$/);
    const r = await alice.range({ key: Buffer.from('k1') }, soon());
    expect(Buffer.from(r.kvs[0].value ?? []).toString()).toBe('v1');
    await expect(alice.put({ key: Buffer.from('k1'), value: Buffer.from('x') }, soon())).rejects.toThrow(new EtcdError(7, 'etcdserver: permission denied'));
  });

  it('a wrong password fails at connect', async () => {
    await expect(as('alice', 'nope')).rejects.toThrow('etcdserver: authentication failed, invalid user ID or password');
  });

  it('authenticates again when the server forgot the token (auth disabled and enabled)', async () => {
    const alice = await as('alice', 'alicepw');
    const before = alice.authToken;
    const root = await as('root', 'rootpw');
    await root.call(Rpc.authDisable, {}, soon());
    ctl(['auth', 'enable']);
    const r = await alice.range({ key: Buffer.from('k1') }, soon());
    expect(r.kvs.length).toBe(1);
    expect(alice.authToken).toBeDefined();
    expect(alice.authToken).not.toBe(before);
  });

  it('authenticates again when the token outlived --auth-token-ttl', async () => {
    const alice = await as('alice', 'alicepw');
    const before = alice.authToken;
    // the only clock is etcd's: the token must stay unused for longer than its 1 s TTL (checked each second)
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const r = await alice.range({ key: Buffer.from('k1') }, soon());
    expect(r.kvs.length).toBe(1);
    expect(alice.authToken).not.toBe(before);
  });

  it('gets a token when auth was enabled after it connected without one', async () => {
    const root = await as('root', 'rootpw');
    await root.call(Rpc.authDisable, {}, soon());
    const alice = await as('alice', 'alicepw');
    expect(alice.authToken).toBeUndefined();
    ctl(['auth', 'enable']);
    const r = await alice.range({ key: Buffer.from('k1') }, soon());
    expect(r.kvs.length).toBe(1);
    expect(alice.authToken).toBeDefined();
  });
});
