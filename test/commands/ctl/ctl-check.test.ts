// cairn ctl check perf / check datascale against etcdctl 3.4, each on one of two twin etcd 3.4 members.
// etcdctl's check perf runs its full 60 s (started first, in the background); cairn's runs 3 s through the
// test-only CAIRN_CHECK_DURATION_SCALE. Verdicts depend on the machine, so they are compared by shape: every
// line of both tools must be one of check.go's lines (numbers masked), in the same order, with the final
// PASS/FAIL matching the exit code. Needs a build (`npm run build`).
import { spawn, spawnSync } from 'node:child_process';
import { hasEtcdctl, runCairnCtl, runEtcdctl, startTwinEtcd, type CtlRun, type EtcdMember } from './ctl-diff';
import { RUN_JS } from '../../helpers/procs';

const describeIf = hasEtcdctl() ? describe : describe.skip;

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ETCDCTL_')) e[k] = v;
  return { ...e, ETCDCTL_API: '3', ...extra };
}

function etcdctlAsync(args: readonly string[]): Promise<CtlRun> {
  return new Promise((resolve, reject) => {
    const p = spawn('etcdctl', args, { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => err.push(b));
    p.on('error', reject);
    p.on('close', (code) => resolve({ stdout: Buffer.concat(out).toString('latin1'), stderr: Buffer.concat(err).toString('latin1'), code }));
  });
}

/**
 * etcdctl draws its progress bar (gopkg.in/cheggaaa/pb) on stdout, "\r 59 / 60   98.33%" and at the end
 * "\r 60 / 60  100.00% 1m0s\n" — from another goroutine, so its pieces can land in the middle of other lines:
 * dropped wherever they are.
 */
const dropBar = (s: string) => s.replace(/\r *\d+ \/ \d+ +\d+\.\d\d%(?: [0-9hms.µ\u00c2]+)?/g, '');
/** measured values, revisions and the endpoints' ports differ between runs: masked */
const maskNumbers = (s: string) => s.replace(/-?\d+(\.\d+)?/g, 'N');

// check.go's lines, numbers masked, by kind
const perfGrammar: readonly [string, RegExp][] = [
  ['errors', /^FAIL: too many errors$|^FAIL: ERROR\(.*\) -> N$/],
  ['compact', /^Compacting with revision N$|^Compacted with revision N$/],
  ['defrag', /^Defragmenting "[^"]+"$|^Defragmented "[^"]+"$/],
  ['throughput', /^PASS: Throughput is N writes\/s$|^FAIL: Throughput too low: N writes\/s$/],
  ['slowest', /^PASS: Slowest request took Ns$|^Slowest request took too long: Ns$/],
  ['stddev', /^PASS: Stddev is Ns$|^Stddev too high: Ns$/],
  ['verdict', /^PASS$|^FAIL$/],
];
const datascaleGrammar: readonly [string, RegExp][] = [
  ['start', /^Start data scale check for work load \[N key-value pairs, N bytes per key-value, N concurrent clients\]\.$/],
  ['errors', /^FAIL: too many errors$|^FAIL: ERROR\(.*\) -> N$/],
  ['memory', /^PASS: Approximate system memory used : N MB\.$/],
];

/** the kinds of the lines of stdout, in order (a line outside the grammar fails the test) */
function shape(stdout: string, grammar: readonly [string, RegExp][]): string[] {
  return maskNumbers(dropBar(stdout)).split('\n').filter((l) => l !== '').map((l) => {
    const kind = grammar.find(([, re]) => re.test(l))?.[0];
    if (kind === undefined) throw new Error(`not a check line: ${JSON.stringify(l)}`);
    return kind;
  });
}

describeIf('cairn ctl check vs etcdctl 3.4', () => {
  let ref: EtcdMember;
  let sut: EtcdMember;
  let etcdctlPerf: Promise<CtlRun>;
  let etcdctlDatascale: Promise<CtlRun>;

  beforeAll(async () => {
    [ref, sut] = await startTwinEtcd();
    // the full 60 s of etcdctl's check perf runs while the other cases do
    etcdctlPerf = etcdctlAsync(['--endpoints', ref.endpoint, 'check', 'perf', '--prefix', '/perf/', '--auto-compact', '--auto-defrag']);
    etcdctlDatascale = etcdctlAsync(['--endpoints', ref.endpoint, 'check', 'datascale', '--prefix', '/scale/']);
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled([etcdctlPerf, etcdctlDatascale]);
    await Promise.all([ref?.stop(), sut?.stop()]);
  });

  const both = (args: string[]) => ({ etcdctl: runEtcdctl(ref.endpoint, args), cairn: runCairnCtl(sut.endpoint, args) });
  const keysUnder = (m: EtcdMember, prefix: string) => runEtcdctl(m.endpoint, ['get', '--prefix', '--keys-only', prefix]).stdout;

  it('refuses an unknown load as etcdctl does', () => {
    for (const cmd of ['perf', 'datascale']) {
      const { etcdctl, cairn } = both(['check', cmd, '--load', 'huge']);
      expect(etcdctl).toEqual({ stdout: '', stderr: 'Error: unknown load option huge\n', code: 4 });
      expect(cairn).toEqual(etcdctl);
    }
    // the load is read before the output format
    const badFormat = both(['-w', 'yaml', 'check', 'datascale']);
    expect(badFormat.etcdctl).toEqual({ stdout: '', stderr: 'Error: unsupported output format\n', code: 4 });
    expect(badFormat.cairn).toEqual(badFormat.etcdctl);
    expect(both(['-w', 'yaml', 'check', 'perf', '--load', 'huge']).cairn).toEqual({ stdout: '', stderr: 'Error: unknown load option huge\n', code: 4 });
  });

  it('refuses a prefix that holds keys, and leaves them', () => {
    for (const m of [ref, sut]) expect(runEtcdctl(m.endpoint, ['put', '/busy/k', 'v']).code).toBe(0);
    for (const cmd of ['perf', 'datascale']) {
      const { etcdctl, cairn } = both(['check', cmd, '--prefix', '/busy/']);
      expect(etcdctl).toEqual({ stdout: '', stderr: 'Error: prefix "/busy/" has keys. Delete with etcdctl del --prefix /busy/ first\n', code: 3 });
      expect(cairn).toEqual(etcdctl);
    }
    expect(keysUnder(sut, '/busy/')).toBe('/busy/k\n\n');
  });

  it('checks datascale, prints the same lines and deletes its keys', async () => {
    const cairn = runCairnCtl(sut.endpoint, ['check', 'datascale', '--prefix', '/scale/'], { timeoutMs: 80_000 });
    const etcdctl = await etcdctlDatascale;
    expect(shape(etcdctl.stdout, datascaleGrammar)).toEqual(['start', 'memory']);
    expect({ shape: shape(cairn.stdout, datascaleGrammar), code: cairn.code, stderr: cairn.stderr }).toEqual({ shape: ['start', 'memory'], code: etcdctl.code, stderr: '' });
    // the same lines; etcdctl's also has the empty line its bar ends with
    const lines = (s: string) => maskNumbers(dropBar(s)).split('\n').filter((l) => l !== '');
    expect(lines(cairn.stdout)).toEqual(lines(etcdctl.stdout));
    expect(cairn.stdout).toMatch(/^Start data scale check for work load \[10000 key-value pairs, 1024 bytes per key-value, 50 concurrent clients\]\.\n/);
    expect(keysUnder(sut, '/scale/')).toBe('');
  }, 85_000);

  it('shows progress as a percentage on a terminal only, never with -w json', () => {
    const cmd = (extra: string) => `${process.execPath} ${RUN_JS} ctl --endpoints ${sut.endpoint} check perf --prefix /tty/ ${extra}`;
    // script(1) gives the command a terminal (stdout and stderr both on it), sized so the spinner can draw
    const tty = (extra: string) => spawnSync('script', ['-qec', `stty cols 100 rows 30; ${cmd(extra)}`, '/dev/null'], { env: env({ CAIRN_CHECK_DURATION_SCALE: '0.04' }), encoding: 'latin1', timeout: 30_000 }).stdout;
    const shown = tty('');
    expect({ percent: /\d+%/.test(shown), end: /\n(PASS|FAIL)\r\n/.test(shown) }).toEqual({ percent: true, end: true });
    const json = tty('-w json');
    // no spinner at all: no percentage, no escape sequence, just the verdict lines
    expect({ percent: /%/.test(json), plain: /^[^%\u001b]*\n(PASS|FAIL)\r\n$/.test(json) }).toEqual({ percent: false, plain: true });
    expect(keysUnder(sut, '/tty/')).toBe('');
  });

  it('checks perf with the same verdict lines, compacts, defragments and deletes its keys', async () => {
    const cairn = runCairnCtl(sut.endpoint, ['check', 'perf', '--prefix', '/perf/', '--auto-compact', '--auto-defrag'], { env: { CAIRN_CHECK_DURATION_SCALE: '0.05' } });
    const expected = ['compact', 'compact', 'defrag', 'defrag', 'throughput', 'slowest', 'stddev', 'verdict'];
    expect({ shape: shape(cairn.stdout, perfGrammar), stderr: cairn.stderr }).toEqual({ shape: expected, stderr: '' });
    expect(cairn.code).toBe(cairn.stdout.endsWith('\nPASS\n') ? 0 : 1);
    expect(cairn.stdout).toContain(`Defragmenting "${sut.endpoint}"\nDefragmented "${sut.endpoint}"\n`);
    expect(keysUnder(sut, '/perf/')).toBe('');
    const etcdctl = await etcdctlPerf;
    expect(shape(etcdctl.stdout, perfGrammar)).toEqual(expected);
    expect(etcdctl.code).toBe(etcdctl.stdout.endsWith('\nPASS\n') ? 0 : 1);
    expect(keysUnder(ref, '/perf/')).toBe('');
  }, 85_000);
});
