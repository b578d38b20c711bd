import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Wal } from '../../../src/core/wal';
import { SingleNodeConsensus, SINGLE_NODE_DEFAULTS } from '../../../src/core/server/single-node';
import type { CommittedEntry } from '../../../src/core/server/consensus';
import { EtcdError } from '../../../src/core/errors';

const MEMBER = 0x8e9e05c52164694dn;

describe('single-node consensus', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-sn-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function start(opts: Partial<typeof SINGLE_NODE_DEFAULTS> = {}) {
    const wal = await Wal.create(dir, { memberId: MEMBER, clusterId: 1n });
    const committed: CommittedEntry[] = [];
    const fatal: Error[] = [];
    const c = new SingleNodeConsensus(wal, MEMBER, { term: 0, vote: 0n, commit: 0 }, 0, 0, {
      ...SINGLE_NODE_DEFAULTS, ...opts, onFatal: (e) => fatal.push(e),
    });
    c.onCommitted((es) => committed.push(...es));
    return { wal, c, committed, fatal };
  }

  it('commits proposals in order only after they are durable in the WAL', async () => {
    const { wal, c, committed } = await start();
    for (let i = 0; i < 200; i++) c.propose(Buffer.from(`p${i}`));
    expect(committed).toHaveLength(0); // nothing is committed before the WAL's fsync
    await c.stop();
    expect(committed.map((e) => e.index)).toEqual(Array.from({ length: 201 }, (_, i) => i + 1));
    expect(committed[0].data.length).toBe(0); // the leader's empty entry of its new term
    expect(Buffer.from(committed[200].data).toString()).toBe('p199');
    expect(committed.every((e) => e.term === 2)).toBe(true);
    expect(wal.stats().fsyncs).toBeLessThan(50); // proposals shared fsyncs
    await wal.close();
    const reopened = await Wal.open(dir);
    expect(reopened.entries).toHaveLength(201);
    expect(reopened.hardState).toEqual({ term: 2, vote: MEMBER, commit: 201 });
    await reopened.wal.close();
  });

  it('starts a new term after a restart and continues the log', async () => {
    const first = await start();
    first.c.propose(Buffer.from('x'));
    await first.c.stop();
    await first.wal.close();
    const reopened = await Wal.open(dir);
    const c = new SingleNodeConsensus(reopened.wal, MEMBER, reopened.hardState, reopened.wal.lastIndex, 2, {
      ...SINGLE_NODE_DEFAULTS, onFatal: () => undefined,
    });
    const got: CommittedEntry[] = [];
    c.onCommitted((es) => got.push(...es));
    c.propose(Buffer.from('y'));
    await c.stop();
    expect(got.map((e) => [e.index, e.term])).toEqual([[3, 3], [4, 3]]);
    expect(c.status().term).toBe(3);
    await reopened.wal.close();
  });

  it('sheds proposals beyond its bound with etcd\'s "too many requests"', async () => {
    const { wal, c } = await start({ maxPendingProposals: 10 });
    let shed: unknown = null;
    try {
      for (let i = 0; i < 100; i++) c.propose(Buffer.from('z'));
    } catch (err) {
      shed = err;
    }
    expect(shed).toBeInstanceOf(EtcdError);
    expect((shed as EtcdError).message).toBe('etcdserver: too many requests');
    await c.stop();
    await wal.close();
  });

  it('refuses proposals once stopped', async () => {
    const { wal, c } = await start();
    await c.stop();
    expect(() => c.propose(Buffer.from('late'))).toThrow('etcdserver: server stopped');
    await wal.close();
  });
});
