// cairn ctl lease / watch / lock / elect against etcdctl 3.4, each on one of two twin etcd 3.4 servers given the
// same writes. Lease ids differ between the twins (etcd derives them from the clock), so each side names its own
// lease on the command line and ids are masked back to `<lease#n>`; remaining TTLs that tick are masked only
// within a few seconds of the granted TTL. Long-running commands (keep-alive, watch, lock, elect) run as child
// processes that are fed writes and stopped with a signal; their output so far is compared.
// Needs a build (`npm run build`): it runs bin/run.js.
import { hasEtcdctl, runEtcdctl, startTwinEtcd, type EtcdMember } from './ctl-diff';
import { compareLeasePairAsync, etcdctlOk, grantOn, inBatches, LeaseNames, LiveCtl, maskRemaining, type TwinLease } from './ctl-lease-helpers';

const formats = ['simple', 'json', 'fields', 'table', 'protobuf'] as const;
const describeIf = hasEtcdctl() ? describe : describe.skip;

// first on two etcd servers (the client alone), then with cairn ctl on `cairn server` (client and server)
describe.each([false, true])('sut is cairn server: %s', (sutIsCairn) => describeIf('cairn ctl lease/watch/lock/elect vs etcdctl 3.4', () => {
  let ref: EtcdMember;
  let sut: EtcdMember;
  const names = new LeaseNames();

  /** the same writes on both servers, through etcdctl */
  const setup = (args: string[]) => {
    for (const m of [ref, sut]) etcdctlOk(m.endpoint, args);
  };
  const grant = (ttl: number): TwinLease => names.add({ ref: grantOn(ref.endpoint, ttl), sut: grantOn(sut.endpoint, ttl) });
  /** args with `{L}` standing for the lease's id on each side */
  const sameAsync = async (lease: TwinLease | undefined, args: string[], mask?: (s: string) => string) => {
    const sub = (id: string) => args.map((a) => (lease === undefined ? a : a.split('{L}').join(id)));
    const { etcdctl, cairn } = await compareLeasePairAsync(ref.endpoint, sut.endpoint, sub(lease?.ref ?? ''), sub(lease?.sut ?? ''), names, { mask });
    expect({ args, ...cairn }).toEqual({ args, ...etcdctl });
    return etcdctl;
  };
  /** revokes, on both servers, every lease the test did not name (leases a compared grant created) */
  const revokeUnnamed = () => {
    for (const [m, side] of [[ref, 'ref'], [sut, 'sut']] as const) {
      const mask = names.mask(side);
      for (const id of etcdctlOk(m.endpoint, ['lease', 'list']).split('\n').slice(1)) {
        if (id !== '' && mask(id) === id) etcdctlOk(m.endpoint, ['lease', 'revoke', id]);
      }
    }
  };

  beforeAll(async () => {
    [ref, sut] = await startTwinEtcd({ sutIsCairn });
    setup(['put', 'seed', 'x']);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([ref?.stop(), sut?.stop()]);
  });

  describe('lease', () => {
    it.each(formats)('grant, timetolive (with and without --keys), keep-alive --once, revoke in -w %s', async (w) => {
      const l = grant(600);
      for (const [m, id] of [[ref, l.ref], [sut, l.sut]] as const) {
        // one key: etcd lists a lease's keys in map order, which differs between two servers
        etcdctlOk(m.endpoint, ['put', `lk"${w}\n`, 'v', '--lease', id]);
      }
      // the machine may be slow: 30 s of slack on a 600 s lease still catches a wrong TTL
      const mask = maskRemaining(600, 30);
      // a grant's own id is new on each side: the printed id becomes <new-lease> (json/fields/simple print it)
      const idOf = (s: string) => /([0-9a-f]{16}) granted|"ID"\s?:\s?(\d+)/.exec(s);
      const maskGrantId = (s: string) => {
        const m = idOf(s);
        return m === null ? s : s.split(m[1] ?? m[2]).join('<new-lease>');
      };
      const granted = await compareLeasePairAsync(ref.endpoint, sut.endpoint, ['lease', 'grant', '300', '-w', w], ['lease', 'grant', '300', '-w', w], names);
      expect({ ...granted.cairn, stdout: maskGrantId(granted.cairn.stdout) }).toEqual({ ...granted.etcdctl, stdout: maskGrantId(granted.etcdctl.stdout) });
      if (w !== 'table' && w !== 'protobuf') expect(idOf(granted.cairn.stdout)).not.toBeNull();
      revokeUnnamed();
      await Promise.all([
        sameAsync(l, ['lease', 'timetolive', '{L}', '-w', w], mask),
        sameAsync(l, ['lease', 'timetolive', '{L}', '--keys', '-w', w], mask),
        sameAsync(l, ['lease', 'keep-alive', '--once', '{L}', '-w', w]),
      ]);
      await sameAsync(l, ['lease', 'revoke', '{L}', '-w', w]);
      // revoked: its keys are gone (same revision on both), the lease reads as expired
      await Promise.all([
        sameAsync(l, ['lease', 'timetolive', '{L}', '--keys', '-w', w]),
        sameAsync(l, ['lease', 'keep-alive', '--once', '{L}', '-w', w]),
        sameAsync(l, ['lease', 'revoke', '{L}', '-w', w]),
      ]);
    });

    it('list names every live lease in expiry order, in every format', async () => {
      const a = grant(900);
      const b = grant(950);
      const outs = await Promise.all(formats.map((w) => sameAsync(undefined, ['lease', 'list', '-w', w])));
      expect(outs[0].stdout.endsWith(`\n${names.mask('ref')(a.ref)}\n${names.mask('ref')(b.ref)}\n`)).toBe(true);
      for (const l of [a, b]) for (const [m, id] of [[ref, l.ref], [sut, l.sut]] as const) etcdctlOk(m.endpoint, ['lease', 'revoke', id]);
      await sameAsync(undefined, ['lease', 'list', '-w', 'json']);
    });

    const badCases: string[][] = [
      ['lease', 'grant'], ['lease', 'grant', '1', '2'], ['lease', 'grant', 'abc'], ['lease', 'grant', '0x10'], ['lease', 'grant', '-5'],
      ['lease', 'grant', '99999999999'], ['lease', 'grant', '99999999999999999999'],
      ['lease', 'revoke'], ['lease', 'revoke', 'zz', '-w', 'json'], ['lease', 'revoke', '1', '2'], ['lease', 'revoke', '8000000000000000'],
      ['lease', 'revoke', '1'],
      ['lease', 'timetolive'], ['lease', 'timetolive', '1', '--keys', '-w', 'json'], ['lease', 'timetolive', 'abc', '--bogus'],
      ['lease', 'keep-alive'], ['lease', 'keep-alive', 'zz'], ['lease', 'keep-alive', '--once', '1', '-w', 'fields'],
      ['lease', 'list', 'extra', '-w', 'yaml'],
    ];
    it('bad arguments and unknown leases: same message and exit code', async () => {
      await inBatches(badCases, 4, async (args) => { await sameAsync(undefined, args); });
    });

    it('keep-alive renews until the lease is revoked, then says it expired or was revoked', async () => {
      const l = grant(15);
      const live = [new LiveCtl('etcdctl', ref.endpoint, ['lease', 'keep-alive', l.ref]), new LiveCtl('cairn', sut.endpoint, ['lease', 'keep-alive', l.sut])];
      // renewals come every TTL/3 = 5 s: each side's revoke lands right after its first renewal, before the second
      await Promise.all([
        live[0].waitFor(/keepalived/).then(() => etcdctlOk(ref.endpoint, ['lease', 'revoke', l.ref])),
        live[1].waitFor(/keepalived/).then(() => etcdctlOk(sut.endpoint, ['lease', 'revoke', l.sut])),
      ]);
      const [e, c] = await Promise.all(live.map((p) => p.done()));
      const m = names.mask('ref');
      const ms = names.mask('sut');
      expect({ ...c, stdout: ms(c.stdout) }).toEqual({ ...e, stdout: m(e.stdout) });
      expect(m(e.stdout)).toMatch(/^lease <lease#\d+> keepalived with TTL\(15\)\nlease <lease#\d+> expired or revoked\.\n$/);
    });

    it.each(['json', 'fields'])('keep-alive -w %s streams every renewal until SIGINT', async (w) => {
      const l = grant(3);
      const live = [new LiveCtl('etcdctl', ref.endpoint, ['lease', 'keep-alive', l.ref, '-w', w]), new LiveCtl('cairn', sut.endpoint, ['lease', 'keep-alive', l.sut, '-w', w])];
      await Promise.all(live.map((p) => p.waitFor(/TTL.*3[\s\S]*TTL.*3/)));
      const [e, c] = await Promise.all(live.map((p) => p.stop('SIGINT')));
      // both printed the same renewals (the count depends on timing: compare the first two)
      const firstTwo = (s: string, mask: (x: string) => string) => mask(s).split(w === 'json' ? /\n/ : /(?="ClusterID")/).slice(0, 2);
      expect(firstTwo(c.stdout, names.mask('sut'))).toEqual(firstTwo(e.stdout, names.mask('ref')));
      expect({ code: c.code, signal: c.signal, stderr: c.stderr }).toEqual({ code: e.code, signal: e.signal, stderr: e.stderr });
      for (const [m, id] of [[ref, l.ref], [sut, l.sut]] as const) runEtcdctl(m.endpoint, ['lease', 'revoke', id]);
    });
  });

  describe('watch', () => {
    /** the twins' current revision (the same on both: they get the same writes) */
    const revision = () => Number(JSON.parse(etcdctlOk(ref.endpoint, ['get', 'seed', '-w', 'json'])).header.revision);
    /** writes on both servers: two puts, a delete, and a final put of END (what the watchers wait for) */
    const writes = async (prefix: string, live: LiveCtl[]) => {
      // a first write both watchers must see: from then on every write is a live event of its own (a watcher
      // still catching up would get several events in one response)
      setup(['put', `${prefix}/0`, 'START']);
      await Promise.all(live.map((p) => p.waitFor(/START|U1RBUlQ=/)));
      setup(['put', `${prefix}/a`, '1']);
      setup(['put', `${prefix}/b`, 'two words']);
      setup(['del', `${prefix}/a`]);
      setup(['put', `${prefix}/end`, 'END']);
    };
    const endSeen: Record<string, RegExp> = { simple: /END\n$/, json: /RU5E/, fields: /"Value" : "END"/, protobuf: /END/ };
    const both = (args: (side: 'ref' | 'sut') => string[], o: { env?: Record<string, string> } = {}) => [
      new LiveCtl('etcdctl', ref.endpoint, args('ref'), o), new LiveCtl('cairn', sut.endpoint, args('sut'), o),
    ];

    it.each(['simple', 'json', 'fields', 'protobuf'])('streams events (--prefix --prev-kv) in -w %s until SIGINT', async (w) => {
      // --rev: the watch replays from the revision after the last write, whenever it is set up
      const rev = revision() + 1;
      const live = both(() => ['watch', `w-${w}`, '--prefix', '--prev-kv', '--rev', String(rev), '-w', w]);
      await writes(`w-${w}`, live);
      await Promise.all(live.map((p) => p.waitFor(endSeen[w])));
      const [e, c] = await Promise.all(live.map((p) => p.stop('SIGINT')));
      expect(c).toEqual(e);
      if (w === 'simple') expect(e.stdout).toContain(`DELETE\nw-${w}/a\n1\nw-${w}/a\n\n`);
    });

    it('a range watch in -w table fails at the first event as etcdctl does (SIGTERM otherwise)', async () => {
      const rev = revision() + 1;
      const live = both(() => ['watch', 'wt/a', 'wt/z', '--rev', String(rev), '-w', 'table']);
      await writes('wt', []);
      const [e, c] = await Promise.all(live.map((p) => p.done()));
      expect(c).toEqual(e);
      expect(e.code).toBe(4);
    });

    it('runs the exec command for every event with ETCD_WATCH_* set', async () => {
      const rev = revision() + 1;
      const script = 'echo "rev=$ETCD_WATCH_REVISION type=$ETCD_WATCH_EVENT_TYPE key=$ETCD_WATCH_KEY value=$ETCD_WATCH_VALUE"';
      const live = both(() => ['watch', '--prefix', 'wx', '--rev', String(rev), '--', 'sh', '-c', script]);
      await writes('wx', live);
      await Promise.all(live.map((p) => p.waitFor(/value="END"\n/)));
      const [e, c] = await Promise.all(live.map((p) => p.stop('SIGTERM')));
      expect(c).toEqual(e);
      expect(e.stdout).toContain(`type="DELETE" key="wx/a" value=""`);
      // a failing command ends the watch: the line etcdctl prints, exit 1
      const failing = both(() => ['watch', 'wx/a', '--rev', String(rev), '--', 'sh', '-c', 'exit 3']);
      const [fe, fc] = await Promise.all(failing.map((p) => p.done()));
      expect(fc).toEqual(fe);
      expect(fe.stderr).toBe('command ["sh" "-c" "exit 3"] error (exit status 3)\n');
    });

    it('a watch from a compacted revision is canceled', async () => {
      const rev = revision();
      setup(['compaction', String(rev)]);
      await inBatches(['simple', 'json', 'fields', 'protobuf'], 4, async (w) => {
        const out = await sameAsync(undefined, ['watch', 'wk', '--rev', '2', '-w', w]);
        expect(out.stderr).toContain('watch was canceled (etcdserver: mvcc: required revision has been compacted)\nError: watch is canceled by the server\n');
        expect(out.code).toBe(5);
      });
    });

    it('-i reads watch lines from stdin; bad lines are reported, EOF ends it', async () => {
      const rev = revision() + 1;
      const live = both(() => ['watch', '-i']);
      for (const p of live) {
        p.write(`watch wi --prefix --rev ${rev}\n`);
        p.write('\n');
        p.write('get wi\n');
        p.write('watch\n');
        p.write(`watch wi/a wi/c --prefix --rev ${rev}\n`);
        p.write(`watch wi/b --rev ${rev} -- sh -c "echo exec $ETCD_WATCH_KEY"\n`);
      }
      await writes('wi', live);
      await Promise.all(live.map((p) => p.waitFor(/wi\/end\nEND\n/)));
      await Promise.all(live.map((p) => p.waitFor(/exec "wi\/b"\n/)));
      for (const p of live) p.endInput();
      const [e, c] = await Promise.all(live.map((p) => p.done()));
      // each -i watch prints from its own goroutine in etcdctl: lines of different watches interleave as they
      // are scheduled, so the stdout lines are compared as a sorted list (stderr and exit code exactly)
      const sorted = (r: { stdout: string }) => ({ ...r, stdout: r.stdout.split('\n').sort() });
      expect(sorted(c)).toEqual(sorted(e));
      expect(e.code).toBe(3);
      const fatal = both(() => ['watch', '-i'], {});
      for (const p of fatal) p.write('watch a --bogus\n');
      const [fe, fc] = await Promise.all(fatal.map((p) => p.done()));
      expect(fc).toEqual(fe);
      expect(fe.code).toBe(128);
    });

    it('-i answers a progress request on its watches', async () => {
      const live = both(() => ['watch', '-i', '-w', 'json']);
      for (const p of live) p.write('watch nothing-here\nprogress\n');
      await Promise.all(live.map((p) => p.waitFor(/"Events":\[\]/)));
      const [e, c] = await Promise.all(live.map((p) => p.stop('SIGINT')));
      expect(c).toEqual(e);
      expect(e.stdout).toMatch(/^progress notify: \d+\n\{"Header"/);
    });

    const badWatch: [string[], Record<string, string>][] = [
      [['watch'], {}],
      [['watch', 'a', 'b', '--prefix'], {}],
      [['watch', 'a'], { ETCDCTL_WATCH_KEY: 'k' }],
      [['watch', 'a', '--', 'echo'], { ETCDCTL_WATCH_KEY: 'k' }],
      [['watch'], { ETCDCTL_WATCH_RANGE_END: 'z' }],
    ];
    it('bad arguments: same message and exit code', async () => {
      await inBatches(badWatch, 3, async ([args, env]) => {
        const { etcdctl, cairn } = await compareLeasePairAsync(ref.endpoint, sut.endpoint, args, args, names, { env });
        expect({ args, env, ...cairn }).toEqual({ args, env, ...etcdctl });
      });
    });
  });

  describe('lock', () => {
    /** the lock key names the session lease (%x), which differs between servers and runs */
    const maskKey = (s: string) => s.replace(/\/[0-9a-f]{1,16}\n/g, '/<lease>\n');
    /** no output for a while: the process is still waiting for the lock */
    const stillWaiting = async (p: LiveCtl) => {
      await new Promise((r) => setTimeout(r, 1500));
      expect(p.stdout).toBe('');
      expect(p.proc.exitCode).toBeNull();
    };

    it('prints the lock key like etcdctl, holds it until SIGINT, and two cairn locks exclude each other', async () => {
      const first = [new LiveCtl('etcdctl', ref.endpoint, ['lock', 'lk1']), new LiveCtl('cairn', sut.endpoint, ['lock', 'lk1'])];
      await Promise.all(first.map((p) => p.waitFor(/\n\n$/)));
      expect(maskKey(first[1].stdout)).toBe(maskKey(first[0].stdout));
      expect(maskKey(first[1].stdout)).toBe('lk1/<lease>\n\n');
      // a second cairn lock on the cairn side waits for the first
      const second = new LiveCtl('cairn', sut.endpoint, ['lock', 'lk1', '-w', 'json']);
      await stillWaiting(second);
      const [e, c] = await Promise.all(first.map((p) => p.stop('SIGINT')));
      expect({ ...c, stdout: maskKey(c.stdout) }).toEqual({ ...e, stdout: maskKey(e.stdout) });
      expect(c.code).toBe(0);
      await second.waitFor(/"kvs":\[\{"key":"/);
      const s2 = await second.stop('SIGTERM');
      expect(s2.code).toBe(0);
      // released: nothing left under the lock's prefix
      expect(etcdctlOk(sut.endpoint, ['get', 'lk1/', '--prefix', '--keys-only'])).toBe('');
    });

    it('etcdctl lock and cairn ctl lock on one server exclude each other', async () => {
      const e1 = new LiveCtl('etcdctl', sut.endpoint, ['lock', 'lk2']);
      await e1.waitFor(/\n\n$/);
      const c1 = new LiveCtl('cairn', sut.endpoint, ['lock', 'lk2']);
      await stillWaiting(c1);
      await e1.stop('SIGINT');
      await c1.waitFor(/^lk2\/[0-9a-f]+\n\n$/);
      const e2 = new LiveCtl('etcdctl', sut.endpoint, ['lock', 'lk2']);
      await stillWaiting(e2);
      expect((await c1.stop('SIGINT')).code).toBe(0);
      await e2.waitFor(/^lk2\/[0-9a-f]+\n\n$/);
      expect((await e2.stop('SIGINT')).code).toBe(0);
    });

    it('runs a command holding the lock with ETCD_LOCK_KEY/ETCD_LOCK_REV, then exits with its code (etcdctl 3.5)', async () => {
      const script = 'echo "$ETCD_LOCK_KEY $ETCD_LOCK_REV"; exit 3';
      const rev = Number(JSON.parse(etcdctlOk(sut.endpoint, ['get', 'seed', '-w', 'json'])).header.revision);
      const c = await new LiveCtl('cairn', sut.endpoint, ['lock', 'lk3', '--', 'sh', '-c', script]).done();
      expect({ ...c, stdout: maskKey(c.stdout.replace(/ \d+\n$/, '\n')) }).toEqual({ stdout: 'lk3/<lease>\n', stderr: '', code: 3, signal: null });
      // the key was created by the lock's txn at the next revision after the session's grant
      expect(Number(/ (\d+)\n$/.exec(c.stdout)?.[1])).toBe(rev + 1);
      // etcdctl 3.4 instead says "Error: exit status 3" and exits 1
      const e = await new LiveCtl('etcdctl', ref.endpoint, ['lock', 'lk3', '--', 'sh', '-c', script]).done();
      expect({ stderr: e.stderr, code: e.code }).toEqual({ stderr: 'Error: exit status 3\n', code: 1 });
      expect(etcdctlOk(sut.endpoint, ['get', 'lk3/', '--prefix', '--keys-only'])).toBe('');
    });

    it('bad arguments: same message and exit code', async () => {
      await sameAsync(undefined, ['lock']);
      await sameAsync(undefined, ['lock', 'lk4', '--ttl', 'x']);
    });
  });

  describe('elect', () => {
    const maskKey = (s: string) => s.replace(/\/[0-9a-f]{1,16}\n/g, '/<lease>\n');

    it('campaigns, waits for the leader to resign, and -l observers print every leader, as etcdctl does', async () => {
      const observers = [new LiveCtl('etcdctl', ref.endpoint, ['elect', 'el1', '-l']), new LiveCtl('cairn', sut.endpoint, ['elect', 'el1', '-l'])];
      const first = [new LiveCtl('etcdctl', ref.endpoint, ['elect', 'el1', 'p1']), new LiveCtl('cairn', sut.endpoint, ['elect', 'el1', 'p1'])];
      await Promise.all(first.map((p) => p.waitFor(/\np1\n$/)));
      const second = [new LiveCtl('etcdctl', ref.endpoint, ['elect', 'el1', 'p2']), new LiveCtl('cairn', sut.endpoint, ['elect', 'el1', 'p2'])];
      await Promise.all(observers.map((p) => p.waitFor(/\np1\n$/)));
      await new Promise((r) => setTimeout(r, 1000));
      expect(second.map((p) => p.stdout)).toEqual(['', '']);
      const [e1, c1] = await Promise.all(first.map((p) => p.stop('SIGINT')));
      expect({ ...c1, stdout: maskKey(c1.stdout) }).toEqual({ ...e1, stdout: maskKey(e1.stdout) });
      expect(maskKey(c1.stdout)).toBe('el1/<lease>\np1\n');
      await Promise.all([...second, ...observers].map((p) => p.waitFor(/\np2\n$/)));
      const [e2, c2] = await Promise.all(second.map((p) => p.stop('SIGTERM')));
      expect({ ...c2, stdout: maskKey(c2.stdout) }).toEqual({ ...e2, stdout: maskKey(e2.stdout) });
      const [eo, co] = await Promise.all(observers.map((p) => p.stop('SIGINT')));
      expect({ ...co, stdout: maskKey(co.stdout) }).toEqual({ ...eo, stdout: maskKey(eo.stdout) });
      expect(maskKey(co.stdout)).toBe('el1/<lease>\np1\nel1/<lease>\np2\n');
    });

    it('bad arguments: same message and exit code', async () => {
      await inBatches([['elect'], ['elect', 'a'], ['elect', 'a', 'b', '-l'], ['elect', 'a', 'b', 'c']], 2, async (args) => { await sameAsync(undefined, args); });
    });
  });
}));
