// cairn ctl's membership commands (member add/remove/update/promote, move-leader) against etcdctl 3.4 on one
// real 3-member etcd 3.4 cluster. Both tools run against the same cluster state: a change made by etcdctl is
// undone before cairn makes the same change, and the two outputs are compared with only the random id of the
// new member masked (and, where the member list is printed, members put in one order, as that order follows
// the random id).
// Needs a build (`npm run build`): it runs bin/run.js.
import Long from 'long';
import { etcdserverpb } from '../../../src/core/api/proto';
import { startEtcdCluster, type EtcdCluster } from '../../helpers/etcd-cluster';
import { freePort } from '../../helpers/procs';
import { hasEtcdctl, type CtlRun } from './ctl-diff';
import { cairnAsync, comparePairAsync, etcdctlAsync } from './ctl-maintenance-helpers';

const describeIf = hasEtcdctl() ? describe : describe.skip;

const u64 = (v: unknown): bigint => BigInt(Long.isLong(v) ? Long.fromValue(v).toUnsigned().toString() : String(v ?? 0));

/**
 * etcd 3.4 derives a new member's id from its peer URLs, the cluster name and the time in whole seconds, so an
 * add of the URLs of a member removed in the same second gets the removed id back and is refused ("etcdserver:
 * member not found"). The tests add the same URLs through both tools, so each add starts in a second of its own.
 */
const nextSecond = (): Promise<void> => new Promise((res) => setTimeout(res, 1000 - (Date.now() % 1000) + 5));

describeIf('cairn ctl member / move-leader vs etcdctl 3.4 on a 3-member etcd cluster', () => {
  let cl: EtcdCluster;
  let ep: string;

  const members = async (): Promise<etcdserverpb.Member.$Properties[]> => {
    const r = await etcdctlAsync(ep, ['member', 'list', '-w', 'protobuf']);
    return etcdserverpb.MemberListResponse.decode(Buffer.from(r.stdout, 'latin1')).members;
  };
  const idOf = async (peerUrl: string): Promise<bigint> => {
    const m = (await members()).find((x) => (x.peerURLs ?? []).includes(peerUrl));
    if (m === undefined) throw new Error(`no member with ${peerUrl}`);
    return u64(m.ID);
  };
  const removeByUrl = async (peerUrl: string) => {
    const r = await etcdctlAsync(ep, ['member', 'remove', (await idOf(peerUrl)).toString(16)]);
    if (r.code !== 0) throw new Error(r.stderr);
  };
  const statusOf = async (endpoint: string): Promise<{ id: bigint; leader: bigint }> => {
    const r = await etcdctlAsync(endpoint, ['endpoint', 'status', '-w', 'json']);
    const s = (JSON.parse(r.stdout.replace(/:(\d{16,})/g, ':"$1"')) as Array<{ Status: { header: { member_id: string }; leader: string } }>)[0].Status;
    return { id: BigInt(s.header.member_id), leader: BigInt(s.leader) };
  };

  /** the run with the new member's id (hex and decimal) masked and member lists in one order */
  const maskNew = (r: CtlRun, id: bigint, format: string): CtlRun => {
    const hex = id.toString(16);
    // `Member %16x added`: a random id shorter than 16 hex digits is padded with spaces
    let out = format === 'simple' ? r.stdout.replace(/^Member +/, 'Member ') : r.stdout;
    if (format === 'protobuf' && r.code === 0) {
      const dec = etcdserverpb.MemberAddResponse.decode(Buffer.from(out, 'latin1'));
      const obj = etcdserverpb.MemberAddResponse.toObject(dec, { longs: String });
      out = JSON.stringify(obj);
      // the canonical encoding: what cairn printed is what it decodes to
      expect(Buffer.from(etcdserverpb.MemberAddResponse.encode(dec).finish()).toString('latin1').length).toBe(r.stdout.length);
    }
    out = format === 'json' ? out.split(`:${id.toString()}`).join(':"<NEW>"') : out.split(id.toString()).join('<NEW>');
    out = out.split(hex).join('<NEW>');
    if (format === 'json' || format === 'protobuf') {
      if (r.code === 0) {
        const o = JSON.parse(out.replace(/:(\d{16,})/g, ':"$1"')) as { members?: unknown[] };
        o.members?.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
        out = JSON.stringify(o);
      }
    }
    out = out.replace(/^ETCD_INITIAL_CLUSTER="([^"]*)"$/m, (_, list: string) => `ETCD_INITIAL_CLUSTER="${list.split(',').sort().join(',')}"`);
    return { stdout: out, stderr: r.stderr.split(hex).join('<NEW>'), code: r.code };
  };

  beforeAll(async () => {
    cl = await startEtcdCluster(3);
    ep = cl.members[0].endpoint;
    // etcd refuses reconfiguration ("etcdserver: unhealthy cluster") until its members have been connected for
    // a few seconds: wait until a probe member can be added, then remove it
    const probe = `http://127.0.0.1:${await freePort()}`;
    for (let i = 0; ; i++) {
      const r = await etcdctlAsync(ep, ['member', 'add', 'probe', '--peer-urls', probe]);
      if (r.code === 0) break;
      if (i >= 50 || !r.stderr.includes('unhealthy cluster')) throw new Error(r.stderr);
      await new Promise((res) => setTimeout(res, 200));
    }
    await removeByUrl(probe);
  }, 60_000);

  afterAll(async () => {
    await cl?.stop();
  });

  it('refuses bad arguments and reports server errors as etcdctl does', async () => {
    const m1 = (await idOf(cl.members[1].peerUrl)).toString(16);
    const cases: string[][] = [
      ['member', 'add'],
      ['member', 'add', 'a', 'http://127.0.0.1:1', 'HTTPS://x'],
      ['member', 'add', 'a'],
      ['member', 'add', 'a', '--peer-urls', '127.0.0.1:2380'],
      ['member', 'add', 'a', '--peer-urls', 'foo'],
      ['member', 'add', 'a', '--peer-urls', 'http://127.0.0.1'],
      ['member', 'add', 'a', '--peer-urls', 'http://127.0.0.1:1/p'],
      ['member', 'add', 'a', '--peer-urls', 'http://127.0.0.1:1,ftp://x:1'],
      ['member', 'add', 'a', '--peer-urls', cl.members[1].peerUrl],
      ['member', 'remove'],
      ['member', 'remove', 'zz'],
      ['member', 'remove', '1'],
      ['member', 'remove', '1', '2'],
      ['member', 'update'],
      ['member', 'update', 'zz'],
      ['member', 'update', '1'],
      ['member', 'update', '1', '--peer-urls', 'http://127.0.0.1:9'],
      ['member', 'update', m1, '--peer-urls', 'x'],
      ['member', 'update', m1, '--peer-urls', cl.members[2].peerUrl],
      ['member', 'promote'],
      ['member', 'promote', 'g'],
      ['member', 'promote', '1'],
      ['member', 'promote', m1],
      ['move-leader'],
      ['move-leader', 'zz'],
      ['move-leader', '1', '2'],
    ];
    const runs: Awaited<ReturnType<typeof comparePairAsync>>[] = [];
    for (let i = 0; i < cases.length; i += 3) { // a few pairs at a time: the CPUs are shared
      runs.push(...await Promise.all(cases.slice(i, i + 3).map((args) => comparePairAsync(ep, ep, args))));
    }
    runs.forEach(({ etcdctl, cairn }, i) => {
      expect({ args: cases[i], ...cairn }).toEqual({ args: cases[i], ...etcdctl });
      expect(etcdctl.code).not.toBe(0);
    });
  });

  it.each(['simple', 'json', 'protobuf', 'fields', 'table'])('adds and removes a member as etcdctl does (-w %s)', async (w) => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const runs: CtlRun[] = [];
    for (const tool of [etcdctlAsync, cairnAsync]) {
      await nextSecond();
      const added = await tool(ep, ['member', 'add', 'newbie', '--peer-urls', url, '-w', w]);
      const id = await idOf(url).catch((err: Error) => { throw new Error(`${err.message} after ${tool.name}: ${JSON.stringify(added)}`); });
      const removed = await tool(ep, ['member', 'remove', id.toString(16), '-w', w]);
      expect((await members()).length).toBe(3);
      runs.push(maskNew(added, id, w), { ...removed, stdout: (w === 'simple' ? removed.stdout.replace(/^Member +/, 'Member ') : removed.stdout).split(id.toString(16)).join('<NEW>') });
    }
    const [eAdd, eRemove, cAdd, cRemove] = runs;
    expect(cAdd).toEqual(eAdd);
    if (w === 'simple') {
      expect(cAdd.stdout).toMatch(/^Member +<NEW> added to cluster [ 0-9a-f]{16}\n\nETCD_NAME="newbie"\nETCD_INITIAL_CLUSTER=".*newbie=http.*"\nETCD_INITIAL_ADVERTISE_PEER_URLS="http:\/\/127\.0\.0\.1:\d+"\nETCD_INITIAL_CLUSTER_STATE="existing"\n$/);
      expect(cRemove.stdout).toMatch(/^Member +<NEW> removed from cluster [ 0-9a-f]{16}\n$/);
    }
    if (w === 'json') expect(cRemove.stdout.replace(/"revision":\d+,/, '')).toBe(eRemove.stdout.replace(/"revision":\d+,/, ''));
    else if (w === 'protobuf') expect(cRemove.stdout.length).toBe(eRemove.stdout.length);
    else expect(cRemove).toEqual(eRemove);
  });

  it('adds a learner as etcdctl does', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const runs: CtlRun[] = [];
    for (const tool of [etcdctlAsync, cairnAsync]) {
      await nextSecond();
      const added = await tool(ep, ['member', 'add', 'l', '--learner', '--peer-urls', url, '-w', 'json']);
      runs.push(maskNew(added, await idOf(url), 'json'));
      await removeByUrl(url);
    }
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[1].stdout).toContain('"member":{"ID":"<NEW>","peerURLs":["http://127.0.0.1:');
    expect(runs[1].stdout).toContain('"isLearner":true');
  });

  it.each(['simple', 'json', 'protobuf', 'fields', 'table'])('updates peer URLs as etcdctl does (-w %s)', async (w) => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const next = `http://127.0.0.1:${await freePort()}`;
    const added = await etcdctlAsync(ep, ['member', 'add', 'up', '--peer-urls', url]);
    expect(added.code).toBe(0);
    const id = (await idOf(url)).toString(16);
    // both tools make the same change on the same state (an update to the URLs a member already has is allowed)
    const e = await etcdctlAsync(ep, ['member', 'update', id, '--peer-urls', next, '-w', w]);
    const c = await cairnAsync(ep, ['member', 'update', id, '--peer-urls', next, '-w', w]);
    expect(c).toEqual(e);
    expect(await idOf(next)).toBe(BigInt(`0x${id}`));
    if (w === 'simple') expect(c.stdout).toMatch(/^Member +[0-9a-f]+ updated in cluster [ 0-9a-f]{16}\n$/);
    await removeByUrl(next);
  });

  it('moves the leader as etcdctl does', async () => {
    const all = cl.members.slice(0, 3).map((m) => m.endpoint).join(',');
    const statuses = await Promise.all(cl.members.slice(0, 3).map((m) => statusOf(m.endpoint)));
    const leader = statuses[0].leader;
    const followers = statuses.map((s) => s.id).filter((x) => x !== leader);
    const followerEps = cl.members.slice(0, 3).filter((_, i) => statuses[i].id !== leader).map((m) => m.endpoint).join(',');
    // errors: no leader among the endpoints, an unknown transferee
    for (const args of [['move-leader', followers[0].toString(16)], ['move-leader', '1']]) {
      const endpoints = args[1] === '1' ? all : followerEps;
      const { etcdctl, cairn } = await comparePairAsync(endpoints, endpoints, args);
      expect({ args, ...cairn }).toEqual({ args, ...etcdctl });
      expect(etcdctl.code).not.toBe(0);
    }
    const e = await etcdctlAsync(all, ['move-leader', followers[0].toString(16)]);
    expect(e).toEqual({ stdout: `Leadership transferred from ${leader.toString(16)} to ${followers[0].toString(16)}\n`, stderr: '', code: 0 });
    const c = await cairnAsync(all, ['move-leader', followers[1].toString(16)]);
    expect(c).toEqual({ stdout: `Leadership transferred from ${followers[0].toString(16)} to ${followers[1].toString(16)}\n`, stderr: '', code: 0 });
    // json: the response header of the old leader (term masked: every transfer starts a new one)
    const ej = await etcdctlAsync(all, ['move-leader', followers[0].toString(16), '-w', 'json']);
    const cj = await cairnAsync(all, ['move-leader', followers[1].toString(16), '-w', 'json']);
    const maskJ = (s: string) => s.replace(/"member_id":\d+/, '"member_id":<id>').replace(/"raft_term":\d+/, '"raft_term":<n>').replace(/"revision":\d+/, '"revision":<n>');
    expect({ ...cj, stdout: maskJ(cj.stdout) }).toEqual({ ...ej, stdout: maskJ(ej.stdout) });
    // table: unsupported after the transfer, as etcdctl's printer has no table for it
    const et = await etcdctlAsync(all, ['move-leader', followers[0].toString(16), '-w', 'table']);
    const ct = await cairnAsync(all, ['move-leader', followers[1].toString(16), '-w', 'table']);
    expect(ct).toEqual(et);
    expect(ct.code).toBe(4);
    expect((await statusOf(cl.members[0].endpoint)).leader).toBe(followers[1]);
  });

  it('refuses to promote a learner that is not in sync, and promotes a started one', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    expect((await etcdctlAsync(ep, ['member', 'add', 'l1', '--learner', '--peer-urls', url])).code).toBe(0);
    const id = (await idOf(url)).toString(16);
    const { etcdctl, cairn } = await comparePairAsync(ep, ep, ['member', 'promote', id]);
    expect(cairn).toEqual(etcdctl);
    expect(etcdctl.stderr).toContain('etcdserver: can only promote a learner member which is in sync with leader');
    // started, it catches up; then each tool promotes one learner
    const list = (await members()).flatMap((m) => (m.peerURLs ?? []).map((p) => `${m.name === '' ? 'l1' : m.name}=${p}`)).join(',');
    await cl.join('l1', url, list);
    const promoted = async (tool: typeof etcdctlAsync, learner: string): Promise<CtlRun> => {
      for (let i = 0; ; i++) {
        const r = await tool(ep, ['member', 'promote', learner]);
        if (r.code === 0 || i >= 40 || !r.stderr.includes('in sync')) return r;
        await new Promise((res) => setTimeout(res, 250)); // the learner is still catching up with the leader
      }
    };
    const c = await promoted(cairnAsync, id);
    expect(c).toEqual({ stdout: expect.stringMatching(new RegExp(`^Member +${id} promoted in cluster [ 0-9a-f]{16}\\n$`)), stderr: '', code: 0 });
    expect((await members()).find((m) => u64(m.ID).toString(16) === id)?.isLearner).toBeFalsy();
    const again = await comparePairAsync(ep, ep, ['member', 'promote', id]); // now a voting member
    expect(again.cairn).toEqual(again.etcdctl);
    expect(again.etcdctl.stderr).toBe('Error: etcdserver: can only promote a learner member\n');
  });
});
