// The Lock and Election services against etcd 3.4: twins (same identity, so headers compare byte for byte) get
// the same calls through raw gRPC, with lease ids chosen by the test so lock and leader keys are the same on both.
// Answers, errors and the order in which waiting calls return must match; a waiting call whose client goes
// away gives up its place, as etcd's does.
import * as grpc from '@grpc/grpc-js';
import { etcdserverpb, v3electionpb, v3lockpb } from '../../src/core/api/proto';
import { startTwinEtcd, type EtcdMember } from '../commands/ctl/ctl-diff';
import { outcome, plainOf, RawClient, type Outcome, type Plain } from '../helpers/grpc';
import { hasEtcd } from '../helpers/procs';

const LK = '/v3lockpb.Lock/';
const EL = '/v3electionpb.Election/';
const b = (s: string) => Buffer.from(s);

interface Codec<T> { encode(m: T): { finish(): Uint8Array }; decode(b: Uint8Array): T; toObject(m: T, o: object): object }

const describeIf = hasEtcd() ? describe : describe.skip;

describeIf('Lock and Election against etcd 3.4', () => {
  let etcd: EtcdMember;
  let cairn: EtcdMember;
  let clients: RawClient[];

  beforeAll(async () => {
    [etcd, cairn] = await startTwinEtcd({ sutIsCairn: true });
    clients = [new RawClient(etcd.endpoint), new RawClient(cairn.endpoint)];
    for (const id of [0x1a, 0x2b, 0x3c]) {
      for (const c of clients) await c.call('/etcdserverpb.Lease/LeaseGrant', etcdserverpb.LeaseGrantRequest, etcdserverpb.LeaseGrantResponse, { ID: id, TTL: 600 });
    }
  }, 60_000);

  afterAll(async () => {
    for (const c of clients ?? []) c.close();
    await Promise.all([etcd?.stop(), cairn?.stop()]);
  });

  /** starts the same call on both members; `settled()` tells whether each has answered yet */
  const start = <Req, Res>(method: string, req: Req, reqType: Codec<Req>, resType: Codec<Res>, deadlineMs = 20_000) => {
    const results: Array<Outcome | undefined> = [undefined, undefined];
    const done = clients.map((c, i) => outcome(c.call(method, reqType, resType, req, deadlineMs), plainOf(resType)).then((o) => { results[i] = o; return o; }));
    return { results, done: Promise.all(done) };
  };
  const same = async <Req, Res>(method: string, req: Req, reqType: Codec<Req>, resType: Codec<Res>) => {
    const [e, c] = await start(method, req, reqType, resType).done;
    expect({ method, req, got: c }).toEqual({ method, req, got: e });
    return e;
  };
  const put = (key: string, value: string) => same('/etcdserverpb.KV/Put', { key: b(key), value: b(value) }, etcdserverpb.PutRequest, etcdserverpb.PutResponse);
  /** waits until etcd's side has settled, then gives cairn's the same chance, and requires both to agree */
  const settledAlike = async (results: Array<Outcome | undefined>, settled: boolean) => {
    const deadline = Date.now() + 5000;
    while ((results[0] !== undefined) !== settled && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    while ((results[1] !== undefined) !== settled && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    // a call that should still wait gets a moment to show it does not
    if (!settled) await new Promise((r) => setTimeout(r, 300));
    expect([results[0] !== undefined, results[1] !== undefined]).toEqual([settled, settled]);
  };

  it('Lock: the first caller holds it, the second waits until Unlock, and answers match', async () => {
    const first = await same(LK + 'Lock', { name: b('lk'), lease: 0x1a }, v3lockpb.LockRequest, v3lockpb.LockResponse);
    expect(first).toEqual({ ok: expect.objectContaining({ key: b('lk/1a').toString('base64') }) });
    // the same lease again: it already holds the lock (its key is reused)
    await same(LK + 'Lock', { name: b('lk'), lease: 0x1a }, v3lockpb.LockRequest, v3lockpb.LockResponse);
    const second = start(LK + 'Lock', { name: b('lk'), lease: 0x2b }, v3lockpb.LockRequest, v3lockpb.LockResponse);
    await settledAlike(second.results, false);
    await put('unrelated', 'x');
    await same(LK + 'Unlock', { key: b('lk/1a') }, v3lockpb.UnlockRequest, v3lockpb.UnlockResponse);
    const [e, c] = await second.done;
    expect(c).toEqual(e);
    expect(e).toEqual({ ok: expect.objectContaining({ key: b('lk/2b').toString('base64') }) });
    await same(LK + 'Unlock', { key: b('lk/2b') }, v3lockpb.UnlockRequest, v3lockpb.UnlockResponse);
    await same(LK + 'Lock', { name: b('lk'), lease: 0x999 }, v3lockpb.LockRequest, v3lockpb.LockResponse); // no such lease
    await same(LK + 'Unlock', { key: b('never/locked') }, v3lockpb.UnlockRequest, v3lockpb.UnlockResponse);
  });

  it('Lock: a waiter whose client goes away leaves the line; the key is gone', async () => {
    await same(LK + 'Lock', { name: b('gone'), lease: 0x1a }, v3lockpb.LockRequest, v3lockpb.LockResponse);
    const waiting = start(LK + 'Lock', { name: b('gone'), lease: 0x2b }, v3lockpb.LockRequest, v3lockpb.LockResponse, 800);
    // the deadline ends both calls: the client's own timer (DEADLINE_EXCEEDED) or, when the server's answer
    // wins the race, etcd's inner client error (Unknown "context deadline exceeded"): either is the same outcome
    const outcomes = (await waiting.done).map((o) => ('err' in o ? o.err.code : 'answered'));
    for (const code of outcomes) expect([grpc.status.DEADLINE_EXCEEDED, grpc.status.UNKNOWN]).toContain(code);
    // both servers removed the waiter's key once the call ended
    const deadline = Date.now() + 5000;
    let counts: number[] = [];
    do {
      counts = await Promise.all(clients.map(async (cl) => Number((await cl.call('/etcdserverpb.KV/Range', etcdserverpb.RangeRequest, etcdserverpb.RangeResponse,
        { key: b('gone/'), rangeEnd: b('gone0'), countOnly: true })).count)));
    } while (counts.some((n) => n !== 1) && Date.now() < deadline && await new Promise((r) => setTimeout(r, 50)) === undefined);
    expect(counts).toEqual([1, 1]);
    await same(LK + 'Unlock', { key: b('gone/1a') }, v3lockpb.UnlockRequest, v3lockpb.UnlockResponse);
  });

  it('Election: campaign, leader, proclaim, observe, resign and the errors match', async () => {
    await same(EL + 'Leader', { name: b('el') }, v3electionpb.LeaderRequest, v3electionpb.LeaderResponse); // no leader
    await same(EL + 'Proclaim', { value: b('x') }, v3electionpb.ProclaimRequest, v3electionpb.ProclaimResponse); // no leader key
    await same(EL + 'Resign', {}, v3electionpb.ResignRequest, v3electionpb.ResignResponse);
    // an observer from before there is a leader
    const observed: Plain[][] = [[], []];
    const observers = clients.map((c, i) => {
      const call = c.client.makeServerStreamRequest(EL + 'Observe', (x: Buffer) => x, (x: Buffer) => x,
        Buffer.from(v3electionpb.LeaderRequest.encode({ name: b('el') }).finish()), new grpc.Metadata(), {});
      call.on('data', (m: Buffer) => observed[i].push(plainOf(v3electionpb.LeaderResponse)(v3electionpb.LeaderResponse.decode(m))));
      call.on('error', () => { /* canceled at the end */ });
      return call;
    });
    const won = await same(EL + 'Campaign', { name: b('el'), lease: 0x1a, value: b('one') }, v3electionpb.CampaignRequest, v3electionpb.CampaignResponse);
    const leader = (won as { ok: { leader: { name: string; key: string; rev: string; lease: string } } }).ok.leader;
    const leaderKey = { name: Buffer.from(leader.name, 'base64'), key: Buffer.from(leader.key, 'base64'), rev: Number(leader.rev), lease: Number(leader.lease) };
    await same(EL + 'Leader', { name: b('el') }, v3electionpb.LeaderRequest, v3electionpb.LeaderResponse);
    const challenger = start(EL + 'Campaign', { name: b('el'), lease: 0x2b, value: b('two') }, v3electionpb.CampaignRequest, v3electionpb.CampaignResponse);
    await settledAlike(challenger.results, false);
    await same(EL + 'Proclaim', { leader: leaderKey, value: b('one again') }, v3electionpb.ProclaimRequest, v3electionpb.ProclaimResponse);
    await same(EL + 'Proclaim', { leader: { ...leaderKey, rev: leaderKey.rev + 1000 }, value: b('not me') }, v3electionpb.ProclaimRequest, v3electionpb.ProclaimResponse);
    await same(EL + 'Leader', { name: b('el') }, v3electionpb.LeaderRequest, v3electionpb.LeaderResponse);
    await same(EL + 'Resign', { leader: leaderKey }, v3electionpb.ResignRequest, v3electionpb.ResignResponse);
    const [e, c] = await challenger.done;
    expect(c).toEqual(e);
    await same(EL + 'Leader', { name: b('el') }, v3electionpb.LeaderRequest, v3electionpb.LeaderResponse);
    // the observers saw: the first leader, its proclaim, then the second leader
    const deadline = Date.now() + 5000;
    while (observed.some((o) => o.length < 3) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const o of observers) o.cancel();
    expect(observed[1]).toEqual(observed[0]);
    expect(observed[0].map((o) => Buffer.from((o.kv as { value: string }).value, 'base64').toString())).toEqual(['one', 'one again', 'two']);
  });
});
