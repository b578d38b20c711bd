// The `etcd3` npm client (the client a TypeScript shop already uses against etcd) against cairn, and the same
// script against etcd 3.4 so the expectations are etcd's own: KV, transactions, watch (live and from a
// revision), leases with automatic keepalive and revoke, locks and elections (the client's recipes).
import { Etcd3, type Watcher } from 'etcd3';
import { hasEtcd, startServer, type ServerProc } from '../helpers/procs';

const describeIf = hasEtcd() ? describe : describe.skip;

/** resolves once `cond` holds (checked on every event-loop turn), or fails after `ms` */
async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`waited in vain for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describeIf.each(['etcd', 'cairn'] as const)('the etcd3 npm client against %s', (kind) => {
  let server: ServerProc;
  let client: Etcd3;

  beforeAll(async () => {
    server = await startServer(kind);
    client = new Etcd3({ hosts: `http://${server.endpoint}` });
  }, 60_000);

  afterAll(async () => {
    client?.close();
    await server?.destroy();
  });

  it('puts, gets, lists, counts and deletes', async () => {
    await client.put('app/a').value('1');
    await client.put('app/b').value('2');
    await client.put('other').value('x');
    expect(await client.get('app/a').string()).toBe('1');
    expect(await client.getAll().prefix('app/').strings()).toEqual({ 'app/a': '1', 'app/b': '2' });
    expect(await client.getAll().prefix('app/').count()).toBe(2);
    expect(await client.get('missing').string()).toBeNull();
    const del = await client.delete().prefix('app/').exec();
    expect(del.deleted).toBe('2');
    expect(await client.getAll().prefix('app/').keys()).toEqual([]);
  });

  it('commits a compare-and-swap transaction only when the compare holds', async () => {
    await client.put('cas').value('old');
    const lost = await client.if('cas', 'Value', '==', 'other').then(client.put('cas').value('new')).commit();
    expect(lost.succeeded).toBe(false);
    const won = await client.if('cas', 'Value', '==', 'old').then(client.put('cas').value('new')).else(client.get('cas')).commit();
    expect(won.succeeded).toBe(true);
    expect(await client.get('cas').string()).toBe('new');
  });

  it('watches a prefix live and from a past revision', async () => {
    const first = await client.put('w/1').value('a').exec();
    const from = Number(first.header.revision);
    await client.put('w/2').value('b');
    const replayed: string[] = [];
    const history: Watcher = await client.watch().prefix('w/').startRevision(String(from)).create();
    history.on('put', (kv) => replayed.push(`put ${kv.key.toString()}=${kv.value.toString()}`));
    history.on('delete', (kv) => replayed.push(`delete ${kv.key.toString()}`));
    const live: string[] = [];
    const watcher = await client.watch().prefix('w/').create();
    watcher.on('put', (kv, prev) => live.push(`put ${kv.key.toString()}=${kv.value.toString()} prev=${prev?.value.toString() ?? '-'}`));
    watcher.on('delete', (kv) => live.push(`delete ${kv.key.toString()}`));
    await client.put('w/1').value('c');
    await client.delete().key('w/2');
    await until(() => live.length >= 2 && replayed.length >= 4, 'watch events');
    expect(replayed).toEqual(['put w/1=a', 'put w/2=b', 'put w/1=c', 'delete w/2']);
    expect(live).toEqual(['put w/1=c prev=-', 'delete w/2']);
    await watcher.cancel();
    await history.cancel();
  });

  it('grants a lease, keeps it alive, attaches keys, and revoking it deletes them', async () => {
    const lease = client.lease(2);
    const id = await lease.grant();
    expect(id).toMatch(/^\d+$/);
    await lease.put('leased/a').value('1');
    await lease.put('leased/b').value('2');
    const ka = await lease.keepaliveOnce();
    expect(ka.TTL).toBe('2');
    // the client renews on its own (every TTL/3): well past the TTL the keys are still there
    await new Promise((r) => setTimeout(r, 4500));
    expect(await client.getAll().prefix('leased/').keys()).toEqual(['leased/a', 'leased/b']);
    await lease.revoke();
    expect(await client.getAll().prefix('leased/').keys()).toEqual([]);
    expect(lease.revoked()).toBe(true);
  }, 30_000);

  it('a lease left to expire takes its keys with it, and a keepalive then reports it lost', async () => {
    const lease = client.lease(2, { autoKeepAlive: false });
    await lease.put('short').value('v');
    let lost: Error | undefined;
    lease.on('lost', (err: Error) => { lost = err; });
    const deadline = Date.now() + 10_000;
    while ((await client.get('short').string()) !== null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await client.get('short').string()).toBeNull();
    // the server answers TTL 0 for a lease it no longer has; the client turns that into EtcdLeaseInvalidError
    await expect(lease.keepaliveOnce()).rejects.toThrow(/lease/i);
    expect(lost?.constructor.name).toBe('EtcdLeaseInvalidError');
  }, 30_000);

  it('a lock held by one client cannot be taken by another until released (etcd3 locks do not wait)', async () => {
    const first = await client.lock('res').ttl(5).acquire();
    await expect(client.lock('res').ttl(5).acquire()).rejects.toThrow('Failed to acquire a lock on res');
    await first.release();
    const second = await client.lock('res').ttl(5).acquire();
    await second.release();
    expect(await client.getAll().prefix('res').keys()).toEqual([]);
  }, 30_000);

  it('elects a leader, reports it to observers, proclaims, and hands over on resign', async () => {
    const election = client.election('leader-of', 5);
    const one = election.campaign('one');
    await one.wait();
    expect(await election.leader()).toBe('one');
    const observer = await election.observe();
    const seen: Array<string | undefined> = [];
    observer.on('change', (v) => seen.push(v));
    await one.proclaim('one, again');
    const two = election.campaign('two');
    let twoElected = false;
    two.on('elected', () => { twoElected = true; });
    await until(() => seen.includes('one, again'), 'the observer to see the proclaim');
    expect(twoElected).toBe(false);
    await one.resign();
    await two.wait();
    await until(() => seen.includes('two'), 'the observer to see the new leader');
    expect(await election.leader()).toBe('two');
    await observer.cancel();
    await two.resign();
    expect(await election.leader()).toBeUndefined();
  }, 30_000);
});
