// cairn ctl against etcdctl 3.4, both against etcd 3.4: every case runs the same command line through both
// tools (etcdctl on one twin server, cairn ctl on the other, so writes keep both in the same state) and expects
// the same stdout, stderr and exit code in every output format.
// Needs a build (`npm run build`): it runs bin/run.js.
import { etcdserverpb } from '../../../src/core/api/proto';
import { comparePair, hasEtcdctl, maskDbSize, maskDurations, normalize, runCairnCtl, runEtcdctl, startTwinEtcd, type EtcdMember, type RunOptions } from './ctl-diff';

const formats = ['simple', 'json', 'fields', 'table', 'protobuf'] as const;
const describeIf = hasEtcdctl() ? describe : describe.skip;

describeIf('cairn ctl vs etcdctl 3.4', () => {
  let ref: EtcdMember;
  let sut: EtcdMember;

  /** both servers get the same setup writes, through etcdctl */
  const setup = (args: string[], input?: string) => {
    for (const m of [ref, sut]) {
      const r = runEtcdctl(m.endpoint, args, { input });
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
    setup(['put', 'foo/2', 'two']);
    setup(['put', 'a', '1']);
    setup(['put', 'b', '22']);
    setup(['put', 'quote"s', 'line\nbreak\ttab']);
    setup(['put', 'ünïcödé', 'ß\u0001\u007f']);
    setup(['put', 'foo', 'bar2']);
    setup(['put', 'empty', '']);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([ref?.stop(), sut?.stop()]);
  });

  describe('get', () => {
    const reads: string[][] = [
      ['get', 'foo'],
      ['get', 'foo', '--prefix'],
      ['get', 'foo', 'foo/3'],
      ['get', '', '--prefix', '--keys-only'],
      ['get', '', '--from-key'],
      ['get', 'a', '--from-key', '--limit', '2'],
      ['get', 'foo', '--prefix', '--limit=1'],
      ['get', 'foo', '--prefix', '--sort-by', 'modify', '--order', 'DESCEND'],
      ['get', '', '--prefix', '--sort-by=VALUE'],
      ['get', '', '--prefix', '--order=descend'],
      ['get', 'foo', '--rev', '2'],
      ['get', 'foo', '--consistency', 's'],
      ['get', 'nothing'],
      ['get', 'quote"s'],
      ['get', 'ünïcödé'],
      ['get', '', '--prefix', '--hex'],
      ['get', 'foo', '--print-value-only'],
      ['get', 'foo', '--prefix', '--keys-only', '--print-value-only'],
    ];
    it.each(reads.flatMap((a) => formats.map((w) => [[...a, '-w', w]])))('prints %j as etcdctl does', (args) => {
      same(args);
    });

    it.each([
      [['get']],
      [['get', 'a', '--prefix', '--from-key']],
      [['get', 'a', 'b', '--prefix']],
      [['get', 'a', '--consistency', 'x']],
      [['get', 'a', '--order', 'sideways']],
      [['get', 'a', '--sort-by', 'size']],
      [['get', 'foo', '--print-value-only', '-w', 'json']],
      [['get', 'foo', '-w', 'yaml']],
      [['get', 'foo', '--rev', '1000']],
      [['get', 'foo', '--limit', 'abc']],
      [['get', 'foo', '--prefix=maybe']],
      [['get', 'foo', '-z']],
      [['get', 'foo', '--limit']],
    ])('fails on %j as etcdctl does', (args) => {
      // flag errors print etcdctl's usage on stdout; cairn's get lists the later flags (--count-only, revisions)
      const usageDiffers = args.some((a) => a === '--limit' || a.startsWith('-z') || a.startsWith('--limit') || a.startsWith('--prefix='));
      same(args, { mask: usageDiffers ? (s) => s.replace(/NAME:[\s\S]*/, '<usage>') : undefined });
    });
  });

  describe('put and del', () => {
    it.each(formats.map((w) => [w]))('puts with -w %s', (w) => {
      same(['put', `p-${w}`, 'v1', '-w', w]);
      same(['put', `p-${w}`, 'v2', '--prev-kv', '-w', w]);
    });

    it('puts a value from stdin and keeps the value with --ignore-value', () => {
      same(['put', 'stdin-key'], { input: 'from\nstdin\n' });
      same(['put', 'stdin-key', '--ignore-value', '--prev-kv']);
      same(['get', 'stdin-key', '-w', 'json']);
    });

    it.each([
      [['put']],
      [['put', 'k']],
      [['put', 'k', 'v', '--ignore-value']],
      [['put', 'k', 'v', '--lease', 'zz']],
      [['put', 'k', 'v', '--lease', '0x10']],
      [['put', 'k', 'v', '--lease', '1234abcd']],
      [['put', 'k', '--ignore-value']],
      [['put', 'k', 'v', '--bogus']],
      [['del']],
      [['del', 'a', 'b', 'c']],
      [['del', 'a', '--prefix', '--from-key']],
      [['del', 'x', '--bogus']],
    ])('fails on %j as etcdctl does', (args) => {
      same(args);
    });

    it.each(formats.map((w) => [w]))('deletes with -w %s', (w) => {
      setup(['put', `d-${w}/1`, 'x']);
      setup(['put', `d-${w}/2`, 'y']);
      same(['del', `d-${w}/1`, '-w', w]);
      same(['del', `d-${w}`, '--prefix', '--prev-kv', '-w', w]);
      same(['del', `d-${w}`, '--prefix', '-w', w]);
    });

    it('deletes a range and from a key', () => {
      setup(['put', 'r/1', '1']);
      setup(['put', 'r/2', '2']);
      setup(['put', 'r/3', '3']);
      same(['del', 'r/1', 'r/3', '--prev-kv']);
      same(['del', 'r/', '--from-key', '--prev-kv', '-w', 'json']);
      setup(['put', 'a', '1']);
      setup(['put', 'b', '22']);
      setup(['put', 'foo', 'bar2']);
      setup(['put', 'foo/1', 'one']);
      setup(['put', 'foo/2', 'two']);
    });
  });

  describe('txn', () => {
    const txnCases: [string, string][] = [
      ['success', 'value("foo") = "bar2"\n\nput t1 v1\nget foo --prefix\ndel nothing\n\nput t2 v2\n\n'],
      ['failure', 'mod("foo") < "2"\nver("a") != "1"\n\nput t1 v1\n\nget t --prefix --keys-only\nput t3 "x y"\n\n'],
      ['empty', '\n\n\n'],
      ['prev-kv and quoting', "create(\"t1\") > \"0\"\nval(`foo`) != \"\\x62\"\n\n\"put\" t1 'v v' --prev-kv\ndel t --prefix --prev-kv\n\n\n"],
      ['abbreviated commands', '\ng foo\np t4 x\nd t4\n\n\n'],
    ];
    it.each(txnCases.flatMap(([name, input]) => formats.map((w) => [name, w, input])))('runs the %s transaction with -w %s', (_name, w, input) => {
      same(['txn', '-w', w], { input });
    });

    it('prints the interactive prompts when piped with -i', () => {
      same(['txn', '-i'], { input: 'value("foo") = "nope"\n\nput x y\n\nget foo\n\n' });
    });

    it.each([
      ['bogus\n\n\n\n'],
      ['value(foo) = "bar"\n\n\n\n'],
      ['value("foo") = \n\n\n\n'],
      ['value("foo")="bar"\n\n\n\n'],
      ['val ("foo") = "bar"\n\n\n\n'],
      ['ver("foo") = "x"\n\n\n\n'],
      ['value("foo") = "bar"'],
      [''],
      ['value("foo") = "bar"\n\nput k\n\n\n'],
      ['\nput a b --bogus\n\n\n'],
      ['\nget a --limit\n\n\n'],
      ['\nfoo a b\n\n\n'],
      ['\nget\n\n\n'],
      ['\nget a --prefix --from-key\n\n\n'],
    ])('fails on input %j as etcdctl does', (input) => {
      same(['txn'], { input });
    });

    it('refuses arguments', () => {
      same(['txn', 'extra']);
    });
  });

  describe('compaction', () => {
    it('compacts and reports errors as etcdctl does', () => {
      same(['compaction', '3']);
      same(['compaction', '3']);
      same(['compaction', '2', '-w', 'json']);
      same(['compaction', '100000', '--physical']);
      same(['compaction', 'abc']);
      same(['compaction']);
      same(['compaction', '1', '2']);
      same(['get', 'foo', '--rev', '2']);
    });
  });

  describe('member and endpoint', () => {
    it.each(formats.map((w) => [w]))('lists members with -w %s', (w) => {
      same(['member', 'list', '-w', w]);
    });

    it('takes etcdctl 3.6\'s member list --consistency (3.4 has no such flag: compared with a plain member list)', () => {
      const plain = normalize(runEtcdctl(ref.endpoint, ['member', 'list', '-w', 'json']));
      for (const c of ['l', 's']) {
        expect(normalize(runCairnCtl(sut.endpoint, ['member', 'list', '-w', 'json', '--consistency', c]))).toEqual(plain);
      }
      const bad = normalize(runCairnCtl(sut.endpoint, ['member', 'list', '--consistency', 'x']));
      expect(bad).toEqual({ stdout: '', stderr: 'Error: unknown consistency flag "x"\n', code: 4 });
    });

    it.each(formats.map((w) => [w]))('prints endpoint status and hashkv with -w %s', (w) => {
      if (w === 'protobuf') {
        // binary: decode both and compare all but the database size
        const { etcdctl, cairn } = comparePair(ref.endpoint, sut.endpoint, ['endpoint', 'status', '-w', w]);
        const decode = (s: string) => ({ ...etcdserverpb.StatusResponse.toObject(etcdserverpb.StatusResponse.decode(Buffer.from(s, 'latin1')), { longs: String }), dbSize: '<n>', dbSizeInUse: '<n>' });
        expect({ ...cairn, stdout: decode(cairn.stdout) }).toEqual({ ...etcdctl, stdout: decode(etcdctl.stdout) });
      } else {
        same(['endpoint', 'status', '-w', w], { mask: maskDbSize });
      }
      same(['endpoint', 'hashkv', '-w', w]);
      same(['endpoint', 'hashkv', '--rev', '5', '-w', w]);
    });

    it.each(formats.map((w) => [w]))('checks endpoint health with -w %s', (w) => {
      same(['endpoint', 'health', '-w', w], { mask: maskDurations });
    });

    it('takes the endpoints from the member list with --cluster', () => {
      same(['endpoint', 'status', '--cluster'], { mask: maskDbSize });
      same(['endpoint', 'health', '--cluster', '-w', 'json'], { mask: maskDurations });
    });
  });

  describe('global flags and environment', () => {
    it('reads ETCDCTL_ENDPOINTS, ETCDCTL_WRITE_OUT and ETCDCTL_HEX', () => {
      const a = comparePair(ref.endpoint, sut.endpoint, ['get', 'foo'], { noEndpoint: true, env: { ETCDCTL_ENDPOINTS: ref.endpoint, ETCDCTL_WRITE_OUT: 'json', ETCDCTL_HEX: 'true' } });
      const b = comparePair(ref.endpoint, sut.endpoint, ['get', 'foo'], { noEndpoint: true, env: { ETCDCTL_ENDPOINTS: sut.endpoint, ETCDCTL_WRITE_OUT: 'json', ETCDCTL_HEX: 'true' } });
      expect(b.cairn).toEqual(a.etcdctl);
    });

    it('warns about unknown ETCDCTL_ variables and refuses a flag shadowing its variable', () => {
      same(['get', 'foo'], { env: { ETCDCTL_PREFIX: 'true', ETCDCTL_FOO: 'x' } });
      same(['get', 'foo'], { env: { ETCDCTL_ENDPOINTS: '127.0.0.1:1' } });
      same(['version'], { env: { ETCDCTL_FOO: 'x' } });
    });

    it('accepts global flags before the command', () => {
      same(['get', 'foo', '-w', 'fields'], { endpointFirst: true });
    });

    it('reports an unreachable endpoint after the command timeout', () => {
      const { etcdctl, cairn } = comparePair('127.0.0.1:1', '127.0.0.1:1', ['get', 'foo', '--command-timeout', '1s']);
      expect(cairn).toEqual(etcdctl);
      expect(etcdctl.stderr).toBe('Error: context deadline exceeded\n');
    });

    it('fails over to the next endpoint', () => {
      const { etcdctl, cairn } = comparePair(`127.0.0.1:1,${ref.endpoint}`, `127.0.0.1:1,${sut.endpoint}`, ['get', 'foo'], { noEndpoint: false });
      expect(cairn).toEqual(etcdctl);
    });

    it('prints the version', () => {
      same(['version']);
    });

    it('rejects an empty --cacert and a missing CA file', () => {
      same(['get', 'foo', '--cacert=']);
      same(['get', 'foo', '--cacert', '/nonexistent/ca.pem']);
    });
  });
});
